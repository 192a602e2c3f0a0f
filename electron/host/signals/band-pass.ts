// The QRS band-pass of the beat detector: a 2nd-order Butterworth high-pass and low-pass designed
// from the sampling rate (bilinear transform, RBJ cookbook), and their group delay, so a peak in
// the filtered signal can be traced back to the original. Pure.

/** Transposed direct form II biquad; coefficients normalised so a0 = 1. */
export interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

const BUTTERWORTH_Q = Math.SQRT1_2;
const RESIDUE = 1e-12;
const DENORMAL_GUARD = 1e-20;

function design(kind: 'low' | 'high', cornerHz: number, rateHz: number): Biquad {
  const w0 = (2 * Math.PI * cornerHz) / rateHz;
  const cos = Math.cos(w0);
  const alpha = Math.sin(w0) / (2 * BUTTERWORTH_Q);
  const a0 = 1 + alpha;
  const b =
    kind === 'low'
      ? [(1 - cos) / 2, 1 - cos, (1 - cos) / 2]
      : [(1 + cos) / 2, -(1 + cos), (1 + cos) / 2];
  return {
    b0: (b[0] ?? 0) / a0,
    b1: (b[1] ?? 0) / a0,
    b2: (b[2] ?? 0) / a0,
    a1: (-2 * cos) / a0,
    a2: (1 - alpha) / a0,
  };
}

/** High-pass at `lowHz`, then low-pass at `highHz`. */
export function designBandPass(lowHz: number, highHz: number, rateHz: number): Biquad[] {
  return [design('high', lowHz, rateHz), design('low', highHz, rateHz)];
}

function phase(sections: readonly Biquad[], w: number): number {
  let re = 1;
  let im = 0;
  for (const s of sections) {
    // H(e^jw) = (b0 + b1 e^-jw + b2 e^-2jw) / (1 + a1 e^-jw + a2 e^-2jw)
    const nRe = s.b0 + s.b1 * Math.cos(w) + s.b2 * Math.cos(2 * w);
    const nIm = -s.b1 * Math.sin(w) - s.b2 * Math.sin(2 * w);
    const dRe = 1 + s.a1 * Math.cos(w) + s.a2 * Math.cos(2 * w);
    const dIm = -s.a1 * Math.sin(w) - s.a2 * Math.sin(2 * w);
    const hRe = (nRe * dRe + nIm * dIm) / (dRe * dRe + dIm * dIm);
    const hIm = (nIm * dRe - nRe * dIm) / (dRe * dRe + dIm * dIm);
    [re, im] = [re * hRe - im * hIm, re * hIm + im * hRe];
  }
  return Math.atan2(im, re);
}

/** Group delay in samples at `atHz`: -dφ/dω, by a central difference. */
export function groupDelaySamples(
  sections: readonly Biquad[],
  atHz: number,
  rateHz: number,
): number {
  const w = (2 * Math.PI * atHz) / rateHz;
  const dw = 1e-4;
  let dPhi = phase(sections, w + dw) - phase(sections, w - dw);
  if (dPhi > Math.PI) dPhi -= 2 * Math.PI;
  if (dPhi < -Math.PI) dPhi += 2 * Math.PI;
  return -dPhi / (2 * dw);
}

/** Running state of a cascade of biquads; `step` filters one sample. */
export class BiquadCascade {
  private readonly z1: Float64Array;
  private readonly z2: Float64Array;

  constructor(private readonly sections: readonly Biquad[]) {
    this.z1 = new Float64Array(sections.length);
    this.z2 = new Float64Array(sections.length);
  }

  step(input: number): number {
    let x = input;
    for (let i = 0; i < this.sections.length; i++) {
      const s = this.sections[i]!;
      const z1 = this.z1[i]!;
      let y = s.b0 * x + z1;
      // Rounding residue and decayed ringing are flushed to zero: a flat line must filter to
      // exact zeros (the detector follows any level down), and denormals are slow.
      if (Math.abs(y) < RESIDUE * (Math.abs(x) + Math.abs(z1)) + DENORMAL_GUARD) y = 0;
      this.z1[i] = s.b1 * x - s.a1 * y + this.z2[i]!;
      this.z2[i] = s.b2 * x - s.a2 * y;
      x = y;
    }
    return x;
  }
}
