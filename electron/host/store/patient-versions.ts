// A new version of a patient's details outside an admission (the hospital's details taken for a
// patient in a bed), in the store worker: appended to the patient's chain after the version the
// person was shown, with its audit event, in one transaction. Refused, changing nothing, when the
// patient's details changed meanwhile. No version is ever replaced (patients.ts).
import type { PGlite } from '@electric-sql/pglite';
import { uuidv7 } from '../../../shared/ids';
import type { Demographics } from '../../../shared/api/contract-patients';
import {
  CHAIN,
  CURRENT,
  insertAudit,
  insertVersion,
  versionOf,
  type Stamp,
  type StoredPatient,
  type VersionRow,
} from './patients';

export interface PatientVersionToStore {
  patientId: string;
  /** The version the person was shown: the new one supersedes it. */
  versionId: string;
  details: Demographics;
  actor: string;
  atMs: number;
  /** What the audit trail says, in words. */
  detail: string;
}

export async function recordPatientVersion(
  db: PGlite,
  workstationId: string,
  change: PatientVersionToStore,
  stamp: Stamp,
): Promise<StoredPatient> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<VersionRow>(
      `WITH RECURSIVE ${CHAIN}, ${CURRENT} SELECT * FROM cur WHERE patient_id::text = $1`,
      [change.patientId],
    );
    const row = rows[0];
    if (!row) throw new Error(`There is no patient "${change.patientId}" on this workstation.`);
    const current = versionOf(row);
    if (current.versionId !== change.versionId) {
      throw new Error(
        `The details of MRN ${current.mrn} changed since they were shown (recorded by ${current.recordedBy}): look at them again.`,
      );
    }
    const patient: StoredPatient = {
      id: change.patientId,
      mrn: current.mrn,
      category: current.category,
      familyName: change.details.familyName,
      givenName: change.details.givenName,
      birthDate: change.details.birthDate,
    };
    const { id: _id, ...details } = patient;
    await insertVersion(
      tx,
      workstationId,
      { id: uuidv7(), supersedes: current.versionId, patient: details },
      change,
      stamp,
    );
    await insertAudit(tx, workstationId, {
      atMs: change.atMs,
      actor: change.actor,
      action: 'patient-details-changed',
      subject: change.patientId,
      detail: change.detail,
    });
    return patient;
  });
}
