// Reads a BIDMC PPG and Respiration Dataset record (PhysioNet, ODC-By): 125 Hz CSV with a header
// naming its columns, e.g. "Time [s], RESP, PLETH, V, AVR, II".

import { readFileSync } from 'node:fs';
import { referenceData } from '../../../test/support/requirements';

export const BIDMC_RATE_HZ = 125;
export const BIDMC_01 = referenceData('bidmc', 'bidmc_01_Signals.csv');

/** One column of a BIDMC signals file, by its header name. */
export function bidmcColumn(path: string, name: string): Float64Array {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  const header = lines[0]!.split(',').map((h) => h.trim());
  const column = header.indexOf(name);
  if (column < 0) throw new Error(`${path} has no ${name} column (it has ${header.join(', ')})`);
  return Float64Array.from(lines.slice(1), (line) => Number(line.split(',')[column]));
}
