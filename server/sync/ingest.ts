// Stores a decoded push: one transaction per batch, one multi-row INSERT … ON CONFLICT DO NOTHING
// per table (columns as arrays through unnest, bytes as binary parameters), so a batch sent twice,
// or again after a crash, stores nothing twice. Rows another workstation made, and rows
// PostgreSQL could not keep, never reach the transaction.
import type { PushRow } from '../../shared/sync/push-frame';
import { BLOB_COLUMNS, syncedColumns } from '../../shared/sync/tables';
import type { SyncedTable } from '../../shared/sync/tables';
import type { PushResponse } from '../../shared/sync/messages';
import type { Database, Session } from '../db/database';
import { inTransaction } from '../db/database';
import type { SyncedCatalog } from './catalog';
import { feedPatientVersions } from './pull-feed';
import { unstorableReason } from './storable';
import type { WaveformPartitions } from './waveform-partitions';

export type Refused = PushResponse['refused'][number];

export interface StoredCounts {
  accepted: number;
  duplicates: number;
}

/** Splits rows into those PostgreSQL can keep and those set aside with their reason. */
export function sortStorable(
  rows: PushRow[],
  catalog: SyncedCatalog,
  nowMs: number,
): { storable: PushRow[]; refused: Refused[] } {
  const storable: PushRow[] = [];
  const refused: Refused[] = [];
  for (const pushed of rows) {
    const reason = unstorableReason(pushed.table, pushed.row, catalog.get(pushed.table)!, nowMs);
    if (reason === null) storable.push(pushed);
    else refused.push({ table: pushed.table, id: String(pushed.row.id), reason });
  }
  return { storable, refused };
}

export async function storeRows(
  db: Database,
  catalog: SyncedCatalog,
  partitions: WaveformPartitions,
  workstationId: string,
  rows: PushRow[],
): Promise<StoredCounts> {
  const byTable = new Map<SyncedTable, Record<string, unknown>[]>();
  for (const { table, row } of rows) {
    let list = byTable.get(table);
    if (!list) byTable.set(table, (list = []));
    list.push(row);
  }
  const chunks = byTable.get('waveform_chunks');
  if (chunks) await partitions.prepareFor(chunks.map((row) => row.t0_ms as number));

  return inTransaction(db, async (session) => {
    let accepted = 0;
    for (const [table, list] of byTable) {
      const inserted = await insertTable(session, table, catalog.get(table)!, list);
      accepted += inserted.count;
      if (table === 'patients') await feedPatientVersions(session, workstationId, inserted.ids);
    }
    return { accepted, duplicates: rows.length - accepted };
  });
}

/** Bytes travel as one binary parameter each: a bytea[] would be sent as hex text, twice the size. */
const MAX_BLOB_ROWS_PER_STATEMENT = 30_000;

/** One INSERT for the rows of a table: how many were new (and for patients, which). */
async function insertTable(
  session: Session,
  table: SyncedTable,
  types: ReadonlyMap<string, string>,
  rows: Record<string, unknown>[],
): Promise<{ count: number; ids: string[] }> {
  const blobColumn = BLOB_COLUMNS[table];
  if (blobColumn && rows.length > MAX_BLOB_ROWS_PER_STATEMENT) {
    const first = await insertTable(
      session,
      table,
      types,
      rows.slice(0, MAX_BLOB_ROWS_PER_STATEMENT),
    );
    const rest = await insertTable(session, table, types, rows.slice(MAX_BLOB_ROWS_PER_STATEMENT));
    return { count: first.count + rest.count, ids: [...first.ids, ...rest.ids] };
  }
  const columns = syncedColumns(table);
  const params: unknown[] = [];
  const sources = columns.map((column) => {
    const type = types.get(column)!;
    if (column === blobColumn) {
      const first = params.length + 1;
      for (const row of rows) params.push(columnValue(row[column], type));
      const list = rows.map((_, i) => `$${first + i}`).join(', ');
      return `ARRAY[${list}]::${type}[]`;
    }
    params.push(rows.map((row) => columnValue(row[column], type)));
    return `$${params.length}::${type}[]`;
  });
  const result = await session.query<{ id: string }>(
    `INSERT INTO ${table} (${columns.join(', ')})
     SELECT * FROM unnest(${sources.join(', ')})
     ON CONFLICT DO NOTHING${table === 'patients' ? ' RETURNING id' : ''}`,
    params,
  );
  return { count: result.rowCount ?? 0, ids: result.rows.map((row) => row.id) };
}

function columnValue(value: unknown, type: string): unknown {
  if (value === undefined || value === null) return null;
  if (type === 'jsonb') return JSON.stringify(value);
  if (value instanceof Uint8Array && !Buffer.isBuffer(value)) {
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  return value;
}
