// Streaming pulse detection on a pleth (PPG) waveform with the slope sum function of Zong et al.
// (2003, Computers in Cardiology 30:259): band-pass 0.5–8 Hz, the positive slopes summed over
// 128 ms, a threshold at half the running size of that sum's peaks, a 250 ms refractory period.
// Each pulse is placed at the steepest point of its systolic upstroke in the input; the pulse rate
// is the mean of the last 8 intervals with outliers dropped. Filters are designed from the
// sampling rate (25–500 Hz). Fed blocks of any size, it returns the same pulses; memory is
// bounded. Pure: samples in, pulses out.

import { BiquadCascade, designBandPass, groupDelaySamples } from './band-pass';
import { HeartRateFromBeats } from './heart-rate';
import { InputGuard } from './input-guard';

export interface Pulse {
  /** Index since the start of the stream, at the steepest point of the systolic upstroke. */
  sample: number;
  /** From the previous pulse; absent for the first one. */
  intervalMs?: number;
  /** Mean of the last 8 intervals within 0.6–1.5 × their median, as a rate. */
  pulseRateBpm?: number;
}

/** The 8 Hz corner must sit below the Nyquist frequency with some room. */
const MIN_RATE_HZ = 20;
const BAND_LOW_HZ = 0.5;
const BAND_HIGH_HZ = 8;
/** Most of an upstroke's energy is around here; used for the filters' group delay. */
const UPSTROKE_HZ = 3;
const SSF_WINDOW_MS = 128;
const REFRACTORY_MS = 250;
const LEARNING_MS = 3000;
const THRESHOLD_FRACTION = 0.5;
/** A pulse stays open at most this long, so a step in the input cannot hold the detector. */
const MAX_PULSE_MS = 600;
const HISTORY_MS = 1000;
/** One huge pulse may at most double the running size, so an artefact cannot blind the detector. */
const MAX_GROWTH = 2;
const DECAY_AFTER_MS = 2500;
const DECAY_PER_SECOND = 0.6;
/** With no pulse for this long, the detector learns the signal's size afresh. */
const RELEARN_AFTER_MS = 8000;
const RATE_OVER_INTERVALS = 8;
/** Inputs beyond this are clipped so sums of slopes can never overflow to Infinity. */

export class PulseDetector {
  readonly rateHz: number;
  private readonly filter: BiquadCascade;
  private readonly delaySamples: number;
  private readonly window: number;
  private readonly refractory: number;
  private readonly learning: number;
  private readonly maxPulse: number;
  private readonly relearnAfter: number;
  // Ring buffer of the last HISTORY_MS of the band-passed signal's slope.
  private readonly mask: number;
  private readonly slope: Float64Array;
  private readonly rate: HeartRateFromBeats;

  private n = 0;
  private readonly input = new InputGuard();
  private lastBand = 0;
  private ssf = 0;

  private learningUntil: number;
  private learningMax = 0;
  /** Running size of the slope sum's peaks; the threshold is a fraction of it. */
  private pulseSize = 0;

  private openFrom = -1;
  private openPeak = 0;
  /** The steepest point (filtered domain) of the last pulse, for the refractory period. */
  private lastSteepest = -Infinity;
  private lastPulseAt = 0;
  private nextDecayAt = 0;
  private out: Pulse[] = [];

  constructor(rateHz: number) {
    if (!(rateHz >= MIN_RATE_HZ && Number.isFinite(rateHz))) {
      throw new Error(
        `pulse detection needs a sampling rate of at least ${MIN_RATE_HZ} Hz (25–500 Hz is ` +
          `what it is tested on), not ${rateHz} Hz`,
      );
    }
    this.rateHz = rateHz;
    const sections = designBandPass(BAND_LOW_HZ, Math.min(BAND_HIGH_HZ, 0.4 * rateHz), rateHz);
    this.filter = new BiquadCascade(sections);
    // The first difference adds half a sample.
    this.delaySamples = Math.round(groupDelaySamples(sections, UPSTROKE_HZ, rateHz) + 0.5);
    const samples = (ms: number) => Math.max(1, Math.round((ms * rateHz) / 1000));
    this.window = samples(SSF_WINDOW_MS);
    this.refractory = samples(REFRACTORY_MS);
    this.learning = samples(LEARNING_MS);
    this.learningUntil = this.learning;
    this.maxPulse = samples(MAX_PULSE_MS);
    this.relearnAfter = samples(RELEARN_AFTER_MS);
    let size = 1;
    while (size < samples(HISTORY_MS)) size *= 2;
    this.mask = size - 1;
    this.slope = new Float64Array(size);
    this.rate = new HeartRateFromBeats(rateHz, { averageOver: RATE_OVER_INTERVALS });
  }

  /** Feeds the next samples; returns the pulses found so far (each ~0.2–0.4 s after it passes). */
  push(samples: ArrayLike<number>): Pulse[] {
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
    const m = this.mask;
    const band = this.filter.step(x);
    const d = band - this.lastBand;
    this.lastBand = band;
    this.slope[n & m] = d;
    const w = this.window;
    if (n % w === 0) {
      // Recomputed now and then so rounding left by a huge artefact cannot linger.
      let sum = 0;
      for (let j = Math.max(0, n - w + 1); j <= n; j++) sum += Math.max(0, this.slope[j & m]!);
      this.ssf = sum;
    } else {
      this.ssf += Math.max(0, d) - (n >= w ? Math.max(0, this.slope[(n - w) & m]!) : 0);
      if (this.ssf < 0) this.ssf = 0;
    }
    const ssf = this.ssf;

    if (n < this.learningUntil) {
      if (ssf > this.learningMax) this.learningMax = ssf;
      if (n + 1 === this.learningUntil) this.endLearning();
    } else {
      this.detect(n, ssf);
      this.decay(n);
    }
    this.n = n + 1;
  }

  private endLearning(): void {
    if (this.learningMax <= 0) {
      // Nothing but a flat line so far: learn from the next stretch instead.
      this.learningUntil += this.learning;
      return;
    }
    this.pulseSize = this.learningMax;
    this.lastPulseAt = this.n;
  }

  private detect(n: number, ssf: number): void {
    const threshold = THRESHOLD_FRACTION * this.pulseSize;
    if (this.openFrom < 0) {
      if (ssf > threshold && ssf > 0 && n - this.lastSteepest >= this.refractory) {
        this.openFrom = n;
        this.openPeak = ssf;
      }
      return;
    }
    if (ssf > this.openPeak) this.openPeak = ssf;
    if (ssf > threshold && n - this.openFrom < this.maxPulse) return;
    this.close(n);
  }

  /** The slope sum fell back: the upstroke is over; its steepest point is the pulse. */
  private close(n: number): void {
    const m = this.mask;
    const from = Math.max(this.openFrom - this.window, this.n - this.mask, 0);
    let steepest = this.openFrom;
    let steepestSlope = -Infinity;
    for (let j = from; j <= n; j++) {
      const s = this.slope[j & m]!;
      if (s > steepestSlope) {
        steepestSlope = s;
        steepest = j;
      }
    }
    const peak = this.openPeak;
    this.openFrom = -1;
    this.openPeak = 0;
    if (steepest - this.lastSteepest < this.refractory) return;
    this.lastSteepest = steepest;
    this.pulseSize = 0.75 * this.pulseSize + 0.25 * Math.min(peak, MAX_GROWTH * this.pulseSize);
    this.lastPulseAt = n;
    this.nextDecayAt = 0;
    const sample = Math.max(0, steepest - this.delaySamples);
    const reading = this.rate.beat(sample);
    this.out.push(
      reading ? { sample, intervalMs: reading.rrMs, pulseRateBpm: reading.averageBpm } : { sample },
    );
  }

  /** With no pulse for a while, the expected size falls each second, so weaker pulses are found. */
  private decay(n: number): void {
    if (n - this.lastPulseAt >= this.relearnAfter) {
      this.learningUntil = n + 1 + this.learning;
      this.learningMax = 0;
      this.openFrom = -1;
      this.openPeak = 0;
      return;
    }
    if (n - this.lastPulseAt < (DECAY_AFTER_MS * this.rateHz) / 1000) return;
    if (this.nextDecayAt === 0) this.nextDecayAt = n + Math.round(this.rateHz);
    if (n < this.nextDecayAt) return;
    this.nextDecayAt = n + Math.round(this.rateHz);
    this.pulseSize *= DECAY_PER_SECOND;
  }
}

/** Every pulse in a whole recording (pulses in its last ~0.4 s may be missing). */
export function detectPulses(samples: ArrayLike<number>, rateHz: number): Pulse[] {
  return new PulseDetector(rateHz).push(samples);
}
