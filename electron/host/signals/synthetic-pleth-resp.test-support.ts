// A synthetic pleth and impedance respiration for the detectors' tests, at any sampling rate,
// with the true pulse upstrokes and breath times returned.
import { random } from './random.test-support';

export { random };

function gaussian(samples: Float64Array, centre: number, width: number, height: number): void {
  const half = 4 * width;
  const from = Math.max(0, Math.floor(centre - half));
  const to = Math.min(samples.length, Math.ceil(centre + half));
  for (let i = from; i < to; i++) {
    const z = (i - centre) / width;
    samples[i]! += height * Math.exp(-0.5 * z * z);
  }
}

export interface SyntheticPleth {
  samples: Float64Array;
  /** Steepest point of each systolic upstroke, as a sample index. */
  upstrokes: number[];
}

/**
 * Pulses as a systolic and a dicrotic Gaussian (shapes narrowing at fast rates), on a wandering
 * baseline with respiratory amplitude modulation and a little noise.
 */
export function syntheticPleth(
  rateHz: number,
  seconds: number,
  options: { bpm?: number; seed?: number; jitter?: number; noise?: number } = {},
): SyntheticPleth {
  const { bpm = 75, seed = 1, jitter = 0.04, noise = 0.01 } = options;
  const rand = random(seed);
  const n = Math.round(seconds * rateHz);
  const wave = new Float64Array(n);
  const upstrokes: number[] = [];
  const periodS = 60 / bpm;
  const scale = Math.min(1, periodS / 0.8);
  for (let t = 0.3; t < seconds; t += periodS * (1 - jitter + 2 * jitter * rand())) {
    const systole = (t + 0.12 * scale) * rateHz;
    const width = 0.055 * scale * rateHz;
    const size = 1 + 0.1 * Math.sin(2 * Math.PI * 0.25 * t);
    gaussian(wave, systole, width, size);
    gaussian(wave, (t + 0.38 * scale) * rateHz, 0.07 * scale * rateHz, 0.35 * size);
    upstrokes.push(Math.round(systole - width));
  }
  const samples = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / rateHz;
    const wander = 0.3 * Math.sin(2 * Math.PI * 0.07 * t) + 0.1 * Math.sin(2 * Math.PI * 0.25 * t);
    samples[i] = 2 + wave[i]! + wander + noise * (rand() + rand() + rand() - 1.5) * 2;
  }
  return { samples, upstrokes };
}

export interface SyntheticRespiration {
  samples: Float64Array;
  /** Start of each inspiration, as a sample index. */
  breaths: number[];
}

/**
 * Breaths as a rounded, asymmetric cycle (inspiration shorter than expiration) on a drifting
 * baseline, with cardiogenic oscillation at `heartBpm` and a little noise.
 */
export function syntheticRespiration(
  rateHz: number,
  seconds: number,
  options: { perMin?: number; seed?: number; heartBpm?: number; jitter?: number } = {},
): SyntheticRespiration {
  const { perMin = 15, seed = 1, heartBpm = 80, jitter = 0.05 } = options;
  const rand = random(seed);
  const n = Math.round(seconds * rateHz);
  const samples = new Float64Array(n);
  const starts: number[] = [];
  for (let t = 0.2; t < seconds; t += (60 / perMin) * (1 - jitter + 2 * jitter * rand())) {
    starts.push(t);
  }
  for (let i = 0; i < n; i++) {
    const t = i / rateHz;
    samples[i] =
      500 + 0.05 * t + 0.05 * Math.sin(2 * Math.PI * (heartBpm / 60) * t) + 0.005 * (rand() - 0.5);
  }
  for (let k = 0; k + 1 < starts.length; k++) {
    const start = starts[k]!;
    const period = starts[k + 1]! - start;
    const from = Math.round(start * rateHz);
    const to = Math.min(n, Math.round(starts[k + 1]! * rateHz));
    for (let i = from; i < to; i++) {
      const phase = (i / rateHz - start) / period;
      // 40 % inspiration, 60 % expiration, each half a cosine.
      const lung =
        phase < 0.4
          ? 0.5 - 0.5 * Math.cos((Math.PI * phase) / 0.4)
          : 0.5 + 0.5 * Math.cos((Math.PI * (phase - 0.4)) / 0.6);
      samples[i]! += lung;
    }
  }
  return { samples, breaths: starts.map((t) => Math.round(t * rateHz)) };
}
