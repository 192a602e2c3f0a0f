// Where the reference recordings (PhysioNet, ODC-By) are: `WORKSTATION_REFERENCE_DATA` when set
// (.ci/run sets it when it finds the folder beside the repository the clone came from), else
// ../shared/data beside this repository. Plain Node: the benchmarks use it too.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REFERENCE_DATA =
  process.env.WORKSTATION_REFERENCE_DATA ??
  fileURLToPath(new URL('../../../shared/data', import.meta.url));

/** A file or folder of the reference recordings, e.g. referenceData('mitbih', '101.hea'). */
export const referenceData = (...parts: string[]): string => join(REFERENCE_DATA, ...parts);
