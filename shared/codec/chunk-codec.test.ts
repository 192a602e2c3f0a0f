import { describe, expect, it } from 'vitest';
import { ChunkFormatError, crc32, decodeChunk, encodeChunk, type ChunkHeader } from './chunk-codec';

const HEADER: ChunkHeader = {
  channel: 'ecg.II',
  rateHz: 360,
  t0Ms: 1_700_000_000_123.5,
  rawPerUnit: 200,
  baselineRaw: 1024,
};
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** mulberry32: a tiny seeded PRNG, uniform in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random int32 with `bits` significant bits, two's complement (1..32). */
function signedBits(random: () => number, bits: number): number {
  const value = Math.floor(random() * 2 ** bits);
  return value >= 2 ** (bits - 1) ? value - 2 ** bits : value;
}

const clampInt32 = (v: number) => Math.max(INT32_MIN, Math.min(INT32_MAX, Math.round(v)));

type Shape = (random: () => number, n: number) => Int32Array;

const SHAPES: Record<string, Shape> = {
  constant: (random, n) => new Int32Array(n).fill(signedBits(random, 32)),
  zeros: (_random, n) => new Int32Array(n),
  ramp: (random, n) => {
    const start = signedBits(random, 20);
    const step = signedBits(random, 10);
    return Int32Array.from({ length: n }, (_, i) => start + step * i);
  },
  wrappingRamp: (random, n) => {
    const step = signedBits(random, 31);
    return Int32Array.from({ length: n }, (_, i) => (step * i) | 0);
  },
  sineNoise: (random, n) => {
    const amplitude = 2 ** (1 + random() * 28);
    const period = 4 + random() * 400;
    return Int32Array.from({ length: n }, (_, i) =>
      clampInt32(amplitude * Math.sin((2 * Math.PI * i) / period) + (random() - 0.5) * 8),
    );
  },
  randomWalk: (random, n) => {
    const stepBits = 1 + Math.floor(random() * 16);
    let v = signedBits(random, 24);
    return Int32Array.from({ length: n }, () => (v = clampInt32(v + signedBits(random, stepBits))));
  },
  whiteNoise: (random, n) => {
    const bits = 1 + Math.floor(random() * 32);
    return Int32Array.from({ length: n }, () => signedBits(random, bits));
  },
  extremes: (random, n) =>
    Int32Array.from(
      { length: n },
      () =>
        [INT32_MIN, INT32_MAX, 0, -1, 1, INT32_MIN + 1, INT32_MAX - 1][Math.floor(random() * 7)]!,
    ),
  alternatingExtremes: (_random, n) =>
    Int32Array.from({ length: n }, (_, i) => (i % 2 === 0 ? INT32_MIN : INT32_MAX)),
  spikes: (random, n) =>
    Int32Array.from({ length: n }, () =>
      random() < 0.02 ? signedBits(random, 32) : signedBits(random, 3),
    ),
};

function expectRoundTrip(samples: Int32Array, blockSize?: number): Uint8Array {
  const bytes = encodeChunk(HEADER, samples, blockSize);
  const decoded = decodeChunk(bytes);
  expect(decoded.header).toEqual(HEADER);
  expect(decoded.samples.length).toBe(samples.length);
  // Compare as bytes: one assertion, and a mismatch prints its position.
  expect(Buffer.from(decoded.samples.buffer).equals(Buffer.from(samples.slice().buffer))).toBe(
    true,
  );
  return bytes;
}

describe('encodeChunk / decodeChunk round trip', () => {
  it('keeps the header and an empty or one-sample series', () => {
    expectRoundTrip(new Int32Array(0));
    for (const v of [0, 1, -1, INT32_MIN, INT32_MAX]) expectRoundTrip(Int32Array.of(v));
    const unicode = { ...HEADER, channel: 'bed-7/ЭКГ/💓', t0Ms: -5e12 };
    expect(decodeChunk(encodeChunk(unicode, Int32Array.of(3))).header).toEqual(unicode);
  });

  it.each(Object.keys(SHAPES))('is bit-exact for %s series of random lengths', (name) => {
    const random = mulberry32(0xc0dec + name.length * 7919);
    for (let trial = 0; trial < 40; trial++) {
      const n = trial < 8 ? trial : Math.floor(random() ** 2 * 5000);
      const blockSize = [1, 2, 3, 17, 64, 256, 4096][trial % 7];
      expectRoundTrip(SHAPES[name]!(random, n), blockSize);
    }
  });

  it('is bit-exact for white noise at every width from 1 to 32 bits', () => {
    const random = mulberry32(32);
    for (let bits = 1; bits <= 32; bits++) {
      const samples = Int32Array.from({ length: 1000 }, () => signedBits(random, bits));
      const bytes = expectRoundTrip(samples);
      // The raw escape keeps incompressible data near its own width.
      expect(bytes.length).toBeLessThanOrEqual(100 + Math.ceil((1000 * (bits + 0.2)) / 8));
    }
  });

  it('never expands beyond 4 bytes a sample plus a small overhead', () => {
    const random = mulberry32(4);
    for (const name of ['extremes', 'alternatingExtremes', 'whiteNoise', 'spikes']) {
      const samples = SHAPES[name]!(random, 10_000);
      const bytes = expectRoundTrip(samples);
      expect(bytes.length, name).toBeLessThanOrEqual(samples.length * 4 + 60 + samples.length / 40);
    }
  });

  it('compresses smooth signals well', () => {
    const ramp = Int32Array.from({ length: 10_000 }, (_, i) => 5 * i - 20_000);
    expect(expectRoundTrip(ramp).length).toBeLessThan(10_000 / 4);
  });

  it('rejects headers it cannot store', () => {
    const samples = Int32Array.of(1);
    expect(() => encodeChunk({ ...HEADER, channel: 'x'.repeat(256) }, samples)).toThrow(/255/);
    expect(() => encodeChunk({ ...HEADER, rateHz: 0 }, samples)).toThrow(/rateHz/);
    expect(() => encodeChunk({ ...HEADER, t0Ms: NaN }, samples)).toThrow(/t0Ms/);
    expect(() => encodeChunk(HEADER, samples, 0)).toThrow(/block size/);
  });
});

describe('decodeChunk on damaged input', () => {
  const random = mulberry32(99);
  const samples = Int32Array.from(
    { length: 40 },
    (_, i) => 1000 + Math.round(50 * Math.sin(i / 3)) + signedBits(random, 3),
  );
  const chunk = encodeChunk(HEADER, samples, 16);

  it('detects every single flipped bit', () => {
    for (let bit = 0; bit < chunk.length * 8; bit++) {
      const damaged = chunk.slice();
      damaged[bit >>> 3]! ^= 0x80 >>> (bit & 7);
      expect(() => decodeChunk(damaged), `bit ${bit}`).toThrow(ChunkFormatError);
    }
  });

  it('detects every truncation and trailing garbage', () => {
    for (let length = 0; length < chunk.length; length++) {
      expect(() => decodeChunk(chunk.subarray(0, length)), `length ${length}`).toThrow(
        ChunkFormatError,
      );
    }
    expect(() => decodeChunk(Uint8Array.from([...chunk, 0]))).toThrow(/CRC-32/);
    expect(() => decodeChunk(new Uint8Array(10))).toThrow(/truncated: 10 bytes/);
    expect(() => decodeChunk(new Uint8Array(100))).toThrow(/not a waveform chunk/);
  });

  it('throws quickly on random garbage that starts like a chunk', () => {
    const noise = mulberry32(7);
    for (let trial = 0; trial < 200; trial++) {
      const garbage = Uint8Array.from({ length: 48 + Math.floor(noise() * 200) }, () =>
        Math.floor(noise() * 256),
      );
      garbage.set(chunk.subarray(0, 6));
      expect(() => decodeChunk(garbage)).toThrow(ChunkFormatError);
    }
  });

  it('refuses a sample count the payload cannot hold, even with a valid CRC', () => {
    const forged = chunk.slice();
    const view = new DataView(forged.buffer);
    const countAt = 6 + HEADER.channel.length + 32;
    view.setUint32(countAt, 0xffffffff, true);
    view.setUint32(forged.length - 4, crc32(forged.subarray(0, forged.length - 4)), true);
    expect(() => decodeChunk(forged)).toThrow(/claims 4294967295 samples/);
  });

  it('refuses an unknown format version, with a valid CRC', () => {
    const forged = chunk.slice();
    forged[4] = 9;
    new DataView(forged.buffer).setUint32(
      forged.length - 4,
      crc32(forged.subarray(0, forged.length - 4)),
      true,
    );
    expect(() => decodeChunk(forged)).toThrow(/version 9 is not supported/);
  });
});
