// Numerics downloaded from a device's memory, in the store worker. A reading is stored once, for
// one patient: a row is inserted only when no row of the same code and source key is stored yet,
// in whichever bed; with the audit events of the person who decided, in one transaction synced
// to disk.
import type { PGlite } from '@electric-sql/pglite';
import { uuidv7 } from '../../../shared/ids';
import type { ImportedNumericToStore } from './protocol';
import { rollupsOf, upsertRollups, type RollupRow } from './rollups';
import { appendAuditEntry } from './audit';

/** Who kept or dropped downloaded readings, for the audit trail. */
export interface ImportAuditEvent {
  atMs: number;
  actor: string;
  action: string;
  /** The patient the readings were kept for, or not. */
  subject: string;
  detail: string;
}

/** A reading stored before: the patient and bed it was kept for (null before migration 013). */
export interface StoredReading {
  sourceKey: string;
  patientId: string | null;
  bedId: string;
}

/**
 * One boolean per row, in order: true when the row is new and was stored; and the per-minute
 * rollups of the stored rows, upserted in the same transaction.
 */
export async function importNumerics(
  db: PGlite,
  workstationId: string,
  rows: readonly ImportedNumericToStore[],
  audit: readonly ImportAuditEvent[] = [],
): Promise<{ stored: boolean[]; rollups: RollupRow[] }> {
  return db.transaction(async (tx) => {
    const stored: boolean[] = [];
    for (const row of rows) {
      // The store runs one transaction at a time, so NOT EXISTS cannot race another import.
      const result = await tx.query(
        `INSERT INTO numerics (id, workstation_id, bed_id, device_id, code, value, unit, at_ms,
           source_key, patient_id)
         SELECT $1::uuid, $2::text, $3::text, $4::text, $5::text, $6::float8, $7::text, $8::bigint,
           $9::text, $10::uuid
         WHERE NOT EXISTS (SELECT 1 FROM numerics WHERE source_key = $9 AND code = $5)
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
          row.patientId ?? null,
        ],
      );
      stored.push((result.affectedRows ?? 0) > 0);
    }
    for (const event of audit) await appendAuditEntry(tx, workstationId, event);
    const rollups = rollupsOf(rows.filter((_, i) => stored[i]));
    await upsertRollups(tx, rollups);
    return { stored, rollups };
  });
}

/** Which of these readings (by source key) are stored already, for whom and in which bed. */
export async function readStoredReadings(
  db: PGlite,
  sourceKeys: readonly string[],
): Promise<StoredReading[]> {
  if (sourceKeys.length === 0) return [];
  const { rows } = await db.query<{
    source_key: string;
    patient_id: string | null;
    bed_id: string;
  }>(
    `SELECT DISTINCT ON (source_key) source_key, patient_id, bed_id FROM numerics
     WHERE source_key = ANY($1::text[]) ORDER BY source_key, id`,
    [sourceKeys],
  );
  return rows.map((row) => ({
    sourceKey: row.source_key,
    patientId: row.patient_id,
    bedId: row.bed_id,
  }));
}
