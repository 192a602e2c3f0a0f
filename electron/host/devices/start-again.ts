// When a silent device is commanded again: a monitor switched on after its cable was connected,
// or one that restarted, waits for the host's start command, which the host sent long ago.

export interface QuietSince {
  /** When the port was opened (the first start command went out then). */
  openedAtMs: number;
  /** The last decoded frame, on any connection; null before the first. */
  lastFrameAtMs: number | null;
  /** The last time the start was sent again; 0 before the first. */
  lastStartAgainAtMs: number;
}

/** True once nothing has been heard, nor sent, for `afterSilenceMs`: the start is due again. */
export function startAgainDue(nowMs: number, afterSilenceMs: number, quiet: QuietSince): boolean {
  const since = Math.max(
    quiet.openedAtMs,
    quiet.lastFrameAtMs ?? -Infinity,
    quiet.lastStartAgainAtMs,
  );
  return nowMs - since >= afterSilenceMs;
}
