import { describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64 } from './base64';
import { decodeWav, encodeWav, WavFormatError } from './wav';

/** A WAV built field by field, so the decoder is checked against more than the encoder. */
function handmadeWav(options: {
  formatTag?: number;
  channels?: number;
  rateHz?: number;
  bits?: number;
  frames: number[][];
  extraChunk?: { id: string; bytes: number };
  declaredDataBytes?: number;
  extensibleSubFormat?: number;
}): Uint8Array {
  const channels = options.channels ?? 1;
  const bits = options.bits ?? 16;
  const blockAlign = (channels * bits) / 8;
  const extensible = options.extensibleSubFormat !== undefined;
  const fmtSize = extensible ? 40 : 16;
  const extra = options.extraChunk;
  const extraSize = extra ? 8 + extra.bytes + (extra.bytes % 2) : 0;
  const dataBytes = options.frames.length * blockAlign;
  const bytes = new Uint8Array(12 + 8 + fmtSize + extraSize + 8 + dataBytes);
  const view = new DataView(bytes.buffer);
  const ascii = (at: number, text: string) =>
    [...text].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)));
  ascii(0, 'RIFF');
  view.setUint32(4, bytes.length - 8, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, fmtSize, true);
  view.setUint16(20, extensible ? 0xfffe : (options.formatTag ?? 1), true);
  view.setUint16(22, channels, true);
  view.setUint32(24, options.rateHz ?? 4000, true);
  view.setUint32(28, (options.rateHz ?? 4000) * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, bits, true);
  if (extensible) {
    view.setUint16(36, 22, true);
    view.setUint16(44, options.extensibleSubFormat!, true);
  }
  let at = 20 + fmtSize;
  if (extra) {
    ascii(at, extra.id);
    view.setUint32(at + 4, extra.bytes, true);
    at += extraSize;
  }
  ascii(at, 'data');
  view.setUint32(at + 4, options.declaredDataBytes ?? dataBytes, true);
  at += 8;
  for (const frame of options.frames) {
    for (const value of frame) {
      if (bits === 16) view.setInt16(at, value, true);
      else view.setUint8(at, value);
      at += bits / 8;
    }
  }
  return bytes;
}

describe('encodeWav', () => {
  it('writes a 44-byte PCM mono header and little-endian samples', () => {
    const wav = encodeWav(new Int16Array([0, 1, -1, 32767, -32768]), 2000);
    const view = new DataView(wav.buffer);
    expect(wav.length).toBe(44 + 10);
    expect(String.fromCharCode(...wav.subarray(0, 4))).toBe('RIFF');
    expect(view.getUint32(4, true)).toBe(wav.length - 8);
    expect(String.fromCharCode(...wav.subarray(8, 16))).toBe('WAVEfmt ');
    expect(view.getUint16(20, true)).toBe(1);
    expect(view.getUint16(22, true)).toBe(1);
    expect(view.getUint32(24, true)).toBe(2000);
    expect(view.getUint32(28, true)).toBe(4000);
    expect(view.getUint16(32, true)).toBe(2);
    expect(view.getUint16(34, true)).toBe(16);
    expect(String.fromCharCode(...wav.subarray(36, 40))).toBe('data');
    expect(view.getUint32(40, true)).toBe(10);
    expect(view.getInt16(44 + 6, true)).toBe(32767);
  });

  it('scales floats to full scale, clips beyond ±1 and silences NaN', () => {
    const wav = encodeWav(new Float32Array([0, 1, -1, 0.5, 2, -3, Number.NaN]), 48000);
    expect(Array.from(decodeWav(wav).samples)).toEqual([0, 32767, -32768, 16384, 32767, -32768, 0]);
  });

  it('round-trips 16-bit samples exactly', () => {
    const samples = Int16Array.from({ length: 5000 }, (_, i) => Math.round(30000 * Math.sin(i)));
    const decoded = decodeWav(encodeWav(samples, 44100));
    expect(decoded.rateHz).toBe(44100);
    expect(decoded.channelCount).toBe(1);
    expect(decoded.samples).toEqual(samples);
  });

  it('writes an empty recording as a valid empty WAV', () => {
    expect(decodeWav(encodeWav(new Int16Array(0), 8000)).samples.length).toBe(0);
  });

  it('refuses a rate that is not a whole number of Hz', () => {
    expect(() => encodeWav(new Int16Array(1), 44100.5)).toThrow(RangeError);
    expect(() => encodeWav(new Int16Array(1), 0)).toThrow(/whole number/);
  });
});

describe('decodeWav', () => {
  it('returns the first channel of a multi-channel file', () => {
    const wav = handmadeWav({
      channels: 2,
      frames: [
        [1, -1],
        [2, -2],
        [3, -3],
      ],
    });
    expect(decodeWav(wav)).toEqual({
      rateHz: 4000,
      channelCount: 2,
      samples: new Int16Array([1, 2, 3]),
    });
  });

  it('skips chunks it does not need, including odd-sized padded ones', () => {
    const wav = handmadeWav({ frames: [[7], [8]], extraChunk: { id: 'LIST', bytes: 5 } });
    expect(Array.from(decodeWav(wav).samples)).toEqual([7, 8]);
  });

  it('reads WAVE_FORMAT_EXTENSIBLE when its sub-format is PCM', () => {
    const wav = handmadeWav({ frames: [[5]], extensibleSubFormat: 1 });
    expect(Array.from(decodeWav(wav).samples)).toEqual([5]);
  });

  it('reads a view into a larger buffer', () => {
    const wav = encodeWav(new Int16Array([4, 5, 6]), 2000);
    const padded = new Uint8Array(wav.length + 3);
    padded.set(wav, 3);
    expect(Array.from(decodeWav(padded.subarray(3)).samples)).toEqual([4, 5, 6]);
  });

  it.each([
    ['text', new TextEncoder().encode('hello, this is not audio at all'), /not a WAV file/],
    ['an empty file', new Uint8Array(0), /not a WAV file/],
    ['8-bit samples', handmadeWav({ bits: 8, frames: [[128]] }), /8-bit.*only 16-bit/],
    ['float samples', handmadeWav({ formatTag: 3, frames: [[0]] }), /not plain PCM \(format 3\)/],
    [
      'extensible float',
      handmadeWav({ frames: [[0]], extensibleSubFormat: 3 }),
      /not plain PCM \(format 3\)/,
    ],
    [
      'missing samples',
      handmadeWav({ frames: [[1], [2]], declaredDataBytes: 400 }),
      /truncated: it announces 400 bytes of samples but holds 4/,
    ],
    ['a header cut short', encodeWav(new Int16Array(4), 2000).subarray(0, 30), /truncated/],
    ['no data chunk', encodeWav(new Int16Array(4), 2000).subarray(0, 36), /no sample data/],
  ])('refuses %s with a clear reason', (_what, bytes, reason) => {
    expect(() => decodeWav(bytes)).toThrow(WavFormatError);
    expect(() => decodeWav(bytes)).toThrow(reason);
  });

  it('refuses data before the format', () => {
    const wav = encodeWav(new Int16Array(2), 2000);
    const swapped = new Uint8Array(12 + 8 + 4);
    swapped.set(wav.subarray(0, 12));
    swapped.set(wav.subarray(36, 44), 12);
    expect(() => decodeWav(swapped)).toThrow(/data before its format/);
  });
});

describe('base64', () => {
  it('round-trips every byte value and long payloads', () => {
    const bytes = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 256);
    const text = bytesToBase64(bytes);
    expect(text.length).toBe(Math.ceil(bytes.length / 3) * 4);
    expect(base64ToBytes(text)).toEqual(bytes);
  });

  it('refuses text that is not base64', () => {
    expect(() => base64ToBytes('not base64!')).toThrow(/not base64/);
    expect(() => base64ToBytes('abc')).toThrow(/not base64/);
  });
});
