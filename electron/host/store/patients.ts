// Patients and their admissions, in the store worker. Rows are append-only: a patient admitted
// again under the same MRN with other details gets a new row that supersedes the old one; admit,
// transfer and discharge are admission events, and the latest event of a patient says where they
// are. Every change also writes an audit event with its author, in the same transaction.
import type { PGlite, Transaction } from '@electric-sql/pglite';
import { uuidv7 } from '../../../shared/ids';

export type PatientCategoryName = 'adult' | 'paediatric' | 'neonatal';

export interface StoredPatient {
  id: string;
  mrn: string;
  familyName: string;
  givenName: string;
  birthDate: string;
  category: PatientCategoryName;
}

export type AdmissionEventName = 'admitted' | 'transferred' | 'discharged';

/** One admission event to keep, with the audit event that says who did it. */
export interface AdmissionEventToStore {
  patientId: string;
  bedId: string;
  bedLabel: string;
  event: AdmissionEventName;
  atMs: number;
  actor: string;
  /** What the audit trail says, in words. */
  detail: string;
}

/** An admission: the patient's details (a patient record is found by MRN or made) and the bed. */
export interface AdmissionToStore extends Omit<AdmissionEventToStore, 'patientId' | 'event'> {
  patient: Omit<StoredPatient, 'id'>;
}

export interface PatientPlace {
  patient: StoredPatient;
  bedId: string | null;
  bedLabel: string | null;
  lastEvent: AdmissionEventName | null;
  lastEventAt: number | null;
}

interface PatientRow {
  id: string;
  mrn: string | null;
  family_name: string | null;
  given_name: string | null;
  birth_date: string | Date | null;
  category: PatientCategoryName;
}

interface PlaceRow extends PatientRow {
  bed_id: string | null;
  bed_label: string | null;
  event: AdmissionEventName | null;
  at_ms: number | bigint | null;
}

/** Patient rows no later row corrects. */
const CURRENT_PATIENTS = `SELECT p.* FROM patients p
  WHERE NOT EXISTS (SELECT 1 FROM patients s WHERE s.supersedes = p.id)`;
/** Each patient's latest admission event. */
const LATEST_EVENTS = `SELECT DISTINCT ON (patient_id) patient_id, bed_id, bed_label, event, at_ms
  FROM admissions ORDER BY patient_id, at_ms DESC, id DESC`;
const PLACE_COLUMNS = `c.id, c.mrn, c.family_name, c.given_name, c.birth_date, c.category,
  l.bed_id, l.bed_label, l.event, l.at_ms`;

function dateText(value: string | Date | null): string {
  if (value === null) return '';
  if (typeof value === 'string') return value.slice(0, 10);
  // PGlite gives a date column as a Date at UTC midnight.
  return value.toISOString().slice(0, 10);
}

function patientOf(row: PatientRow): StoredPatient {
  return {
    id: row.id,
    mrn: row.mrn ?? '',
    familyName: row.family_name ?? '',
    givenName: row.given_name ?? '',
    birthDate: dateText(row.birth_date),
    category: row.category,
  };
}

function placeOf(row: PlaceRow): PatientPlace {
  const inBed = row.event !== null && row.event !== 'discharged';
  return {
    patient: patientOf(row),
    bedId: inBed ? row.bed_id : null,
    bedLabel: inBed ? (row.bed_label ?? row.bed_id) : null,
    lastEvent: row.event,
    lastEventAt: row.at_ms === null ? null : Number(row.at_ms),
  };
}

async function insertEvent(
  tx: Transaction,
  workstationId: string,
  e: AdmissionEventToStore,
): Promise<void> {
  const atMs = Math.round(e.atMs);
  await tx.query(
    `INSERT INTO admissions (id, workstation_id, patient_id, bed_id, bed_label, event, at_ms, actor)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [uuidv7(), workstationId, e.patientId, e.bedId, e.bedLabel, e.event, atMs, e.actor],
  );
  await tx.query(
    `INSERT INTO audit_events (id, workstation_id, at_ms, actor, action, subject, detail)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [uuidv7(), workstationId, atMs, e.actor, `patient-${e.event}`, e.patientId, e.detail],
  );
}

/**
 * Admits the patient: reuses the current record with this MRN when the details are the same,
 * supersedes it when they differ, makes one otherwise. Refuses an MRN that is in a bed now.
 */
export async function admitPatient(
  db: PGlite,
  workstationId: string,
  admission: AdmissionToStore,
): Promise<StoredPatient> {
  return db.transaction(async (tx) => {
    const { patient } = admission;
    const { rows } = await tx.query<PlaceRow>(
      `WITH c AS (${CURRENT_PATIENTS}), l AS (${LATEST_EVENTS})
       SELECT ${PLACE_COLUMNS} FROM c LEFT JOIN l ON l.patient_id = c.id
       WHERE c.mrn = $1 ORDER BY c.id DESC LIMIT 1`,
      [patient.mrn],
    );
    const known = rows[0] ? placeOf(rows[0]) : null;
    if (known?.bedId) {
      throw new Error(`MRN ${patient.mrn} is already admitted in ${known.bedLabel}.`);
    }
    const same =
      known !== null &&
      known.patient.familyName === patient.familyName &&
      known.patient.givenName === patient.givenName &&
      known.patient.birthDate === patient.birthDate &&
      known.patient.category === patient.category;
    let id = known?.patient.id ?? '';
    if (!same) {
      id = uuidv7();
      await tx.query(
        `INSERT INTO patients (id, workstation_id, supersedes, mrn, family_name, given_name,
           birth_date, category, actor)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          id,
          workstationId,
          known?.patient.id ?? null,
          patient.mrn,
          patient.familyName,
          patient.givenName,
          patient.birthDate,
          patient.category,
          admission.actor,
        ],
      );
    }
    await insertEvent(tx, workstationId, { ...admission, patientId: id, event: 'admitted' });
    return { id, ...patient };
  });
}

export async function recordAdmissionEvent(
  db: PGlite,
  workstationId: string,
  event: AdmissionEventToStore,
): Promise<void> {
  await db.transaction((tx) => insertEvent(tx, workstationId, event));
}

/** Every patient in a bed now, with the bed. */
export async function readCurrentAdmissions(db: PGlite): Promise<PatientPlace[]> {
  const { rows } = await db.query<PlaceRow>(
    `WITH c AS (${CURRENT_PATIENTS}), l AS (${LATEST_EVENTS})
     SELECT ${PLACE_COLUMNS} FROM c JOIN l ON l.patient_id = c.id
     WHERE l.event <> 'discharged' ORDER BY l.at_ms, c.id`,
  );
  return rows.map(placeOf);
}

/** Patients whose name or MRN contains the text (any case), most recently seen first. */
export async function searchPatients(
  db: PGlite,
  text: string,
  limit: number,
): Promise<PatientPlace[]> {
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const { rows } = await db.query<PlaceRow>(
    `WITH c AS (${CURRENT_PATIENTS}), l AS (${LATEST_EVENTS})
     SELECT ${PLACE_COLUMNS} FROM c LEFT JOIN l ON l.patient_id = c.id
     WHERE c.mrn ILIKE $1 OR c.family_name ILIKE $1 OR c.given_name ILIKE $1
        OR (c.family_name || ', ' || c.given_name) ILIKE $1
        OR (c.given_name || ' ' || c.family_name) ILIKE $1
     ORDER BY l.at_ms DESC NULLS LAST, c.id DESC LIMIT $2`,
    [pattern, limit],
  );
  return rows.map(placeOf);
}
