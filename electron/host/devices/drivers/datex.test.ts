import { describe, expect, it } from 'vitest';
import { datexS5 } from './datex';
import { waveRequest } from './datex-waves';
import {
  DATEX_MAX_RECORD_BYTES,
  DatexFrameReader,
  datexChecksum,
  encodeDatexFrame,
} from './datex-framing';
import {
  DATEX_TYPICAL_NUMERICS as TYPICAL_NUMERICS,
  DATEX_TYPICAL_VALUES as TYPICAL,
  datexReplyRecord as replyRecord,
} from '../testing/worked-examples';

function hex(text: string): number[] {
  return text
    .trim()
    .split(/\s+/)
    .map((byte) => parseInt(byte, 16));
}

const zeros = (count: number): number[] => new Array<number>(count).fill(0);

// The spec's example, transcribed from ../shared/protocols/README.md §6 (every 5 s, level 2005).
const SPEC_REQUEST = Uint8Array.from([
  ...hex('7E 31 00 00 09'),
  ...zeros(17),
  0xff,
  ...zeros(18),
  ...hex('01 05 00 0E 00 00 00 00 00 4D 7E'),
]);

/** Little-endian writer over a record built by hand from the spec's offsets. */
function setI16(bytes: Uint8Array, at: number, value: number): void {
  new DataView(bytes.buffer).setInt16(at, value, true);
}

// Wave request records, header and body written out from ../shared/protocols/README.md §6.
const waveRequestRecordBytes = (request: number, types: number[]): number[] => [
  ...hex('48 00 00 09'), // length 72, record number 0, interface level 2005
  ...zeros(10), // plug id, time, reserved
  ...hex('01 00'), // main type 1: waves
  ...hex('00 00 00'), // subrecord 0: offset 0, type 0 (request)
  ...hex('00 00 FF'), // end of list
  ...zeros(18),
  request,
  0x00, // request i16
  ...zeros(2), // reserved i16
  ...types,
  ...zeros(20), // ten reserved i16
];
// Start ECG1, pleth, CO2, resp: checksum 0x48+0x09+0x01+0xFF+0x01+0x08+0x09+0x0F+0xFF = 0x271.
const WAVE_START_REQUEST = Uint8Array.from([
  0x7e,
  ...waveRequestRecordBytes(0, hex('01 08 09 0F FF 00 00 00')),
  0x71,
  0x7e,
]);
// Stop: the type list is 0 then FF, as VSCaptureWave sends it; checksum 0x251.
const WAVE_STOP_REQUEST = Uint8Array.from([
  0x7e,
  ...waveRequestRecordBytes(1, hex('00 FF 00 00 00 00 00 00')),
  0x51,
  0x7e,
]);

function join(...parts: (Uint8Array | number[])[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((part) => Array.from(part)));
}

describe('datex-s5 descriptor and commands', () => {
  it('asks for displayed values every 5 s with exactly the spec example bytes, then waves', () => {
    expect(SPEC_REQUEST.length).toBe(52); // 7E + 49-byte record + checksum + 7E
    expect(Array.from(datexS5.commands.start ?? [])).toEqual([
      ...SPEC_REQUEST,
      ...WAVE_START_REQUEST,
    ]);
    expect(datexChecksum(SPEC_REQUEST.subarray(1, 50))).toBe(0x4d);
  });

  it('stops with the same request at interval 0, then the wave stop', () => {
    const stop = Uint8Array.from(SPEC_REQUEST);
    stop[42] = 0x00; // interval low byte: record byte 41, after the opening flag
    stop[50] = 0x48; // 0x4D − 5
    expect(Array.from(datexS5.commands.stop ?? [])).toEqual([...stop, ...WAVE_STOP_REQUEST]);
    expect(datexS5.commands.keepAlive).toBeUndefined();
  });

  it('asks again, with the same requests, after one silent 5 s displayed-values interval', () => {
    // A monitor switched on or restarted after the port opened has forgotten the requests.
    expect(datexS5.commands.startAgain).toEqual({ afterSilenceMs: 5000 });
  });

  it('builds the 72-byte wave requests byte for byte', () => {
    expect(WAVE_START_REQUEST.length).toBe(75); // 7E + 72-byte record + checksum + 7E
    expect(datexChecksum(WAVE_START_REQUEST.subarray(1, 73))).toBe(0x71);
    expect(Array.from(waveRequest(0, [1, 8, 9, 15]))).toEqual(Array.from(WAVE_START_REQUEST));
    expect(Array.from(waveRequest(1, [0]))).toEqual(Array.from(WAVE_STOP_REQUEST));
  });

  it('declares the four waves with VSCaptureWave rates and raw counts', () => {
    expect(datexS5.descriptor.channels).toEqual([
      {
        key: 'MDC_ECG_ELEC_POTL',
        label: 'ECG',
        unit: '{count}',
        rateHz: 300,
        scale: null,
        displayed: true,
      },
      {
        key: 'MDC_PULS_OXIM_PLETH',
        label: 'Pleth',
        unit: '{count}',
        rateHz: 100,
        scale: null,
        displayed: true,
      },
      {
        key: 'DATEX_AWAY_CO2',
        label: 'CO₂',
        unit: '{count}',
        rateHz: 25,
        scale: null,
        displayed: true,
      },
      {
        key: 'MDC_IMPED_TTHOR',
        label: 'Resp',
        unit: '{count}',
        rateHz: 25,
        scale: null,
        displayed: true,
      },
    ]);
  });

  it('describes the port: 19200 8E1 with RTS/CTS, no USB match', () => {
    const { descriptor } = datexS5;
    expect(descriptor.id).toBe('datex-s5');
    expect(descriptor.serial).toEqual({
      baudRate: 19200,
      dataBits: 8,
      parity: 'even',
      stopBits: 1,
      rtscts: true,
    });
    expect(descriptor.usb).toEqual([]);
    expect(descriptor.numerics.map((n) => n.refId).sort()).toEqual(
      Object.keys(TYPICAL_NUMERICS).sort(),
    );
  });
});

describe('datex framing', () => {
  it('escapes 7E and 7D inside the record and round-trips', () => {
    const record = Uint8Array.from({ length: 64 }, (_, i) => [0x7e, 0x7d, 0x5e, 0x5d][i % 4] ?? 0);
    const wire = encodeDatexFrame(record);
    const inner = wire.subarray(1, -1);
    expect(wire[0]).toBe(0x7e);
    expect(wire[wire.length - 1]).toBe(0x7e);
    expect(inner.includes(0x7e)).toBe(false);
    expect(Array.from(inner.subarray(0, 4))).toEqual([0x7d, 0x5e, 0x7d, 0x5d]);
    const stats = { framesOk: 0, framesBad: 0, bytesSkipped: 0 };
    expect(new DatexFrameReader(stats).push(wire).map((r) => Array.from(r))).toEqual([
      Array.from(record),
    ]);
    expect(stats.framesBad).toBe(0);
  });

  it.each([0x7e, 0x7d])('escapes a checksum of %s', (checksum) => {
    const record = new Uint8Array(40);
    record[0] = checksum;
    const wire = encodeDatexFrame(record);
    expect(Array.from(wire.subarray(-3))).toEqual([0x7d, checksum ^ 0x20, 0x7e]);
    const stats = { framesOk: 0, framesBad: 0, bytesSkipped: 0 };
    const reader = new DatexFrameReader(stats);
    const records = Array.from(wire, (byte) => reader.push(Uint8Array.of(byte))).flat();
    expect(records.map((r) => Array.from(r))).toEqual([Array.from(record)]);
  });
});

describe('datex-s5 displayed values', () => {
  it('decodes values whose bytes need escaping, in any chunking', () => {
    const values = { ...TYPICAL, 6: 0x7e, 126: 0x7d, 124: 0x7d7e % 10001 };
    const wire = encodeDatexFrame(replyRecord([{ values }]));
    const decoder = datexS5.createDecoder();
    const frames = Array.from(wire, (byte) => decoder.push(Uint8Array.of(byte))).flat();
    expect(frames).toHaveLength(1);
    expect(frames[0]?.numerics).toMatchObject({
      MDC_ECG_HEART_RATE: 126,
      MDC_PULS_OXIM_PULS_RATE: 125,
    });
  });

  it('leaves out values below -32001, and EtCO2 without an ambient pressure', () => {
    const values = { ...TYPICAL, 6: -32767, 78: -32002, 92: -32766, 144: -32767 };
    const [frame] = datexS5.createDecoder().push(encodeDatexFrame(replyRecord([{ values }])));
    expect(frame?.numerics).toEqual({
      MDC_PRESS_BLD_NONINV_DIA: 80,
      MDC_PRESS_BLD_NONINV_MEAN: 93,
      MDC_PULS_OXIM_SAT_O2: 98,
      MDC_PULS_OXIM_PULS_RATE: 71,
    });
  });

  it('keeps -32001 itself (the limit is exclusive) and negative temperatures', () => {
    const [frame] = datexS5
      .createDecoder()
      .push(encodeDatexFrame(replyRecord([{ values: { 6: -32001, 92: -150 } }])));
    expect(frame?.numerics).toEqual({ MDC_ECG_HEART_RATE: -32001, MDC_TEMP_BODY: -1.5 });
  });

  it('reads only the basic class among extended-class and trend subrecords', () => {
    const record = replyRecord([
      { phdbClass: 1, values: { 6: 10 } },
      { values: TYPICAL },
      { type: 2, values: { 6: 20 } },
      { phdbClass: 3, values: { 6: 30 } },
    ]);
    const frames = datexS5.createDecoder().push(encodeDatexFrame(record));
    expect(frames).toEqual([{ samples: {}, numerics: TYPICAL_NUMERICS, flags: [] }]);
  });

  it('skips well-framed records it does not use without calling them bad', () => {
    const alarms = replyRecord([{ values: TYPICAL }]);
    setI16(alarms, 14, 4);
    const decoder = datexS5.createDecoder();
    expect(decoder.push(encodeDatexFrame(alarms))).toEqual([]);
    expect(decoder.stats).toEqual({ framesOk: 0, framesBad: 0, bytesSkipped: alarms.length });
  });
});

describe('datex-s5 waves', () => {
  // ECG1 100, -5, 0x7E7D (escaped on the wire); pleth 2500 and -32767 (no data); one INVP1 sample
  // we did not ask for.
  const WAVE_RECORD = Uint8Array.from([
    ...hex('46 00 00 09'), // length 70, record 0, level 2005
    ...zeros(10),
    ...hex('01 00'), // main type: waves
    ...hex('00 00 01'), // ECG1 at 0
    ...hex('0C 00 08'), // pleth at 12
    ...hex('16 00 04'), // INVP1 at 22
    ...hex('00 00 FF'),
    ...zeros(12),
    ...hex('03 00 00 00 00 00  64 00 FB FF 7D 7E'),
    ...hex('02 00 00 00 00 00  C4 09 01 80'),
    ...hex('01 00 00 00 00 00  10 00'),
  ]);

  it('decodes a hand-built wave record exactly, flagging the no-data sample', () => {
    expect(WAVE_RECORD.length).toBe(70);
    const decoder = datexS5.createDecoder();
    const frames = decoder.push(encodeDatexFrame(WAVE_RECORD));
    expect(frames).toEqual([
      {
        samples: { MDC_ECG_ELEC_POTL: [100, -5, 0x7e7d], MDC_PULS_OXIM_PLETH: [2500, -32767] },
        numerics: {},
        flags: ['wave-invalid:MDC_PULS_OXIM_PLETH'],
      },
    ]);
    expect(decoder.stats).toEqual({ framesOk: 1, framesBad: 0, bytesSkipped: 0 });
  });

  it('decodes byte by byte and keeps -32001 unflagged', () => {
    const record = Uint8Array.from(WAVE_RECORD);
    setI16(record, 60, -32001);
    const decoder = datexS5.createDecoder();
    const wire = encodeDatexFrame(record);
    const frames = Array.from(wire, (byte) => decoder.push(Uint8Array.of(byte))).flat();
    expect(frames).toEqual([
      {
        samples: { MDC_ECG_ELEC_POTL: [100, -5, 0x7e7d], MDC_PULS_OXIM_PLETH: [2500, -32001] },
        numerics: {},
        flags: [],
      },
    ]);
  });

  it('drops a subrecord whose count runs past the record, keeping the others', () => {
    const record = Uint8Array.from(WAVE_RECORD);
    setI16(record, 62, 50); // INVP1 slot now typed pleth below, with a count too large
    record[24] = 0x08;
    const [frame] = datexS5.createDecoder().push(encodeDatexFrame(record));
    expect(frame?.samples).toEqual({
      MDC_ECG_ELEC_POTL: [100, -5, 0x7e7d],
      MDC_PULS_OXIM_PLETH: [2500, -32767],
    });
  });

  it('skips a wave record holding only waves we did not ask for', () => {
    const record = Uint8Array.from(WAVE_RECORD);
    record[18] = 0x02; // ECG2
    record[21] = 0x05; // INVP2
    const decoder = datexS5.createDecoder();
    expect(decoder.push(encodeDatexFrame(record))).toEqual([]);
    expect(decoder.stats).toEqual({ framesOk: 0, framesBad: 0, bytesSkipped: 70 });
  });
});

describe('datex-s5 resync', () => {
  const good = encodeDatexFrame(replyRecord([{ values: TYPICAL }]));

  it('skips garbage before the first flag and decodes what follows', () => {
    const decoder = datexS5.createDecoder();
    const frames = decoder.push(join([1, 2, 3, 0x7d, 0x5e], good, good));
    expect(frames).toHaveLength(2);
    expect(decoder.stats.framesOk).toBe(2);
    expect(decoder.stats.bytesSkipped).toBe(5);
  });

  it('counts a bad checksum as a bad frame and decodes the next one', () => {
    const broken = Uint8Array.from(good);
    broken[10] = (broken[10] ?? 0) ^ 0x01;
    const decoder = datexS5.createDecoder();
    const frames = decoder.push(join(broken, good));
    expect(frames).toHaveLength(1);
    expect(decoder.stats.framesBad).toBe(1);
    expect(decoder.stats.framesOk).toBe(1);
  });

  it('recovers when a frame is cut short by a stray flag', () => {
    const decoder = datexS5.createDecoder();
    const frames = decoder.push(join(good.subarray(0, 100), good));
    expect(frames).toHaveLength(1);
    expect(decoder.stats.framesBad).toBe(1);
  });

  it('drops an over-long frame and resumes at the next flag', () => {
    const decoder = datexS5.createDecoder();
    const long = new Uint8Array(DATEX_MAX_RECORD_BYTES + 100).fill(0x11);
    const frames = decoder.push(join([0x7e], long, good));
    expect(frames).toHaveLength(1);
    expect(decoder.stats.framesBad).toBe(1);
    expect(decoder.pendingBytes).toBe(0);
  });
});
