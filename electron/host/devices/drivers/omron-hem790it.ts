// Omron HEM-790IT blood-pressure monitor over USB HID, ../shared/protocols/README.md §7 (after
// libomron). Request/response, not a stream: 8-byte reports whose byte 0 counts the valid bytes,
// commands of 3 ASCII letters + arguments + XOR, replies `OK 00 <data> <XOR>` or `NO`.

import type { DriverDescriptor } from '../driver';
import type { HidReportTransport } from '../transports/hid';

export const OMRON_HEM790IT_VENDOR_ID = 0x0590;
export const OMRON_HEM790IT_PRODUCT_ID = 0x0028;

export const NIBP_SYSTOLIC = 'MDC_PRESS_BLD_NONINV_SYS';
export const NIBP_DIASTOLIC = 'MDC_PRESS_BLD_NONINV_DIA';
/** Pulse rate from a non-invasive BP cuff (IEEE 11073-10101, 149546). */
export const NIBP_PULSE_RATE = 'MDC_PULS_RATE_NON_INV';

export const REPORT_BYTES = 8;
export const REPORT_PAYLOAD_BYTES = REPORT_BYTES - 1;

/** Feature report payloads (report id 0 is added by the transport). */
export const MODE_INDIVIDUAL_READINGS = Uint8Array.of(0x74, 0xbc);
export const MODE_WEEKLY_AVERAGES = Uint8Array.of(0x10, 0x74);
/** Sent after a mode change, repeated until the device answers OK. */
export const WAKE_MESSAGE = new Uint8Array(12);

const ASCII_O = 0x4f;
const ASCII_K = 0x4b;
const ASCII_N = 0x4e;
const OK_HEADER_BYTES = 3; // "OK" + status 00
const VERSION_REPLY_BYTES = OK_HEADER_BYTES + 12;
const DATA_COUNT_REPLY_BYTES = 8;
const DATA_COUNT_AT = 6;
export const READING_RECORD_BYTES = 14;
const READING_REPLY_BYTES = OK_HEADER_BYTES + READING_RECORD_BYTES;
const WAKE_REPLY_BYTES = 2;
const END_REPLY = 'OFF\r\n';
const DEFAULT_RETRIES = 3;
const DEFAULT_READ_TIMEOUT_MS = 2000;

/** One stored reading. */
export interface BpReading {
  /**
   * When the reading was taken, as ISO 8601 without a zone (`2007-01-03T00:06:51`): the monitor
   * keeps only its own wall-clock time and knows no time zone, so none is invented here.
   */
  takenAt: string;
  systolic: number;
  diastolic: number;
  pulse: number;
}

/** The device answered with something the protocol does not allow (bad checksum, garbage). */
export class OmronProtocolError extends Error {
  override readonly name = 'OmronProtocolError';
}

/** The device did not answer within the read timeout. */
export class OmronTimeoutError extends Error {
  override readonly name = 'OmronTimeoutError';
}

export function xorBytes(bytes: Uint8Array): number {
  return bytes.reduce((sum, byte) => sum ^ byte, 0);
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** Splits a message into 8-byte output reports: count byte + up to 7 bytes, zero-padded. */
export function encodeReports(message: Uint8Array): Uint8Array[] {
  const reports: Uint8Array[] = [];
  for (let at = 0; at < message.length; at += REPORT_PAYLOAD_BYTES) {
    const chunk = message.subarray(at, at + REPORT_PAYLOAD_BYTES);
    const report = new Uint8Array(REPORT_BYTES);
    report[0] = chunk.length;
    report.set(chunk, 1);
    reports.push(report);
  }
  return reports;
}

/** The valid bytes of one report (the count byte says how many; libomron treats 8 as 7). */
export function reportPayload(report: Uint8Array): Uint8Array {
  const count = Math.min(report[0] ?? 0, REPORT_PAYLOAD_BYTES, Math.max(report.length - 1, 0));
  return report.subarray(1, 1 + count);
}

export function joinReports(reports: readonly Uint8Array[]): Uint8Array {
  const payloads = reports.map(reportPayload);
  const joined = new Uint8Array(payloads.reduce((total, p) => total + p.length, 0));
  let at = 0;
  for (const payload of payloads) {
    joined.set(payload, at);
    at += payload.length;
  }
  return joined;
}

function ascii(text: string): number[] {
  return Array.from(text, (c) => c.charCodeAt(0));
}

/** `VER00`: the unit's version string. */
export function versionCommand(): Uint8Array {
  return Uint8Array.from(ascii('VER00'));
}

/** `GDC 00 bank 00 00 bank`: how many readings the bank holds. */
export function dataCountCommand(bank: number): Uint8Array {
  return Uint8Array.of(...ascii('GDC'), 0x00, bank, 0x00, 0x00, bank);
}

/** `GME 00 bank 00 idx idx^bank`: one reading; index 0 is the newest (libomron notes). */
export function readingCommand(bank: number, index: number): Uint8Array {
  return Uint8Array.of(...ascii('GME'), 0x00, bank, 0x00, index, index ^ bank);
}

/** `END FF FF`: ends the session; the device answers `OFF\r\n` and switches off. */
export function endCommand(): Uint8Array {
  return Uint8Array.of(...ascii('END'), 0xff, 0xff);
}

export type OmronReply = { status: 'ok'; reply: Uint8Array } | { status: 'no' };

/**
 * Reads a reassembled reply. `OK` alone is valid; a longer `OK` reply must XOR to zero over the
 * bytes after `OK` (its last byte is the XOR of the ones before). Throws on anything else.
 */
export function parseReply(bytes: Uint8Array): OmronReply {
  if (bytes[0] === ASCII_N && bytes[1] === ASCII_O) return { status: 'no' };
  if (bytes[0] !== ASCII_O || bytes[1] !== ASCII_K) {
    throw new OmronProtocolError(`reply is neither OK nor NO (${toHex(bytes)})`);
  }
  if (bytes.length > 2 && xorBytes(bytes.subarray(2)) !== 0) {
    throw new OmronProtocolError(`reply checksum (XOR) does not match (${toHex(bytes)})`);
  }
  return { status: 'ok', reply: bytes };
}

/** The reading count in a GDC reply. */
export function parseDataCount(reply: Uint8Array): number {
  const count = reply[DATA_COUNT_AT];
  if (count === undefined) {
    throw new OmronProtocolError(`data count reply too short (${toHex(reply)})`);
  }
  return count;
}

/** The version text in a VER00 reply (its last byte is the checksum, not text). */
export function parseVersion(reply: Uint8Array): string {
  const text = reply.subarray(OK_HEADER_BYTES, reply.length - 1);
  return String.fromCharCode(...text).trim();
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * One 14-byte GME record: YY MM DD hh mm ss ?? ?? SYS DIA PULSE ?? flags checksum. The year is
 * two digits; 20YY is assumed (the device family dates from 2006).
 */
export function parseReadingRecord(record: Uint8Array): BpReading {
  if (record.length !== READING_RECORD_BYTES) {
    throw new OmronProtocolError(
      `reading record has ${record.length} bytes, expected ${READING_RECORD_BYTES} (${toHex(record)})`,
    );
  }
  if (xorBytes(record) !== 0) {
    throw new OmronProtocolError(`reading checksum (XOR) does not match (${toHex(record)})`);
  }
  const [yy, month, day, hour, minute, second] = record;
  const valid =
    yy !== undefined &&
    month !== undefined &&
    day !== undefined &&
    hour !== undefined &&
    minute !== undefined &&
    second !== undefined &&
    yy <= 99 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= 31 &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59;
  if (!valid) throw new OmronProtocolError(`reading has an impossible date (${toHex(record)})`);
  return {
    takenAt: `20${pad2(yy)}-${pad2(month)}-${pad2(day)}T${pad2(hour)}:${pad2(minute)}:${pad2(second)}`,
    systolic: record[8] ?? 0,
    diastolic: record[9] ?? 0,
    pulse: record[10] ?? 0,
  };
}

/** The GME reply's reading (the reply must already have passed parseReply). */
export function parseReadingReply(reply: Uint8Array): BpReading {
  return parseReadingRecord(reply.subarray(OK_HEADER_BYTES, READING_REPLY_BYTES));
}

/** Stable identity of a reading, so a re-download does not store it twice. */
export function readingKey(reading: BpReading): string {
  return `${reading.takenAt}|${reading.systolic}/${reading.diastolic}|${reading.pulse}`;
}

export interface DownloadOptions {
  /** Memory bank (user) to read; 0 by default. */
  bank?: number;
  /** How many times a command is sent again after `NO` or a garbled reply. */
  retries?: number;
  /** How long to wait for each input report. */
  readTimeoutMs?: number;
}

interface Link {
  transport: HidReportTransport;
  retries: number;
  readTimeoutMs: number;
}

const ADVICE = 'Check that the monitor is connected and switched on, then download again.';

async function send(link: Link, message: Uint8Array): Promise<void> {
  for (const report of encodeReports(message)) await link.transport.write(report);
}

/** Collects reports until `expectedBytes` arrived, or the reply is clearly `NO` or garbage. */
async function readReply(link: Link, expectedBytes: number, what: string): Promise<Uint8Array> {
  const reports: Uint8Array[] = [];
  let received = 0;
  while (received < expectedBytes) {
    const report = await link.transport.read(link.readTimeoutMs);
    if (report === null) {
      throw new OmronTimeoutError(
        `The blood pressure monitor stopped answering (no reply to ${what} within` +
          ` ${link.readTimeoutMs} ms${received ? `, got ${toHex(joinReports(reports))}` : ''}). ${ADVICE}`,
      );
    }
    reports.push(report);
    received += reportPayload(report).length;
    const sofar = joinReports(reports);
    if (sofar.length >= 2 && !(sofar[0] === ASCII_O && sofar[1] === ASCII_K)) return sofar;
  }
  return joinReports(reports);
}

/** Sends a command and returns its OK reply, sending it again after NO or a garbled reply. */
async function exchange(
  link: Link,
  command: Uint8Array,
  expectedBytes: number,
  what: string,
): Promise<Uint8Array> {
  let lastProblem = '';
  for (let attempt = 0; attempt <= link.retries; attempt++) {
    await send(link, command);
    const bytes = await readReply(link, expectedBytes, what);
    try {
      const parsed = parseReply(bytes);
      if (parsed.status === 'ok') return parsed.reply;
      lastProblem = 'it answered NO';
    } catch (error) {
      if (!(error instanceof OmronProtocolError)) throw error;
      lastProblem = error.message;
    }
  }
  throw new OmronProtocolError(
    `The blood pressure monitor did not accept ${what} after ${link.retries + 1} tries` +
      ` (last: ${lastProblem}). ${ADVICE}`,
  );
}

/** After a mode change the device wants zero blocks until it answers OK. */
async function wake(link: Link): Promise<void> {
  let lastProblem = '';
  for (let attempt = 0; attempt <= link.retries; attempt++) {
    await send(link, WAKE_MESSAGE);
    try {
      const bytes = await readReply(link, WAKE_REPLY_BYTES, 'the wake-up');
      if (bytes[0] === ASCII_O && bytes[1] === ASCII_K) return;
      lastProblem = `it answered ${toHex(bytes)}`;
    } catch (error) {
      if (!(error instanceof OmronTimeoutError)) throw error;
      lastProblem = error.message;
    }
  }
  throw new OmronTimeoutError(
    `The blood pressure monitor did not wake up after ${link.retries + 1} tries (last: ${lastProblem})`,
  );
}

/**
 * Downloads every stored reading of one bank: mode select, wake, VER00, GDC, GME for each index,
 * END. Readings come back in device order (newest first). END is best effort: the readings are
 * already safe, and the device switches itself off either way.
 */
export async function downloadReadings(
  transport: HidReportTransport,
  options: DownloadOptions = {},
): Promise<BpReading[]> {
  const bank = options.bank ?? 0;
  const link: Link = {
    transport,
    retries: options.retries ?? DEFAULT_RETRIES,
    readTimeoutMs: options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS,
  };
  await transport.sendFeatureReport(MODE_INDIVIDUAL_READINGS);
  await wake(link);
  await exchange(link, versionCommand(), VERSION_REPLY_BYTES, 'VER00');
  const count = parseDataCount(
    await exchange(link, dataCountCommand(bank), DATA_COUNT_REPLY_BYTES, `GDC (bank ${bank})`),
  );
  const readings: BpReading[] = [];
  for (let index = 0; index < count; index++) {
    const what = `GME (bank ${bank}, reading ${index + 1} of ${count})`;
    readings.push(
      parseReadingReply(
        await exchange(link, readingCommand(bank, index), READING_REPLY_BYTES, what),
      ),
    );
  }
  await send(link, endCommand());
  try {
    await readReply(link, END_REPLY.length, 'END');
  } catch (error) {
    if (!(error instanceof OmronTimeoutError)) throw error;
  }
  return readings;
}

export const omronHem790itDescriptor: DriverDescriptor = {
  id: 'omron-hem790it',
  displayName: 'Omron HEM-790IT',
  deviceKind: 'Blood pressure monitor',
  transport: 'hid',
  usb: [
    {
      vendorId: OMRON_HEM790IT_VENDOR_ID,
      productId: OMRON_HEM790IT_PRODUCT_ID,
      note: 'Omron HEM-790IT (libomron)',
    },
  ],
  channels: [],
  numerics: [
    { refId: NIBP_SYSTOLIC, unit: 'mm[Hg]' },
    { refId: NIBP_DIASTOLIC, unit: 'mm[Hg]' },
    { refId: NIBP_PULSE_RATE, unit: '/min' },
  ],
  caveats: [
    'Omron M400/M500IT (USB PID 0x0090) use a different, CRC-based protocol and are not supported.',
    'Timestamps are the monitor’s own wall-clock time with no time zone; its clock may be wrong.',
    'The year is stored as two digits; 20YY is assumed.',
    'Several record bytes (two after the time, one after the pulse) are not publicly documented.',
  ],
};
