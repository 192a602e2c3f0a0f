// One batch carries rows of every bed. A row the database refuses must cost only that row: a
// batch that fails is tried again in halves, down to single rows, and each row still refused is
// named. A full disk is not split: every half would fail the same way, so it is thrown as it is.
import type { PGlite } from '@electric-sql/pglite';
import { describeRow, halves, rowCount, type PreparedBatch } from './prepared-batch';
import type { RollupRow } from './rollups';
import { insertPrepared, type InsertOptions } from './writes';
import { isDiskFull } from './disk-space';

/**
 * Inserts what can be inserted; resolves with each row left out, named with its bed, device and
 * time, and why. `committed` is told the rollups of every part as it commits (also when a full
 * disk stops the rest), so what is kept in memory follows the database.
 */
export async function insertKeepingGoodRows(
  db: PGlite,
  workstationId: string,
  batch: PreparedBatch,
  committed: (rollups: RollupRow[]) => void,
  options: InsertOptions = {},
): Promise<string[]> {
  const refused: string[] = [];
  const insert = async (part: PreparedBatch): Promise<void> => {
    if (rowCount(part) === 0) return;
    try {
      committed(await insertPrepared(db, workstationId, part, options));
    } catch (error) {
      if (isDiskFull(error)) throw error;
      if (rowCount(part) === 1) {
        const reason = error instanceof Error ? error.message : String(error);
        refused.push(`${describeRow(part)} was not stored: ${reason}`);
        return;
      }
      const [first, second] = halves(part);
      await insert(first);
      await insert(second);
    }
  };
  await insert(batch);
  return refused;
}
