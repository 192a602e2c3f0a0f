// Waveform samples as stored: compressed self-describing chunks ('wfrc1', see codec/), or the
// plain signed 32-bit little-endian integers of stores written before it ('i32le'). Bit-exact
// both ways.
import { decodeChunk, encodeChunk } from './chunk-codec';

/** What new chunks are written as. */
export const WAVEFORM_ENCODING = 'wfrc1';
export const LEGACY_WAVEFORM_ENCODING = 'i32le';

export interface ChunkIdentity {
  channel: string;
  rateHz: number;
  t0Ms: number;
}

/** Encodes int32 samples as a compressed chunk; throws RangeError for a non-int32 value. */
export function encodeStoredChunk(identity: ChunkIdentity, values: ArrayLike<number>): Uint8Array {
  const bad = findNonInt32(values);
  if (bad >= 0) {
    throw new RangeError(
      `sample ${bad} is ${String(values[bad])}, which is not a whole number in the int32 range`,
    );
  }
  const samples = values instanceof Int32Array ? values : Int32Array.from(values);
  // The chunk keeps raw counts; the channel's scale lives with the channel (channels table).
  return encodeChunk({ ...identity, rawPerUnit: 1, baselineRaw: 0 }, samples);
}

/** Decodes a stored chunk of either encoding; a damaged chunk throws, naming what is wrong. */
export function decodeStoredChunk(
  encoding: string,
  data: Uint8Array,
  sampleCount: number,
): Int32Array {
  let values: Int32Array;
  if (encoding === WAVEFORM_ENCODING) values = decodeChunk(data).samples;
  else if (encoding === LEGACY_WAVEFORM_ENCODING) values = decodeInt32le(data);
  else throw new Error(`unknown waveform encoding ${encoding}`);
  if (values.length !== sampleCount) {
    throw new Error(`the chunk holds ${values.length} samples but says ${sampleCount}`);
  }
  return values;
}

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
