// Ventricular fibrillation/flutter by a spectral test in the manner of Barro et al. (1989,
// "Algorithmic sequential decision making in the frequency domain for life threatening ventricular
// arrhythmias"): over a 4 s window judged every 1 s, the dominant frequency of the 1–15 Hz
// band-passed signal lies in 2.5–9 Hz (150–540 /min) and ≥ 70 % of the 0.5–20 Hz power lies
// within 0.7–1.4 × it (an organised rhythm spreads its power over the harmonics of the heart rate
// and the QRS band). One judgement a second; confirming them is the caller's. Pure, bounded.

import { BiquadCascade, designBandPass } from './band-pass';

const VF_LOW_HZ = 1;
const VF_HIGH_HZ = 15;
const VF_GRID_HZ = 50;
const VF_WINDOW_MS = 4000;
const VF_JUDGE_MS = 1000;
const VF_RESOLUTION_HZ = 0.25;
const VF_SPECTRUM_HZ = [0.5, 20] as const;
const VF_DOMINANT_HZ = [2.5, 9] as const;
const VF_PEAK_BAND = [0.7, 1.4] as const;
const VF_CONCENTRATION = 0.7;

/** Power spectrum features of a window: the dominant frequency and the share of power near it. */
export function vfSpectrum(
  window: ArrayLike<number>,
  gridHz: number,
): { dominantHz: number; concentration: number; power: number } {
  const n = window.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += window[i]!;
  mean /= n;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const hann = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / Math.max(1, n - 1));
    x[i] = (window[i]! - mean) * hann;
  }
  const freqs: number[] = [];
  const power: number[] = [];
  for (
    let f = VF_SPECTRUM_HZ[0];
    f <= Math.min(VF_SPECTRUM_HZ[1], gridHz / 2);
    f += VF_RESOLUTION_HZ
  ) {
    const w = (2 * Math.PI * f) / gridHz;
    // Goertzel recurrence for one frequency.
    const c = 2 * Math.cos(w);
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const s0 = x[i]! + c * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    freqs.push(f);
    power.push(s1 * s1 + s2 * s2 - c * s1 * s2);
  }
  let total = 0;
  let dominantHz = 0;
  let peak = -1;
  for (let k = 0; k < freqs.length; k++) {
    total += power[k]!;
    const f = freqs[k]!;
    if (f >= 1 && f <= 12 && power[k]! > peak) {
      peak = power[k]!;
      dominantHz = f;
    }
  }
  let near = 0;
  for (let k = 0; k < freqs.length; k++) {
    const f = freqs[k]!;
    if (f >= VF_PEAK_BAND[0] * dominantHz && f <= VF_PEAK_BAND[1] * dominantHz) near += power[k]!;
  }
  return { dominantHz, concentration: total > 0 ? near / total : 0, power: total / n };
}

export interface VfJudgement {
  positive: boolean;
  dominantHz: number;
}

/** The spectral test over one lead's cleaned samples: a judgement every second once 4 s are held. */
export class VfSpectralTest {
  private readonly filter: BiquadCascade;
  // The 1–15 Hz signal averaged in blocks onto a ~50 Hz grid, in a ring of the window.
  private readonly block: number;
  private readonly gridHz: number;
  private readonly ring: Float64Array;
  private readonly judgeEvery: number;
  private sum = 0;
  private count = 0;
  private gridN = 0;
  private n = 0;

  constructor(rateHz: number) {
    this.filter = new BiquadCascade(designBandPass(VF_LOW_HZ, VF_HIGH_HZ, rateHz));
    this.block = Math.max(1, Math.floor(rateHz / VF_GRID_HZ));
    this.gridHz = rateHz / this.block;
    this.ring = new Float64Array(Math.round((VF_WINDOW_MS / 1000) * this.gridHz));
    this.judgeEvery = Math.max(1, Math.round((VF_JUDGE_MS * rateHz) / 1000));
  }

  /** Feeds one sample; returns a judgement when one is due. */
  step(x: number): VfJudgement | undefined {
    this.sum += this.filter.step(x);
    this.count++;
    if (this.count >= this.block) {
      this.ring[this.gridN % this.ring.length] = this.sum / this.count;
      this.gridN++;
      this.sum = 0;
      this.count = 0;
    }
    this.n++;
    if (this.n % this.judgeEvery !== 0 || this.gridN < this.ring.length) return undefined;
    const size = this.ring.length;
    const window = new Float64Array(size);
    for (let i = 0; i < size; i++) window[i] = this.ring[(this.gridN + i) % size]!;
    const { dominantHz, concentration, power } = vfSpectrum(window, this.gridHz);
    const positive =
      power > 0 &&
      dominantHz >= VF_DOMINANT_HZ[0] &&
      dominantHz <= VF_DOMINANT_HZ[1] &&
      concentration >= VF_CONCENTRATION;
    return { positive, dominantHz };
  }
}
