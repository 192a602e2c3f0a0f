// A synthetic ECG for the detector's tests: P, Q, R, S and T as Gaussian bumps on a wandering
// baseline with a little noise, at any sampling rate, with the true R peaks returned.
import { random } from './random.test-support';

export interface SyntheticEcg {
  samples: Float64Array;
  rPeaks: number[];
}

const WAVES = [
  // offset from R (s), width (s), amplitude (mV)
  { at: -0.2, width: 0.025, mV: 0.15 }, // P
  { at: -0.03, width: 0.008, mV: -0.12 }, // Q
  { at: 0, width: 0.01, mV: 1.2 }, // R
  { at: 0.03, width: 0.009, mV: -0.25 }, // S
  { at: 0.3, width: 0.05, mV: 0.35 }, // T
];

export function syntheticEcg(
  rateHz: number,
  seconds: number,
  options: { bpm?: number; seed?: number; gainPerMv?: number; noiseMv?: number } = {},
): SyntheticEcg {
  const { bpm = 72, seed = 1, gainPerMv = 200, noiseMv = 0.02 } = options;
  const rand = random(seed);
  const n = Math.round(seconds * rateHz);
  const mv = new Float64Array(n);
  const rTimes: number[] = [];
  // RR varies ±10 % beat to beat, like sinus arrhythmia.
  for (let t = 0.5; t < seconds; t += (60 / bpm) * (0.9 + 0.2 * rand())) rTimes.push(t);
  for (const r of rTimes) {
    for (const w of WAVES) {
      const centre = (r + w.at) * rateHz;
      const half = 4 * w.width * rateHz;
      for (let i = Math.max(0, Math.floor(centre - half)); i < Math.min(n, centre + half); i++) {
        const z = (i - centre) / (w.width * rateHz);
        mv[i]! += w.mV * Math.exp(-0.5 * z * z);
      }
    }
  }
  const samples = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / rateHz;
    const wander = 0.3 * Math.sin(2 * Math.PI * 0.25 * t) + 0.1 * Math.sin(2 * Math.PI * 0.05 * t);
    const noise = noiseMv * (rand() + rand() + rand() - 1.5) * 2;
    samples[i] = Math.round((mv[i]! + wander + noise) * gainPerMv + 1024);
  }
  return { samples, rPeaks: rTimes.map((t) => Math.round(t * rateHz)) };
}
