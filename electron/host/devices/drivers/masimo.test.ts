import { describe, expect, it } from 'vitest';
import { decodeMasimoLine, MASIMO_MAX_LINE_BYTES, masimoAscii } from './masimo';
import { mulberry32, randomBytes, pushInChunks } from '../testing/fuzz';
import { join } from '../testing/bytes';
import { MASIMO_EXAMPLE, MASIMO_EXAMPLE_LINE } from '../testing/worked-examples';

// Worked examples, resync, truncation, fuzz and chunking: decoder-conformance.test.ts.
const EXAMPLE = MASIMO_EXAMPLE_LINE;
const EXAMPLE_DECODED = MASIMO_EXAMPLE.frames[0]!;

const ascii = (text: string) => new TextEncoder().encode(text);
const line = (text: string) => ascii(`${text}\r\n`);

describe('masimo ascii decoder', () => {
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

describe('masimo ascii decoder: an endless line', () => {
  const MEGABYTE = 1 << 20;

  it('survives 1 MB of random bytes without any LF (one endless line)', () => {
    const random = mulberry32(7);
    const noise = randomBytes(random, MEGABYTE).map((b) => (b === 0x0a ? 0x20 : b));
    const decoder = masimoAscii.createDecoder();
    pushInChunks(decoder, noise, random);
    expect(decoder.pendingBytes).toBe(0);
    expect(decoder.stats.framesBad).toBe(1);
    expect(decoder.push(join(ascii('\n'), line(EXAMPLE)))).toEqual([EXAMPLE_DECODED]);
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
