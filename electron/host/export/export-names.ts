// What an export made from the screen is called: a record name (the files' names begin with it)
// saying the bed's label, the format and the time range, never a patient's name; and the first
// such name not yet taken in the exports folder, so no export ever replaces another's files.
import type { ExportFormat } from './export-bed';

const LABEL_CHARS = 40;

/** 2026-12-06T10:00:00Z → "20261206T100000Z": sortable, and fits a WFDB record name. */
function compactUtc(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/** "Bed 3 (réa)" → "Bed_3_rea": letters, digits and _ only (WFDB record names allow no more). */
export function labelForFileName(label: string): string {
  const plain = label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, LABEL_CHARS)
    .replace(/_+$/, '');
  return plain || 'bed';
}

/** "Bed_3_wfdb_20261206T100000Z_20261209T100000Z". */
export function exportRecordName(
  bedLabel: string,
  format: ExportFormat,
  fromMs: number,
  toMs: number,
): string {
  return `${labelForFileName(bedLabel)}_${format}_${compactUtc(fromMs)}_${compactUtc(toMs)}`;
}

/**
 * `base`, or `base_v2`, `base_v3`…: the first whose files could not clash with a file already in
 * the folder (`names`) or with a name another export is using (`reserved`). A record's files are
 * `<name>.<ext>` or `<name>_<what>.csv`, so a name is taken by any file beginning so.
 */
export function freeRecordName(
  base: string,
  names: readonly string[],
  reserved: ReadonlySet<string>,
): string {
  const taken = (name: string) =>
    reserved.has(name) ||
    names.some((file) => file.startsWith(`${name}.`) || file.startsWith(`${name}_`));
  if (!taken(base)) return base;
  for (let n = 2; ; n++) {
    const name = `${base}_v${n}`;
    if (!taken(name)) return name;
  }
}

/** A moment for a person reading an error or the audit trail: "2026-12-06 10:00:00 UTC". */
export function utcWords(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, ' UTC');
}
