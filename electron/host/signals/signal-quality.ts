// Per-channel signal quality, judged every 250 ms over the last few seconds: a flat line (no
// change for 2 s: lead or sensor off, device stuck), saturation (many samples at the window's
// extremes: clipped at the amplifier's rails) and noise (the share of energy above a corner
// frequency). Reports only changes of state. Fed blocks of any size, it gives the same changes;
// memory is bounded. Pure: samples in, states out.

import { BiquadCascade } from './band-pass';

export type SignalQualityState = 'good' | 'flat' | 'saturated' | 'noisy';

export interface SignalQualityChange {
  state: SignalQualityState;
  /** Index since the start of the stream at which the channel was judged to be in this state. */
  since: number;
}

export interface SignalQualityOptions {
  /** No change for this long is a flat line. */
  flatMs?: number;
  /** Changes no larger than this (in the channel's units) count as no change; 0 = exact. */
  flatTolerance?: number;
  /** Window over which saturation and noise are judged. */
  windowMs?: number;
  /** Share of the window's samples at its minimum or maximum that means clipping. */
  saturatedFraction?: number;
  /** Noise is the energy above this frequency (capped at 0.4 × the sampling rate). */
  noiseAboveHz?: number;
  /** Share of the window's energy above `noiseAboveHz` that means noisy. */
  noisyFraction?: number;
}

const DEFAULTS: Required<SignalQualityOptions> = {
  flatMs: 2000,
  flatTolerance: 0,
  windowMs: 4000,
  saturatedFraction: 0.2,
  noiseAboveHz: 20,
  noisyFraction: 0.3,
};
const JUDGE_EVERY_MS = 250;
/** Samples this close to an extreme, as a share of the window's range, count as at it. */
const EXTREME_BAND = 0.001;
/** Clipping hits the rails again and again; one long stretch there is a flat line or a step. */
const MIN_VISITS_TO_EXTREMES = 3;
const INPUT_LIMIT = 1e12;

/** 2nd-order Butterworth high-pass (RBJ cookbook), for the noise share. */
function highPass(cornerHz: number, rateHz: number): BiquadCascade {
  const w0 = (2 * Math.PI * cornerHz) / rateHz;
  const cos = Math.cos(w0);
  const alpha = Math.sin(w0) / (2 * Math.SQRT1_2);
  const a0 = 1 + alpha;
  return new BiquadCascade([
    {
      b0: (1 + cos) / 2 / a0,
      b1: -(1 + cos) / a0,
      b2: (1 + cos) / 2 / a0,
      a1: (-2 * cos) / a0,
      a2: (1 - alpha) / a0,
    },
  ]);
}

export class SignalQuality {
  readonly rateHz: number;
  private readonly options: Required<SignalQualityOptions>;
  private readonly flat: number;
  private readonly judgeEvery: number;
  private readonly highPass: BiquadCascade;
  // Ring buffers over the window: the input and its high-passed part.
  private readonly raw: Float64Array;
  private readonly high: Float64Array;

  private n = 0;
  private lastInput = 0;
  private runValue = NaN;
  private runStart = 0;
  private state: SignalQualityState | undefined;
  private out: SignalQualityChange[] = [];

  constructor(rateHz: number, options: SignalQualityOptions = {}) {
    if (!(rateHz > 0 && Number.isFinite(rateHz))) {
      throw new Error(`signal quality needs a positive sampling rate, not ${rateHz} Hz`);
    }
    this.rateHz = rateHz;
    this.options = { ...DEFAULTS, ...options };
    const samples = (ms: number) => Math.max(1, Math.round((ms * rateHz) / 1000));
    this.flat = samples(this.options.flatMs);
    this.judgeEvery = samples(JUDGE_EVERY_MS);
    this.highPass = highPass(Math.min(this.options.noiseAboveHz, 0.4 * rateHz), rateHz);
    const window = Math.max(2, samples(this.options.windowMs));
    this.raw = new Float64Array(window);
    this.high = new Float64Array(window);
  }

  /** Feeds the next samples; returns the changes of state they caused (the first one included). */
  push(samples: ArrayLike<number>): SignalQualityChange[] {
    this.out = [];
    for (let i = 0; i < samples.length; i++) this.sample(samples[i]!);
    return this.out;
  }

  /** The state as last judged; undefined until the first window is full. */
  get current(): SignalQualityState | undefined {
    return this.state;
  }

  private sample(input: number): void {
    // Garbage repeats the last good value: a stream of it is, rightly, a flat line.
    let x = Number.isFinite(input) ? input : this.lastInput;
    if (x > INPUT_LIMIT) x = INPUT_LIMIT;
    if (x < -INPUT_LIMIT) x = -INPUT_LIMIT;
    this.lastInput = x;
    const n = this.n;
    if (Number.isNaN(this.runValue) || Math.abs(x - this.runValue) > this.options.flatTolerance) {
      this.runValue = x;
      this.runStart = n;
    }
    const size = this.raw.length;
    this.raw[n % size] = x;
    this.high[n % size] = this.highPass.step(x);
    this.n = n + 1;
    if (this.n >= size && this.n % this.judgeEvery === 0) this.judge();
  }

  private judge(): void {
    const state = this.evaluate();
    if (state === this.state) return;
    this.state = state;
    this.out.push({ state, since: this.n - 1 });
  }

  private evaluate(): SignalQualityState {
    if (this.n - this.runStart >= this.flat) return 'flat';
    const raw = this.raw;
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    for (const v of raw) {
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
    }
    const range = max - min;
    if (range > 0) {
      const band = EXTREME_BAND * range;
      let atExtremes = 0;
      let visits = 0;
      let wasAt = true;
      // In time order, oldest first, to count the separate visits to the extremes.
      for (let i = 0; i < raw.length; i++) {
        const v = raw[(this.n + i) % raw.length]!;
        const at = v <= min + band || v >= max - band;
        if (at) atExtremes++;
        if (at && !wasAt) visits++;
        wasAt = at;
      }
      const clipped = atExtremes >= this.options.saturatedFraction * raw.length;
      if (clipped && visits >= MIN_VISITS_TO_EXTREMES) return 'saturated';
    }
    // Scaled to the range, so values near 1e12 cannot lose the ratio to rounding.
    const mean = sum / raw.length;
    const scale = range > 0 ? 1 / range : 1;
    let total = 0;
    let high = 0;
    for (let i = 0; i < raw.length; i++) {
      const v = (raw[i]! - mean) * scale;
      const h = this.high[i]! * scale;
      total += v * v;
      high += h * h;
    }
    if (total > 0 && high / total >= this.options.noisyFraction) return 'noisy';
    return 'good';
  }
}
