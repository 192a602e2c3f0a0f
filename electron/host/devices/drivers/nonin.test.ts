import { describe, expect, it } from 'vitest';
import { nonin2, nonin7, nonin8, noninFormatSelect } from './nonin';
import { hex, join } from '../testing/bytes';

// Worked examples, resync, truncation, fuzz and chunking: decoder-conformance.test.ts.

/** Status byte: b7 set, perfusion green unless given, sync in frame 1. */
function status(sync: boolean, extra = 0, perfusion = 0b01): number {
  return 0x80 | extra | (perfusion << 1) | (sync ? 1 : 0);
}

function withChecksum(bytes: number[]): Uint8Array {
  return Uint8Array.of(...bytes, bytes.reduce((sum, b) => sum + b, 0) & 0xff);
}

function frame2(sync: boolean, pleth: number, data: number, extra = 0, perfusion = 0b01) {
  return withChecksum([0x01, status(sync, extra, perfusion), pleth, data]);
}

function frame7(sync: boolean, pleth: number, data: number, extra = 0, perfusion = 0b01) {
  return withChecksum([status(sync, extra, perfusion), pleth >> 8, pleth & 0xff, data]);
}

/** One 25-frame packet carrying `hr` and `spo2`, pleth = frame number × 10 (+ `plethBase`). */
function packet(
  encode: typeof frame2,
  hr: number,
  spo2: number,
  { plethBase = 0, status2 = 0 } = {},
): Uint8Array {
  const frames: Uint8Array[] = [];
  for (let n = 1; n <= 25; n++) {
    const data =
      n === 1 ? (hr >> 7) & 3 : n === 2 ? hr & 0x7f : n === 3 ? spo2 : n === 8 ? status2 : 0;
    frames.push(encode(n === 1, plethBase + n * 10, data));
  }
  return join(...frames);
}

describe('nonin format 2', () => {
  it('rejects a frame with a wrong checksum as bad and resyncs on the next one', () => {
    const decoder = nonin2.createDecoder();
    const frames = decoder.push(hex('01 80 49 00 CB 01 80 49 00 CA'));
    expect(frames).toHaveLength(1);
    expect(decoder.stats.framesBad).toBe(1);
    expect(decoder.stats.bytesSkipped).toBe(5);
  });

  it('assembles HR and SpO2 across a packet and reports them once, on frame 25', () => {
    const frames = nonin2
      .createDecoder()
      .push(join(packet(frame2, 300, 97), packet(frame2, 72, 88)));
    expect(frames).toHaveLength(50);
    expect(frames.map((f) => f.samples.MDC_PULS_OXIM_PLETH?.[0]).slice(0, 3)).toEqual([10, 20, 30]);
    const withNumerics = frames.flatMap((f, i) => (Object.keys(f.numerics).length ? [i] : []));
    expect(withNumerics).toEqual([24, 49]);
    expect(frames[24]?.numerics).toEqual({
      MDC_PULS_OXIM_PULS_RATE: 300,
      MDC_PULS_OXIM_SAT_O2: 97,
    });
    expect(frames[49]?.numerics).toEqual({ MDC_PULS_OXIM_PULS_RATE: 72, MDC_PULS_OXIM_SAT_O2: 88 });
  });

  it('omits HR 511 and SpO2 127 (missing), and reports low battery from status 2', () => {
    const frames = nonin2.createDecoder().push(packet(frame2, 511, 127, { status2: 0x01 }));
    expect(frames[24]?.numerics).toEqual({});
    expect(frames[24]?.flags).toEqual(['low-battery']);
  });

  it('reports no numerics for a packet broken by a bad frame or started without sync', () => {
    const good = packet(frame2, 80, 95);
    const broken = join(good.subarray(0, 50), hex('01 80 00 00 00'), good.subarray(50));
    const decoder = nonin2.createDecoder();
    const frames = decoder.push(join(broken, good.subarray(5), good));
    expect(frames.filter((f) => Object.keys(f.numerics).length > 0)).toHaveLength(1);
    expect(decoder.stats.framesBad).toBe(1);
  });

  it('maps status bits to flags on every frame', () => {
    const decoder = nonin2.createDecoder();
    const flagsOf = (extra: number, perfusion: number) =>
      decoder.push(frame2(false, 0, 0, extra, perfusion))[0]?.flags;
    expect(flagsOf(0x40, 1)).toEqual(['sensor-disconnected']);
    expect(flagsOf(0x20, 1)).toEqual(['artifact']);
    expect(flagsOf(0x10, 1)).toEqual(['out-of-track']);
    expect(flagsOf(0x08, 1)).toEqual(['sensor-alarm']);
    expect(flagsOf(0, 0b10)).toEqual(['perfusion-red']);
    expect(flagsOf(0, 0b11)).toEqual(['perfusion-yellow']);
    expect(flagsOf(0, 0b00)).toEqual([]);
    expect(flagsOf(0x78, 0b11)).toEqual([
      'sensor-disconnected',
      'artifact',
      'out-of-track',
      'sensor-alarm',
      'perfusion-yellow',
    ]);
  });

  it('decodes the same packet split at every byte boundary', () => {
    const stream = packet(frame2, 72, 97);
    const whole = nonin2.createDecoder().push(stream);
    for (let split = 0; split <= stream.length; split++) {
      const decoder = nonin2.createDecoder();
      const frames = [
        ...decoder.push(stream.subarray(0, split)),
        ...decoder.push(stream.subarray(split)),
      ];
      expect(frames, `split at ${split}`).toEqual(whole);
      expect(decoder.pendingBytes).toBe(0);
    }
  });
});

describe('nonin format 7', () => {
  it('assembles a packet with 16-bit pleth, and finds it after garbage', () => {
    const garbage = hex('00 11 22 33 7F');
    const decoder = nonin7.createDecoder();
    const frames = decoder.push(join(garbage, packet(frame7, 130, 99, { plethBase: 60000 })));
    expect(frames).toHaveLength(25);
    expect(frames[0]?.samples.MDC_PULS_OXIM_PLETH).toEqual([60010]);
    expect(frames[24]?.numerics).toEqual({
      MDC_PULS_OXIM_PULS_RATE: 130,
      MDC_PULS_OXIM_SAT_O2: 99,
    });
    expect(decoder.stats.bytesSkipped).toBe(garbage.length);
  });

  it('rejects a wrong checksum as a bad frame', () => {
    const decoder = nonin7.createDecoder();
    expect(decoder.push(hex('81 12 34 00 C8'))).toEqual([]);
    decoder.push(hex('00 00 00 00'));
    expect(decoder.stats.framesBad).toBeGreaterThanOrEqual(1);
    expect(decoder.stats.framesOk).toBe(0);
  });
});

describe('nonin format 8', () => {
  it('reads the 9-bit HR, omits missing values and maps every flag', () => {
    const decoder = nonin8.createDecoder();
    const [high, missing, flagged] = decoder.push(hex('82 2C 5A 00   83 7F 7F 00   FC 00 64 0B'));
    expect(high?.numerics).toEqual({ MDC_PULS_OXIM_PULS_RATE: 300, MDC_PULS_OXIM_SAT_O2: 90 });
    expect(missing?.numerics).toEqual({});
    expect(flagged?.flags).toEqual([
      'sensor-disconnected',
      'out-of-track',
      'low-perfusion',
      'marginal-perfusion',
      'artifact',
      'sensor-alarm',
      'low-battery',
      'critical-battery',
    ]);
  });

  it('skips implausible windows and resyncs', () => {
    const decoder = nonin8.createDecoder();
    const frames = decoder.push(hex('48 61 00 80 C8 61 00 80 48 61 00'));
    expect(frames).toHaveLength(1);
    expect(decoder.stats.bytesSkipped).toBe(7);
    // `80 C8 61 00` (HR byte with b7 set) and `C8 61 00 80` (last byte with b7 set) start like frames.
    expect(decoder.stats.framesBad).toBe(2);
  });
});

describe('nonin descriptors', () => {
  it('are 9600 8N1 pulse oximeters without USB ids, selecting their format on start', () => {
    for (const [driver, format] of [
      [nonin2, 2],
      [nonin7, 7],
      [nonin8, 8],
    ] as const) {
      const { descriptor, commands } = driver;
      expect(descriptor.id).toBe(`nonin-${format}`);
      expect(descriptor.deviceKind).toBe('Pulse oximeter');
      expect(descriptor.serial).toEqual({
        baudRate: 9600,
        dataBits: 8,
        parity: 'none',
        stopBits: 1,
        rtscts: false,
      });
      expect(descriptor.usb).toEqual([]);
      expect(commands.start).toEqual(hex(`02 70 02 02 0${format} 03`));
      expect(commands.start).toEqual(noninFormatSelect(format));
      expect(descriptor.numerics.map((n) => n.refId).sort()).toEqual([
        'MDC_PULS_OXIM_PULS_RATE',
        'MDC_PULS_OXIM_SAT_O2',
      ]);
    }
    expect(nonin2.descriptor.channels.map((c) => [c.key, c.rateHz, c.unit, c.scale])).toEqual([
      ['MDC_PULS_OXIM_PLETH', 75, '{count}', null],
    ]);
    expect(nonin7.descriptor.channels).toEqual(nonin2.descriptor.channels);
    expect(nonin8.descriptor.channels).toEqual([]);
  });
});
