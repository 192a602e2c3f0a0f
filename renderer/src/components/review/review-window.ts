// The window of time the review shows, and the fixed blocks it is fetched in: moving the window
// (a screen, 10 s, to an alarm) is arithmetic on [fromMs, toMs), kept inside the retention.
export const RETENTION_MS = 72 * 3_600_000;
/** Signal is fetched and cached in blocks aligned to this, so a window reuses its neighbours'. */
export const FETCH_BLOCK_MS = 10_000;
/** A small step: ten seconds, as a caliper-reading clinician moves along a strip. */
export const SMALL_STEP_MS = 10_000;

export interface TimeWindow {
  fromMs: number;
  toMs: number;
}

/** The stored extent a window may move within (oldest and newest stored sample). */
export interface StoredExtent {
  oldestMs: number;
  newestMs: number;
}

/** A window of this duration centred on a moment (an alarm, an event). */
export function centredWindow(atMs: number, durationMs: number): TimeWindow {
  const fromMs = Math.round(atMs - durationMs / 2);
  return { fromMs, toMs: fromMs + Math.round(durationMs) };
}

/** The window moved by stepMs (negative: earlier), kept inside the extent when one is known. */
export function movedWindow(window: TimeWindow, stepMs: number, extent?: StoredExtent): TimeWindow {
  return clampWindow({ fromMs: window.fromMs + stepMs, toMs: window.toMs + stepMs }, extent);
}

/** The window of the same duration as close as it can be while overlapping the stored extent. */
export function clampWindow(window: TimeWindow, extent?: StoredExtent): TimeWindow {
  if (!extent) return window;
  const durationMs = window.toMs - window.fromMs;
  // Half a screen of empty paper is allowed at either end, so the first and last beats can be
  // centred.
  const earliest = extent.oldestMs - durationMs / 2;
  const latest = extent.newestMs + durationMs / 2 - durationMs;
  const fromMs = Math.round(
    Math.min(Math.max(window.fromMs, earliest), Math.max(earliest, latest)),
  );
  return { fromMs, toMs: fromMs + durationMs };
}

/** The same window with a new duration (the paper speed or width changed), same centre. */
export function resizedWindow(window: TimeWindow, durationMs: number): TimeWindow {
  return centredWindow((window.fromMs + window.toMs) / 2, durationMs);
}

/** Start times of the fetch blocks that cover a window. */
export function blocksCovering(window: TimeWindow, blockMs = FETCH_BLOCK_MS): number[] {
  const starts: number[] = [];
  for (let at = Math.floor(window.fromMs / blockMs) * blockMs; at < window.toMs; at += blockMs) {
    starts.push(at);
  }
  return starts;
}

/** The blocks of the screens before and after a window: fetched ahead so scrolling is smooth. */
export function neighbourBlocks(window: TimeWindow, blockMs = FETCH_BLOCK_MS): number[] {
  const durationMs = window.toMs - window.fromMs;
  const shown = new Set(blocksCovering(window, blockMs));
  const around = [
    ...blocksCovering({ fromMs: window.fromMs - durationMs, toMs: window.fromMs }, blockMs),
    ...blocksCovering({ fromMs: window.toMs, toMs: window.toMs + durationMs }, blockMs),
  ];
  return [...new Set(around)].filter((at) => !shown.has(at));
}

/** The first of the sorted moments strictly after `afterMs`, or undefined. */
export function nextMoment(momentsMs: readonly number[], afterMs: number): number | undefined {
  return [...momentsMs].sort((a, b) => a - b).find((at) => at > afterMs + 0.5);
}

/** The last of the moments strictly before `beforeMs`, or undefined. */
export function previousMoment(momentsMs: readonly number[], beforeMs: number): number | undefined {
  return [...momentsMs].sort((a, b) => b - a).find((at) => at < beforeMs - 0.5);
}
