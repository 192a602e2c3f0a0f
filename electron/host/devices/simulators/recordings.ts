// The demo recordings in resources/demo/ (cut by scripts/make-demo-recordings.js, ODC-By 1.0,
// see resources/demo/NOTICE.md): real ECG, pleth and respiration for simulators and demos.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeFormat212, readWfdbHeader } from './wfdb';

export const DEMO_ECG_RECORD = 'mitbih-101-5min';
export const DEMO_PLETH_RESP_FILE = 'bidmc-01-5min.csv';
const BIDMC_RATE_HZ = 125;

export interface DemoRecordings {
  /** MIT-BIH record 101, signal 0 (lead MLII), in millivolts (or `ecgRecord`'s signal 0). */
  ecg: { rateHz: number; mv: Float32Array };
  /** BIDMC record 01 PLETH, normalised 0..1 as published. */
  pleth: { rateHz: number; values: Float32Array };
  /** BIDMC record 01 RESP (impedance respiration), clipped breaths reconstructed, 0..1. */
  resp: { rateHz: number; values: Float32Array };
}

/**
 * Signal 0 of a WFDB record in format 212, in millivolts: the demo's (MIT-BIH 101) or another
 * record given by its path without extension (`simulate --ecg-record`).
 */
export async function loadEcg(
  dir: string,
  record: string = DEMO_ECG_RECORD,
): Promise<DemoRecordings['ecg']> {
  const header = readWfdbHeader(await readFile(join(dir, `${record}.hea`), 'utf8'));
  const lead = header.signals[0];
  if (!lead || lead.format !== 212) {
    throw new Error(`${record}.hea: expected signal 0 in format 212`);
  }
  const dat = await readFile(join(dir, lead.fileName));
  const adu = decodeFormat212(dat, header.signalCount)[0] ?? new Int16Array(0);
  if (adu.length !== header.sampleCount) {
    throw new Error(
      `${lead.fileName}: ${adu.length} samples, header says ${header.sampleCount}; re-run npm run demo-recordings`,
    );
  }
  const mv = Float32Array.from(adu, (value) => (value - lead.zeroAdu) / lead.gainPerUnit);
  return { rateHz: header.samplingHz, mv };
}

// Number('') is 0; an empty field is a broken row, not a zero.
function numeric(field: string | undefined): number {
  return field === undefined || field.trim() === '' ? NaN : Number(field);
}

/** Parses `time_s,resp,pleth` rows; the time column is informative, the rate is fixed. */
function parsePlethResp(text: string): { resp: Float32Array; pleth: Float32Array } {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const columns = (lines[0] ?? '').split(',').map((name) => name.trim());
  const respColumn = columns.indexOf('resp');
  const plethColumn = columns.indexOf('pleth');
  if (respColumn < 0 || plethColumn < 0) {
    throw new Error(`${DEMO_PLETH_RESP_FILE}: header "${lines[0] ?? ''}" lacks resp or pleth`);
  }
  const rows = lines.slice(1);
  const resp = new Float32Array(rows.length);
  const pleth = new Float32Array(rows.length);
  rows.forEach((row, i) => {
    const fields = row.split(',');
    const respValue = numeric(fields[respColumn]);
    const plethValue = numeric(fields[plethColumn]);
    if (Number.isNaN(respValue) || Number.isNaN(plethValue)) {
      throw new Error(`${DEMO_PLETH_RESP_FILE}: row ${i + 1} is not numeric: "${row}"`);
    }
    resp[i] = respValue;
    pleth[i] = plethValue;
  });
  return { resp, pleth };
}

/** Loads the demo ECG (MIT-BIH 101) and pleth/respiration (BIDMC 01) from `dir`. */
export async function loadDemoRecordings(dir: string): Promise<DemoRecordings> {
  const [ecg, plethResp] = await Promise.all([
    loadEcg(dir),
    readFile(join(dir, DEMO_PLETH_RESP_FILE), 'utf8').then(parsePlethResp),
  ]);
  return {
    ecg,
    pleth: { rateHz: BIDMC_RATE_HZ, values: plethResp.pleth },
    resp: { rateHz: BIDMC_RATE_HZ, values: plethResp.resp },
  };
}

/** The same recordings played from `seconds` in (each signal rotated; the loop is unchanged). */
export function startingAt(recordings: DemoRecordings, seconds: number): DemoRecordings {
  if (seconds === 0) return recordings;
  const rotate = (values: Float32Array, rateHz: number): Float32Array => {
    const shift = Math.round(seconds * rateHz) % values.length;
    if (shift === 0) return values;
    const out = new Float32Array(values.length);
    out.set(values.subarray(shift));
    out.set(values.subarray(0, shift), values.length - shift);
    return out;
  };
  return {
    ecg: { rateHz: recordings.ecg.rateHz, mv: rotate(recordings.ecg.mv, recordings.ecg.rateHz) },
    pleth: {
      rateHz: recordings.pleth.rateHz,
      values: rotate(recordings.pleth.values, recordings.pleth.rateHz),
    },
    resp: {
      rateHz: recordings.resp.rateHz,
      values: rotate(recordings.resp.values, recordings.resp.rateHz),
    },
  };
}
