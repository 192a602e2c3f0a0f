// GE Datex-Ohmeda S/5 monitors over the RS-232 computer interface. Source of truth:
// ../shared/protocols/README.md §6 (from xeonfusion/VSCapture). The host asks for displayed values
// every few seconds and for continuous waves; the monitor sends both until asked to stop.

import type { DecodedFrame, DecoderStats, Driver, FrameDecoder } from '../driver';
import { DATEX_HEADER_BYTES, DatexFrameReader, encodeDatexFrame } from './datex-framing';
import {
  DATEX_INVALID_LIMIT,
  DATEX_MAIN_TYPE_PHYSIOLOGICAL,
  DATEX_MAIN_TYPE_WAVES,
  buildDatexRecord,
  readDatexDescriptors,
} from './datex-records';
import {
  DATEX_WAVES,
  DATEX_WAVE_START,
  DATEX_WAVE_STOP,
  decodeWaves,
  waveRequest,
} from './datex-waves';

export const DATEX_HR = 'MDC_ECG_HEART_RATE';
export const DATEX_NIBP_SYS = 'MDC_PRESS_BLD_NONINV_SYS';
export const DATEX_NIBP_DIA = 'MDC_PRESS_BLD_NONINV_DIA';
export const DATEX_NIBP_MEAN = 'MDC_PRESS_BLD_NONINV_MEAN';
export const DATEX_TEMP = 'MDC_TEMP_BODY';
export const DATEX_SPO2 = 'MDC_PULS_OXIM_SAT_O2';
export const DATEX_PULSE_RATE = 'MDC_PULS_OXIM_PULS_RATE';
export const DATEX_ETCO2 = 'MDC_AWAY_CO2_ET';

/** Request/subrecord type for displayed values (2 and 3 are the 10-s and 60-s trends). */
export const DATEX_DISPLAYED = 1;
/** Class bits: basic (not denied) + extended classes 1–3, as in the spec's example. */
export const DATEX_CLASSES_BASIC_EXT123 = 0x0e;
/** The displayed-values period our start command asks for. */
export const DATEX_DISPLAYED_INTERVAL_S = 5;

/** Bytes of one displayed-values subrecord: u32 time + 270 bytes of class data + trailer. */
export const DATEX_PHDB_TIME_BYTES = 4;
export const DATEX_PHDB_CLASS_BYTES = 270;
/**
 * marker u8, reserved u8, cl_drilvl_subt u16 after the class data. Not in our spec text: taken
 * from the `struct dri_phdb` layout in the VSCapture family; the class is bits 8–11 of the word.
 */
export const DATEX_PHDB_SUBRECORD_BYTES = DATEX_PHDB_TIME_BYTES + DATEX_PHDB_CLASS_BYTES + 4;
export const DATEX_PHDB_CLASS_BASIC = 0;

/**
 * Offsets inside the basic class, counted from the end of the subrecord's u32 time (the spec's
 * "each subrecord = u32 time + 270 bytes; in the basic class: offset 6 HR"): they match the
 * basic_phdb struct, where HR follows the 6-byte ECG group header at byte 0 of the class data.
 */
export const DATEX_BASIC_OFFSETS = {
  hr: 6,
  nibpSys: 78,
  nibpDia: 80,
  nibpMean: 82,
  t1: 92,
  spo2: 124,
  pulseRate: 126,
  etco2: 138,
  ambientPressure: 144,
} as const;

/** Displayed-values request record (49 bytes); interval 0 asks the monitor to stop. */
export function displayedValuesRequestRecord(intervalS: number): Uint8Array {
  const body = new Uint8Array(9);
  const view = new DataView(body.buffer);
  body[0] = DATEX_DISPLAYED;
  view.setInt16(1, intervalS, true);
  view.setUint32(3, DATEX_CLASSES_BASIC_EXT123, true);
  return buildDatexRecord({
    mainType: DATEX_MAIN_TYPE_PHYSIOLOGICAL,
    subrecords: [{ type: 0, body }],
  });
}

export function displayedValuesRequest(intervalS: number): Uint8Array {
  return encodeDatexFrame(displayedValuesRequestRecord(intervalS));
}

function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Raw basic-class values, null where the monitor marks them invalid. */
export interface DatexBasicValues {
  hr: number | null;
  nibpSys: number | null;
  nibpDia: number | null;
  nibpMean: number | null;
  t1: number | null;
  spo2: number | null;
  pulseRate: number | null;
  etco2: number | null;
  ambientPressure: number | null;
}

export function readDatexBasic(classData: DataView): DatexBasicValues {
  const read = (offset: number): number | null => {
    const raw = classData.getInt16(offset, true);
    return raw < DATEX_INVALID_LIMIT ? null : raw;
  };
  const o = DATEX_BASIC_OFFSETS;
  return {
    hr: read(o.hr),
    nibpSys: read(o.nibpSys),
    nibpDia: read(o.nibpDia),
    nibpMean: read(o.nibpMean),
    t1: read(o.t1),
    spo2: read(o.spo2),
    pulseRate: read(o.pulseRate),
    etco2: read(o.etco2),
    ambientPressure: read(o.ambientPressure),
  };
}

const hundredths = (raw: number): number => raw / 100;

/** Basic-class raw values to numerics in the descriptor's units; invalid ones are left out. */
export function datexBasicNumerics(values: DatexBasicValues): Record<string, number> {
  const numerics: Record<string, number> = {};
  const put = (refId: string, value: number | null): void => {
    if (value !== null) numerics[refId] = value;
  };
  const scaled = (raw: number | null): number | null => (raw === null ? null : hundredths(raw));
  put(DATEX_HR, values.hr);
  put(DATEX_NIBP_SYS, scaled(values.nibpSys));
  put(DATEX_NIBP_DIA, scaled(values.nibpDia));
  put(DATEX_NIBP_MEAN, scaled(values.nibpMean));
  put(DATEX_TEMP, scaled(values.t1));
  put(DATEX_SPO2, scaled(values.spo2));
  put(DATEX_PULSE_RATE, values.pulseRate);
  const { etco2, ambientPressure } = values;
  if (etco2 !== null && ambientPressure !== null && ambientPressure > 0) {
    // Spec: mmHg = EtCO2 × ambient × 1e-5 on the raw values (0.01 % × 0.1 mmHg); 0.1 mmHg steps.
    numerics[DATEX_ETCO2] = Math.round((etco2 * ambientPressure) / 10_000) / 10;
  }
  return numerics;
}

/** Numerics of every basic-class displayed-values subrecord in a physiological record. */
function decodePhysiological(record: Uint8Array): DecodedFrame | null {
  let numerics: Record<string, number> | null = null;
  for (const { offset, type } of readDatexDescriptors(record)) {
    if (type !== DATEX_DISPLAYED) continue; // trends are not live values
    const start = DATEX_HEADER_BYTES + offset;
    const classStart = start + DATEX_PHDB_TIME_BYTES;
    if (offset < 0 || classStart + DATEX_PHDB_CLASS_BYTES > record.length) continue;
    const view = new DataView(record.buffer, record.byteOffset, record.byteLength);
    // The class word is read when present; a subrecord cut after the class data counts as basic.
    const classWordAt = start + DATEX_PHDB_SUBRECORD_BYTES - 2;
    if (classWordAt + 2 <= record.length) {
      const phdbClass = (view.getUint16(classWordAt, true) >> 8) & 0x0f;
      if (phdbClass !== DATEX_PHDB_CLASS_BASIC) continue;
    }
    const classData = new DataView(
      record.buffer,
      record.byteOffset + classStart,
      DATEX_PHDB_CLASS_BYTES,
    );
    numerics = { ...(numerics ?? {}), ...datexBasicNumerics(readDatexBasic(classData)) };
  }
  return numerics === null ? null : { samples: {}, numerics, flags: [] };
}

class DatexDecoder implements FrameDecoder {
  readonly #stats: DecoderStats = { framesOk: 0, framesBad: 0, bytesSkipped: 0 };
  readonly #reader = new DatexFrameReader(this.#stats);

  get stats(): Readonly<DecoderStats> {
    return this.#stats;
  }

  get pendingBytes(): number {
    return this.#reader.pendingBytes;
  }

  push(chunk: Uint8Array): DecodedFrame[] {
    const frames: DecodedFrame[] = [];
    for (const record of this.#reader.push(chunk)) {
      const mainType = new DataView(record.buffer).getInt16(14, true);
      const frame =
        mainType === DATEX_MAIN_TYPE_PHYSIOLOGICAL
          ? decodePhysiological(record)
          : mainType === DATEX_MAIN_TYPE_WAVES
            ? decodeWaves(record)
            : null;
      if (frame) {
        frames.push(frame);
        this.#stats.framesOk++;
      } else {
        // Well-framed records the live view does not use (alarms, trends, other classes, waves
        // we did not ask for).
        this.#stats.bytesSkipped += record.length;
      }
    }
    return frames;
  }
}

export const datexS5: Driver = {
  descriptor: {
    id: 'datex-s5',
    displayName: 'GE Datex-Ohmeda S/5 (computer interface)',
    deviceKind: 'Patient monitor',
    transport: 'serial',
    serial: { baudRate: 19200, dataBits: 8, parity: 'even', stopBits: 1, rtscts: true },
    usb: [],
    channels: DATEX_WAVES.map(({ key, label, rateHz }) => ({
      key,
      label,
      unit: '{count}',
      rateHz,
      scale: null,
      displayed: true,
    })),
    numerics: [
      { refId: DATEX_HR, unit: '/min' },
      { refId: DATEX_NIBP_SYS, unit: 'mm[Hg]' },
      { refId: DATEX_NIBP_DIA, unit: 'mm[Hg]' },
      { refId: DATEX_NIBP_MEAN, unit: 'mm[Hg]' },
      { refId: DATEX_TEMP, unit: 'Cel' },
      { refId: DATEX_SPO2, unit: '%' },
      { refId: DATEX_PULSE_RATE, unit: '/min' },
      { refId: DATEX_ETCO2, unit: 'mm[Hg]' },
    ],
    // Displayed values come every 5 s: two missed records mean the monitor stopped.
    staleAfterMs: 12000,
    caveats: [
      'The monitor has an RS-232 port only: it is reached through a USB-serial adapter, which cannot be recognised automatically, so the port must be chosen by hand.',
      'The adapter and cable must carry RTS/CTS; without them the monitor may send nothing.',
      'Only the basic class of displayed values is decoded (HR, NIBP, T1, SpO2, pulse rate, EtCO2).',
      'Wave sample rates (ECG 300 Hz, pleth 100 Hz, CO2 and respiration 25 Hz) are from VSCaptureWave, not from GE\'s specification; 25 Hz for impedance respiration is our reading of its "respiratory 25 each".',
      'Wave scales and units are not public: samples are kept as raw counts. VSCaptureWave multiplies ECG, pleth, CO2 and respiration samples by 0.01 but names no unit.',
      'The CO2 wave is stored under DATEX_AWAY_CO2: our nomenclature table has no capnogram term.',
      'Wave samples below -32001 (no data, calibrating, out of range) are kept as the raw marker so timing holds, and the frame is flagged wave-invalid.',
      'EtCO2 is reported under the name MDC_AWAY_CO2_ET without a confirmed numeric MDC code.',
      'Which subrecord holds the basic class is read from a trailer word documented by open host code, not by the public specification.',
    ],
  },
  createDecoder: () => new DatexDecoder(),
  commands: {
    start: concatBytes(
      displayedValuesRequest(DATEX_DISPLAYED_INTERVAL_S),
      waveRequest(
        DATEX_WAVE_START,
        DATEX_WAVES.map((wave) => wave.id),
      ),
    ),
    // No keep-alive: both requests hold until a stop, and the spec names no host timeout. A
    // monitor switched on late or restarted has forgotten them: asked again after one silent
    // displayed-values interval.
    startAgain: { afterSilenceMs: DATEX_DISPLAYED_INTERVAL_S * 1000 },
    stop: concatBytes(displayedValuesRequest(0), waveRequest(DATEX_WAVE_STOP, [0])),
  },
};
