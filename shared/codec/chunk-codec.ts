// Lossless waveform chunks: a self-describing header, then int32 samples coded FLAC-style (fixed
// linear prediction of order 0..3 per block, zigzag + Rice residuals, a raw escape), then a
// CRC-32. Pure: Uint8Array/DataView only, so it runs in Node and in browsers.
//
// Layout (multi-byte fields little-endian; L = channel key length in bytes):
//   0       4  magic "WFRC"
//   4       1  format version (1)
//   5       1  L, 0..255
//   6       L  channel key, UTF-8
//   6+L     8  rateHz, float64
//   14+L    8  t0Ms (first sample, ms since the Unix epoch), float64
//   22+L    8  rawPerUnit, float64: physical = (raw − baselineRaw) / rawPerUnit (WFDB's gain)
//   30+L    8  baselineRaw, float64 (WFDB's ADC zero)
//   38+L    4  sampleCount, uint32
//   42+L    2  blockSize (samples per block), uint16
//   44+L    …  payload: blocks, bits most-significant first, last byte zero-padded
//   end−4   4  CRC-32 (IEEE 802.3, as zlib) of every byte before it
// Each block of blockSize samples (the last may be shorter) starts with 3 bits of mode and 6 bits
// of parameter:
//   mode 0..3  fixed predictor of that order, parameter k = Rice parameter (0..35). Each
//              residual r = x[i] − prediction is zigzagged (u = 2r, or −2r − 1 when r < 0) and
//              written as q = u >> k in unary (q ones, a zero) then the low k bits of u; when
//              q ≥ 24: 24 ones then u in 35 bits (bounds the worst case and the decoder's loop).
//              Predictions use the previous samples of the chunk, whatever block they are in;
//              sample i < order uses order i.
//   mode 4     raw: parameter w (1..32), then each sample as w-bit two's complement.

import { BitReader, BitWriter } from './bits';
import { crc32 } from './crc32';

export interface ChunkHeader {
  /** Short channel key, at most 255 bytes of UTF-8. */
  channel: string;
  rateHz: number;
  /** Time of the first sample, ms since the Unix epoch. */
  t0Ms: number;
  /** Raw units per physical unit: physical = (raw − baselineRaw) / rawPerUnit. */
  rawPerUnit: number;
  /** Raw value that is physical zero. */
  baselineRaw: number;
}

export interface DecodedChunk {
  header: ChunkHeader;
  samples: Int32Array;
}

export const CHUNK_FORMAT_VERSION = 1;
export const DEFAULT_BLOCK_SIZE = 64;

const MAGIC = [0x57, 0x46, 0x52, 0x43]; // "WFRC"
const FIXED_HEADER_BYTES = 44; // everything before the payload, without the key
const CRC_BYTES = 4;
const MIN_CHUNK_BYTES = FIXED_HEADER_BYTES + CRC_BYTES;
const MAX_KEY_BYTES = 255;
const MODE_BITS = 3;
const PARAM_BITS = 6;
const MODE_RAW = 4;
const MAX_ORDER = 3;
/** Residuals of order 3 reach ±8·2^31, so zigzagged values stay below 2^35. */
const ESCAPE_BITS = 35;
const MAX_RICE_K = 35;
/** Unary quotients this long switch to the escape; the reader sees ≥ 25 bits at once. */
const RICE_LIMIT = 24;
const POW2 = Array.from({ length: 64 }, (_, i) => 2 ** i);

export { crc32 };

export class ChunkFormatError extends Error {
  override name = 'ChunkFormatError';
}

// ---- prediction -------------------------------------------------------------------------------

/** Prediction of x[i] from the samples before it: order p, or i when fewer samples exist. */
function predict(x: ArrayLike<number>, i: number, order: number): number {
  const p = i < order ? i : order;
  if (p === 0) return 0;
  const x1 = x[i - 1]!;
  if (p === 1) return x1;
  const x2 = x[i - 2]!;
  if (p === 2) return 2 * x1 - x2;
  return 3 * (x1 - x2) + x[i - 3]!;
}

const zigzag = (r: number) => (r >= 0 ? 2 * r : -2 * r - 1);
const unzigzag = (u: number) => (u % 2 === 1 ? -(u + 1) / 2 : u / 2);

/** Sum of absolute residuals of x[start..end) for orders 0..3, into `sums`. */
function residualSums(x: Int32Array, start: number, end: number, sums: Float64Array): void {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = start;
  for (; i < end && i < MAX_ORDER; i++) {
    s0 += Math.abs(x[i]! - predict(x, i, 0));
    s1 += Math.abs(x[i]! - predict(x, i, 1));
    s2 += Math.abs(x[i]! - predict(x, i, 2));
    s3 += Math.abs(x[i]! - predict(x, i, 3));
  }
  if (i < end) {
    let x3 = x[i - 3]!;
    let x2 = x[i - 2]!;
    let x1 = x[i - 1]!;
    for (; i < end; i++) {
      const x0 = x[i]!;
      const d1 = x0 - x1;
      const d2 = d1 - (x1 - x2);
      const d3 = d2 - (x1 - 2 * x2 + x3);
      s0 += Math.abs(x0);
      s1 += Math.abs(d1);
      s2 += Math.abs(d2);
      s3 += Math.abs(d3);
      x3 = x2;
      x2 = x1;
      x1 = x0;
    }
  }
  sums[0] = s0;
  sums[1] = s1;
  sums[2] = s2;
  sums[3] = s3;
}

/** Bits for n zigzagged residuals with Rice parameter k. */
function riceBits(u: Float64Array, n: number, k: number): number {
  const scale = POW2[k]!;
  let bits = n * (k + 1);
  for (let j = 0; j < n; j++) {
    const q = Math.floor(u[j]! / scale);
    bits += q < RICE_LIMIT ? q : RICE_LIMIT + ESCAPE_BITS - k - 1;
  }
  return bits;
}

/** Two's-complement width that holds every sample of x[start..end). */
function rawWidth(x: Int32Array, start: number, end: number): number {
  let low = 0;
  let high = 0;
  for (let i = start; i < end; i++) {
    const v = x[i]!;
    if (v < low) low = v;
    if (v > high) high = v;
  }
  // Bits of max(high, −low − 1) plus a sign bit.
  const magnitude = Math.max(high, -low - 1);
  return 33 - Math.clz32(magnitude);
}

// ---- encode -----------------------------------------------------------------------------------

function writeRiceBlock(w: BitWriter, u: Float64Array, n: number, k: number): void {
  const mask = (1 << k) - 1;
  const scale = POW2[k]!;
  for (let j = 0; j < n; j++) {
    const value = u[j]!;
    const q = Math.floor(value / scale);
    if (q >= RICE_LIMIT) {
      w.write((1 << RICE_LIMIT) - 1, RICE_LIMIT);
      w.writeWide(value, ESCAPE_BITS);
    } else if (q + 1 + k <= 24 && value < 2 ** 31) {
      w.write((((1 << q) - 1) << (k + 1)) | (value & mask), q + 1 + k);
    } else {
      w.write(((1 << q) - 1) << 1, q + 1);
      w.writeWide(value - q * scale, k);
    }
  }
}

function writeRawBlock(w: BitWriter, x: Int32Array, start: number, end: number, width: number) {
  const wrap = POW2[width]!;
  for (let i = start; i < end; i++) {
    const v = x[i]!;
    w.writeWide(v < 0 ? v + wrap : v, width);
  }
}

function writeHeader(
  view: DataView,
  key: Uint8Array,
  header: ChunkHeader,
  count: number,
  block: number,
) {
  MAGIC.forEach((byte, i) => view.setUint8(i, byte));
  view.setUint8(4, CHUNK_FORMAT_VERSION);
  view.setUint8(5, key.length);
  new Uint8Array(view.buffer).set(key, 6);
  let at = 6 + key.length;
  for (const value of [header.rateHz, header.t0Ms, header.rawPerUnit, header.baselineRaw]) {
    view.setFloat64(at, value, true);
    at += 8;
  }
  view.setUint32(at, count, true);
  view.setUint16(at + 4, block, true);
}

function checkHeader(header: ChunkHeader, key: Uint8Array, blockSize: number): void {
  if (key.length > MAX_KEY_BYTES) {
    throw new RangeError(
      `channel key "${header.channel}" is ${key.length} bytes of UTF-8; at most ${MAX_KEY_BYTES}`,
    );
  }
  for (const name of ['rateHz', 't0Ms', 'rawPerUnit', 'baselineRaw'] as const) {
    if (!Number.isFinite(header[name])) {
      throw new RangeError(`chunk header ${name} is ${String(header[name])}, not a finite number`);
    }
  }
  if (!(header.rateHz > 0)) throw new RangeError(`rateHz is ${header.rateHz}; it must be positive`);
  if (!Number.isInteger(blockSize) || blockSize < 1 || blockSize > 0xffff) {
    throw new RangeError(`block size ${blockSize} is not a whole number in 1..65535`);
  }
}

/** Encodes samples (any int32 values) into one self-describing, CRC-checked chunk. */
export function encodeChunk(
  header: ChunkHeader,
  samples: Int32Array,
  blockSize = DEFAULT_BLOCK_SIZE,
): Uint8Array {
  const key = new TextEncoder().encode(header.channel);
  checkHeader(header, key, blockSize);
  const count = samples.length;
  if (count > 0xffffffff) throw new RangeError(`${count} samples do not fit one chunk`);
  const headerBytes = FIXED_HEADER_BYTES + key.length;
  const blocks = Math.ceil(count / blockSize);
  // Each block costs at most its raw form: 9 bits + 32 bits a sample.
  const capacity = headerBytes + count * 4 + Math.ceil((blocks * (MODE_BITS + PARAM_BITS)) / 8) + 8;
  const w = new BitWriter(capacity, headerBytes);
  const u = new Float64Array(Math.min(blockSize, count));
  const sums = new Float64Array(MAX_ORDER + 1);
  for (let start = 0; start < count; start += blockSize) {
    const end = Math.min(start + blockSize, count);
    const n = end - start;
    residualSums(samples, start, end, sums);
    let order = 0;
    for (let p = 1; p <= MAX_ORDER; p++) if (sums[p]! < sums[order]!) order = p;
    for (let i = start; i < end; i++)
      u[i - start] = zigzag(samples[i]! - predict(samples, i, order));
    // Rice parameter near log2 of the mean residual, refined by exact cost.
    const mean = sums[order]! / n;
    const guess = mean < 1 ? 0 : Math.min(MAX_RICE_K, Math.floor(Math.log2(mean)));
    let k = guess;
    let bits = riceBits(u, n, k);
    for (const candidate of [guess - 1, guess + 1]) {
      if (candidate < 0 || candidate > MAX_RICE_K) continue;
      const candidateBits = riceBits(u, n, candidate);
      if (candidateBits < bits) [k, bits] = [candidate, candidateBits];
    }
    const width = rawWidth(samples, start, end);
    if (width * n <= bits) {
      w.write((MODE_RAW << PARAM_BITS) | width, MODE_BITS + PARAM_BITS);
      writeRawBlock(w, samples, start, end, width);
    } else {
      w.write((order << PARAM_BITS) | k, MODE_BITS + PARAM_BITS);
      writeRiceBlock(w, u, n, k);
    }
  }
  w.flush();
  const total = w.at + CRC_BYTES;
  const bytes = w.bytes.slice(0, total);
  const view = new DataView(bytes.buffer);
  writeHeader(view, key, header, count, blockSize);
  view.setUint32(total - CRC_BYTES, crc32(bytes.subarray(0, total - CRC_BYTES)), true);
  return bytes;
}

// ---- decode -----------------------------------------------------------------------------------

const hex = (value: number) => '0x' + value.toString(16).padStart(8, '0');

/** Decodes a chunk from encodeChunk. Throws ChunkFormatError saying what is wrong with it. */
export function decodeChunk(bytes: Uint8Array): DecodedChunk {
  if (bytes.length < MIN_CHUNK_BYTES) {
    throw new ChunkFormatError(
      `waveform chunk truncated: ${bytes.length} bytes, a chunk has at least ${MIN_CHUNK_BYTES}`,
    );
  }
  if (MAGIC.some((byte, i) => bytes[i] !== byte)) {
    const found = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(
      ' ',
    );
    throw new ChunkFormatError(
      `not a waveform chunk: starts with ${found}, expected 57 46 52 43 ("WFRC")`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const crcAt = bytes.length - CRC_BYTES;
  const storedCrc = view.getUint32(crcAt, true);
  const actualCrc = crc32(bytes.subarray(0, crcAt));
  if (storedCrc !== actualCrc) {
    throw new ChunkFormatError(
      `waveform chunk corrupt or truncated: CRC-32 of its ${crcAt} bytes is ${hex(actualCrc)}, stored ${hex(storedCrc)}`,
    );
  }
  const version = bytes[4]!;
  if (version !== CHUNK_FORMAT_VERSION) {
    throw new ChunkFormatError(
      `waveform chunk format version ${version} is not supported (this build reads ${CHUNK_FORMAT_VERSION})`,
    );
  }
  const keyLength = bytes[5]!;
  const payloadAt = FIXED_HEADER_BYTES + keyLength;
  if (payloadAt > crcAt) {
    throw new ChunkFormatError(
      `waveform chunk truncated: its ${keyLength}-byte channel key runs past the ${bytes.length} bytes given`,
    );
  }
  let channel: string;
  try {
    channel = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(6, 6 + keyLength));
  } catch {
    throw new ChunkFormatError('waveform chunk channel key is not valid UTF-8');
  }
  let at = 6 + keyLength;
  const field = () => {
    const value = view.getFloat64(at, true);
    at += 8;
    return value;
  };
  const header: ChunkHeader = {
    channel,
    rateHz: field(),
    t0Ms: field(),
    rawPerUnit: field(),
    baselineRaw: field(),
  };
  const count = view.getUint32(at, true);
  const blockSize = view.getUint16(at + 4, true);
  const payloadBits = (crcAt - payloadAt) * 8;
  // Every sample costs at least one bit, so the count can never claim more than the bytes hold.
  if (count > payloadBits) {
    throw new ChunkFormatError(
      `waveform chunk claims ${count} samples but its payload holds only ${payloadBits} bits`,
    );
  }
  if (count > 0 && blockSize === 0) throw new ChunkFormatError('waveform chunk has block size 0');
  const padded = new Uint8Array(crcAt - payloadAt + 8);
  padded.set(bytes.subarray(payloadAt, crcAt));
  const samples = decodeSamples(new BitReader(padded, payloadBits), count, blockSize);
  return { header, samples };
}

function decodeSamples(r: BitReader, count: number, blockSize: number): Int32Array {
  const x = new Int32Array(count);
  for (let start = 0; start < count; start += blockSize) {
    const end = Math.min(start + blockSize, count);
    const mode = r.read(MODE_BITS);
    const param = r.read(PARAM_BITS);
    if (mode === MODE_RAW) {
      if (param < 1 || param > 32) throw blockError(start, `raw width ${param} is outside 1..32`);
      readRawBlock(r, x, start, end, param);
    } else if (mode <= MAX_ORDER) {
      if (param > MAX_RICE_K)
        throw blockError(start, `Rice parameter ${param} is above ${MAX_RICE_K}`);
      readRiceBlock(r, x, start, end, mode, param);
    } else {
      throw blockError(start, `mode ${mode} is not a known block mode`);
    }
    if (r.pos > r.endBit) throw blockError(start, 'the payload ends inside this block');
  }
  if (r.endBit - r.pos >= 8) {
    throw new ChunkFormatError(
      `waveform chunk has ${Math.floor((r.endBit - r.pos) / 8)} unexpected bytes after its samples`,
    );
  }
  return x;
}

const blockError = (start: number, what: string) =>
  new ChunkFormatError(`waveform chunk block at sample ${start} is corrupt: ${what}`);

function readRawBlock(r: BitReader, x: Int32Array, start: number, end: number, width: number) {
  const half = POW2[width - 1]!;
  const wrap = POW2[width]!;
  for (let i = start; i < end; i++) {
    const v = r.readWide(width);
    x[i] = v >= half ? v - wrap : v;
  }
}

function readRiceBlock(
  r: BitReader,
  x: Int32Array,
  start: number,
  end: number,
  order: number,
  k: number,
) {
  const scale = POW2[k]!;
  let i = start;
  // The first samples of a chunk predict from fewer samples (see `predict`).
  for (; i < end && i < order; i++) x[i] = predict(x, i, order) + unzigzag(readRice(r, k, scale));
  if (i >= end) return;
  let x1 = i >= 1 ? x[i - 1]! : 0;
  let x2 = i >= 2 ? x[i - 2]! : 0;
  let x3 = i >= 3 ? x[i - 3]! : 0;
  for (; i < end; i++) {
    const residual = unzigzag(readRice(r, k, scale));
    const prediction =
      order === 0 ? 0 : order === 1 ? x1 : order === 2 ? 2 * x1 - x2 : 3 * (x1 - x2) + x3;
    x[i] = prediction + residual;
    x3 = x2;
    x2 = x1;
    x1 = x[i]!;
  }
}

function readRice(r: BitReader, k: number, scale: number): number {
  const word = r.peek();
  const q = Math.clz32(~word);
  if (q >= RICE_LIMIT) {
    r.pos += RICE_LIMIT;
    return r.readWide(ESCAPE_BITS);
  }
  if (q + 1 + k <= 25) {
    r.pos += q + 1 + k;
    return k === 0 ? q : q * scale + ((word << (q + 1)) >>> (32 - k));
  }
  r.pos += q + 1;
  return q * scale + r.readWide(k);
}
