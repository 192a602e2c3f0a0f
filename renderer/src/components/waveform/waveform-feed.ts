// Live samples of one waveform channel, kept in a fixed ring buffer. Sample blocks arrive ~50 times
// a second per channel, so they go here rather than into React state; displays read from the ring
// when they draw.

export interface SampleBlockLike {
  t0: number;
  rateHz: number;
  values: readonly number[];
}

/** Seconds of history kept: enough to fill a wide screen at 25 mm/s. */
const HISTORY_SECONDS = 30;
/** A jump in time longer than this is drawn as a gap, not joined up. */
const MAX_JITTER_SECONDS = 0.25;
/** Beat marks kept: more than a screen of the fastest ectopy. */
const MAX_MARKS = 64;

/** A label at one sample of the trace (a beat's class at its R peak). */
export interface FeedMark {
  /** Sample index of the timeline (as `at`). */
  k: number;
  label: string;
}

export class WaveformFeed {
  rateHz: number;
  /** Samples written since the timeline began; sample k sits at k % capacity. */
  written = 0;
  /** Bumped when the timeline restarts (new sample rate): readers must start over. */
  epoch = 0;
  /** Wall-clock time (ms) the last block arrived; -Infinity before the first. */
  lastArrivalMs = -Infinity;
  lastValue: number | null = null;
  /** Labels on samples of this timeline, oldest first (beats not called normal). */
  readonly marks: FeedMark[] = [];

  private ring: Float64Array;
  private nextT0Ms: number | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(
    /** The channel key the host uses in sample blocks (an MDC reference id). */
    readonly channel: string,
    rateHz: number,
    private readonly now: () => number = Date.now,
  ) {
    this.rateHz = rateHz;
    this.ring = new Float64Array(this.capacityFor(rateHz));
  }

  get capacity(): number {
    return this.ring.length;
  }

  push(block: SampleBlockLike): void {
    if (block.rateHz !== this.rateHz) this.restart(block.rateHz);
    const periodMs = 1000 / this.rateHz;
    if (this.nextT0Ms !== null) {
      const missing = Math.round((block.t0 - this.nextT0Ms) / periodMs);
      // Missing samples are NaN so the trace shows a break instead of inventing a line.
      if (missing > MAX_JITTER_SECONDS * this.rateHz) this.fill(NaN, missing);
    }
    const { ring } = this;
    for (const value of block.values) {
      ring[this.written % ring.length] = value;
      this.written += 1;
    }
    if (block.values.length > 0) this.lastValue = block.values[block.values.length - 1] ?? null;
    this.nextT0Ms = block.t0 + block.values.length * periodMs;
    this.lastArrivalMs = this.now();
    for (const listener of this.listeners) listener();
  }

  /**
   * Labels the sample at `atMs` (the device's time, as blocks' t0): a beat's class, which the
   * host sends a moment after the beat itself. Ignored before the first block or when older than
   * the ring.
   */
  mark(atMs: number, label: string): void {
    if (this.nextT0Ms === null) return;
    const k = this.written - Math.round(((this.nextT0Ms - atMs) * this.rateHz) / 1000);
    if (k < this.written - this.ring.length || k < 0) return;
    if (this.marks.length >= MAX_MARKS) this.marks.shift();
    this.marks.push({ k, label });
    for (const listener of this.listeners) listener();
  }

  /** Value of sample k, or NaN when it is a gap or no longer (or not yet) in the ring. */
  at(k: number): number {
    if (k < 0 || k >= this.written || k < this.written - this.ring.length) return NaN;
    return this.ring[k % this.ring.length] ?? NaN;
  }

  /** Calls `listener` after each block; returns the function that stops it. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private fill(value: number, count: number): void {
    const n = Math.min(count, this.ring.length);
    for (let i = 0; i < n; i++) this.ring[(this.written + i) % this.ring.length] = value;
    this.written += count;
  }

  private restart(rateHz: number): void {
    this.marks.length = 0;
    this.rateHz = rateHz;
    this.ring = new Float64Array(this.capacityFor(rateHz));
    this.written = 0;
    this.nextT0Ms = null;
    this.epoch += 1;
  }

  private capacityFor(rateHz: number): number {
    return Math.max(1, Math.ceil(rateHz * HISTORY_SECONDS));
  }
}

/** One feed per (device, channel) of a bed; kept across snapshots so a reconnect does not blank. */
export class WaveformFeeds {
  private readonly feeds = new Map<string, WaveformFeed>();

  ensure(deviceId: string, channel: string, rateHz: number): WaveformFeed {
    const key = feedKey(deviceId, channel);
    let feed = this.feeds.get(key);
    if (!feed) this.feeds.set(key, (feed = new WaveformFeed(channel, rateHz)));
    return feed;
  }

  get(deviceId: string, channel: string): WaveformFeed | undefined {
    return this.feeds.get(feedKey(deviceId, channel));
  }

  /** Every feed whose channel passes the test (the ECG leads, for beat marks). */
  where(test: (channel: string) => boolean): WaveformFeed[] {
    return [...this.feeds.values()].filter((feed) => test(feed.channel));
  }
}

function feedKey(deviceId: string, channel: string): string {
  return `${deviceId}\u0000${channel}`;
}
