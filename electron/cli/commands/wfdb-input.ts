// A WFDB record named on the command line (the path without .hea), read as `workstation import`
// reads one: the header names its signal file; an annotation file is read when asked for.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { readWfdb } from '../../host/export/wfdb';
import type { ExportRecord } from '../../host/export/record';
import { CliError } from '../cli-error';

export function readRecordArgument(path: string): ExportRecord {
  const recordPath = resolve(path.replace(/\.hea$/, ''));
  const header = `${recordPath}.hea`;
  if (!existsSync(header)) throw new CliError(`No WFDB header at ${header}.`);
  const headerText = readFileSync(header, 'utf8');
  const datName = /^\s*(\S+)\s+(?:16|212)/m.exec(headerText.split('\n').slice(1).join('\n'))?.[1];
  const dat = join(dirname(recordPath), datName ?? `${basename(recordPath)}.dat`);
  if (!existsSync(dat)) throw new CliError(`No signal file at ${dat}.`);
  try {
    return readWfdb(headerText, readFileSync(dat));
  } catch (error) {
    throw new CliError(`${recordPath}: ${(error as Error).message}`);
  }
}

/** `--lead N` as a signal number (0 when absent). */
export function leadArgument(value: string | undefined): number {
  const lead = value === undefined ? 0 : Number(value);
  if (!Number.isInteger(lead) || lead < 0) {
    throw new CliError(`--lead needs a signal number (0, 1, …), got "${value}".`);
  }
  return lead;
}
