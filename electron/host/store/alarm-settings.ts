// Alarm limits a person confirmed, kept so they outlive a restart (store worker side). The newest
// row of a patient applies wherever that patient is; a bed without a patient has its own.
import type { PGlite } from '@electric-sql/pglite';
import { uuidv7 } from '../../../shared/ids';
import type { AlarmLimits, PatientCategory } from '../../../shared/model/alarms';

export interface AlarmSettingsToStore {
  bedId: string;
  patientId: string | null;
  category: PatientCategory;
  limits: AlarmLimits;
  actor: string;
  atMs: number;
}

export type StoredAlarmSettings = AlarmSettingsToStore;

export async function recordAlarmSettings(
  db: PGlite,
  workstationId: string,
  row: AlarmSettingsToStore,
): Promise<void> {
  await db.query(
    `INSERT INTO alarm_settings (id, workstation_id, bed_id, patient_id, category, limits, actor, at_ms)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      uuidv7(),
      workstationId,
      row.bedId,
      row.patientId,
      row.category,
      JSON.stringify(row.limits),
      row.actor,
      Math.round(row.atMs),
    ],
  );
}

/** The newest settings of every patient, and of every bed for limits set without a patient. */
export async function readLatestAlarmSettings(db: PGlite): Promise<StoredAlarmSettings[]> {
  const { rows } = await db.query<{
    bed_id: string;
    patient_id: string | null;
    category: PatientCategory;
    limits: AlarmLimits | string;
    actor: string;
    at_ms: number | bigint;
  }>(
    `(SELECT DISTINCT ON (patient_id) bed_id, patient_id, category, limits, actor, at_ms
        FROM alarm_settings WHERE patient_id IS NOT NULL ORDER BY patient_id, at_ms DESC, id DESC)
     UNION ALL
     (SELECT DISTINCT ON (bed_id) bed_id, patient_id, category, limits, actor, at_ms
        FROM alarm_settings WHERE patient_id IS NULL ORDER BY bed_id, at_ms DESC, id DESC)`,
  );
  return rows.map((r) => ({
    bedId: r.bed_id,
    patientId: r.patient_id,
    category: r.category,
    limits: typeof r.limits === 'string' ? (JSON.parse(r.limits) as AlarmLimits) : r.limits,
    actor: r.actor,
    atMs: Number(r.at_ms),
  }));
}
