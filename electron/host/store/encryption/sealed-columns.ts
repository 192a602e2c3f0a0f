// Which synced columns are sealed in the store, and opening them as rows leave for the central
// server: what is sent is the plain value, as before sealing (the server's schema is its own).
import { syncedColumns, type SyncedTable } from '../../../../shared/sync/tables';
import { fieldCipher, openBytes, openText } from './field-cipher';

/** Text columns kept sealed, per synced table (a beat mark's text is not, and opens as it is). */
export const SEALED_WIRE_TEXT: Partial<Record<SyncedTable, readonly string[]>> = {
  patients: ['mrn', 'family_name', 'given_name', 'birth_date'],
  annotations: ['text'],
  audit_events: ['detail'],
  sound_recordings: ['label'],
};

/** Tables whose attachment (BLOB_COLUMNS) is kept sealed. */
export const SEALED_WIRE_BLOB: ReadonlySet<SyncedTable> = new Set(['strips', 'sound_recordings']);

/** Opens a wire row's sealed columns in place (readOutboxBatch's rows, by column name). */
export function openWireRow(
  table: SyncedTable,
  row: Record<string, unknown>,
  blobColumn: string | undefined,
): void {
  for (const column of SEALED_WIRE_TEXT[table] ?? []) {
    const value = row[column];
    if (typeof value === 'string') row[column] = openText(value);
  }
  if (blobColumn && SEALED_WIRE_BLOB.has(table) && row[blobColumn] instanceof Uint8Array) {
    row[blobColumn] = openBytes(row[blobColumn]);
  }
}

/**
 * A table's rows as the database wrote them as JSON (arrays in syncedColumns order), with their
 * sealed columns opened; unchanged (not even parsed) for a table with none, such as numerics.
 */
export function openWireRowsJson(table: SyncedTable, rowsJson: string): string {
  const sealed = SEALED_WIRE_TEXT[table];
  if (!sealed || fieldCipher() === null) return rowsJson;
  const columns = syncedColumns(table);
  const at = sealed.map((column) => columns.indexOf(column)).filter((i) => i >= 0);
  const rows = JSON.parse(rowsJson) as unknown[][];
  for (const row of rows) {
    for (const i of at) {
      const value = row[i];
      if (typeof value === 'string') row[i] = openText(value);
    }
  }
  return JSON.stringify(rows);
}
