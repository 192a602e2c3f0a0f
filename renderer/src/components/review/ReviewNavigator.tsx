// Moving through the stored record: paper speed and ECG gain, a screen or 10 s back and forth,
// a date-and-time to go to, and a scrollbar over everything stored (up to 72 h).
import { strings } from '../../strings';
import {
  ECG_GAINS_MM_PER_MV,
  PAPER_SPEEDS_MM_PER_S,
  type EcgGainMmPerMv,
  type PaperSpeedMmPerS,
} from './paper';
import { SMALL_STEP_MS, type StoredExtent, type TimeWindow } from './review-window';

const t = strings.review;

export interface ReviewNavigatorProps {
  window: TimeWindow;
  extent: StoredExtent | null;
  speedMmPerS: PaperSpeedMmPerS;
  gainMmPerMv: EcgGainMmPerMv;
  onSpeed: (speed: PaperSpeedMmPerS) => void;
  onGain: (gain: EcgGainMmPerMv) => void;
  /** Moves the paper by stepMs (negative: earlier). */
  onStep: (stepMs: number) => void;
  /** Centres the paper on a moment. */
  onCentre: (atMs: number) => void;
}

/** A moment as the value of a datetime-local input (local time, to the second). */
export function toLocalInput(atMs: number): string {
  const d = new Date(atMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}

export function ReviewNavigator(props: ReviewNavigatorProps) {
  const { window, extent } = props;
  const screenMs = window.toMs - window.fromMs;
  const centreMs = Math.round((window.fromMs + window.toMs) / 2);
  const steps = [
    { label: t.screenBack, aria: t.screenBackLabel, ms: -screenMs, id: 'screen-back' },
    { label: t.stepBack, aria: t.stepBackLabel, ms: -SMALL_STEP_MS, id: 'step-back' },
    { label: t.stepForward, aria: t.stepForwardLabel, ms: SMALL_STEP_MS, id: 'step-forward' },
    { label: t.screenForward, aria: t.screenForwardLabel, ms: screenMs, id: 'screen-forward' },
  ];
  return (
    <section className="review-nav" aria-label={t.controls}>
      <div className="review-nav__row">
        <label className="review-nav__field">
          {t.speed}
          <select
            value={props.speedMmPerS}
            onChange={(e) => props.onSpeed(Number(e.target.value) as PaperSpeedMmPerS)}
            data-testid="review-speed"
          >
            {PAPER_SPEEDS_MM_PER_S.map((speed) => (
              <option key={speed} value={speed}>
                {t.speedValue(speed)}
              </option>
            ))}
          </select>
        </label>
        <label className="review-nav__field">
          {t.gain}
          <select
            value={props.gainMmPerMv}
            onChange={(e) => props.onGain(Number(e.target.value) as EcgGainMmPerMv)}
            data-testid="review-gain"
          >
            {ECG_GAINS_MM_PER_MV.map((gain) => (
              <option key={gain} value={gain}>
                {t.gainValue(gain)}
              </option>
            ))}
          </select>
        </label>
        <div className="review-nav__steps">
          {steps.map((step) => (
            <button
              key={step.id}
              type="button"
              className="button"
              aria-label={step.aria}
              onClick={() => props.onStep(step.ms)}
              data-testid={`review-${step.id}`}
            >
              {step.label}
            </button>
          ))}
        </div>
        <label className="review-nav__field">
          {t.goTo}
          <input
            type="datetime-local"
            step={1}
            aria-label={t.goToLabel}
            value={toLocalInput(centreMs)}
            min={extent ? toLocalInput(extent.oldestMs) : undefined}
            max={extent ? toLocalInput(extent.newestMs) : undefined}
            onChange={(e) => {
              const atMs = new Date(e.target.value).getTime();
              if (Number.isFinite(atMs)) props.onCentre(atMs);
            }}
            data-testid="review-go-to"
          />
        </label>
        <span className="review-nav__window" data-testid="review-window">
          {t.window(window.fromMs, window.toMs)}
        </span>
      </div>
      {extent && (
        <div className="review-nav__row">
          <input
            className="review-nav__scroll"
            type="range"
            min={extent.oldestMs}
            max={Math.max(extent.newestMs, extent.oldestMs + 1)}
            step={1000}
            value={Math.min(Math.max(centreMs, extent.oldestMs), extent.newestMs)}
            aria-label={t.position}
            aria-valuetext={t.positionValue(centreMs)}
            onChange={(e) => props.onCentre(Number(e.target.value))}
            data-testid="review-scroll"
          />
          <span className="review-nav__extent">{t.extent(extent.oldestMs, extent.newestMs)}</span>
        </div>
      )}
    </section>
  );
}
