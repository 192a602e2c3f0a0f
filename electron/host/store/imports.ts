// Numerics downloaded from a device's memory, in the store worker: inserted unless a row with the
// same bed, code and source key is already there, in one transaction synced to disk.
import type { PGlite } from '@electric-sql/pglite';
import { uuidv7 } from '../../../shared/ids';
import type { ImportedNumericToStore } from './protocol';
import { rollupsOf, upsertRollups, type RollupRow } from './rollups';

/**
 * One boolean per row, in order: true when the row is new and was stored; and the per-minute
 * rollups of the stored rows, upserted in the same transaction.
 */
export async function importNumerics(
  db: PGlite,
  workstationId: string,
  rows: readonly ImportedNumericToStore[],
): Promise<{ stored: boolean[]; rollups: RollupRow[] }> {
  return db.transaction(async (tx) => {
    const stored: boolean[] = [];
    for (const row of rows) {
      const result = await tx.query(
        `INSERT INTO numerics (id, workstation_id, bed_id, device_id, code, value, unit, at_ms,
           source_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (bed_id, code, source_key) WHERE source_key IS NOT NULL DO NOTHING`,
        [
          uuidv7(),
          workstationId,
          row.bedId,
          row.deviceId,
          row.refId,
          row.value,
          row.unit,
          Math.round(row.at),
          row.sourceKey,
        ],
      );
      stored.push((result.affectedRows ?? 0) > 0);
    }
    const rollups = rollupsOf(rows.filter((_, i) => stored[i]));
    await upsertRollups(tx, rollups);
    return { stored, rollups };
  });
}
