// One person's record across every workstation that cared for them: a person is one MRN (in any
// case); each workstation's patient belongs to the MRN of its newest version (patient_persons).
// The current details are the latest version by hybrid logical clock, whichever workstation wrote
// it; the stays are every admission of every workstation, in order.
import type { PatientRecord, PatientVersion } from '../../shared/sync/admin';
import type { Database } from '../db/database';
import { staysFrom } from './stays';
import type { AdmissionEvent } from './stays';

export async function patientRecord(db: Database, mrn: string): Promise<PatientRecord | null> {
  const versions = await db.query<{ version: PatientVersion }>(
    `WITH person AS (SELECT workstation_id, patient_id FROM patient_persons
                     WHERE person_key = mrn_key($1))
     SELECT patient_as_synced(p) || jsonb_build_object('stamp',
              version_stamp(p.hlc, p.at_ms, p.created_at, p.workstation_id)) AS version
     FROM person JOIN patient_chains c USING (workstation_id, patient_id)
     JOIN patients p ON p.workstation_id = c.workstation_id AND p.id = c.id
     ORDER BY version_stamp(p.hlc, p.at_ms, p.created_at, p.workstation_id) COLLATE "C", p.id`,
    [mrn],
  );
  if (versions.rows.length === 0) return null;
  const events = await db.query<{
    workstation_id: string;
    patient_id: string;
    bed_id: string;
    bed_label: string | null;
    event: AdmissionEvent['event'];
    at_ms: string;
    ord: string;
    name: string | null;
    unit: string | null;
  }>(
    `WITH person AS (SELECT workstation_id, patient_id FROM patient_persons
                     WHERE person_key = mrn_key($1))
     SELECT a.workstation_id, c.patient_id, a.bed_id, a.bed_label, a.event, a.at_ms,
            COALESCE(a.hlc, a.id::text) AS ord, w.name, w.unit
     FROM person JOIN patient_chains c USING (workstation_id, patient_id)
     JOIN admissions a ON a.workstation_id = c.workstation_id AND a.patient_id = c.id
     LEFT JOIN workstations w ON w.id = a.workstation_id`,
    [mrn],
  );
  const workstations = new Map(
    events.rows.map((r) => [r.workstation_id, { name: r.name, unit: r.unit }]),
  );
  const all = versions.rows.map((r) => r.version);
  return {
    mrn: all[all.length - 1]!.mrn ?? mrn,
    current: all[all.length - 1]!,
    versions: all,
    stays: staysFrom(
      events.rows.map((r) => ({
        workstationId: r.workstation_id,
        patientId: r.patient_id,
        bedId: r.bed_id,
        bedLabel: r.bed_label,
        event: r.event,
        atMs: Number(r.at_ms),
        order: r.ord,
      })),
      workstations,
    ),
  };
}
