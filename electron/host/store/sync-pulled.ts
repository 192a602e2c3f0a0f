// Versions pulled from the central server, kept in the store worker: a patient's details recorded
// by another workstation (a transfer between units) are inserted when absent, never over a row
// already here (rows are append-only and ids are global), and never queued to be sent back. Their
// clock stamps are taken into this workstation's clock, so what it writes next orders after them.
import type { PGlite } from '@electric-sql/pglite';
import type { HybridClock } from '../../../shared/sync/hlc';
import { syncedRowSchemas } from '../../../shared/sync/tables';
import { mrnIndex, sealText } from './encryption/field-cipher';

export interface PulledRow {
  table: string;
  row: Record<string, unknown>;
}

export interface PulledResult {
  /** Rows inserted now. */
  applied: number;
  /** Rows already here. */
  present: number;
  /** Rows not kept, each with why (a table this build does not take yet, a missing version). */
  skipped: string[];
}

export async function applyPulledRows(
  db: PGlite,
  clock: HybridClock,
  pulled: readonly PulledRow[],
): Promise<PulledResult> {
  const result: PulledResult = { applied: 0, present: 0, skipped: [] };
  const stamps: string[] = [];
  await db.transaction(async (tx) => {
    for (const { table, row } of pulled) {
      if (table !== 'patients') {
        result.skipped.push(`${table} ${String(row.id)}: not taken from the server yet`);
        continue;
      }
      const parsed = syncedRowSchemas.patients.safeParse(row);
      if (!parsed.success) {
        result.skipped.push(`patients ${String(row.id)}: ${parsed.error.issues[0]?.message}`);
        continue;
      }
      const p = parsed.data;
      if (p.supersedes !== null) {
        const { rows } = await tx.query('SELECT 1 FROM patients WHERE id = $1', [p.supersedes]);
        if (rows.length === 0) {
          result.skipped.push(`patients ${p.id}: the version it supersedes is not here`);
          continue;
        }
      }
      const { rows } = await tx.query<{ id: string }>(
        `INSERT INTO patients (id, workstation_id, supersedes, mrn, family_name, given_name,
           birth_date, category, actor, at_ms, hlc, created_at, mrn_index)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (id) DO NOTHING RETURNING id`,
        [
          p.id,
          p.workstation_id,
          p.supersedes,
          // Kept sealed, as this workstation's own (encryption/).
          sealText(p.mrn),
          sealText(p.family_name),
          sealText(p.given_name),
          sealText(p.birth_date),
          p.category,
          p.actor,
          p.at_ms,
          p.hlc,
          p.created_at,
          p.mrn === null ? null : mrnIndex(p.mrn),
        ],
      );
      if (rows.length === 0) {
        result.present += 1;
        continue;
      }
      // The server has it: it is not ours to send.
      await tx.query(`DELETE FROM sync_outbox WHERE table_name = 'patients' AND row_id = $1`, [
        p.id,
      ]);
      result.applied += 1;
      if (p.hlc !== null) stamps.push(p.hlc);
    }
  });
  for (const stamp of stamps) {
    try {
      clock.receive(stamp);
    } catch (error) {
      result.skipped.push(`a stamp was not taken into the clock: ${(error as Error).message}`);
    }
  }
  return result;
}
