// How fast junk arrives on a line: the bytes a decoder skipped per second over about the last
// 10 s, from its running total read as time passes. A noisy cable or a device printing debug text
// shows here while every frame still decodes. Pure: the session gives it the time.

export const SKIP_RATE_WINDOW_MS = 10_000;
/** The running total is kept once a second: at most 11 readings whatever the window's traffic. */
const READING_EVERY_MS = 1000;

interface Reading {
  atMs: number;
  total: number;
}

export class SkipRate {
  private readonly readings: Reading[];

  /** `startMs`: when counting began (the total was 0), so a young session has a rate too. */
  constructor(
    startMs: number,
    private readonly windowMs = SKIP_RATE_WINDOW_MS,
  ) {
    this.readings = [{ atMs: startMs, total: 0 }];
  }

  /** The running total at `atMs` (never earlier than the last call); returns bytes per second. */
  observe(atMs: number, total: number): number {
    const readings = this.readings;
    const last = readings[readings.length - 1]!;
    if (atMs - last.atMs >= READING_EVERY_MS) readings.push({ atMs, total });
    // The oldest reading kept is the newest one at least a window old: the rate spans the window.
    while (readings.length > 1 && atMs - readings[1]!.atMs >= this.windowMs) readings.shift();
    const base = readings[0]!;
    // At least a second: a few bytes of a frame cut at connection are not a burst of noise.
    const spanMs = Math.max(atMs - base.atMs, READING_EVERY_MS);
    return (Math.max(0, total - base.total) * 1000) / spanMs;
  }
}
