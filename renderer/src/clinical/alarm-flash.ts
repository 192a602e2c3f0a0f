// The flashing of active alarms (IEC 60601-1-8: high 2 Hz, medium 0.5 Hz, 50 % duty, low steady),
// kept by one timer for the whole screen: it sets `data-flash-high` and `data-flash-medium` on the
// document to "lit" or "dim", and the style sheets dim the active alarms of that priority. Every
// flashing alarm on the screen is in phase, as on a monitor, and the page restyles 6 times a
// second instead of on every frame (a CSS animation is re-evaluated 60 times a second on every
// element it runs on: ~3 % of a 16-bed central station's main thread, issue 14).
import type { AlarmPriority } from '../../../shared/model/schemas';
import { FLASH, isFlashLit } from './alarm-tones';

const FLASHING: readonly AlarmPriority[] = ['high', 'medium'];

/** The attribute values for `elapsedMs` into the flashing. */
export function flashState(elapsedMs: number): Record<'high' | 'medium', 'lit' | 'dim'> {
  return {
    high: isFlashLit('high', elapsedMs) ? 'lit' : 'dim',
    medium: isFlashLit('medium', elapsedMs) ? 'lit' : 'dim',
  };
}

/** Milliseconds from `elapsedMs` to the next change of any priority's phase. */
export function msToNextEdge(elapsedMs: number): number {
  let next = Infinity;
  for (const priority of FLASHING) {
    const flash = FLASH[priority];
    if (!flash) continue;
    const halfMs = Math.min(flash.duty, 1 - flash.duty) * (1000 / flash.hz);
    next = Math.min(next, halfMs - (elapsedMs % halfMs));
  }
  return Math.max(1, next);
}

/** Starts the flashing on `root` (the document element); returns the function that stops it. */
export function startAlarmFlash(
  root: Pick<HTMLElement, 'dataset'> = document.documentElement,
  now: () => number = () => performance.now(),
): () => void {
  const start = now();
  let timer: ReturnType<typeof setTimeout> | null = null;
  const update = () => {
    const elapsed = now() - start;
    const state = flashState(elapsed);
    if (root.dataset.flashHigh !== state.high) root.dataset.flashHigh = state.high;
    if (root.dataset.flashMedium !== state.medium) root.dataset.flashMedium = state.medium;
    // A few ms past the edge, so the next check lands in the new phase.
    timer = setTimeout(update, msToNextEdge(now() - start) + 2);
  };
  update();
  return () => {
    if (timer !== null) clearTimeout(timer);
  };
}
