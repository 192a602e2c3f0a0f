// WFDB signal files in formats 16 (16-bit little-endian two's complement) and 212 (two 12-bit
// two's-complement samples in 3 bytes), frames interleaved: for each frame, each signal's
// samples-per-frame samples in signal order. Reference: WFDB signal(5). Pure.

export type WfdbFormat = 16 | 212;

export const WFDB_FORMATS: readonly WfdbFormat[] = [16, 212];

/** The smallest and largest sample each format holds; the smallest is also WFDB's "no data". */
export const WFDB_RANGE: Record<WfdbFormat, { min: number; max: number }> = {
  16: { min: -32768, max: 32767 },
  212: { min: -2048, max: 2047 },
};

/** Packs a flat, already interleaved sample stream. Values must be in the format's range. */
export function encodeSamples(stream: Int32Array, format: WfdbFormat): Uint8Array {
  if (format === 16) {
    const bytes = new Uint8Array(stream.length * 2);
    for (let i = 0; i < stream.length; i++) {
      const value = stream[i] ?? 0;
      bytes[2 * i] = value & 0xff;
      bytes[2 * i + 1] = (value >> 8) & 0xff;
    }
    return bytes;
  }
  // 212: a trailing odd sample takes two bytes, as the WFDB library writes it.
  const pairs = Math.floor(stream.length / 2);
  const odd = stream.length % 2;
  const bytes = new Uint8Array(pairs * 3 + odd * 2);
  for (let p = 0; p < pairs; p++) {
    const s0 = stream[2 * p] ?? 0;
    const s1 = stream[2 * p + 1] ?? 0;
    bytes[3 * p] = s0 & 0xff;
    bytes[3 * p + 1] = ((s0 >> 8) & 0x0f) | ((s1 >> 4) & 0xf0);
    bytes[3 * p + 2] = s1 & 0xff;
  }
  if (odd) {
    const s0 = stream[stream.length - 1] ?? 0;
    bytes[3 * pairs] = s0 & 0xff;
    bytes[3 * pairs + 1] = (s0 >> 8) & 0x0f;
  }
  return bytes;
}

/** How many whole samples a signal file of `byteLength` bytes holds. */
export function sampleCapacity(byteLength: number, format: WfdbFormat): number {
  if (format === 16) return Math.floor(byteLength / 2);
  return Math.floor(byteLength / 3) * 2 + (byteLength % 3 >= 2 ? 1 : 0);
}

/** Unpacks the first `count` samples of a flat stream; the caller checks `sampleCapacity`. */
export function decodeSamples(bytes: Uint8Array, format: WfdbFormat, count: number): Int32Array {
  const stream = new Int32Array(count);
  if (format === 16) {
    for (let i = 0; i < count; i++) {
      const value = (bytes[2 * i] ?? 0) | ((bytes[2 * i + 1] ?? 0) << 8);
      stream[i] = value & 0x8000 ? value - 0x10000 : value;
    }
    return stream;
  }
  for (let i = 0; i < count; i++) {
    const at = (i >> 1) * 3;
    const middle = bytes[at + 1] ?? 0;
    const value =
      i % 2 === 0
        ? (bytes[at] ?? 0) | ((middle & 0x0f) << 8)
        : (bytes[at + 2] ?? 0) | ((middle & 0xf0) << 4);
    stream[i] = value & 0x800 ? value - 0x1000 : value;
  }
  return stream;
}

/**
 * Interleaves signals into frames. Signal i contributes `perFrame[i]` samples to each of
 * `frameCount` frames; a signal shorter than that is padded with `fill`.
 */
export function interleaveFrames(
  signals: readonly Int32Array[],
  perFrame: readonly number[],
  frameCount: number,
  fill: number,
): Int32Array {
  const frameSize = perFrame.reduce((sum, n) => sum + n, 0);
  const stream = new Int32Array(frameSize * frameCount);
  let column = 0;
  signals.forEach((samples, s) => {
    const spf = perFrame[s] ?? 1;
    for (let f = 0; f < frameCount; f++) {
      for (let k = 0; k < spf; k++) {
        const n = f * spf + k;
        stream[f * frameSize + column + k] = n < samples.length ? (samples[n] ?? fill) : fill;
      }
    }
    column += spf;
  });
  return stream;
}

/** Splits `frameCount` frames of a flat stream back into one array per signal. */
export function deinterleaveFrames(
  stream: Int32Array,
  perFrame: readonly number[],
  frameCount: number,
): Int32Array[] {
  const frameSize = perFrame.reduce((sum, n) => sum + n, 0);
  let column = 0;
  return perFrame.map((spf) => {
    const samples = new Int32Array(spf * frameCount);
    for (let f = 0; f < frameCount; f++) {
      const from = f * frameSize + column;
      for (let k = 0; k < spf; k++) samples[f * spf + k] = stream[from + k] ?? 0;
    }
    column += spf;
    return samples;
  });
}

/** The header checksum of a signal: sum of its samples mod 2^16, as a signed 16-bit number. */
export function signalChecksum(samples: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum = (sum + (samples[i] ?? 0)) & 0xffff;
  return sum >= 0x8000 ? sum - 0x10000 : sum;
}
