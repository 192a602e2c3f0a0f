// Byte-exact GE Datex-Ohmeda S/5 computer-interface simulator (../shared/protocols/README.md §6):
// silent until the host sends a displayed-values request, then one physiological record per
// requested interval (the first at once) until a request with interval 0.

import type { DecoderStats } from '../driver';
import {
  DATEX_BASIC_OFFSETS,
  DATEX_DISPLAYED,
  DATEX_MAIN_TYPE_PHYSIOLOGICAL,
  DATEX_PHDB_CLASS_BASIC,
  DATEX_PHDB_CLASS_BYTES,
  DATEX_PHDB_SUBRECORD_BYTES,
  DATEX_PHDB_TIME_BYTES,
  buildDatexRecord,
  type DatexSubrecord,
} from '../drivers/datex';
import { DATEX_HEADER_BYTES, DatexFrameReader, encodeDatexFrame } from '../drivers/datex-framing';
import type { DeviceSimulator, SimulatedVitals, SimulatorOptions } from '../simulator';

/** The monitor's "there is no valid data" value. */
export const DATEX_DATA_INVALID = -32767;

// Simulator choices, not device facts: a fixed NIBP reading and a steady capnogram.
export const DATEX_SIM_NIBP_MMHG = { sys: 120, dia: 80, mean: 93 } as const;
export const DATEX_SIM_ETCO2_CENTI_PERCENT = 500;
export const DATEX_SIM_AMBIENT_DECI_MMHG = 7600;

const DEFAULT_TICK_MS = 100;

export type DatexBasicRaw = Partial<Record<keyof typeof DATEX_BASIC_OFFSETS, number>>;

/**
 * One displayed-values subrecord: u32 time, 270 bytes of class data (every word invalid except
 * the given raw values), marker, reserved, and the class word (class in bits 8–11).
 */
export function encodeDatexDisplayedSubrecord(
  phdbClass: number,
  raw: DatexBasicRaw,
  timeS: number,
): Uint8Array {
  const sub = new Uint8Array(DATEX_PHDB_SUBRECORD_BYTES);
  const view = new DataView(sub.buffer);
  view.setUint32(0, timeS, true);
  for (let at = 0; at < DATEX_PHDB_CLASS_BYTES; at += 2) {
    view.setInt16(DATEX_PHDB_TIME_BYTES + at, DATEX_DATA_INVALID, true);
  }
  for (const [field, value] of Object.entries(raw)) {
    const offset = DATEX_BASIC_OFFSETS[field as keyof typeof DATEX_BASIC_OFFSETS];
    view.setInt16(DATEX_PHDB_TIME_BYTES + offset, value, true);
  }
  view.setUint16(DATEX_PHDB_SUBRECORD_BYTES - 2, ((phdbClass & 0x0f) << 8) | DATEX_DISPLAYED, true);
  return sub;
}

/** The basic-class raw values for a set of vitals (PR = HR; NIBP and EtCO2 fixed). */
export function datexBasicFromVitals(vitals: SimulatedVitals): DatexBasicRaw {
  const centi = (value: number): number => Math.round(value * 100);
  return {
    hr: Math.round(vitals.hr),
    nibpSys: centi(DATEX_SIM_NIBP_MMHG.sys),
    nibpDia: centi(DATEX_SIM_NIBP_MMHG.dia),
    nibpMean: centi(DATEX_SIM_NIBP_MMHG.mean),
    t1: centi(vitals.tempC),
    spo2: centi(vitals.spo2),
    pulseRate: Math.round(vitals.hr),
    etco2: DATEX_SIM_ETCO2_CENTI_PERCENT,
    ambientPressure: DATEX_SIM_AMBIENT_DECI_MMHG,
  };
}

export interface DatexSimulatorOptions extends SimulatorOptions {
  /** How often the pacing timer looks for a due reply. */
  tickMs?: number;
}

export interface DatexSimulator extends DeviceSimulator {
  /** Requested displayed-values interval in seconds; 0 while not sending. */
  readonly intervalS: number;
  /** Replies sent since the simulator was created. */
  readonly repliesSent: number;
  /** Host requests, in any chunking. */
  receive(bytes: Uint8Array): void;
}

class DatexDeviceSimulator implements DatexSimulator {
  readonly #options: DatexSimulatorOptions;
  readonly #now: () => number;
  readonly #hostStats: DecoderStats = { framesOk: 0, framesBad: 0, bytesSkipped: 0 };
  readonly #hostFrames = new DatexFrameReader(this.#hostStats);
  #vitals: SimulatedVitals;
  #timer: ReturnType<typeof setInterval> | undefined;
  #intervalS = 0;
  /** Requested class bits (bit 0 denies basic, bits 1–3 ask for extended classes 1–3). */
  #classBits = 0;
  #nextDueMs = 0;
  #recordNumber = 0;
  #repliesSent = 0;

  constructor(options: DatexSimulatorOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#vitals = { ...options.vitals };
  }

  get intervalS(): number {
    return this.#intervalS;
  }

  get repliesSent(): number {
    return this.#repliesSent;
  }

  start(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => this.#tick(), this.#options.tickMs ?? DEFAULT_TICK_MS);
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#intervalS = 0;
  }

  setVitals(partial: Partial<SimulatedVitals>): void {
    this.#vitals = { ...this.#vitals, ...partial };
  }

  /** Host requests in any chunking; ignored while the monitor is off. */
  receive(bytes: Uint8Array): void {
    if (this.#timer === undefined) return;
    for (const record of this.#hostFrames.push(bytes)) this.#request(record);
  }

  #request(record: Uint8Array): void {
    const view = new DataView(record.buffer, record.byteOffset, record.byteLength);
    const body = DATEX_HEADER_BYTES;
    if (view.getInt16(14, true) !== DATEX_MAIN_TYPE_PHYSIOLOGICAL) return;
    if (record.length < body + 9 || record[body] !== DATEX_DISPLAYED) return;
    this.#intervalS = Math.max(0, view.getInt16(body + 1, true));
    this.#classBits = view.getUint32(body + 3, true);
    if (this.#intervalS > 0) {
      this.#nextDueMs = this.#now();
      this.#tick();
    }
  }

  #tick(): void {
    if (this.#intervalS === 0 || this.#now() < this.#nextDueMs) return;
    // A stalled host clock gets no backlog: the next reply is one interval from now.
    this.#nextDueMs = Math.max(this.#nextDueMs + this.#intervalS * 1000, this.#now());
    this.#options.write(encodeDatexFrame(this.#reply()));
    this.#repliesSent++;
  }

  #reply(): Uint8Array {
    const timeS = Math.floor(this.#now() / 1000);
    const subrecords: DatexSubrecord[] = [];
    const add = (phdbClass: number, raw: DatexBasicRaw): void => {
      subrecords.push({
        type: DATEX_DISPLAYED,
        body: encodeDatexDisplayedSubrecord(phdbClass, raw, timeS),
      });
    };
    if ((this.#classBits & 1) === 0)
      add(DATEX_PHDB_CLASS_BASIC, datexBasicFromVitals(this.#vitals));
    // Extended classes carry values this simulator has none for: all marked invalid.
    for (let phdbClass = 1; phdbClass <= 3; phdbClass++) {
      if ((this.#classBits >> phdbClass) & 1) add(phdbClass, {});
    }
    const record = buildDatexRecord({
      mainType: DATEX_MAIN_TYPE_PHYSIOLOGICAL,
      subrecords,
      recordNumber: this.#recordNumber,
      timeS,
    });
    this.#recordNumber = (this.#recordNumber + 1) & 0xff;
    return record;
  }
}

export function createDatexSimulator(options: DatexSimulatorOptions): DatexSimulator {
  return new DatexDeviceSimulator(options);
}
