// Streaming breath detection on a transthoracic impedance waveform: band-pass 0.05–1 Hz (4th
// order each side, so drift and cardiogenic oscillation fall away), then rising zero crossings
// with hysteresis at a fraction of a running amplitude estimate, at least 1 s apart. The rate is
// the mean breath interval over the last 30 s, outliers dropped. Filters are designed from the
// sampling rate (10–500 Hz). Fed blocks of any size, it returns the same breaths; memory is
// bounded. Pure: samples in, breaths out.

import { BiquadCascade, designBandPass } from './band-pass';
import { averageRateBpm } from './heart-rate';
import { InputGuard } from './input-guard';

export interface Breath {
  /** Index since the start of the stream, where the filtered signal rose clear of its midline. */
  sample: number;
  /** From the previous breath; absent for the first one. */
  intervalMs?: number;
  /** Breaths per minute over the last 30 s (outliers dropped); absent until two breaths. */
  respirationRatePerMin?: number;
}

/** The 1 Hz corner must sit below the Nyquist frequency with some room. */
const MIN_RATE_HZ = 5;
const BAND_LOW_HZ = 0.05;
const BAND_HIGH_HZ = 1;
/** Time constant of the running amplitude (RMS) estimate; longer than the slowest breath. */
const AMPLITUDE_TAU_MS = 8000;
/** Hysteresis either side of the midline, as a fraction of the running peak amplitude. */
const HYSTERESIS = 0.3;
const MIN_INTERVAL_MS = 1000;
const RATE_WINDOW_MS = 30_000;
/** Bounds the intervals kept: 30 s at the fastest possible rate. */
const MAX_INTERVALS = Math.ceil(RATE_WINDOW_MS / MIN_INTERVAL_MS);
/** The band-pass rings after the first value is taken as baseline; no breaths while it settles. */
const SETTLE_MS = 3000;

export class RespirationRate {
  readonly rateHz: number;
  private readonly filter: BiquadCascade;
  private readonly amplitudeAlpha: number;
  private readonly minInterval: number;
  private readonly rateWindow: number;
  private readonly settle: number;

  private n = 0;
  private readonly input = new InputGuard();
  private meanSquare = 0;
  private above = false;
  private lastBreath = -Infinity;
  /** Breaths within the last 30 s (and the one before, to give their first interval). */
  private readonly breaths: number[] = [];
  private out: Breath[] = [];

  constructor(rateHz: number) {
    if (!(rateHz >= MIN_RATE_HZ && Number.isFinite(rateHz))) {
      throw new Error(
        `respiration rate needs a sampling rate of at least ${MIN_RATE_HZ} Hz (10–500 Hz is ` +
          `what it is tested on), not ${rateHz} Hz`,
      );
    }
    this.rateHz = rateHz;
    const band = designBandPass(BAND_LOW_HZ, Math.min(BAND_HIGH_HZ, 0.4 * rateHz), rateHz);
    this.filter = new BiquadCascade([...band, ...band]);
    this.amplitudeAlpha = 1 - Math.exp(-1000 / (AMPLITUDE_TAU_MS * rateHz));
    const samples = (ms: number) => Math.max(1, Math.round((ms * rateHz) / 1000));
    this.minInterval = samples(MIN_INTERVAL_MS);
    this.rateWindow = samples(RATE_WINDOW_MS);
    this.settle = samples(SETTLE_MS);
  }

  /** Feeds the next samples; returns the breaths found in them. */
  push(samples: ArrayLike<number>): Breath[] {
    this.out = [];
    for (let i = 0; i < samples.length; i++) this.sample(samples[i]!);
    return this.out;
  }

  /** Samples pushed so far. */
  get samplesSeen(): number {
    return this.n;
  }

  private sample(input: number): void {
    const x = this.input.next(input);
    const n = this.n;
    const y = this.filter.step(x);
    this.meanSquare += this.amplitudeAlpha * (y * y - this.meanSquare);
    // Peak amplitude of a sine with this RMS.
    const band = HYSTERESIS * Math.SQRT2 * Math.sqrt(this.meanSquare);
    if (this.above) {
      if (y < -band) this.above = false;
    } else if (y > band && y > 0) {
      this.above = true;
      if (n >= this.settle && n - this.lastBreath >= this.minInterval) this.breath(n);
    }
    this.n = n + 1;
  }

  private breath(n: number): void {
    const previous = this.lastBreath;
    this.lastBreath = n;
    const kept = this.breaths;
    kept.push(n);
    // Keep one breath older than the window: it starts the window's first interval.
    while (kept.length > MAX_INTERVALS + 1 || (kept.length > 1 && n - kept[1]! > this.rateWindow)) {
      kept.shift();
    }
    if (!Number.isFinite(previous)) {
      this.out.push({ sample: n });
      return;
    }
    const intervalsMs: number[] = [];
    for (let i = 1; i < kept.length; i++) {
      intervalsMs.push(((kept[i]! - kept[i - 1]!) * 1000) / this.rateHz);
    }
    this.out.push({
      sample: n,
      intervalMs: ((n - previous) * 1000) / this.rateHz,
      respirationRatePerMin: averageRateBpm(intervalsMs),
    });
  }
}

/** Every breath in a whole recording. */
export function detectBreaths(samples: ArrayLike<number>, rateHz: number): Breath[] {
  return new RespirationRate(rateHz).push(samples);
}
