// Byte-exact GE Datex-Ohmeda S/5 computer-interface simulator (../shared/protocols/README.md §6):
// silent until the host sends a displayed-values request, then one physiological record per
// requested interval (the first at once) until a request with interval 0. After a wave start it
// also sends, every tick, one wave record with the samples fallen due, until a wave stop.

import type { DecoderStats } from '../driver';
import {
  DATEX_BASIC_OFFSETS,
  DATEX_DISPLAYED,
  DATEX_PHDB_CLASS_BASIC,
  DATEX_PHDB_CLASS_BYTES,
  DATEX_PHDB_SUBRECORD_BYTES,
  DATEX_PHDB_TIME_BYTES,
} from '../drivers/datex';
import {
  DATEX_INVALID_LIMIT,
  DATEX_MAIN_TYPE_PHYSIOLOGICAL,
  DATEX_MAIN_TYPE_WAVES,
  buildDatexRecord,
  type DatexSubrecord,
} from '../drivers/datex-records';
import {
  DATEX_WAVES,
  DATEX_WAVE_CO2,
  DATEX_WAVE_ECG1,
  DATEX_WAVE_HEADER_BYTES,
  DATEX_WAVE_PLETH,
  DATEX_WAVE_RESP,
  DATEX_WAVE_START,
  DATEX_WAVE_STOP,
  type DatexWave,
} from '../drivers/datex-waves';
import { DATEX_HEADER_BYTES, DatexFrameReader, encodeDatexFrame } from '../drivers/datex-framing';
import type { DeviceSimulator, SimulatedVitals, SimulatorOptions } from '../simulator';
import type { DemoRecordings } from './recordings';

/** The monitor's "there is no valid data" value. */
export const DATEX_DATA_INVALID = -32767;

// Simulator choices, not device facts: a fixed NIBP reading and a steady capnogram.
export const DATEX_SIM_NIBP_MMHG = { sys: 120, dia: 80, mean: 93 } as const;
export const DATEX_SIM_ETCO2_CENTI_PERCENT = 500;
export const DATEX_SIM_AMBIENT_DECI_MMHG = 7600;

const DEFAULT_TICK_MS = 100;
/**
 * A stalled host gets at most this much wave backlog; it also keeps a wave record (964 bytes for
 * all four waves) under the 1490-byte record VSCapture reads.
 */
const MAX_WAVE_BACKLOG_MS = 1000;

/** Raw count of sample `index` of wave `waveId` (at that wave's rate). */
export type DatexWaveSource = (waveId: number, index: number) => number;

// Simulator choices, not device facts (the scales are not public): ECG counts of 0.01 mV, pleth
// 0..1 × 5000, impedance respiration (resp − 0.5) × 2000, CO2 in 0.01 % like the EtCO2 numeric.
const ECG_COUNTS_PER_MV = 100;
const PLETH_COUNTS_PER_UNIT = 5000;
const RESP_COUNTS_PER_UNIT = 2000;

// `+ 0` turns a rounded -0 into 0; never below -32000, so a simulated sample is never a marker.
const toCount = (value: number): number =>
  Math.min(32767, Math.max(DATEX_INVALID_LIMIT + 1, Math.round(value))) + 0;

const WAVE_RATE_HZ = new Map(DATEX_WAVES.map((wave) => [wave.id, wave.rateHz]));

/** A breath: inspiration (no CO2) for the first 40 %, then a rise to a plateau at EtCO2. */
function capnogram(breathPhase: number): number {
  if (breathPhase < 0.4) return 0;
  return DATEX_SIM_ETCO2_CENTI_PERCENT * (1 - Math.exp(-(breathPhase - 0.4) * 25));
}

function bump(phase: number, centre: number, width: number): number {
  return Math.exp(-(((phase - centre) / width) ** 2));
}

/** Synthetic shapes following the current vitals: a QRS-and-T beat, a pulse wave, breaths. */
export function syntheticDatexWaves(vitals: () => SimulatedVitals): DatexWaveSource {
  return (waveId, index) => {
    const seconds = index / (WAVE_RATE_HZ.get(waveId) ?? 1);
    const { hr, rr } = vitals();
    const beat = (seconds * (hr / 60)) % 1;
    const breath = (seconds * (rr / 60)) % 1;
    switch (waveId) {
      case DATEX_WAVE_ECG1:
        return toCount(
          ECG_COUNTS_PER_MV *
            (1.2 * bump(beat, 0.2, 0.015) -
              0.15 * bump(beat, 0.23, 0.02) +
              0.3 * bump(beat, 0.5, 0.06)),
        );
      case DATEX_WAVE_PLETH:
        return toCount(
          PLETH_COUNTS_PER_UNIT * (bump(beat, 0.35, 0.1) + 0.3 * bump(beat, 0.6, 0.08)),
        );
      case DATEX_WAVE_RESP:
        return toCount(RESP_COUNTS_PER_UNIT * 0.5 * Math.sin(2 * Math.PI * breath));
      case DATEX_WAVE_CO2:
        return toCount(capnogram(breath));
      default:
        return 0;
    }
  };
}

/** Linear interpolation of a looped recording at time `seconds`. */
function valueAt(values: Float32Array, rateHz: number, seconds: number): number {
  if (values.length === 0) return 0;
  const position = (seconds * rateHz) % values.length;
  const before = Math.floor(position);
  const fraction = position - before;
  const after = (before + 1) % values.length;
  return (values[before] ?? 0) * (1 - fraction) + (values[after] ?? 0) * fraction;
}

/** The demo recordings (ECG, pleth, respiration) resampled to the wave rates; CO2 synthetic. */
export function recordedDatexWaves(
  recordings: DemoRecordings,
  vitals: () => SimulatedVitals,
): DatexWaveSource {
  const synthetic = syntheticDatexWaves(vitals);
  return (waveId, index) => {
    const seconds = index / (WAVE_RATE_HZ.get(waveId) ?? 1);
    const { ecg, pleth, resp } = recordings;
    switch (waveId) {
      case DATEX_WAVE_ECG1:
        return toCount(ECG_COUNTS_PER_MV * valueAt(ecg.mv, ecg.rateHz, seconds));
      case DATEX_WAVE_PLETH:
        return toCount(PLETH_COUNTS_PER_UNIT * valueAt(pleth.values, pleth.rateHz, seconds));
      case DATEX_WAVE_RESP:
        return toCount(RESP_COUNTS_PER_UNIT * (valueAt(resp.values, resp.rateHz, seconds) - 0.5));
      default:
        return synthetic(waveId, index);
    }
  };
}

/** One wave subrecord: count i16, status u16 (0), reserved u16, then the samples. */
export function encodeDatexWaveSubrecord(values: readonly number[]): Uint8Array {
  const sub = new Uint8Array(DATEX_WAVE_HEADER_BYTES + values.length * 2);
  const view = new DataView(sub.buffer);
  view.setInt16(0, values.length, true);
  values.forEach((value, i) => view.setInt16(DATEX_WAVE_HEADER_BYTES + i * 2, value, true));
  return sub;
}

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
  /** Makes the wave source from a vitals getter; synthetic shapes by default. */
  waveSource?: (vitals: () => SimulatedVitals) => DatexWaveSource;
}

export interface DatexSimulator extends DeviceSimulator {
  /** Requested displayed-values interval in seconds; 0 while not sending. */
  readonly intervalS: number;
  /** Ids of the waves being sent, in request order; empty while not sending. */
  readonly waveIds: readonly number[];
  /** Replies sent since the simulator was created. */
  readonly repliesSent: number;
  /** Host requests, in any chunking. */
  receive(bytes: Uint8Array): void;
}

class DatexDeviceSimulator implements DatexSimulator {
  readonly #options: DatexSimulatorOptions;
  readonly #now: () => number;
  readonly #hostStats: DecoderStats = { framesOk: 0, framesBad: 0, bytesSkipped: 0 };
  #hostFrames = new DatexFrameReader(this.#hostStats);
  #vitals: SimulatedVitals;
  #timer: ReturnType<typeof setInterval> | undefined;
  #intervalS = 0;
  /** Requested class bits (bit 0 denies basic, bits 1–3 ask for extended classes 1–3). */
  #classBits = 0;
  #nextDueMs = 0;
  #recordNumber = 0;
  #repliesSent = 0;
  readonly #waveSource: DatexWaveSource;
  #waves: DatexWave[] = [];
  #wavesStartedAt = 0;
  /** Per wave id: index of the next sample to send. */
  #nextSample = new Map<number, number>();

  constructor(options: DatexSimulatorOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#vitals = { ...options.vitals };
    this.#waveSource = (options.waveSource ?? syntheticDatexWaves)(() => this.#vitals);
  }

  get intervalS(): number {
    return this.#intervalS;
  }

  get waveIds(): readonly number[] {
    return this.#waves.map((wave) => wave.id);
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
    // Switched off, the monitor forgets the requests and any half-received one.
    this.#intervalS = 0;
    this.#waves = [];
    this.#hostFrames = new DatexFrameReader(this.#hostStats);
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
    const mainType = view.getInt16(14, true);
    if (mainType === DATEX_MAIN_TYPE_WAVES) return this.#waveRequest(record, view);
    if (mainType !== DATEX_MAIN_TYPE_PHYSIOLOGICAL) return;
    if (record.length < body + 9 || record[body] !== DATEX_DISPLAYED) return;
    this.#intervalS = Math.max(0, view.getInt16(body + 1, true));
    this.#classBits = view.getUint32(body + 3, true);
    if (this.#intervalS > 0) {
      this.#nextDueMs = this.#now();
      this.#sendDisplayed();
    }
  }

  /** Start (request 0) replaces the wave set with the listed waves we know; stop (1) ends all. */
  #waveRequest(record: Uint8Array, view: DataView): void {
    const body = DATEX_HEADER_BYTES;
    if (record.length < body + 12) return;
    const request = view.getInt16(body, true);
    if (request === DATEX_WAVE_STOP) {
      this.#waves = [];
      return;
    }
    if (request !== DATEX_WAVE_START) return;
    const ids: number[] = [];
    for (let at = body + 4; at < body + 12 && record[at] !== 0xff; at++) ids.push(record[at] ?? 0);
    this.#waves = DATEX_WAVES.filter((wave) => ids.includes(wave.id)).sort(
      (a, b) => ids.indexOf(a.id) - ids.indexOf(b.id),
    );
    this.#wavesStartedAt = this.#now();
    this.#nextSample = new Map(this.#waves.map((wave) => [wave.id, 0]));
    this.#sendWaves();
  }

  #tick(): void {
    this.#sendDisplayed();
    this.#sendWaves();
  }

  /**
   * Sample n of a wave is due at the wave start + n / rate s; each call sends every sample due by
   * now, all waves in one record, as the healthypi5 simulator paces its frames.
   */
  #sendWaves(): void {
    if (this.#waves.length === 0) return;
    const elapsedMs = this.#now() - this.#wavesStartedAt;
    const subrecords: DatexSubrecord[] = [];
    for (const wave of this.#waves) {
      const due = Math.floor((elapsedMs * wave.rateHz) / 1000) + 1;
      const maxBacklog = Math.ceil((MAX_WAVE_BACKLOG_MS * wave.rateHz) / 1000);
      let next = Math.max(this.#nextSample.get(wave.id) ?? 0, due - maxBacklog);
      if (due <= next) continue;
      const values: number[] = [];
      for (; next < due; next++) values.push(this.#waveSource(wave.id, next));
      this.#nextSample.set(wave.id, next);
      subrecords.push({ type: wave.id, body: encodeDatexWaveSubrecord(values) });
    }
    if (subrecords.length === 0) return;
    const record = buildDatexRecord({
      mainType: DATEX_MAIN_TYPE_WAVES,
      subrecords,
      recordNumber: this.#recordNumber,
      timeS: Math.floor(this.#now() / 1000),
    });
    this.#recordNumber = (this.#recordNumber + 1) & 0xff;
    this.#options.write(encodeDatexFrame(record));
  }

  #sendDisplayed(): void {
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
