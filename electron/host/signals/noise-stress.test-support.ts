// A noise stress test in the manner of the MIT-BIH Noise Stress Test (Moody, Muldrow & Mark 1984;
// WFDB `nst`), with synthesised noise in place of the NSTDB recordings, which we do not have:
//
// - Electrode motion ("em"): baseline wander (a random walk, 0.1–2 Hz) and bursts of step-like
//   motion artefacts with QRS-like bumps, 0.1–10 Hz (see `electrodeMotionNoise`). The hardest
//   noise: it looks like beats.
// - Muscle ("ma"): Gaussian noise band-passed to 20–150 Hz (capped at 0.45 × the sampling rate).
// - Protocol as `nst` generates it: the first 5 min clean, then 2 min noisy and 2 min clean in
//   turn. SNR as `nst` defines it: S = (QRS peak-to-peak / 4)², the peak-to-peak amplitude being
//   the median over the reference beats of max − min within ±50 ms of each; N = the mean square of
//   the noise (its mean removed) before scaling; the noise is scaled so that 10·log10(S / (a²N))
//   is the SNR asked for. Each lead gets its own noise (its own seed), as `nst` pairs each signal
//   with its own noise channel.
// Deterministic: a seeded PRNG (mulberry32 with Box–Muller).
import { random as uniform } from './random.test-support';
import { BiquadCascade, designBandPass } from './band-pass';
import type { ExportRecord } from '../export/record';
import { analyzeRecord, ec57Class } from './beat-class-evaluate';
import { compareBeats, type BeatScore } from './evaluate';

export type NoiseKind = 'em' | 'ma';

export const LEARNING_MS = 5 * 60 * 1000;
export const SEGMENT_MS = 2 * 60 * 1000;

function gaussian(seed: number): () => number {
  const u = uniform(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

function unitPower(x: Float64Array): Float64Array {
  let mean = 0;
  for (const v of x) mean += v;
  mean /= x.length;
  let power = 0;
  for (const v of x) power += (v - mean) ** 2;
  const scale = power > 0 ? 1 / Math.sqrt(power / x.length) : 0;
  return x.map((v) => (v - mean) * scale);
}

/**
 * Electrode-motion-like noise, unit power: a slow random walk (a third of the power) and bursts of
 * motion artefacts (two thirds): bursts start every ~8 s and last 1–6 s, and within one an
 * artefact comes every 0.15–0.5 s, a biphasic bump of 40–150 ms (QRS-like, the cause of false
 * beats) riding on a step that decays over 0.2–1 s. All band-limited to 0.1–10 Hz.
 */
export function electrodeMotionNoise(length: number, rateHz: number, seed: number): Float64Array {
  const g = gaussian(seed);
  const u = uniform(seed ^ 0x9e3779b9);
  const walkBand = new BiquadCascade(designBandPass(0.1, Math.min(2, 0.4 * rateHz), rateHz));
  const burstBand = new BiquadCascade(designBandPass(0.1, Math.min(10, 0.4 * rateHz), rateHz));
  const walk = new Float64Array(length);
  const bursts = new Float64Array(length);
  let w = 0;
  let burstUntil = -1;
  let nextArtefact = 0;
  let step = 0;
  let stepDecay = 1;
  let bumpAt = -1;
  let bumpLength = 1;
  let bumpSize = 0;
  for (let i = 0; i < length; i++) {
    w = 0.9995 * w + g();
    walk[i] = walkBand.step(w);
    if (i > burstUntil && u() < 1 / (5 * rateHz)) {
      burstUntil = i + Math.round((2 + 6 * u()) * rateHz);
      nextArtefact = i;
    }
    if (i <= burstUntil && i >= nextArtefact) {
      nextArtefact = i + Math.round((0.15 + 0.35 * u()) * rateHz);
      step += g();
      stepDecay = Math.exp(-1 / ((0.2 + 0.8 * u()) * rateHz));
      bumpAt = i;
      bumpLength = Math.max(2, Math.round((0.03 + 0.07 * u()) * rateHz));
      bumpSize = 2 * g();
    }
    step *= stepDecay;
    const bump =
      bumpAt >= 0 && i - bumpAt < bumpLength
        ? bumpSize * Math.sin((2 * Math.PI * (i - bumpAt)) / bumpLength)
        : 0;
    bursts[i] = burstBand.step(step + bump);
  }
  const a = unitPower(walk);
  const b = unitPower(bursts);
  return a.map((v, i) => Math.sqrt(0.2) * v + Math.sqrt(0.8) * b[i]!);
}

/** Muscle-like noise: Gaussian, band-passed to 20–150 Hz. */
export function muscleNoise(length: number, rateHz: number, seed: number): Float64Array {
  const g = gaussian(seed);
  const band = new BiquadCascade(designBandPass(20, Math.min(150, 0.45 * rateHz), rateHz));
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = band.step(g());
  return out;
}

/** Median peak-to-peak amplitude within ±50 ms of each reference beat. */
export function qrsPeakToPeak(
  samples: ArrayLike<number>,
  beats: readonly number[],
  rateHz: number,
): number {
  const half = Math.round(0.05 * rateHz);
  const amplitudes = beats
    .filter((b) => b - half >= 0 && b + half < samples.length)
    .map((b) => {
      let min = Infinity;
      let max = -Infinity;
      for (let i = b - half; i <= b + half; i++) {
        min = Math.min(min, samples[i]!);
        max = Math.max(max, samples[i]!);
      }
      return max - min;
    })
    .sort((a, b) => a - b);
  return amplitudes[amplitudes.length >> 1] ?? 0;
}

/** Whether a sample falls in a noisy segment of the `nst` protocol. */
export function inNoisySegment(sample: number, rateHz: number): boolean {
  const ms = (sample * 1000) / rateHz;
  if (ms < LEARNING_MS) return false;
  return Math.floor((ms - LEARNING_MS) / SEGMENT_MS) % 2 === 0;
}

export interface StressedLead {
  samples: Float64Array;
  /** The noise as added (scaled, zero outside the noisy segments). */
  noise: Float64Array;
  qrsPeakToPeak: number;
}

/** A clean lead with noise added at `snrDb` in the `nst` protocol's noisy segments. */
export function addNoise(
  clean: ArrayLike<number>,
  referenceBeats: readonly number[],
  rateHz: number,
  snrDb: number,
  kind: NoiseKind,
  seed: number,
): StressedLead {
  const n = clean.length;
  const raw = kind === 'em' ? electrodeMotionNoise(n, rateHz, seed) : muscleNoise(n, rateHz, seed);
  let mean = 0;
  for (const v of raw) mean += v;
  mean /= n;
  let power = 0;
  for (const v of raw) power += (v - mean) ** 2;
  power /= n;
  const pp = qrsPeakToPeak(clean, referenceBeats, rateHz);
  const signalPower = (pp / 4) ** 2;
  const gain = power > 0 ? Math.sqrt(signalPower / (power * 10 ** (snrDb / 10))) : 0;
  const samples = new Float64Array(n);
  const noise = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    noise[i] = inNoisySegment(i, rateHz) ? gain * (raw[i]! - mean) : 0;
    samples[i] = clean[i]! + noise[i]!;
  }
  return { samples, noise, qrsPeakToPeak: pp };
}

/**
 * The "noisiest seconds": 1 s windows in which the added noise's peak-to-peak amplitude exceeds
 * the QRS peak-to-peak amplitude (noise larger than the beats: no detector can tell them apart).
 * Returned as a flag per second.
 */
export function noisiestSeconds(lead: StressedLead, rateHz: number): boolean[] {
  const seconds = Math.ceil(lead.noise.length / rateHz);
  const out: boolean[] = [];
  for (let s = 0; s < seconds; s++) {
    let min = Infinity;
    let max = -Infinity;
    const to = Math.min(lead.noise.length, Math.round((s + 1) * rateHz));
    for (let i = Math.round(s * rateHz); i < to; i++) {
      min = Math.min(min, lead.noise[i]!);
      max = Math.max(max, lead.noise[i]!);
    }
    out.push(max - min > lead.qrsPeakToPeak);
  }
  return out;
}

/** A record's two leads under electrode-motion noise at `snrDb`, analysed as a live bed would. */
export interface StressRun {
  /** Alarms of a condition raised (active changes). */
  raised(condition: string): number;
  /** VT/VF alarms held as probable noise. */
  held: number;
  /** Beat detection over the whole record, and outside the seconds whose noise exceeds the QRS. */
  whole: BeatScore;
  outsideNoisiest: BeatScore;
  noisiestSeconds: number;
}

export function stressRecord(record: ExportRecord, snrDb: number): StressRun {
  const [first, second] = record.channels;
  const rateHz = first!.rateHz;
  const reference = record.annotations
    .filter((a) => ec57Class(a.code))
    .map((a) => Math.round((a.timeMs * rateHz) / 1000));
  const lead0 = addNoise(first!.samples, reference, rateHz, snrDb, 'em', 1);
  const lead1 = addNoise(second!.samples, reference, rateHz, snrDb, 'em', 2);
  const { beats, changes, held } = analyzeRecord(lead0.samples, lead1.samples, rateHz);
  const noisiest = noisiestSeconds(lead0, rateHz);
  const excluded = noisiest.flatMap((noisy, s) =>
    noisy ? [{ from: s * rateHz, to: (s + 1) * rateHz - 1 }] : [],
  );
  const window = Math.round(0.15 * rateHz);
  const detected = beats.map((b) => b.sample);
  return {
    raised: (c) => changes.filter((x) => x.condition === c && x.active).length,
    held: held.length,
    whole: compareBeats(reference, detected, window),
    outsideNoisiest: compareBeats(reference, detected, window, 0, excluded),
    noisiestSeconds: noisiest.filter(Boolean).length,
  };
}
