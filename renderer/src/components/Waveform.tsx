// A live sweeping waveform (bedside-monitor style) for one channel, with its paper speed
// (12.5, 25, 50 mm/s) and, for a calibrated ECG, its gain (5, 10, 20 mm/mV; or fitted to the
// band). Samples never pass through React: the parent pushes blocks into a WaveformFeed and the
// sweep draws what is new each frame.
import { memo, useId, useState } from 'react';
import { strings } from '../strings';
import type { SweepGain } from './waveform/sweep-canvas';
import { SweepTrace } from './waveform/SweepTrace';
import { SWEEP_MM_PER_S } from './waveform/sweep-display';
import type { WaveformFeed } from './waveform/waveform-feed';
import { useFeedLiveness } from './waveform/use-feed-liveness';

export const SWEEP_SPEEDS = [12.5, 25, 50] as const;
export const ECG_GAINS = [5, 10, 20] as const;

/** Millivolts per unit of the channel's physical unit, where a gain in mm/mV makes sense. */
const MV_PER_UNIT: Record<string, number> = { mV: 1, uV: 0.001, µV: 0.001 };

export interface WaveformProps {
  feed: WaveformFeed;
  /** Short channel name a nurse reads, e.g. "ECG", "Pleth", "Resp". */
  label: string;
  /** Trace and label colour (CSS colour). */
  color: string;
  /** Physical units per raw count from the channel spec; null shows an "uncalibrated" tag. */
  scale: number | null;
  /** The channel's physical unit (UCUM), for the gain in mm/mV. */
  unit?: string;
}

// Memoised: the parent re-renders on every numeric; the trace has nothing to re-render for.
export const Waveform = memo(function Waveform({
  feed,
  label,
  color,
  scale,
  unit = '',
}: WaveformProps) {
  const live = useFeedLiveness(feed);
  const [mmPerS, setMmPerS] = useState<number>(SWEEP_MM_PER_S);
  const mvPerUnit = MV_PER_UNIT[unit];
  const canGain = scale !== null && mvPerUnit !== undefined;
  // 10 mm/mV is the standard ECG gain; 0 means "fit to the band".
  const [mmPerMv, setMmPerMv] = useState<number>(canGain ? 10 : 0);
  const gain: SweepGain | null =
    canGain && mmPerMv > 0 ? { mmPerUnit: mmPerMv * mvPerUnit, unitsPerCount: scale } : null;
  const speedId = useId();
  const gainId = useId();

  return (
    <figure
      className={live ? 'waveform' : 'waveform waveform--no-signal'}
      data-testid={`waveform-${feed.channel}`}
      data-live={live}
      data-speed={mmPerS}
      data-gain={gain ? mmPerMv : 'fit'}
    >
      <figcaption className="waveform__caption">
        <span className="waveform__label" style={{ color }}>
          {label}
        </span>
        {scale === null && (
          <span className="waveform__tag" title={strings.uncalibratedHint}>
            {strings.uncalibrated}
          </span>
        )}
        <label className="waveform__setting" htmlFor={speedId}>
          <span className="visually-hidden">{strings.waveformSpeed(label)}</span>
          <select
            id={speedId}
            className="waveform__select"
            value={mmPerS}
            onChange={(event) => setMmPerS(Number(event.target.value))}
            data-testid="waveform-speed"
          >
            {SWEEP_SPEEDS.map((speed) => (
              <option key={speed} value={speed}>
                {strings.mmPerS(speed)}
              </option>
            ))}
          </select>
        </label>
        {canGain && (
          <label className="waveform__setting" htmlFor={gainId}>
            <span className="visually-hidden">{strings.waveformGain(label)}</span>
            <select
              id={gainId}
              className="waveform__select"
              value={mmPerMv}
              onChange={(event) => setMmPerMv(Number(event.target.value))}
              data-testid="waveform-gain"
            >
              {ECG_GAINS.map((mm) => (
                <option key={mm} value={mm}>
                  {strings.mmPerMv(mm)}
                </option>
              ))}
              <option value={0}>{strings.gainFit}</option>
            </select>
          </label>
        )}
      </figcaption>
      <SweepTrace
        className="waveform__plot"
        feed={feed}
        color={color}
        mmPerS={mmPerS}
        gain={gain}
      />
      {!live && (
        <p className="waveform__no-signal" role="status">
          {strings.noSignal}
        </p>
      )}
    </figure>
  );
});
