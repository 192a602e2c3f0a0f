import { describe, expect, it } from 'vitest';
import type { DecodedFrame, Driver, FrameDecoder } from '../driver';
import {
  CMS50V5_FRAME_BYTES,
  CMS50V7_PACKET_BYTES,
  cms50v5,
  cms50v7,
  pendingBytes,
  readCms50v5Frame,
  readCms50v7Realtime,
  unpackCms50v7Data,
} from './cms50';
import { mulberry32, randomBytes, pushInChunks } from '../testing/fuzz';
import { hex, ascii, join } from '../testing/bytes';

// Worked examples from ../shared/protocols/README.md §1.
const V5_EXAMPLE = hex('C5 3A 06 48 62');
const V5_EXAMPLE_DECODED: DecodedFrame = {
  samples: { MDC_PULS_OXIM_PLETH: [58] },
  numerics: { MDC_PULS_OXIM_SAT_O2: 98, MDC_PULS_OXIM_PULS_RATE: 72 },
  flags: [],
};
const V7_EXAMPLE = hex('01 A0 C5 BA 96 C8 E2 C8 80');
const V7_EXAMPLE_DECODED: DecodedFrame = {
  samples: { MDC_PULS_OXIM_PLETH: [58] },
  numerics: { MDC_PULS_OXIM_SAT_O2: 98, MDC_PULS_OXIM_PULS_RATE: 72, CMS50_PI_RAW: 200 },
  flags: [],
};

/** A v5 frame from raw byte values (the sync bit is added, other bits 7 cleared). */
function v5(b0: number, pleth: number, b2: number, pr: number, spo2: number): Uint8Array {
  return Uint8Array.of(0x80 | b0, pleth & 0x7f, b2 & 0x7f, pr & 0x7f, spo2 & 0x7f);
}

/** A v7 packet built by hand from its seven data bytes, as the protocol table describes. */
function v7(type: number, data: number[]): Uint8Array {
  let high = 0x80;
  data.forEach((byte, i) => (high |= ((byte >> 7) & 1) << i));
  return Uint8Array.of(type, high, ...data.map((byte) => 0x80 | (byte & 0x7f)));
}

/** A realtime packet with the given data bytes over neutral defaults. */
function realtime(fields: Partial<Record<'d0' | 'd1' | 'd2' | 'pr' | 'spo2' | 'pi', number>>) {
  const pi = fields.pi ?? 300;
  return v7(0x01, [
    fields.d0 ?? 0x07,
    fields.d1 ?? 0x40,
    fields.d2 ?? 0x10,
    fields.pr ?? 60,
    fields.spo2 ?? 97,
    pi & 0xff,
    pi >> 8,
  ]);
}

const PROTOCOLS = [
  { name: 'v5', driver: cms50v5, example: V5_EXAMPLE, decoded: V5_EXAMPLE_DECODED },
  { name: 'v7', driver: cms50v7, example: V7_EXAMPLE, decoded: V7_EXAMPLE_DECODED },
] as const;

const frameBytesOf = (driver: Driver): number =>
  driver === cms50v5 ? CMS50V5_FRAME_BYTES : CMS50V7_PACKET_BYTES;

describe('cms50 worked examples', () => {
  it('reads every field of the v5 example', () => {
    expect(readCms50v5Frame(V5_EXAMPLE)).toEqual({
      beep: true,
      spo2Dropping: false,
      fingerOut: false,
      signalStrength: 5,
      pleth: 58,
      searching: false,
      probeError: false,
      barGraph: 6,
      pulseRate: 72,
      spo2: 98,
    });
  });

  it('unpacks the v7 example to the documented data bytes and reads every field', () => {
    const data = unpackCms50v7Data(V7_EXAMPLE);
    expect(data).toEqual([0x45, 0x3a, 0x16, 0x48, 0x62, 0xc8, 0x00]);
    expect(readCms50v7Realtime(data)).toEqual({
      probeError: false,
      beep: true,
      lowSpo2: false,
      searchingTooLong: false,
      signalStrength: 5,
      searching: false,
      pleth: 58,
      piValid: true,
      barGraph: 6,
      pulseRate: 72,
      spo2: 98,
      perfusionIndexRaw: 200,
    });
  });

  for (const { name, driver, example, decoded } of PROTOCOLS) {
    it(`${name}: decodes the example exactly, split at every byte and one byte at a time`, () => {
      const whole = driver.createDecoder();
      expect(whole.push(example)).toEqual([decoded]);
      expect(whole.stats).toEqual({ framesOk: 1, framesBad: 0, bytesSkipped: 0 });
      for (let split = 0; split <= example.length; split++) {
        const decoder = driver.createDecoder();
        const frames = [
          ...decoder.push(example.subarray(0, split)),
          ...decoder.push(example.subarray(split)),
        ];
        expect(frames, `split at ${split}`).toEqual([decoded]);
        expect(pendingBytes(decoder)).toBe(0);
      }
      const bytewise = driver.createDecoder();
      expect(Array.from(example).flatMap((b) => bytewise.push(Uint8Array.of(b)))).toEqual([
        decoded,
      ]);
    });
  }
});

describe('cms50 v5 decoder', () => {
  it('decodes many frames in one chunk, in order, with PR bit 7 from byte 2', () => {
    const frames = cms50v5
      .createDecoder()
      .push(join(v5(0, 1, 0, 60, 95), v5(0, 2, 0x40, 0x02, 96), v5(0, 127, 0x40, 0x7f, 127)));
    expect(frames.map((f) => f.samples.MDC_PULS_OXIM_PLETH)).toEqual([[1], [2], [127]]);
    expect(frames.map((f) => f.numerics.MDC_PULS_OXIM_PULS_RATE)).toEqual([60, 130, 255]);
    expect(frames.map((f) => f.numerics.MDC_PULS_OXIM_SAT_O2)).toEqual([95, 96, 127]);
  });

  it('keeps SpO2 0 and PR 0: the 5-byte notes name no "no reading" value', () => {
    const [frame] = cms50v5.createDecoder().push(v5(0, 0, 0, 0, 0));
    expect(frame?.numerics).toEqual({ MDC_PULS_OXIM_SAT_O2: 0, MDC_PULS_OXIM_PULS_RATE: 0 });
  });

  it('reports each technical state bit as its flag', () => {
    const cases: [number, number, string[]][] = [
      [0x10, 0, ['finger-out']],
      [0x20, 0, ['spo2-dropping']],
      [0, 0x20, ['searching']],
      [0, 0x10, ['probe-error']],
      [0x7f, 0x7f, ['finger-out', 'searching', 'probe-error', 'spo2-dropping']],
      [0x4f, 0x4f, []], // beep, signal, PR bit 7 and bar graph are not technical states
    ];
    for (const [b0, b2, flags] of cases) {
      const [frame] = cms50v5.createDecoder().push(v5(b0, 10, b2, 70, 97));
      expect(frame?.flags, `b0 ${b0} b2 ${b2}`).toEqual(flags);
    }
  });
});

describe('cms50 v7 decoder', () => {
  it('leaves out PR 0xFF, SpO2 0x7F and a PI of 0xFFFF or with its valid bit clear', () => {
    const frames = cms50v7
      .createDecoder()
      .push(
        join(
          realtime({ pr: 0xff, spo2: 0x7f }),
          realtime({ pi: 0xffff }),
          realtime({ d2: 0x06, pi: 300 }),
          realtime({ pr: 0xfe, spo2: 0x7e, pi: 0xfffe }),
          realtime({ pr: 0, spo2: 0, pi: 0 }),
        ),
      );
    expect(frames.map((f) => f.numerics)).toEqual([
      { CMS50_PI_RAW: 300 },
      { MDC_PULS_OXIM_SAT_O2: 97, MDC_PULS_OXIM_PULS_RATE: 60 },
      { MDC_PULS_OXIM_SAT_O2: 97, MDC_PULS_OXIM_PULS_RATE: 60 },
      { MDC_PULS_OXIM_SAT_O2: 126, MDC_PULS_OXIM_PULS_RATE: 254, CMS50_PI_RAW: 0xfffe },
      { MDC_PULS_OXIM_SAT_O2: 0, MDC_PULS_OXIM_PULS_RATE: 0, CMS50_PI_RAW: 0 },
    ]);
  });

  it('reports each technical state bit as its flag, and pleth without the searching bit', () => {
    const cases: [number, number, string[]][] = [
      [0x80, 0x40, ['probe-error']],
      [0x20, 0x40, ['low-spo2']],
      [0x10, 0x40, ['searching-too-long']],
      [0x00, 0xc0, ['searching']],
      [0xff, 0xc0, ['searching', 'searching-too-long', 'probe-error', 'low-spo2']],
      [0x4f, 0x40, []], // beep and signal strength are not technical states
    ];
    for (const [d0, d1, flags] of cases) {
      const [frame] = cms50v7.createDecoder().push(realtime({ d0, d1 }));
      expect(frame?.flags, `d0 ${d0} d1 ${d1}`).toEqual(flags);
      expect(frame?.samples.MDC_PULS_OXIM_PLETH).toEqual([0x40]);
    }
  });

  it('flags a 0x0D packet as the device disconnecting', () => {
    const decoder = cms50v7.createDecoder();
    expect(decoder.push(join(v7(0x0d, [0, 0, 0, 0, 0, 0, 0]), V7_EXAMPLE))).toEqual([
      { samples: {}, numerics: {}, flags: ['device-disconnecting'] },
      V7_EXAMPLE_DECODED,
    ]);
    expect(decoder.stats).toEqual({ framesOk: 2, framesBad: 0, bytesSkipped: 0 });
  });

  it('skips well-framed packets of other types whole, without calling them bad', () => {
    const decoder = cms50v7.createDecoder();
    const other = join(v7(0x04, [1, 2, 3, 4, 5, 6, 7]), v7(0x7d, [0xa1, 0, 0, 0, 0, 0, 0]));
    expect(decoder.push(join(other, V7_EXAMPLE))).toEqual([V7_EXAMPLE_DECODED]);
    expect(decoder.stats).toEqual({ framesOk: 1, framesBad: 0, bytesSkipped: 18 });
  });
});

describe('cms50 resync and bad frames', () => {
  for (const { name, driver, example, decoded } of PROTOCOLS) {
    const frameBytes = example.length;

    it(`${name}: skips ASCII text and garbage between frames, counting every skipped byte`, () => {
      const random = mulberry32(1);
      const text = ascii('CMS50 boot\r\n');
      const garbage = randomBytes(random, 500);
      const decoder = driver.createDecoder();
      const frames = decoder.push(join(text, example, garbage, example, text, example));
      expect(frames.slice(0, 1)).toEqual([decoded]);
      expect(frames.at(-1)).toEqual(decoded);
      // Random garbage may itself frame correctly; every byte is either decoded or skipped.
      expect(frames.length * frameBytes + decoder.stats.bytesSkipped).toBe(
        2 * text.length + garbage.length + 3 * frameBytes,
      );
    });

    it(`${name}: drops a truncated frame and still decodes the whole frame after it`, () => {
      for (let cut = 1; cut < frameBytes; cut++) {
        const decoder = driver.createDecoder();
        const frames = decoder.push(join(example.subarray(0, cut), example));
        expect(frames, `truncated after ${cut} bytes`).toEqual([decoded]);
        expect(decoder.stats).toEqual({
          framesOk: 1,
          framesBad: cut > 1 ? 1 : 0,
          bytesSkipped: cut,
        });
      }
    });

    it(`${name}: finds every frame among arbitrary random garbage`, () => {
      const random = mulberry32(2);
      const parts: Uint8Array[] = [];
      for (let i = 0; i < 200; i++) parts.push(randomBytes(random, 50), example);
      const frames = pushInChunks(driver.createDecoder(), join(...parts), random);
      const found = frames.filter((f) => JSON.stringify(f) === JSON.stringify(decoded));
      expect(found.length).toBeGreaterThanOrEqual(200);
    });
  }

  it('v5: a frame whose body has a bit-7 byte is bad, and that byte starts the next frame', () => {
    const decoder = cms50v5.createDecoder();
    const frames = decoder.push(join(hex('C5 3A 86'), hex('48 62'), V5_EXAMPLE));
    // 86 48 62 is too short, and C5 ends it; the bytes before C5 are thrown away.
    expect(frames).toEqual([V5_EXAMPLE_DECODED]);
    expect(decoder.stats).toEqual({ framesOk: 1, framesBad: 2, bytesSkipped: 5 });
  });

  it('v7: a packet whose body has a bit-7-clear byte is bad, and that byte starts the next', () => {
    const decoder = cms50v7.createDecoder();
    const frames = decoder.push(join(V7_EXAMPLE.subarray(0, 4), V7_EXAMPLE));
    expect(frames).toEqual([V7_EXAMPLE_DECODED]);
    expect(decoder.stats).toEqual({ framesOk: 1, framesBad: 1, bytesSkipped: 4 });
  });
});

describe('cms50 decoder fuzz', () => {
  const MEGABYTE = 1 << 20;

  function expectAccounted(driver: Driver, decoder: FrameDecoder, fed: number, n: number) {
    const decodedBytes = n * frameBytesOf(driver);
    expect(decodedBytes + decoder.stats.bytesSkipped + pendingBytes(decoder)).toBe(fed);
    expect(decoder.stats.framesOk).toBe(n);
  }

  function mutate(stream: Uint8Array, random: () => number): Uint8Array {
    const mutated: number[] = [];
    for (const byte of stream) {
      const pick = random();
      if (pick < 0.002) mutated.push(byte ^ (1 << Math.floor(random() * 8)));
      else if (pick < 0.004) mutated.push(byte, Math.floor(random() * 256));
      else if (pick < 0.006) continue;
      else mutated.push(byte);
    }
    return Uint8Array.from(mutated);
  }

  function validStream(driver: Driver, random: () => number, count: number): Uint8Array {
    const parts: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
      const r = () => Math.floor(random() * 256);
      if (driver === cms50v5) parts.push(v5(r(), r(), r(), r(), r()));
      else if (random() < 0.99) parts.push(v7(0x01, [r(), r(), r(), r(), r(), r(), r()]));
      else parts.push(v7(0x0d, [0, 0, 0, 0, 0, 0, 0]));
    }
    return join(...parts);
  }

  for (const { name, driver } of PROTOCOLS) {
    const frameBytes = frameBytesOf(driver);

    it(`${name}: survives 1 MB of random bytes in random chunks, memory bounded`, () => {
      const random = mulberry32(0x5eed);
      const noise = randomBytes(random, MEGABYTE);
      const decoder = driver.createDecoder();
      let maxPending = 0;
      const frames = pushInChunks(decoder, noise, random, () => {
        maxPending = Math.max(maxPending, pendingBytes(decoder));
      });
      expect(maxPending).toBeLessThan(frameBytes);
      expect(decoder.stats.framesBad).toBeGreaterThan(0);
      expectAccounted(driver, decoder, noise.length, frames.length);
    });

    it(`${name}: survives mutated valid streams (bit flips, inserted and deleted bytes)`, () => {
      for (const seed of [11, 12, 13, 14]) {
        const random = mulberry32(seed);
        const count = 20000;
        const stream = mutate(validStream(driver, random, count), random);
        const decoder = driver.createDecoder();
        let maxPending = 0;
        const frames = pushInChunks(decoder, stream, random, () => {
          maxPending = Math.max(maxPending, pendingBytes(decoder));
        });
        expect(maxPending, `seed ${seed}`).toBeLessThan(frameBytes);
        expect(decoder.stats.framesBad, `seed ${seed}`).toBeGreaterThan(0);
        // At most ~6 bytes in 1000 are hit, each costing at most two frames.
        expect(frames.length, `seed ${seed}`).toBeGreaterThan(count * 0.85);
        expectAccounted(driver, decoder, stream.length, frames.length);
      }
    });

    it(`${name}: gives the same frames and stats one byte at a time as in one chunk`, () => {
      const random = mulberry32(99);
      const stream = mutate(
        join(validStream(driver, random, 500), randomBytes(random, 4000)),
        random,
      );
      const whole = driver.createDecoder();
      const wholeFrames = whole.push(stream);
      const bytewise = driver.createDecoder();
      const bytewiseFrames = Array.from(stream).flatMap((b) => bytewise.push(Uint8Array.of(b)));
      expect(bytewiseFrames).toEqual(wholeFrames);
      expect(bytewise.stats).toEqual(whole.stats);
    });
  }
});

describe('cms50 descriptors and commands', () => {
  it('declares the serial settings, the ambiguous CP210x match and the pleth channel', () => {
    expect(cms50v5.descriptor.id).toBe('cms50-v5');
    expect(cms50v7.descriptor.id).toBe('cms50-v7');
    expect(cms50v5.descriptor.serial).toEqual({
      baudRate: 19200,
      dataBits: 8,
      parity: 'odd',
      stopBits: 1,
      rtscts: false,
    });
    expect(cms50v7.descriptor.serial).toEqual({
      baudRate: 115200,
      dataBits: 8,
      parity: 'none',
      stopBits: 1,
      rtscts: false,
    });
    for (const { driver, decoded } of PROTOCOLS) {
      const { descriptor } = driver;
      expect(descriptor.deviceKind).toBe('Pulse oximeter');
      expect(descriptor.usb).toEqual([
        expect.objectContaining({ vendorId: 0x10c4, productId: 0xea60 }),
      ]);
      expect(descriptor.channels).toEqual([
        {
          key: 'MDC_PULS_OXIM_PLETH',
          label: 'Pleth',
          unit: '{count}',
          rateHz: 60,
          scale: null,
          displayed: true,
        },
      ]);
      expect(descriptor.numerics.map((n) => n.refId).sort()).toEqual(
        Object.keys(decoded.numerics).sort(),
      );
    }
    expect(cms50v7.descriptor.numerics).toContainEqual({ refId: 'CMS50_PI_RAW', unit: '{count}' });
    expect(cms50v7.descriptor.caveats.join(' ')).toMatch(/perfusion index.*not publicly/i);
  });

  it('sends the documented v7 start, keep-alive (every 5 s) and stop bytes; v5 needs none', () => {
    expect(cms50v5.commands).toEqual({});
    const { start, keepAlive, stop } = cms50v7.commands;
    expect(start).toEqual(hex('7D 81 A1 80 80 80 80 80 80'));
    expect(keepAlive).toEqual({ bytes: hex('7D 81 AF 80 80 80 80 80 80'), everyMs: 5000 });
    expect(stop).toEqual(hex('7D 81 A2 80 80 80 80 80 80'));
  });
});
