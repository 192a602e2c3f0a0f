// Maps a device's sample counter to wall-clock time. Bytes reach us late by a varying amount
// (USB polling, the OS, our own event loop) but never early, so the earliest-looking arrival is
// the best estimate of when the device took the samples: the clock tracks the minimum of
// (arrival − index × period) over a window, which also follows slow crystal drift. A gap much
// longer than the jitter (the device paused, frames were lost) starts a new anchor.

export interface SampleClockOptions {
  /** How long a minimum is kept before the estimate may move later (drift). */
  windowMs?: number;
  /** Arrivals later than this past the expected time mean samples went missing: re-anchor. */
  gapMs?: number;
}

export class SampleClock {
  readonly periodMs: number;
  private readonly windowMs: number;
  private readonly gapMs: number;
  private nextIndex = 0;
  private originMs: number | null = null;
  private windowMin = Infinity;
  private windowStartMs = 0;

  constructor(
    readonly rateHz: number,
    options: SampleClockOptions = {},
  ) {
    this.periodMs = 1000 / rateHz;
    this.windowMs = options.windowMs ?? 10_000;
    this.gapMs = options.gapMs ?? 1000;
  }

  /** Time of the first of `count` samples whose last byte arrived at `arrivalMs`. */
  stamp(count: number, arrivalMs: number): number {
    const lastIndex = this.nextIndex + count - 1;
    const candidate = arrivalMs - lastIndex * this.periodMs;
    if (this.originMs === null || candidate - this.originMs > this.gapMs) {
      this.anchor(arrivalMs - (count - 1) * this.periodMs, arrivalMs);
    } else {
      this.originMs = Math.min(this.originMs, candidate);
      this.windowMin = Math.min(this.windowMin, candidate);
      if (arrivalMs - this.windowStartMs >= this.windowMs) {
        // A device clock running slow shows as a minimum that creeps later: follow it.
        this.originMs = this.windowMin;
        this.windowMin = Infinity;
        this.windowStartMs = arrivalMs;
      }
    }
    const t0 = (this.originMs ?? arrivalMs) + this.nextIndex * this.periodMs;
    this.nextIndex += count;
    return t0;
  }

  private anchor(originMs: number, arrivalMs: number): void {
    this.nextIndex = 0;
    this.originMs = originMs;
    this.windowMin = originMs;
    this.windowStartMs = arrivalMs;
  }
}
