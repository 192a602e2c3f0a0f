// The PostgreSQL type of every synced column, read from the database the migrations made, so the
// insert casts and the row checks follow the schema rather than a second copy of it.
import { SYNCED_TABLES, syncedColumns } from '../../shared/sync/tables';
import type { SyncedTable } from '../../shared/sync/tables';
import type { Database } from '../db/database';
import type { ColumnTypes } from './storable';

export type SyncedCatalog = ReadonlyMap<SyncedTable, ColumnTypes>;

export async function loadSyncedCatalog(db: Database): Promise<SyncedCatalog> {
  const { rows } = await db.query<{ table_name: string; column_name: string; udt_name: string }>(
    `SELECT table_name, column_name, udt_name FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = ANY($1)`,
    [SYNCED_TABLES],
  );
  const catalog = new Map<SyncedTable, Map<string, string>>();
  for (const table of SYNCED_TABLES) {
    const types = new Map<string, string>();
    for (const column of syncedColumns(table)) {
      const found = rows.find((r) => r.table_name === table && r.column_name === column);
      if (!found) {
        throw new Error(
          `The database has no column ${table}.${column}: its schema is not this server's.`,
        );
      }
      types.set(column, found.udt_name);
    }
    catalog.set(table, types);
  }
  return catalog;
}
