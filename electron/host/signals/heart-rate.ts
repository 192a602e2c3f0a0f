// Heart rate from detected beats, as a bedside monitor shows it: the beat-to-beat rate, and an
// average over the last RR intervals with outliers (a missed beat, a spurious detection) dropped,
// updated on each beat. Deciding that a long pause is asystole belongs to the alarm layer; this
// only says how long it has been since the last beat. Pure.

export interface HeartRateReading {
  /** The beat that completed this RR interval, as a sample index. */
  beatSample: number;
  rrMs: number;
  beatToBeatBpm: number;
  /** Mean of the last RR intervals that lie within 0.6–1.5 × their median, as a rate. */
  averageBpm: number;
}

export interface HeartRateOptions {
  /** RR intervals in the average; monitors use 8 to 16. */
  averageOver?: number;
}

const DEFAULT_AVERAGE_OVER = 12;
const OUTLIER_LOW = 0.6;
const OUTLIER_HIGH = 1.5;

function median(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Monitor-style average rate of RR intervals in ms: outliers around the median dropped. */
export function averageRateBpm(rrMs: readonly number[]): number {
  if (rrMs.length === 0) return NaN;
  const mid = median([...rrMs].sort((a, b) => a - b));
  const kept = rrMs.filter((rr) => rr >= OUTLIER_LOW * mid && rr <= OUTLIER_HIGH * mid);
  const mean = kept.reduce((sum, rr) => sum + rr, 0) / kept.length;
  return 60_000 / mean;
}

export class HeartRateFromBeats {
  private readonly averageOver: number;
  private readonly rrMs: number[] = [];
  private lastBeat: number | undefined;

  constructor(
    readonly rateHz: number,
    options: HeartRateOptions = {},
  ) {
    this.averageOver = Math.max(1, Math.round(options.averageOver ?? DEFAULT_AVERAGE_OVER));
  }

  /** Takes the next beat (sample index, increasing); undefined for the first one. */
  beat(sample: number): HeartRateReading | undefined {
    const previous = this.lastBeat;
    this.lastBeat = sample;
    if (previous === undefined || sample <= previous) return undefined;
    const rrMs = ((sample - previous) * 1000) / this.rateHz;
    if (this.rrMs.length >= this.averageOver) this.rrMs.shift();
    this.rrMs.push(rrMs);
    return {
      beatSample: sample,
      rrMs,
      beatToBeatBpm: 60_000 / rrMs,
      averageBpm: averageRateBpm(this.rrMs),
    };
  }

  /** Milliseconds from the last beat to `nowSample`; undefined before any beat. */
  msSinceLastBeat(nowSample: number): number | undefined {
    if (this.lastBeat === undefined) return undefined;
    return ((nowSample - this.lastBeat) * 1000) / this.rateHz;
  }
}
