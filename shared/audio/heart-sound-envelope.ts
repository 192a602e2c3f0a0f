// The phonocardiogram's envelope, for finding beats in heart sounds: band-pass 25–400 Hz, then the
// mean Shannon energy of short frames at 100 Hz, and the envelope's autocorrelation. Pure.

/** Envelope values per second. */
export const ENVELOPE_RATE_HZ = 100;
const BAND_LOW_HZ = 25;
const BAND_HIGH_HZ = 400;
const ENVELOPE_FRAME_S = 0.025;
/** Smooths the envelope so that beat-to-beat variation does not split its autocorrelation peaks. */
const ENVELOPE_SMOOTHING_S = 0.05;

/** The smoothed Shannon-energy envelope (non-negative, ENVELOPE_RATE_HZ values a second). */
export function heartSoundEnvelope(samples: ArrayLike<number>, rateHz: number): Float64Array {
  return shannonEnvelope(bandPass(samples, rateHz), rateHz);
}

/** Two second-order Butterworth sections (high-pass, then low-pass), run forward. */
function bandPass(samples: ArrayLike<number>, rateHz: number): Float64Array {
  const out = Float64Array.from(samples as ArrayLike<number>);
  biquad(out, butterworth('highpass', BAND_LOW_HZ, rateHz));
  const highHz = Math.min(BAND_HIGH_HZ, rateHz * 0.45);
  biquad(out, butterworth('lowpass', highHz, rateHz));
  return out;
}

type Coefficients = [b0: number, b1: number, b2: number, a1: number, a2: number];

/** RBJ cookbook coefficients, Q = 1/√2, normalised by a0. */
function butterworth(type: 'highpass' | 'lowpass', cornerHz: number, rateHz: number): Coefficients {
  const w0 = (2 * Math.PI * cornerHz) / rateHz;
  const alpha = Math.sin(w0) / (2 * Math.SQRT1_2);
  const cos = Math.cos(w0);
  const a0 = 1 + alpha;
  const b1 = type === 'lowpass' ? 1 - cos : -(1 + cos);
  const b0 = type === 'lowpass' ? b1 / 2 : -b1 / 2;
  return [b0 / a0, b1 / a0, b0 / a0, (-2 * cos) / a0, (1 - alpha) / a0];
}

function biquad(signal: Float64Array, [b0, b1, b2, a1, a2]: Coefficients): void {
  let x1 = 0;
  let x2 = 0;
  let y1 = 0;
  let y2 = 0;
  for (let i = 0; i < signal.length; i++) {
    const x = signal[i]!;
    const y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
    x2 = x1;
    x1 = x;
    y2 = y1;
    y1 = y;
    signal[i] = y;
  }
}

/**
 * Mean Shannon energy (−x² ln x², x scaled to ±1) of 25 ms frames every 10 ms, smoothed: it
 * weighs the medium-intensity heart sounds over both low noise and single loud
 * clicks.
 */
function shannonEnvelope(signal: Float64Array, rateHz: number): Float64Array {
  let peak = 0;
  for (const value of signal) peak = Math.max(peak, Math.abs(value));
  const hop = rateHz / ENVELOPE_RATE_HZ;
  const frame = Math.max(1, Math.round(ENVELOPE_FRAME_S * rateHz));
  const count = Math.max(0, Math.floor((signal.length - frame) / hop) + 1);
  const energy = new Float64Array(count);
  if (peak === 0) return energy;
  for (let f = 0; f < count; f++) {
    const start = Math.round(f * hop);
    let sum = 0;
    for (let i = start; i < start + frame; i++) {
      const square = (signal[i]! / peak) ** 2;
      if (square > 0) sum -= square * Math.log(square);
    }
    energy[f] = sum / frame;
  }
  return movingAverage(energy, Math.round(ENVELOPE_SMOOTHING_S * ENVELOPE_RATE_HZ));
}

function movingAverage(values: Float64Array, width: number): Float64Array {
  const out = new Float64Array(values.length);
  const half = Math.floor(width / 2);
  let sum = 0;
  let from = 0;
  let to = 0; // the window is [from, to)
  for (let i = 0; i < values.length; i++) {
    const wantTo = Math.min(values.length, i + half + 1);
    const wantFrom = Math.max(0, i - half);
    while (to < wantTo) sum += values[to++]!;
    while (from < wantFrom) sum -= values[from++]!;
    out[i] = sum / (to - from);
  }
  return out;
}

/** Pearson correlation of the envelope with itself shifted by each lag from 0 to lastLag. */
export function autocorrelation(envelope: Float64Array, lastLag: number): Float64Array {
  const out = new Float64Array(Math.max(0, lastLag + 1));
  for (let lag = 0; lag <= lastLag; lag++) {
    const n = envelope.length - lag;
    let sumA = 0;
    let sumB = 0;
    let sumAB = 0;
    let sumAA = 0;
    let sumBB = 0;
    for (let i = 0; i < n; i++) {
      const a = envelope[i]!;
      const b = envelope[i + lag]!;
      sumA += a;
      sumB += b;
      sumAB += a * b;
      sumAA += a * a;
      sumBB += b * b;
    }
    const covariance = sumAB - (sumA * sumB) / n;
    const spread = Math.sqrt((sumAA - (sumA * sumA) / n) * (sumBB - (sumB * sumB) / n));
    out[lag] = spread > 0 ? covariance / spread : 0;
  }
  return out;
}
