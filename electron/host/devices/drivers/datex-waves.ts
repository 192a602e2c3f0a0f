// GE Datex-Ohmeda S/5 waves: the waves the host asks for, the wave request, and the reading of wave
// records into raw samples (../shared/protocols/README.md §6).

import type { DecodedFrame } from '../driver';
import { DATEX_HEADER_BYTES, encodeDatexFrame } from './datex-framing';
import {
  DATEX_INVALID_LIMIT,
  DATEX_MAIN_TYPE_WAVES,
  DATEX_DESCRIPTOR_LIST_END,
  buildDatexRecord,
  readDatexDescriptors,
} from './datex-records';

/** ECG1 is whichever lead the monitor shows first: the unspecified-lead term. */
export const DATEX_ECG1 = 'MDC_ECG_ELEC_POTL';
export const DATEX_PLETH = 'MDC_PULS_OXIM_PLETH';
/** Impedance respiration: the transthoracic impedance term. */
export const DATEX_RESP = 'MDC_IMPED_TTHOR';
/** shared/codes/mdc.ts has no capnogram term. */
export const DATEX_CO2_WAVE = 'DATEX_AWAY_CO2';

/** Wave ids (descriptor types of wave subrecords, and the wave request's type bytes). */
export const DATEX_WAVE_ECG1 = 1;
export const DATEX_WAVE_PLETH = 8;
export const DATEX_WAVE_CO2 = 9;
export const DATEX_WAVE_RESP = 15;
export const DATEX_WAVE_START = 0;
export const DATEX_WAVE_STOP = 1;
/** Wave request body: request i16, reserved i16, 8 type bytes, ten reserved i16. */
export const DATEX_WAVE_REQUEST_BYTES = 32;
const WAVE_TYPE_SLOTS = 8;
/** Wave subrecord header: count i16, status u16, reserved u16. */
export const DATEX_WAVE_HEADER_BYTES = 6;

export interface DatexWave {
  id: number;
  key: string;
  label: string;
  rateHz: number;
}

/**
 * The waves we ask for. Rates from VSCaptureWave's Program.cs ("Sample rate for ECG is 300, INVP
 * 100, PLETH 100, respiratory 25 each"), not from GE's specification; 450 samples/s in all, under
 * the 600 samples/s that comment gives as the monitor's limit.
 */
export const DATEX_WAVES: readonly DatexWave[] = [
  { id: DATEX_WAVE_ECG1, key: DATEX_ECG1, label: 'ECG', rateHz: 300 },
  { id: DATEX_WAVE_PLETH, key: DATEX_PLETH, label: 'Pleth', rateHz: 100 },
  { id: DATEX_WAVE_CO2, key: DATEX_CO2_WAVE, label: 'CO₂', rateHz: 25 },
  { id: DATEX_WAVE_RESP, key: DATEX_RESP, label: 'Resp', rateHz: 25 },
];
const WAVE_BY_ID = new Map(DATEX_WAVES.map((wave) => [wave.id, wave]));

/** Flag prefix for a wave subrecord holding samples below -32001 (kept raw, so timing holds). */
export const FLAG_WAVE_INVALID_PREFIX = 'wave-invalid:';

/**
 * Wave request record (72 bytes). The type list ends with FF and is zero after it, and a stop
 * lists type 0 then FF, both as VSCaptureWave's Class1.cs lays them out.
 */
export function waveRequestRecord(request: number, waveIds: readonly number[]): Uint8Array {
  const body = new Uint8Array(DATEX_WAVE_REQUEST_BYTES);
  new DataView(body.buffer).setInt16(0, request, true);
  const ids = waveIds.slice(0, WAVE_TYPE_SLOTS - 1);
  body.set(ids, 4);
  body[4 + ids.length] = DATEX_DESCRIPTOR_LIST_END;
  return buildDatexRecord({ mainType: DATEX_MAIN_TYPE_WAVES, subrecords: [{ type: 0, body }] });
}

export function waveRequest(request: number, waveIds: readonly number[]): Uint8Array {
  return encodeDatexFrame(waveRequestRecord(request, waveIds));
}

/** Samples of every wave subrecord we asked for, raw; invalid markers kept in place and flagged. */
export function decodeWaves(record: Uint8Array): DecodedFrame | null {
  const view = new DataView(record.buffer, record.byteOffset, record.byteLength);
  const samples: Record<string, number[]> = {};
  const flags: string[] = [];
  for (const { offset, type } of readDatexDescriptors(record)) {
    const wave = WAVE_BY_ID.get(type);
    const start = DATEX_HEADER_BYTES + offset;
    if (!wave || offset < 0 || start + DATEX_WAVE_HEADER_BYTES > record.length) continue;
    const count = view.getInt16(start, true);
    const first = start + DATEX_WAVE_HEADER_BYTES;
    if (count < 0 || first + count * 2 > record.length) continue; // cut short: no partial waves
    const values = samples[wave.key] ?? (samples[wave.key] = []);
    let invalid = false;
    for (let i = 0; i < count; i++) {
      const raw = view.getInt16(first + i * 2, true);
      if (raw < DATEX_INVALID_LIMIT) invalid = true;
      values.push(raw);
    }
    const flag = FLAG_WAVE_INVALID_PREFIX + wave.key;
    if (invalid && !flags.includes(flag)) flags.push(flag);
  }
  return Object.keys(samples).length === 0 ? null : { samples, numerics: {}, flags };
}
