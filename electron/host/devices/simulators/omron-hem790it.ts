// Byte-exact Omron HEM-790IT, device side (../shared/protocols/README.md §7), injected where the
// HID transport would be: it takes output reports and queues the input reports the monitor sends.

import {
  MODE_INDIVIDUAL_READINGS,
  MODE_WEEKLY_AVERAGES,
  WAKE_MESSAGE,
  encodeReports,
  reportPayload,
  xorBytes,
  type BpReading,
} from '../drivers/omron-hem790it';
import type { HidReportTransport } from '../transports/hid';

export type OmronCommandName = 'WAKE' | 'VER' | 'GDC' | 'GME' | 'END';

export interface OmronHem790itSimulatorOptions {
  /** Stored readings of `bank`, newest first (GME index 0). */
  readings?: BpReading[];
  bank?: number;
  /** 11 ASCII characters; the example from the libomron notes by default. */
  version?: string;
}

const COMMAND_BYTES: Record<string, number> = { VER: 5, GDC: 8, GME: 8, END: 5 };
const OK = [0x4f, 0x4b, 0x00];
const NO = [0x4e, 0x4f];
const TAKEN_AT = /^20(\d\d)-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)$/;

/** The 14-byte GME record for a reading (unknown bytes 0, flags 0 = standalone reading). */
export function encodeReadingRecord(reading: BpReading, flags = 0x00): Uint8Array {
  const match = TAKEN_AT.exec(reading.takenAt);
  if (!match) throw new Error(`takenAt must look like 2007-01-03T00:06:51: ${reading.takenAt}`);
  const [yy, month, day, hour, minute, second] = match.slice(1).map(Number);
  const record = Uint8Array.of(
    ...[yy, month, day, hour, minute, second].map((n) => n ?? 0),
    0x00,
    0x00,
    reading.systolic,
    reading.diastolic,
    reading.pulse,
    0x00,
    flags,
    0x00,
  );
  record[13] = xorBytes(record.subarray(0, 13));
  return record;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

export class OmronHem790itSimulator implements HidReportTransport {
  /** Output reports received, as written (no report id). */
  readonly received: Uint8Array[] = [];
  /** Input reports produced, in order. */
  readonly sent: Uint8Array[] = [];
  mode: 'none' | 'individual' | 'weekly' = 'none';
  awake = false;
  closed = false;
  readonly readings: BpReading[];
  readonly #bank: number;
  readonly #version: string;
  #pending: number[] = [];
  readonly #queue: Uint8Array[] = [];
  readonly #noOnce = new Set<OmronCommandName>();
  #silent = false;
  #corruptChecksums = false;

  constructor(options: OmronHem790itSimulatorOptions = {}) {
    this.readings = [...(options.readings ?? [])];
    this.#bank = options.bank ?? 0;
    this.#version = (options.version ?? 'M7080IT 207').padEnd(11).slice(0, 11);
  }

  /** The next `command` is answered `NO` (as the real device sometimes does). */
  answerNoOnce(command: OmronCommandName): void {
    this.#noOnce.add(command);
  }

  /** A device that takes reports but never answers. */
  setSilent(silent: boolean): void {
    this.#silent = silent;
  }

  /** Every checksummed reply carries a wrong XOR byte. */
  setCorruptChecksums(corrupt: boolean): void {
    this.#corruptChecksums = corrupt;
  }

  async sendFeatureReport(report: Uint8Array): Promise<void> {
    if (sameBytes(report, MODE_INDIVIDUAL_READINGS)) this.mode = 'individual';
    else if (sameBytes(report, MODE_WEEKLY_AVERAGES)) this.mode = 'weekly';
    else this.mode = 'none';
    this.awake = false;
    this.#pending = [];
  }

  async write(report: Uint8Array): Promise<void> {
    this.received.push(Uint8Array.from(report));
    this.#pending.push(...reportPayload(report));
    while (this.#takeMessage());
  }

  /** Never waits: an empty queue is what the host would see after its timeout. */
  async read(_timeoutMs: number): Promise<Uint8Array | null> {
    return this.#queue.shift() ?? null;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** Handles one complete message from the pending bytes; false when more bytes are needed. */
  #takeMessage(): boolean {
    const pending = this.#pending;
    if (pending.length === 0) return false;
    if (pending[0] === 0x00) {
      if (pending.length < WAKE_MESSAGE.length) return false;
      const block = pending.splice(0, WAKE_MESSAGE.length);
      if (block.every((byte) => byte === 0) && this.mode !== 'none') {
        this.awake = true;
        this.#answer('WAKE', [0x4f, 0x4b]);
      }
      return true;
    }
    if (pending.length < 3) return false;
    const name = String.fromCharCode(...pending.slice(0, 3));
    const size = COMMAND_BYTES[name];
    if (size === undefined) {
      this.#pending = [];
      this.#reply(NO);
      return false;
    }
    if (pending.length < size) return false;
    const command = pending.splice(0, size);
    this.#handle(name as OmronCommandName, command);
    return true;
  }

  #handle(name: OmronCommandName, command: number[]): void {
    const args = command.slice(3);
    if (name === 'END') {
      this.#answer(
        name,
        Array.from('OFF\r\n', (c) => c.charCodeAt(0)),
      );
      this.awake = false;
      return;
    }
    if (!this.awake) return this.#answer(name, NO);
    if (name === 'VER') {
      const text = Array.from(this.#version, (c) => c.charCodeAt(0));
      return this.#answer(name, this.#withChecksum(text));
    }
    const checksumOk = xorBytes(Uint8Array.from(args)) === 0;
    const bank = args[1] ?? 0;
    if (this.mode !== 'individual' || !checksumOk) return this.#answer(name, NO);
    const readings = bank === this.#bank ? this.readings : [];
    if (name === 'GDC') {
      return this.#answer(name, this.#withChecksum([0x00, 0x00, 0x00, readings.length & 0xff]));
    }
    const reading = readings[args[3] ?? 0];
    if (!reading) return this.#answer(name, NO);
    const record = Array.from(encodeReadingRecord(reading));
    return this.#answer(name, this.#withChecksum(record.slice(0, -1)));
  }

  /** `OK 00 <data> <XOR of 00 and data>`. */
  #withChecksum(data: number[]): number[] {
    const body = [...OK, ...data];
    const checksum = xorBytes(Uint8Array.from(body.slice(2)));
    return [...body, this.#corruptChecksums ? checksum ^ 0xff : checksum];
  }

  #answer(name: OmronCommandName, bytes: number[]): void {
    if (this.#noOnce.delete(name)) return this.#reply(NO);
    this.#reply(bytes);
  }

  #reply(bytes: number[]): void {
    if (this.#silent) return;
    for (const report of encodeReports(Uint8Array.from(bytes))) {
      this.sent.push(report);
      this.#queue.push(report);
    }
  }
}
