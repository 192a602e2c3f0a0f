import { describe, expect, it } from 'vitest';
import { OmronHem790itSimulator } from '../simulators/omron-hem790it';
import type { HidReportTransport } from '../transports/hid';
import {
  OmronProtocolError,
  OmronTimeoutError,
  dataCountCommand,
  downloadReadings,
  encodeReports,
  endCommand,
  joinReports,
  omronHem790itDescriptor,
  parseDataCount,
  parseReadingRecord,
  parseReadingReply,
  parseReply,
  parseVersion,
  readingCommand,
  readingKey,
  versionCommand,
  type BpReading,
} from './omron-hem790it';

const hex = (text: string) => Uint8Array.from(text.split(' '), (b) => parseInt(b, 16));

// ../shared/protocols/README.md §7, worked example.
const EXAMPLE_IN = [
  hex('07 4F 4B 00 07 01 03 00'),
  hex('07 06 33 00 00 70 4B 47'),
  hex('03 00 00 4C 00 00 00 00'),
];
const EXAMPLE_READING: BpReading = {
  takenAt: '2007-01-03T00:06:51',
  systolic: 112,
  diastolic: 75,
  pulse: 71,
};

const READINGS: BpReading[] = [
  EXAMPLE_READING,
  { takenAt: '2007-01-02T21:15:00', systolic: 131, diastolic: 84, pulse: 66 },
  { takenAt: '2006-12-31T07:05:09', systolic: 98, diastolic: 61, pulse: 102 },
];

describe('report framing', () => {
  it('encodes GME bank 0 index 0 as the worked example', () => {
    expect(encodeReports(readingCommand(0, 0))).toEqual([
      hex('07 47 4D 45 00 00 00 00'),
      hex('01 00 00 00 00 00 00 00'),
    ]);
  });

  it('encodes the other commands with their XOR bytes', () => {
    expect(encodeReports(versionCommand())).toEqual([hex('05 56 45 52 30 30 00 00')]);
    expect(encodeReports(dataCountCommand(1))).toEqual([
      hex('07 47 44 43 00 01 00 00'),
      hex('01 01 00 00 00 00 00 00'),
    ]);
    expect(readingCommand(2, 7)).toEqual(hex('47 4D 45 00 02 00 07 05'));
    expect(encodeReports(endCommand())).toEqual([hex('05 45 4E 44 FF FF 00 00')]);
  });

  it('reassembles the example reply and ignores bytes past the count', () => {
    const reports = EXAMPLE_IN.map((r, i) => (i === 2 ? hex('03 00 00 4C AA BB CC DD') : r));
    expect(joinReports(reports)).toEqual(hex('4F 4B 00 07 01 03 00 06 33 00 00 70 4B 47 00 00 4C'));
  });
});

describe('reply parsing', () => {
  it('reads the worked example as 2007-01-03 00:06:51, 112/75 mmHg, pulse 71', () => {
    const parsed = parseReply(joinReports(EXAMPLE_IN));
    expect(parsed.status).toBe('ok');
    if (parsed.status !== 'ok') return;
    expect(parseReadingReply(parsed.reply)).toEqual(EXAMPLE_READING);
  });

  it('reads NO, the GDC count and the VER00 example from the libomron notes', () => {
    expect(parseReply(hex('4E 4F'))).toEqual({ status: 'no' });
    const gdc = joinReports([hex('07 4f 4b 00 00 0a 00 08'), hex('01 02 00 00 00 00 00 00')]);
    const ok = parseReply(gdc);
    expect(ok.status === 'ok' && parseDataCount(ok.reply)).toBe(8);
    const ver = joinReports([
      hex('07 4f 4b 00 4d 37 30 38'),
      hex('07 30 49 54 20 32 30 37'),
      hex('01 4a 00 00 00 00 00 00'),
    ]);
    const version = parseReply(ver);
    expect(version.status === 'ok' && parseVersion(version.reply)).toBe('M7080IT 207');
  });

  it('rejects a bad XOR with a clear error that carries the bytes', () => {
    const bad = joinReports(EXAMPLE_IN);
    bad[bad.length - 1] = 0x4d;
    expect(() => parseReply(bad)).toThrow(OmronProtocolError);
    expect(() => parseReply(bad)).toThrow(/checksum \(XOR\) does not match \(4f 4b 00 07/);
    expect(() => parseReply(hex('41 42 43'))).toThrow(/neither OK nor NO/);
  });

  it('rejects records with a bad checksum, a wrong size or an impossible date', () => {
    const record = joinReports(EXAMPLE_IN).subarray(3);
    expect(parseReadingRecord(record)).toEqual(EXAMPLE_READING);
    expect(() => parseReadingRecord(record.subarray(1))).toThrow(/13 bytes, expected 14/);
    const month13 = Uint8Array.from(record);
    month13[1] = 13;
    month13[13]! ^= 13 ^ 1;
    expect(() => parseReadingRecord(month13)).toThrow(/impossible date/);
    const flipped = Uint8Array.from(record);
    flipped[8] = 113;
    expect(() => parseReadingRecord(flipped)).toThrow(/checksum/);
  });
});

describe('downloadReadings', () => {
  it('downloads 3 readings through the simulator with the full command sequence', async () => {
    const device = new OmronHem790itSimulator({ readings: READINGS });
    await expect(downloadReadings(device)).resolves.toEqual(READINGS);
    expect(device.mode).toBe('individual');
    const commands = device.received.map((r) => String.fromCharCode(...r.subarray(1, 4)));
    expect(commands.filter((c) => /^[A-Z]{3}$/.test(c))).toEqual([
      'VER',
      'GDC',
      'GME',
      'GME',
      'GME',
      'END',
    ]);
    expect(device.received.slice(0, 2)).toEqual([
      hex('07 00 00 00 00 00 00 00'),
      hex('05 00 00 00 00 00 00 00'),
    ]);
  });

  it('reads another bank and an empty bank', async () => {
    const device = new OmronHem790itSimulator({ readings: READINGS.slice(1), bank: 1 });
    await expect(downloadReadings(device, { bank: 1 })).resolves.toEqual(READINGS.slice(1));
    await expect(downloadReadings(device, { bank: 0 })).resolves.toEqual([]);
  });

  it('sends a command again after NO', async () => {
    const device = new OmronHem790itSimulator({ readings: READINGS });
    device.answerNoOnce('GME');
    device.answerNoOnce('GDC');
    device.answerNoOnce('WAKE');
    await expect(downloadReadings(device)).resolves.toEqual(READINGS);
    const gmeSent = device.received.filter((r) => r[1] === 0x47 && r[2] === 0x4d);
    expect(gmeSent).toHaveLength(4);
  });

  it('gives up with a clear error when the device keeps answering NO', async () => {
    const device = new OmronHem790itSimulator({ readings: READINGS });
    const alwaysNo: HidReportTransport = {
      write: async (report) => {
        await device.write(report);
        if (report[1] === 0x47 && report[2] === 0x4d) device.answerNoOnce('GME');
      },
      sendFeatureReport: (report) => device.sendFeatureReport(report),
      read: (ms) => device.read(ms),
      close: () => device.close(),
    };
    await expect(downloadReadings(alwaysNo, { retries: 2 })).rejects.toThrow(
      /did not accept GME \(bank 0, reading 1 of 3\) after 3 tries \(last: it answered NO\)/,
    );
  });

  it('rejects replies whose XOR never matches with a clear error', async () => {
    const device = new OmronHem790itSimulator({ readings: READINGS });
    device.setCorruptChecksums(true);
    const download = downloadReadings(device, { retries: 1 });
    await expect(download).rejects.toThrow(OmronProtocolError);
    await expect(downloadReadings(device, { retries: 1 })).rejects.toThrow(
      /did not accept VER00 after 2 tries \(last: reply checksum \(XOR\) does not match/,
    );
  });

  it('times out with a clear error when the device never answers', async () => {
    const device = new OmronHem790itSimulator({ readings: READINGS });
    device.setSilent(true);
    const download = downloadReadings(device, { retries: 1, readTimeoutMs: 50 });
    await expect(download).rejects.toThrow(OmronTimeoutError);
    await expect(downloadReadings(device, { retries: 1, readTimeoutMs: 50 })).rejects.toThrow(
      /did not wake up after 2 tries \(last: The blood pressure monitor stopped answering \(no reply to the wake-up within 50 ms\)/,
    );
  });

  it('times out when the device goes quiet in the middle of a download', async () => {
    const device = new OmronHem790itSimulator({ readings: READINGS });
    const quietAfterGdc: HidReportTransport = {
      write: async (report) => {
        if (report[1] === 0x47 && report[2] === 0x4d) device.setSilent(true);
        await device.write(report);
      },
      sendFeatureReport: (report) => device.sendFeatureReport(report),
      read: (ms) => device.read(ms),
      close: () => device.close(),
    };
    await expect(downloadReadings(quietAfterGdc, { readTimeoutMs: 25 })).rejects.toThrow(
      /stopped answering \(no reply to GME \(bank 0, reading 1 of 3\) within 25 ms\)\. Check that/,
    );
  });

  it('still returns the readings when END gets no answer', async () => {
    const device = new OmronHem790itSimulator({ readings: READINGS });
    const quietEnd: HidReportTransport = {
      write: async (report) => {
        if (report[1] === 0x45 && report[2] === 0x4e) device.setSilent(true);
        await device.write(report);
      },
      sendFeatureReport: (report) => device.sendFeatureReport(report),
      read: (ms) => device.read(ms),
      close: () => device.close(),
    };
    await expect(downloadReadings(quietEnd)).resolves.toEqual(READINGS);
  });
});

describe('readingKey', () => {
  it('de-duplicates a re-download', async () => {
    const device = new OmronHem790itSimulator({ readings: READINGS.slice(1) });
    const stored = new Map<string, BpReading>();
    for (const r of await downloadReadings(device)) stored.set(readingKey(r), r);
    device.readings.unshift(EXAMPLE_READING); // one new reading since the last download
    const fresh = (await downloadReadings(device)).filter((r) => !stored.has(readingKey(r)));
    expect(fresh).toEqual([EXAMPLE_READING]);
    expect(readingKey(EXAMPLE_READING)).toBe('2007-01-03T00:06:51|112/75|71');
    expect(readingKey({ ...EXAMPLE_READING, pulse: 72 })).not.toBe(readingKey(EXAMPLE_READING));
  });
});

describe('omronHem790itDescriptor', () => {
  it('describes the HID device and its NIBP numerics', () => {
    expect(omronHem790itDescriptor).toMatchObject({
      id: 'omron-hem790it',
      transport: 'hid',
      usb: [{ vendorId: 0x0590, productId: 0x0028, note: 'Omron HEM-790IT (libomron)' }],
      channels: [],
      numerics: [
        { refId: 'MDC_PRESS_BLD_NONINV_SYS', unit: 'mm[Hg]' },
        { refId: 'MDC_PRESS_BLD_NONINV_DIA', unit: 'mm[Hg]' },
        { refId: 'MDC_PULS_RATE_NON_INV', unit: '/min' },
      ],
    });
    expect(omronHem790itDescriptor.caveats.join(' ')).toMatch(/0x0090/);
    expect(omronHem790itDescriptor.caveats.join(' ')).toMatch(/no time zone/);
  });
});
