// The caliper controls and readout: which caliper (time or amplitude), place or clear it, and
// what it reads: Δt in ms with its rate per minute (RR → heart rate), or Δ in mV (ST).
import { strings } from '../../strings';
import {
  readAmplitudeCaliper,
  readTimeCaliper,
  type AmplitudeCaliper,
  type TimeCaliper,
} from './calipers';
import type { CaliperMode } from './CaliperMarkers';
import type { ReviewChannel } from './review-signal';

const t = strings.review;

export interface CaliperPanelProps {
  mode: CaliperMode;
  onMode: (mode: CaliperMode) => void;
  timeCaliper: TimeCaliper | null;
  amplitudeCaliper: AmplitudeCaliper | null;
  channels: readonly ReviewChannel[];
  onPlace: () => void;
  onClear: () => void;
}

export function CaliperPanel(props: CaliperPanelProps) {
  const { mode, timeCaliper, amplitudeCaliper } = props;
  const time = timeCaliper && readTimeCaliper(timeCaliper);
  const channel = amplitudeCaliper && props.channels.find((c) => c.key === amplitudeCaliper.rowKey);
  const calibrated = channel ? channel.mvPerCount !== null : false;
  const reading = mode === 'time' ? time : amplitudeCaliper;
  return (
    <section className="review-calipers" aria-label={t.calipers}>
      <fieldset className="review-calipers__mode">
        <legend>{t.calipers}</legend>
        {(['time', 'amplitude'] as const).map((value) => (
          <label key={value}>
            <input
              type="radio"
              name="caliper-mode"
              value={value}
              checked={mode === value}
              onChange={() => props.onMode(value)}
              data-testid={`caliper-mode-${value}`}
            />
            {value === 'time' ? t.timeCaliper : t.amplitudeCaliper}
          </label>
        ))}
      </fieldset>
      <div className="review-calipers__actions">
        <button
          type="button"
          className="button"
          onClick={props.onPlace}
          data-testid="place-calipers"
        >
          {t.placeCalipers}
        </button>
        <button
          type="button"
          className="button"
          onClick={props.onClear}
          disabled={!reading}
          data-testid="clear-calipers"
        >
          {t.clearCalipers}
        </button>
      </div>
      <output className="review-calipers__readout" aria-live="polite" data-testid="caliper-readout">
        {mode === 'time' && time ? (
          <>
            <span data-testid="caliper-interval">{t.interval(time.intervalMs)}</span>
            {time.ratePerMin !== null && (
              <span data-testid="caliper-rate">{t.rate(time.ratePerMin)}</span>
            )}
          </>
        ) : mode === 'amplitude' && amplitudeCaliper ? (
          <span data-testid="caliper-amplitude">
            {t.amplitude(readAmplitudeCaliper(amplitudeCaliper), calibrated ? 'mV' : t.countsUnit)}
          </span>
        ) : (
          <span className="review-calipers__hint">{t.noReading}</span>
        )}
      </output>
      <p className="review-calipers__hint">{t.calipersHint}</p>
    </section>
  );
}
