// The alarm settings of a patient's stay (limits, alarms off, audio off), kept so they outlive a
// restart (store worker side). The newest row of a patient applies wherever that patient is; a
// bed without a patient has its own.
import type { PGlite } from '@electric-sql/pglite';
import { uuidv7 } from '../../../shared/ids';
import type { StayAlarmSettings } from '../../../shared/model/alarms';
import { CHAIN, type Stamp } from './patients';

export interface AlarmSettingsToStore extends StayAlarmSettings {
  bedId: string;
  patientId: string | null;
  actor: string;
  atMs: number;
}

export type StoredAlarmSettings = AlarmSettingsToStore;

export async function recordAlarmSettings(
  db: PGlite,
  workstationId: string,
  row: AlarmSettingsToStore,
  stamp: Stamp,
): Promise<void> {
  await db.query(
    `INSERT INTO alarm_settings (id, workstation_id, bed_id, patient_id, category, limits,
       alarms_off, audio_off, actor, at_ms, hlc)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      uuidv7(),
      workstationId,
      row.bedId,
      row.patientId,
      row.category,
      JSON.stringify(row.limits),
      JSON.stringify(row.alarmsOff),
      row.audioOff === null ? null : JSON.stringify(row.audioOff),
      row.actor,
      Math.round(row.atMs),
      stamp(),
    ],
  );
}

const json = <T>(value: T | string): T =>
  typeof value === 'string' ? (JSON.parse(value) as T) : value;

/** The newest settings of every patient, and of every bed for settings made without a patient. */
export async function readLatestAlarmSettings(db: PGlite): Promise<StoredAlarmSettings[]> {
  const { rows } = await db.query<{
    bed_id: string;
    patient_id: string | null;
    category: StayAlarmSettings['category'];
    limits: StayAlarmSettings['limits'] | string;
    alarms_off: StayAlarmSettings['alarmsOff'] | string;
    audio_off: StayAlarmSettings['audioOff'] | string;
    actor: string;
    at_ms: number | bigint;
  }>(
    // Rows kept before a patient's versions shared one id name a later version: each is read as
    // the patient's (the chain's first row), so no kept setting is lost to the new identity.
    `WITH RECURSIVE ${CHAIN},
     s AS (SELECT a.*, COALESCE(c.patient_id, a.patient_id) AS owner
             FROM alarm_settings a LEFT JOIN chain c ON c.id = a.patient_id)
     (SELECT DISTINCT ON (owner) bed_id, owner AS patient_id, category, limits, alarms_off,
         audio_off, actor, at_ms
        FROM s WHERE owner IS NOT NULL ORDER BY owner, at_ms DESC, id DESC)
     UNION ALL
     (SELECT DISTINCT ON (bed_id) bed_id, patient_id, category, limits, alarms_off, audio_off,
         actor, at_ms
        FROM s WHERE patient_id IS NULL ORDER BY bed_id, at_ms DESC, id DESC)`,
  );
  return rows.map((r) => ({
    bedId: r.bed_id,
    patientId: r.patient_id,
    category: r.category,
    limits: json(r.limits),
    alarmsOff: json(r.alarms_off),
    audioOff: r.audio_off === null ? null : json(r.audio_off),
    actor: r.actor,
    atMs: Number(r.at_ms),
  }));
}
