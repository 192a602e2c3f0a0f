// Streaming QRS detection in the Pan–Tompkins family (Pan & Tompkins 1985, IEEE TBME 32:230):
// band-pass 5–15 Hz, five-point derivative, squaring, 150 ms moving-window integration, then
// adaptive signal/noise peak estimates, a 200 ms refractory period, T-wave rejection within
// 360 ms and search-back at 1.66 × the mean RR interval. Filters are designed from the sampling
// rate (125–1000 Hz). Fed blocks of any size, it returns the same beats; memory is bounded.
// Pure: samples in, beats out.

import { BiquadCascade, designBandPass, groupDelaySamples } from './band-pass';
import { InputGuard } from './input-guard';

export interface Beat {
  /** Index since the start of the stream, at the R peak (largest deflection) of the input. */
  sample: number;
}

/** The low-pass corner must sit below the Nyquist frequency. */
const MIN_RATE_HZ = 40;
const BAND_LOW_HZ = 5;
const BAND_HIGH_HZ = 15;
const QRS_CENTRE_HZ = 10;
const INTEGRATION_MS = 150;
const REFRACTORY_MS = 200;
const T_WAVE_MS = 360;
const LEARNING_MS = 2000;
const LOCATE_MS = 40;
const BASELINE_MS = 100;
const HISTORY_MS = 1500;
const SEARCH_BACK_RR = 1.66;
const DEFAULT_RR_MS = 1000;
const RR_COUNT = 8;
/** Without a beat for this long, the signal estimate decays so a lead with less gain is found again. */
const DECAY_AFTER_MS = 3000;
const DECAY_PER_SECOND = 0.7;
const MAX_CANDIDATES = 64;
/** Inputs beyond this are clipped so squaring can never overflow to Infinity. */

/** A peak of the integrated signal, with where its QRS is in the input. */
interface Peak {
  /** Height of the integrated signal at its peak. */
  height: number;
  /** R peak in the input. */
  sample: number;
  /** Largest absolute slope (derivative of the band-passed signal) under the peak. */
  slope: number;
}

export class BeatDetector {
  readonly rateHz: number;
  private readonly filter: BiquadCascade;
  private readonly delaySamples: number;
  private readonly step: number;
  private readonly window: number;
  private readonly refractory: number;
  private readonly tWave: number;
  private readonly locate: number;
  private readonly baselineHalf: number;
  private readonly learning: number;
  // Ring buffers of the last HISTORY_MS: input (minus its first value), band-passed, derivative, squared.
  private readonly mask: number;
  private readonly raw: Float64Array;
  private readonly band: Float64Array;
  private readonly slope: Float64Array;
  private readonly squared: Float64Array;

  private n = 0;
  private readonly input = new InputGuard();
  private integral = 0;
  private previous = 0;
  private beforePrevious = 0;

  private pending: Peak | undefined;
  private pendingUntil = 0;

  private learningUntil: number;
  private learningPeaks: Peak[] = [];
  private learningMax = 0;
  private learningSum = 0;

  private signalLevel = 0;
  private noiseLevel = 0;
  private lastBeat: Peak | undefined;
  private lastBeatAt = 0;
  private nextDecayAt = 0;
  private quietMax = 0;
  private quietSum = 0;
  private quietCount = 0;
  private readonly rr: number[] = [];
  private candidates: Peak[] = [];
  private searchedBack = false;
  private out: Beat[] = [];

  constructor(rateHz: number) {
    if (!(rateHz >= MIN_RATE_HZ && Number.isFinite(rateHz))) {
      throw new Error(
        `beat detection needs a sampling rate of at least ${MIN_RATE_HZ} Hz (125–1000 Hz is ` +
          `what it is tested on), not ${rateHz} Hz`,
      );
    }
    this.rateHz = rateHz;
    const sections = designBandPass(BAND_LOW_HZ, BAND_HIGH_HZ, rateHz);
    this.filter = new BiquadCascade(sections);
    this.delaySamples = Math.round(groupDelaySamples(sections, QRS_CENTRE_HZ, rateHz));
    const samples = (ms: number) => Math.max(1, Math.round((ms * rateHz) / 1000));
    // The five-point derivative of Pan–Tompkins at 200 Hz, its taps spread to keep ~5 ms spacing.
    this.step = Math.max(1, Math.round(rateHz / 200));
    this.window = samples(INTEGRATION_MS);
    this.refractory = samples(REFRACTORY_MS);
    this.tWave = samples(T_WAVE_MS);
    this.locate = samples(LOCATE_MS);
    this.baselineHalf = samples(BASELINE_MS);
    this.learning = samples(LEARNING_MS);
    this.learningUntil = this.learning;
    let size = 1;
    while (size < samples(HISTORY_MS)) size *= 2;
    this.mask = size - 1;
    this.raw = new Float64Array(size);
    this.band = new Float64Array(size);
    this.slope = new Float64Array(size);
    this.squared = new Float64Array(size);
  }

  /** Feeds the next samples; returns the beats found so far (each R peak ~0.4 s after it passes). */
  push(samples: ArrayLike<number>): Beat[] {
    this.out = [];
    for (let i = 0; i < samples.length; i++) this.sample(samples[i]!);
    return this.out;
  }

  /** Samples pushed so far; with the last beat, gives the time since it. */
  get samplesSeen(): number {
    return this.n;
  }

  private sample(input: number): void {
    const x = this.input.next(input);
    const n = this.n;
    const m = this.mask;
    this.raw[n & m] = x;
    const b = this.filter.step(x);
    this.band[n & m] = b;
    const k = this.step;
    const d =
      n >= 4 * k
        ? (2 * b +
            this.band[(n - k) & m]! -
            this.band[(n - 3 * k) & m]! -
            2 * this.band[(n - 4 * k) & m]!) /
          8
        : 0;
    this.slope[n & m] = d;
    const sq = d * d;
    this.squared[n & m] = sq;
    const w = this.window;
    if (n % w === 0) {
      // Recomputed now and then so rounding left by a huge artefact cannot linger.
      let sum = 0;
      for (let j = Math.max(0, n - w + 1); j <= n; j++) sum += this.squared[j & m]!;
      this.integral = sum;
    } else {
      this.integral += sq - (n >= w ? this.squared[(n - w) & m]! : 0);
      if (this.integral < 0) this.integral = 0;
    }
    const integrated = this.integral / w;

    if (n < this.learningUntil) {
      if (integrated > this.learningMax) this.learningMax = integrated;
      this.learningSum += integrated;
    }
    if (this.previous > this.beforePrevious && this.previous >= integrated && this.previous > 0) {
      this.onPeak(this.describePeak(n - 1, this.previous));
    }
    this.beforePrevious = this.previous;
    this.previous = integrated;

    if (this.pending && n >= this.pendingUntil) {
      const peak = this.pending;
      this.pending = undefined;
      if (this.learningUntil > n) this.learningPeaks.push(peak);
      else this.classify(peak);
    }
    if (n + 1 === this.learningUntil) this.endLearning();
    if (this.learningUntil <= n) {
      this.searchBack(n);
      this.decay(n, integrated);
    }
    this.n = n + 1;
  }

  /** Where the QRS under an integrated-signal peak at `at` lies in the input, and its slope. */
  private describePeak(at: number, height: number): Peak {
    const m = this.mask;
    const shift = 2 * this.step;
    const from = Math.max(0, at - this.window + 1 - shift);
    const to = Math.max(from, at - shift);
    let bandAt = to;
    let bandMax = -1;
    let slope = 0;
    for (let j = from; j <= to; j++) {
      const v = Math.abs(this.band[j & m]!);
      if (v > bandMax) {
        bandMax = v;
        bandAt = j;
      }
      const s = Math.abs(this.slope[(j + shift) & m]!);
      if (s > slope) slope = s;
    }
    const centre = bandAt - this.delaySamples;
    const last = this.n;
    const oldest = Math.max(0, last - this.mask);
    const clamp = (j: number) => Math.min(last, Math.max(oldest, j));
    let baseline = 0;
    const b0 = clamp(centre - this.baselineHalf);
    const b1 = clamp(centre + this.baselineHalf);
    for (let j = b0; j <= b1; j++) baseline += this.raw[j & m]!;
    baseline /= b1 - b0 + 1;
    let sample = clamp(centre);
    let deviation = -1;
    for (let j = clamp(centre - this.locate); j <= clamp(centre + this.locate); j++) {
      const v = Math.abs(this.raw[j & m]! - baseline);
      if (v > deviation) {
        deviation = v;
        sample = j;
      }
    }
    return { height, sample, slope };
  }

  /** Of peaks closer than the refractory period, only the highest goes on. */
  private onPeak(peak: Peak): void {
    if (this.pending && peak.height <= this.pending.height) return;
    this.pending = peak;
    this.pendingUntil = this.n + this.refractory;
  }

  private endLearning(): void {
    if (this.learningMax <= 0) {
      // Nothing but a flat line so far: learn from the next stretch instead.
      this.learningUntil += this.learning;
      this.learningPeaks = [];
      this.learningSum = 0;
      return;
    }
    this.signalLevel = this.learningMax / 3;
    this.noiseLevel = this.learningSum / this.learning / 2;
    this.lastBeatAt = this.n;
    const peaks = this.learningPeaks;
    this.learningPeaks = [];
    for (const peak of peaks) this.classify(peak);
  }

  private threshold(): number {
    return this.noiseLevel + 0.25 * (this.signalLevel - this.noiseLevel);
  }

  private rrMean(): number {
    if (this.rr.length === 0) return (DEFAULT_RR_MS * this.rateHz) / 1000;
    return this.rr.reduce((a, b) => a + b, 0) / this.rr.length;
  }

  /** A T wave: soon after a beat and less than half as steep. */
  private isTWave(peak: Peak, last: Peak): boolean {
    return peak.sample - last.sample < this.tWave && peak.slope < 0.5 * last.slope;
  }

  private classify(peak: Peak): void {
    const last = this.lastBeat;
    if (last && peak.sample - last.sample < this.refractory) return;
    if (peak.height > this.threshold() && !(last && this.isTWave(peak, last))) {
      this.accept(peak, false);
      return;
    }
    this.noiseLevel = 0.125 * peak.height + 0.875 * this.noiseLevel;
    if (this.candidates.length >= MAX_CANDIDATES) this.candidates.shift();
    this.candidates.push(peak);
    this.searchedBack = false;
  }

  private accept(peak: Peak, foundBySearchBack: boolean): void {
    this.signalLevel = foundBySearchBack
      ? 0.25 * peak.height + 0.75 * this.signalLevel
      : 0.125 * peak.height + 0.875 * this.signalLevel;
    const last = this.lastBeat;
    if (last) {
      if (this.rr.length >= RR_COUNT) this.rr.shift();
      this.rr.push(peak.sample - last.sample);
    }
    this.lastBeat = peak;
    this.lastBeatAt = this.n;
    this.nextDecayAt = 0;
    this.quietMax = 0;
    this.quietSum = 0;
    this.quietCount = 0;
    this.candidates = this.candidates.filter((c) => c.sample - peak.sample >= this.refractory);
    this.searchedBack = false;
    this.out.push({ sample: peak.sample });
  }

  /** Long after the last beat, the highest earlier peak above half the threshold was a beat. */
  private searchBack(n: number): void {
    const last = this.lastBeat;
    if (!last || this.searchedBack || this.candidates.length === 0) return;
    if (n - last.sample <= SEARCH_BACK_RR * this.rrMean()) return;
    const floor = 0.5 * this.threshold();
    let best: Peak | undefined;
    for (const c of this.candidates) {
      if (c.height <= floor || this.isTWave(c, last)) continue;
      if (c.sample - last.sample < this.refractory) continue;
      if (!best || c.height > best.height) best = c;
    }
    if (best) this.accept(best, true);
    else this.searchedBack = true;
  }

  /**
   * With no beat for a long time, the estimates fall each second towards what the last second
   * held, so beats are found again after an artefact or on a lead with less gain.
   */
  private decay(n: number, integrated: number): void {
    const quiet = n - this.lastBeatAt;
    if (quiet < (DECAY_AFTER_MS * this.rateHz) / 1000) return;
    if (integrated > this.quietMax) this.quietMax = integrated;
    this.quietSum += integrated;
    this.quietCount++;
    if (this.nextDecayAt === 0) this.nextDecayAt = n + this.rateHz;
    if (n < this.nextDecayAt) return;
    this.nextDecayAt = n + this.rateHz;
    this.noiseLevel = Math.min(this.noiseLevel, this.quietSum / this.quietCount / 2);
    this.signalLevel = Math.max(
      Math.min(DECAY_PER_SECOND * this.signalLevel, this.quietMax),
      5 * this.noiseLevel,
    );
    this.quietMax = 0;
    this.quietSum = 0;
    this.quietCount = 0;
  }
}

/** Every beat in a whole recording (beats in its last ~0.4 s may be missing). */
export function detectBeats(samples: ArrayLike<number>, rateHz: number): Beat[] {
  return new BeatDetector(rateHz).push(samples);
}
