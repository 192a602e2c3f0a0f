// WAV (RIFF) files of 16-bit PCM: what stethoscope recordings are stored and exported as. Pure:
// runs in the renderer, the host and tests alike.

/** A WAV file that could not be read, with the reason in words a person can act on. */
export class WavFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WavFormatError';
  }
}

export interface DecodedWav {
  rateHz: number;
  /** Channels in the file; only the first one is returned in samples. */
  channelCount: number;
  /** The first channel, one value per frame. */
  samples: Int16Array;
}

const HEADER_BYTES = 44;
const PCM_FORMAT = 1;
const EXTENSIBLE_FORMAT = 0xfffe;
const MAX_RATE_HZ = 0xffffffff;

/** A 16-bit PCM mono WAV. Float samples are full scale at ±1 and clipped beyond it. */
export function encodeWav(samples: Float32Array | Int16Array, rateHz: number): Uint8Array {
  if (!Number.isInteger(rateHz) || rateHz < 1 || rateHz > MAX_RATE_HZ) {
    throw new RangeError(`A WAV sample rate must be a whole number of Hz, not ${rateHz}.`);
  }
  const dataBytes = samples.length * 2;
  const bytes = new Uint8Array(HEADER_BYTES + dataBytes);
  const view = new DataView(bytes.buffer);
  writeAscii(view, 0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  writeAscii(view, 8, 'WAVE');
  writeAscii(view, 12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, PCM_FORMAT, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, rateHz, true);
  view.setUint32(28, rateHz * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  writeAscii(view, 36, 'data');
  view.setUint32(40, dataBytes, true);
  const isFloat = samples instanceof Float32Array;
  for (let i = 0; i < samples.length; i++) {
    const value = samples[i]!;
    view.setInt16(HEADER_BYTES + i * 2, isFloat ? floatToInt16(value) : value, true);
  }
  return bytes;
}

/** Reads a 16-bit PCM WAV (any channel count) and returns its first channel. */
export function decodeWav(bytes: Uint8Array): DecodedWav {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 12 || readAscii(view, 0) !== 'RIFF' || readAscii(view, 8) !== 'WAVE') {
    throw new WavFormatError('This is not a WAV file (no RIFF/WAVE header).');
  }
  let format: { channelCount: number; rateHz: number; blockAlign: number } | null = null;
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = readAscii(view, offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > bytes.length) {
        throw new WavFormatError('The WAV file is truncated: its format chunk is incomplete.');
      }
      format = readFormat(view, body, size);
    } else if (id === 'data') {
      if (format === null) {
        throw new WavFormatError('The WAV file has its data before its format chunk.');
      }
      if (body + size > bytes.length) {
        throw new WavFormatError(
          `The WAV file is truncated: it announces ${size} bytes of samples but holds ${bytes.length - body}.`,
        );
      }
      const frames = Math.floor(size / format.blockAlign);
      const samples = new Int16Array(frames);
      for (let i = 0; i < frames; i++) {
        samples[i] = view.getInt16(body + i * format.blockAlign, true);
      }
      return { rateHz: format.rateHz, channelCount: format.channelCount, samples };
    }
    // Chunks are padded to an even length.
    offset = body + size + (size % 2);
  }
  throw new WavFormatError(
    format === null
      ? 'The WAV file is truncated: it has no format chunk.'
      : 'The WAV file is truncated: it has no sample data.',
  );
}

/** Seconds of sound in `frames` samples per channel at `rateHz`. */
export function wavDurationS(frames: number, rateHz: number): number {
  return frames / rateHz;
}

function readFormat(view: DataView, at: number, size: number) {
  let formatTag = view.getUint16(at, true);
  const channelCount = view.getUint16(at + 2, true);
  const rateHz = view.getUint32(at + 4, true);
  const blockAlign = view.getUint16(at + 12, true);
  const bitsPerSample = view.getUint16(at + 14, true);
  // WAVE_FORMAT_EXTENSIBLE names the real format in the first two bytes of its sub-format GUID.
  if (formatTag === EXTENSIBLE_FORMAT && size >= 40 && at + 26 <= view.byteLength) {
    formatTag = view.getUint16(at + 24, true);
  }
  if (formatTag !== PCM_FORMAT) {
    throw new WavFormatError(
      `This WAV file is not plain PCM (format ${formatTag}); save it as 16-bit PCM.`,
    );
  }
  if (bitsPerSample !== 16) {
    throw new WavFormatError(
      `This WAV file has ${bitsPerSample}-bit samples; only 16-bit PCM is supported.`,
    );
  }
  if (channelCount < 1 || rateHz < 1 || blockAlign < channelCount * 2) {
    throw new WavFormatError(
      `This WAV file's format is inconsistent (${channelCount} channels, ${rateHz} Hz, ${blockAlign}-byte frames).`,
    );
  }
  return { channelCount, rateHz, blockAlign };
}

function floatToInt16(value: number): number {
  if (Number.isNaN(value)) return 0;
  const clipped = Math.max(-1, Math.min(1, value));
  return Math.round(clipped < 0 ? clipped * 32768 : clipped * 32767);
}

function writeAscii(view: DataView, at: number, text: string): void {
  for (let i = 0; i < text.length; i++) view.setUint8(at + i, text.charCodeAt(i));
}

function readAscii(view: DataView, at: number): string {
  let text = '';
  for (let i = 0; i < 4; i++) text += String.fromCharCode(view.getUint8(at + i));
  return text;
}
