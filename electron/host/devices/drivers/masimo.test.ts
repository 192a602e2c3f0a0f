import { describe, expect, it } from 'vitest';
import type { DecodedFrame } from '../driver';
import { decodeMasimoLine, MASIMO_MAX_LINE_BYTES, masimoAscii, pendingBytes } from './masimo';
import { mulberry32, randomBytes, pushInChunks } from '../testing/fuzz';
import { join } from '../testing/bytes';

// Worked example from ../shared/protocols/README.md §3.
const EXAMPLE =
  '12/01/05 11:56:29 SN=0123456789 SPO2=098% BPM=240 PI=20.00% SPCO=01.0% SPMET=00.5% ' +
  'DESAT=01 PIDELTA=-02 PVI=027 ALARM=0000 EXC=000820';
const EXAMPLE_DECODED: DecodedFrame = {
  samples: {},
  numerics: {
    MDC_PULS_OXIM_SAT_O2: 98,
    MDC_PULS_OXIM_PULS_RATE: 240,
    MDC_PULS_OXIM_PERF_REL: 20,
    MASIMO_SPCO: 1,
    MASIMO_SPMET: 0.5,
    MASIMO_PVI: 27,
  },
  // EXC 0x820 = SET active (normal, no flag) + sensor off.
  flags: ['sensor-off'],
};

const ascii = (text: string) => new TextEncoder().encode(text);
const line = (text: string) => ascii(`${text}\r\n`);

describe('masimo ascii decoder', () => {
  it('decodes the worked example exactly (EXC 0x820 = SET active + sensor off)', () => {
    const decoder = masimoAscii.createDecoder();
    expect(decoder.push(line(EXAMPLE))).toEqual([EXAMPLE_DECODED]);
    expect(decoder.stats).toEqual({ framesOk: 1, framesBad: 0, bytesSkipped: 0 });
  });

  it('decodes the example split at every byte boundary, and one byte at a time', () => {
    const bytes = line(EXAMPLE);
    for (let split = 0; split <= bytes.length; split++) {
      const decoder = masimoAscii.createDecoder();
      const frames = [
        ...decoder.push(bytes.subarray(0, split)),
        ...decoder.push(bytes.subarray(split)),
      ];
      expect(frames, `split at ${split}`).toEqual([EXAMPLE_DECODED]);
      expect(pendingBytes(decoder)).toBe(0);
    }
    const decoder = masimoAscii.createDecoder();
    expect(Array.from(bytes).flatMap((b) => decoder.push(Uint8Array.of(b)))).toEqual([
      EXAMPLE_DECODED,
    ]);
  });

  it('omits unavailable values (- and ---) but still accepts the line', () => {
    const frame = decodeMasimoLine(
      '12/01/05 11:56:29 SN=0123456789 SPO2=---% BPM=--- PI=--.--% SPCO=-- SPMET=- PVI=--- ALARM=0000 EXC=000000',
    );
    expect(frame).toEqual({ samples: {}, numerics: {}, flags: [] });
  });

  it('maps every ALARM bit to a flag', () => {
    const frame = decodeMasimoLine('SPO2=085% ALARM=3F7F');
    expect(frame?.flags).toEqual([
      'device-alarm:spo2-high',
      'device-alarm:spo2-low',
      'device-alarm:pr-high',
      'device-alarm:pr-low',
      'device-alarm-active',
      'device-alarm-silenced',
      'low-battery',
      'device-alarm:spco-high',
      'device-alarm:spco-low',
      'device-alarm:spmet-high',
      'device-alarm:spmet-low',
      'device-alarm:desat-index',
      'device-alarm:pi-delta',
    ]);
  });

  it('maps every EXC bit to a flag, SET active to none, whatever the hex width', () => {
    expect(decodeMasimoLine('EXC=0000800')?.flags).toEqual([]);
    expect(decodeMasimoLine('EXC=1CFF')?.flags).toEqual([
      'no-sensor',
      'defective-sensor',
      'low-perfusion',
      'pulse-search',
      'interference',
      'sensor-off',
      'ambient-light',
      'unrecognized-sensor',
      'low-signal-iq',
      'no-cable',
    ]);
    expect(decodeMasimoLine('EXC=20')?.flags).toEqual(['sensor-off']);
  });

  it('ignores malformed values and out-of-range SpO2, keeping the rest of the line', () => {
    const frame = decodeMasimoLine('SPO2=1O0% BPM=072 PI=abc SPCO=01.0% EXC=XYZ');
    expect(frame).toEqual({
      samples: {},
      numerics: { MDC_PULS_OXIM_PULS_RATE: 72, MASIMO_SPCO: 1 },
      flags: [],
    });
    expect(decodeMasimoLine('SPO2=101%')?.numerics).toEqual({});
  });

  it('counts a line without recognisable fields as bad, and a blank line as neither', () => {
    const decoder = masimoAscii.createDecoder();
    const junk = line('Masimo Radical-7 v7.8.0.1 FOO=1 12/01/05');
    const frames = decoder.push(join(junk, ascii('\r\n'), line(EXAMPLE)));
    expect(frames).toEqual([EXAMPLE_DECODED]);
    expect(decoder.stats).toEqual({ framesOk: 1, framesBad: 1, bytesSkipped: junk.length + 2 });
  });

  it('throws away a line longer than the limit and decodes the next one', () => {
    const decoder = masimoAscii.createDecoder();
    const long = ascii(`SPO2=098% ${'x'.repeat(MASIMO_MAX_LINE_BYTES)}\r\n`);
    const frames = decoder.push(join(long, line(EXAMPLE)));
    expect(frames).toEqual([EXAMPLE_DECODED]);
    expect(decoder.stats).toEqual({ framesOk: 1, framesBad: 1, bytesSkipped: long.length });
  });

  it('accepts a line exactly at the limit', () => {
    const text = `SPO2=098%${' '.repeat(MASIMO_MAX_LINE_BYTES - 10)}`;
    expect(ascii(`${text}\r`).length).toBe(MASIMO_MAX_LINE_BYTES);
    const decoder = masimoAscii.createDecoder();
    expect(decoder.push(line(text))).toHaveLength(1);
  });
});

describe('masimo ascii decoder: fuzz', () => {
  const MEGABYTE = 1 << 20;

  it('survives 1 MB of random bytes in random chunks without throwing, memory bounded', () => {
    const random = mulberry32(0x5eed);
    const noise = randomBytes(random, MEGABYTE);
    const decoder = masimoAscii.createDecoder();
    let maxPending = 0;
    const frames = pushInChunks(decoder, noise, random, () => {
      maxPending = Math.max(maxPending, pendingBytes(decoder));
    });
    expect(maxPending).toBeLessThanOrEqual(MASIMO_MAX_LINE_BYTES);
    expect(decoder.stats.framesBad).toBeGreaterThan(0);
    expect(decoder.stats.framesOk).toBe(frames.length);
  });

  it('survives 1 MB of random bytes without any LF (one endless line)', () => {
    const random = mulberry32(7);
    const noise = randomBytes(random, MEGABYTE).map((b) => (b === 0x0a ? 0x20 : b));
    const decoder = masimoAscii.createDecoder();
    pushInChunks(decoder, noise, random);
    expect(pendingBytes(decoder)).toBe(0);
    expect(decoder.stats.framesBad).toBe(1);
    expect(decoder.push(join(ascii('\n'), line(EXAMPLE)))).toEqual([EXAMPLE_DECODED]);
  });

  it('survives mutated valid streams and decodes every untouched line', () => {
    for (const seed of [11, 12, 13]) {
      const random = mulberry32(seed);
      const example = line(EXAMPLE);
      const mutated: number[] = [];
      let untouched = 0;
      const count = Math.ceil(MEGABYTE / example.length);
      for (let i = 0; i < count; i++) {
        let hit = false;
        for (const byte of example) {
          const pick = random();
          if (pick < 0.001) mutated.push(byte ^ (1 << Math.floor(random() * 8)));
          else if (pick < 0.002) mutated.push(byte, Math.floor(random() * 256));
          else if (pick < 0.003) continue;
          else mutated.push(byte);
          hit ||= pick < 0.003;
        }
        if (!hit) untouched++;
      }
      const decoder = masimoAscii.createDecoder();
      let maxPending = 0;
      const frames = pushInChunks(decoder, Uint8Array.from(mutated), random, () => {
        maxPending = Math.max(maxPending, pendingBytes(decoder));
      });
      expect(maxPending, `seed ${seed}`).toBeLessThanOrEqual(MASIMO_MAX_LINE_BYTES);
      const exact = frames.filter((f) => JSON.stringify(f) === JSON.stringify(EXAMPLE_DECODED));
      // An untouched line decodes exactly unless a damaged LF glued it to its neighbour.
      expect(exact.length, `seed ${seed}`).toBeGreaterThan(untouched * 0.95);
      expect(frames.every((f) => (f.numerics.MDC_PULS_OXIM_SAT_O2 ?? 0) <= 100)).toBe(true);
    }
  });

  it('gives the same frames one byte at a time as in one chunk', () => {
    const random = mulberry32(99);
    const parts: Uint8Array[] = [];
    for (let i = 0; i < 100; i++) parts.push(randomBytes(random, 20), line(EXAMPLE));
    parts.push(ascii('x'.repeat(2000)), line(EXAMPLE));
    const stream = join(...parts);
    const whole = masimoAscii.createDecoder();
    const wholeFrames = whole.push(stream);
    const bytewise = masimoAscii.createDecoder();
    const bytewiseFrames = Array.from(stream).flatMap((b) => bytewise.push(Uint8Array.of(b)));
    expect(bytewiseFrames).toEqual(wholeFrames);
    expect(bytewise.stats).toEqual(whole.stats);
  });
});

describe('masimo descriptor', () => {
  it('is a 9600 8N1 pulse oximeter without USB ids or commands, declaring what it decodes', () => {
    const { descriptor, commands } = masimoAscii;
    expect(descriptor.id).toBe('masimo-ascii');
    expect(descriptor.deviceKind).toBe('Pulse oximeter');
    expect(descriptor.serial).toMatchObject({
      baudRate: 9600,
      dataBits: 8,
      parity: 'none',
      stopBits: 1,
    });
    expect(descriptor.usb).toEqual([]);
    expect(commands).toEqual({});
    expect(descriptor.numerics.map((n) => n.refId).sort()).toEqual(
      Object.keys(EXAMPLE_DECODED.numerics).sort(),
    );
    expect(descriptor.caveats.some((c) => c.includes('proprietary'))).toBe(true);
  });
});
