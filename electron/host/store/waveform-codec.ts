// Waveform samples as stored: signed 32-bit little-endian integers, bit-exact both ways.

export const WAVEFORM_ENCODING = 'i32le';

const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

/** Index of the first value that is not a whole number in int32 range, or -1 if all are. */
export function findNonInt32(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (!Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) return i;
  }
  return -1;
}

export function encodeInt32le(values: ArrayLike<number>): Uint8Array {
  const bad = findNonInt32(values);
  if (bad >= 0) {
    throw new RangeError(
      `sample ${bad} is ${String(values[bad])}, which is not a whole number in the int32 range`,
    );
  }
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setInt32(i * 4, values[i]!, true);
  return bytes;
}

export function decodeInt32le(bytes: Uint8Array): Int32Array {
  if (bytes.byteLength % 4 !== 0) {
    throw new RangeError(`an i32le chunk has ${bytes.byteLength} bytes, not a multiple of 4`);
  }
  const samples = new Int32Array(bytes.byteLength / 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < samples.length; i++) samples[i] = view.getInt32(i * 4, true);
  return samples;
}
