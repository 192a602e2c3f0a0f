import { describe, expect, it } from 'vitest';
import {
  cms50v5,
  cms50v7,
  readCms50v5Frame,
  readCms50v7Realtime,
  unpackCms50v7Data,
} from './cms50';
import { hex, join } from '../testing/bytes';
import { CMS50_V5_EXAMPLE, CMS50_V7_EXAMPLE } from '../testing/worked-examples';

// Worked examples, resync, truncation, fuzz and chunking: decoder-conformance.test.ts.
const V5_EXAMPLE = CMS50_V5_EXAMPLE.bytes;
const V5_EXAMPLE_DECODED = CMS50_V5_EXAMPLE.frames[0]!;
const V7_EXAMPLE = CMS50_V7_EXAMPLE.bytes;
const V7_EXAMPLE_DECODED = CMS50_V7_EXAMPLE.frames[0]!;

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

describe('cms50 bad frames', () => {
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
    // An oximeter switched on or restarted after the port opened waits for a new start.
    expect(cms50v7.commands.startAgain).toEqual({ afterSilenceMs: 1000 });
  });
});
