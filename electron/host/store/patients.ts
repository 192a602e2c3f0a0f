// Patients and their admissions, in the store worker. Rows are append-only. A patient is a chain
// of patient rows: the first names the patient (its id is the patient's id), each later row is a
// new version of their details and supersedes the one before; no version is ever replaced, so a
// former name still finds the patient. Admit, transfer and discharge are admission events, and
// the latest event of a patient says where they are. Every change also writes an audit event
// with its author, in the same transaction.
import type { PGlite, Transaction } from '@electric-sql/pglite';
import { uuidv7 } from '../../../shared/ids';
import type { Demographics, PatientVersion } from '../../../shared/api/contract-patients';
import { appendAuditEntry, type AuditEventToStore } from './audit';
import { mrnIndex, openText, sealText } from './encryption/field-cipher';

export type PatientCategoryName = 'adult' | 'paediatric' | 'neonatal';

export interface StoredPatient {
  /** The patient's id: that of the first row of their chain, the same for every version. */
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

/**
 * An admission as decided by the host (../patient-identity.ts): a new patient, or a known one
 * (with the version the decision was made on), whose entered details may become a new version.
 */
export interface AdmissionToStore extends Omit<AdmissionEventToStore, 'patientId' | 'event'> {
  patient: Omit<StoredPatient, 'id'>;
  /** The known patient admitted again, with the version decided on; absent or null: a new one. */
  known?: { patientId: string; versionId: string } | null;
  /** Keep the entered details as a new version of the known patient; `versionDetail` says why. */
  newVersion?: boolean;
  versionDetail?: string | undefined;
}

export interface PatientPlace {
  patient: StoredPatient;
  bedId: string | null;
  bedLabel: string | null;
  lastEvent: AdmissionEventName | null;
  lastEventAt: number | null;
}

/** A patient under an MRN: their details now, as a version, and where they are. */
export interface PatientRecord extends PatientPlace {
  current: PatientVersion;
}

export interface FoundPatient extends PatientPlace {
  /** Earlier details that differ from today's, newest first. */
  formerly: Demographics[];
}

export interface StoredPatientHistory {
  patient: StoredPatient;
  versions: PatientVersion[];
  events: {
    event: AdmissionEventName;
    bedId: string;
    bedLabel: string;
    at: number;
    actor: string;
  }[];
}

export interface VersionRow {
  patient_id: string;
  version_id: string;
  mrn: string | null;
  family_name: string | null;
  given_name: string | null;
  birth_date: string | Date | null;
  category: PatientCategoryName;
  actor: string;
  recorded_at_ms: number | bigint | string;
}

interface PlaceRow extends VersionRow {
  bed_id: string | null;
  bed_label: string | null;
  event: AdmissionEventName | null;
  at_ms: number | bigint | null;
}

/** Every patient row with the patient it is a version of, and how many versions came before. */
export const CHAIN = `chain (id, patient_id, depth) AS (
    SELECT id, id, 0 FROM patients WHERE supersedes IS NULL
    UNION ALL
    SELECT p.id, c.patient_id, c.depth + 1 FROM patients p JOIN chain c ON p.supersedes = c.id)`;
/**
 * Rows written before migration 013 carry no at_ms: their insertion time stands in. Names, MRN
 * and birth date are sealed (encryption/): versionOf opens them; MRNs are found by mrn_index.
 */
const VERSION_COLUMNS = `c.patient_id, p.id AS version_id, p.mrn, p.family_name, p.given_name,
  p.birth_date, p.category, p.actor, p.mrn_index,
  COALESCE(p.at_ms, (extract(epoch FROM p.created_at) * 1000)::bigint) AS recorded_at_ms`;
/** Each patient's newest version. */
export const CURRENT = `cur AS (SELECT DISTINCT ON (c.patient_id) ${VERSION_COLUMNS}
    FROM chain c JOIN patients p ON p.id = c.id ORDER BY c.patient_id, c.depth DESC, p.id DESC)`;
/** Each patient's latest admission event, whichever version it was written under. */
const LATEST = `l AS (SELECT DISTINCT ON (c.patient_id) c.patient_id, a.bed_id, a.bed_label,
      a.event, a.at_ms
    FROM admissions a JOIN chain c ON c.id = a.patient_id
    ORDER BY c.patient_id, a.at_ms DESC, a.id DESC)`;
const PLACES = `WITH RECURSIVE ${CHAIN}, ${CURRENT}, ${LATEST}`;
const PLACE_COLUMNS = `cur.*, l.bed_id, l.bed_label, l.event, l.at_ms`;

function dateText(value: string | Date | null): string {
  if (value === null) return '';
  if (typeof value === 'string') return value.slice(0, 10);
  // PGlite gives a date column as a Date at UTC midnight.
  return value.toISOString().slice(0, 10);
}

export function versionOf(row: VersionRow): PatientVersion {
  return {
    versionId: row.version_id,
    mrn: openText(row.mrn) ?? '',
    familyName: openText(row.family_name) ?? '',
    givenName: openText(row.given_name) ?? '',
    birthDate: dateText(
      typeof row.birth_date === 'string' ? openText(row.birth_date) : row.birth_date,
    ),
    category: row.category,
    recordedAt: Number(row.recorded_at_ms),
    recordedBy: row.actor,
  };
}

function patientOf(row: VersionRow): StoredPatient {
  const { mrn, familyName, givenName, birthDate, category } = versionOf(row);
  return { id: row.patient_id, mrn, familyName, givenName, birthDate, category };
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

/** The audit entry of a change, in its transaction: the next link of the chain (audit.ts). */
export async function insertAudit(
  tx: Transaction,
  workstationId: string,
  e: AuditEventToStore,
): Promise<void> {
  await appendAuditEntry(tx, workstationId, e);
}

/** Gives the hybrid logical clock stamp of a version written now (store/sync-clock.ts). */
export type Stamp = () => string;

async function insertEvent(
  tx: Transaction,
  workstationId: string,
  e: AdmissionEventToStore,
  stamp: Stamp,
): Promise<void> {
  const atMs = Math.round(e.atMs);
  await tx.query(
    `INSERT INTO admissions (id, workstation_id, patient_id, bed_id, bed_label, event, at_ms,
       actor, hlc)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [uuidv7(), workstationId, e.patientId, e.bedId, e.bedLabel, e.event, atMs, e.actor, stamp()],
  );
  await insertAudit(tx, workstationId, {
    atMs,
    actor: e.actor,
    action: `patient-${e.event}`,
    subject: e.patientId,
    detail: e.detail,
  });
}

export async function insertVersion(
  tx: Transaction,
  workstationId: string,
  row: { id: string; supersedes: string | null; patient: Omit<StoredPatient, 'id'> },
  admission: Pick<AdmissionToStore, 'actor' | 'atMs'>,
  stamp: Stamp,
): Promise<void> {
  const { patient } = row;
  await tx.query(
    `INSERT INTO patients (id, workstation_id, supersedes, mrn, family_name, given_name,
       birth_date, category, actor, at_ms, hlc, mrn_index)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      row.id,
      workstationId,
      row.supersedes,
      sealText(patient.mrn),
      sealText(patient.familyName),
      sealText(patient.givenName),
      sealText(patient.birthDate),
      patient.category,
      admission.actor,
      Math.round(admission.atMs),
      stamp(),
      mrnIndex(patient.mrn),
    ],
  );
}

/**
 * The patient whose MRN this is, in any case, with their details now and where they are; null
 * when there is none. (Should two patients share it, from before MRNs were compared in any case,
 * the one in a bed, else the one seen last.)
 */
export async function findPatientByMrn(
  db: Pick<PGlite, 'query'>,
  mrn: string,
): Promise<PatientRecord | null> {
  const { rows } = await db.query<PlaceRow>(
    `${PLACES} SELECT ${PLACE_COLUMNS} FROM cur LEFT JOIN l ON l.patient_id = cur.patient_id
     WHERE cur.mrn_index = $1
     ORDER BY (l.event IS NOT NULL AND l.event <> 'discharged') DESC, l.at_ms DESC NULLS LAST,
       cur.version_id DESC
     LIMIT 1`,
    [mrnIndex(mrn)],
  );
  const row = rows[0];
  return row ? { ...placeOf(row), current: versionOf(row) } : null;
}

/**
 * Admits the patient as decided: a new patient, or the known one again (with their entered
 * details as a new version when `newVersion`). Refuses, changing nothing, when the record is not
 * as the decision saw it: the patient is in a bed now, or their details changed meanwhile.
 */
export async function admitPatient(
  db: PGlite,
  workstationId: string,
  admission: AdmissionToStore,
  stamp: Stamp,
): Promise<StoredPatient> {
  return db.transaction(async (tx) => {
    const entered = admission.patient;
    const record = await findPatientByMrn(tx, entered.mrn);
    if (record?.bedId) {
      throw new Error(`MRN ${record.patient.mrn} is already admitted in ${record.bedLabel}.`);
    }
    const known = admission.known ?? null;
    if (
      (known === null && record !== null) ||
      (known !== null &&
        (record?.patient.id !== known.patientId || record.current.versionId !== known.versionId))
    ) {
      throw new Error(
        `The record of MRN ${entered.mrn} changed while this admission was made: look at it again.`,
      );
    }
    let patient: StoredPatient;
    if (record === null) {
      const id = uuidv7();
      await insertVersion(
        tx,
        workstationId,
        { id, supersedes: null, patient: entered },
        admission,
        stamp,
      );
      patient = { id, ...entered };
    } else {
      // The MRN keeps the spelling it was first recorded with.
      patient = { ...record.patient, ...entered, mrn: record.patient.mrn };
      if (admission.newVersion) {
        const versionId = uuidv7();
        await insertVersion(
          tx,
          workstationId,
          { id: versionId, supersedes: record.current.versionId, patient },
          admission,
          stamp,
        );
        await insertAudit(tx, workstationId, {
          atMs: admission.atMs,
          actor: admission.actor,
          action: 'patient-details-changed',
          subject: patient.id,
          detail: admission.versionDetail ?? 'new details',
        });
      } else {
        patient = record.patient;
      }
    }
    await insertEvent(
      tx,
      workstationId,
      { ...admission, patientId: patient.id, event: 'admitted' },
      stamp,
    );
    return patient;
  });
}

export async function recordAdmissionEvent(
  db: PGlite,
  workstationId: string,
  event: AdmissionEventToStore,
  stamp: Stamp,
): Promise<void> {
  await db.transaction((tx) => insertEvent(tx, workstationId, event, stamp));
}

/** Every patient in a bed now, with the bed. */
export async function readCurrentAdmissions(db: PGlite): Promise<PatientPlace[]> {
  const { rows } = await db.query<PlaceRow>(
    `${PLACES} SELECT ${PLACE_COLUMNS} FROM cur JOIN l ON l.patient_id = cur.patient_id
     WHERE l.event <> 'discharged' ORDER BY l.at_ms, cur.patient_id`,
  );
  return rows.map(placeOf);
}

/**
 * Patients whose name (in any version of their details) or MRN contains the text (any case),
 * most recently seen first, each with their details now and the earlier ones that differ.
 */
export async function searchPatients(
  db: PGlite,
  text: string,
  limit: number,
): Promise<FoundPatient[]> {
  // Names and MRNs are sealed: every version is opened and looked in here (patients are few).
  const matched = await patientsMatching(db, text);
  if (matched.length === 0) return [];
  const { rows } = await db.query<PlaceRow>(
    `${PLACES} SELECT ${PLACE_COLUMNS} FROM cur LEFT JOIN l ON l.patient_id = cur.patient_id
     WHERE cur.patient_id::text = ANY($1::text[])
     ORDER BY l.at_ms DESC NULLS LAST, cur.patient_id DESC LIMIT $2`,
    [matched, limit],
  );
  const versions = await readVersions(
    db,
    rows.map((row) => row.patient_id),
  );
  return rows.map((row) => {
    const now = versionOf(row);
    const formerly: Demographics[] = [];
    for (const v of (versions.get(row.patient_id) ?? []).slice().reverse()) {
      const seen = [now, ...formerly].some(
        (d) =>
          d.familyName === v.familyName &&
          d.givenName === v.givenName &&
          d.birthDate === v.birthDate,
      );
      if (!seen) {
        formerly.push({ familyName: v.familyName, givenName: v.givenName, birthDate: v.birthDate });
      }
    }
    return { ...placeOf(row), formerly };
  });
}

/**
 * The texts a search looks in, opened, per patients row: a row is never changed (append-only), so
 * each is opened once per store rather than at every search; a row removed is no longer read.
 */
const openedRows = new WeakMap<object, Map<string, string[]>>();

/** Patients any version of whose name or MRN contains the text (any case). */
async function patientsMatching(db: Pick<PGlite, 'query'>, text: string): Promise<string[]> {
  const needle = text.toLowerCase();
  const { rows } = await db.query<{
    id: string;
    patient_id: string;
    mrn: string | null;
    family_name: string | null;
    given_name: string | null;
  }>(
    `WITH RECURSIVE ${CHAIN}
     SELECT p.id, c.patient_id, p.mrn, p.family_name, p.given_name
       FROM chain c JOIN patients p ON p.id = c.id`,
  );
  let opened = openedRows.get(db);
  if (!opened) openedRows.set(db, (opened = new Map()));
  const matched = new Set<string>();
  for (const row of rows) {
    if (matched.has(row.patient_id)) continue;
    let looked = opened.get(row.id);
    if (!looked) {
      const mrn = openText(row.mrn);
      const family = openText(row.family_name);
      const given = openText(row.given_name);
      looked = [mrn, family, given].filter((words) => words !== null).map((w) => w.toLowerCase());
      if (family !== null && given !== null)
        looked.push(`${family}, ${given}`.toLowerCase(), `${given} ${family}`.toLowerCase());
      opened.set(row.id, looked);
    }
    if (looked.some((words) => words.includes(needle))) matched.add(row.patient_id);
  }
  return [...matched];
}

/** Every version of these patients' details, oldest first, by patient id. */
async function readVersions(
  db: Pick<PGlite, 'query'>,
  patientIds: readonly string[],
): Promise<Map<string, PatientVersion[]>> {
  const byPatient = new Map<string, PatientVersion[]>();
  if (patientIds.length === 0) return byPatient;
  const { rows } = await db.query<VersionRow>(
    `WITH RECURSIVE ${CHAIN}
     SELECT ${VERSION_COLUMNS} FROM chain c JOIN patients p ON p.id = c.id
     WHERE c.patient_id::text = ANY($1::text[]) ORDER BY c.patient_id, c.depth, p.id`,
    [patientIds],
  );
  for (const row of rows) {
    const list = byPatient.get(row.patient_id) ?? [];
    list.push(versionOf(row));
    byPatient.set(row.patient_id, list);
  }
  return byPatient;
}

/**
 * Every version of the patient's details and every admission event of theirs, oldest first; null
 * when no patient has this id. Any version's id finds its patient.
 */
export async function readPatientHistory(
  db: PGlite,
  anyVersionId: string,
): Promise<StoredPatientHistory | null> {
  const { rows: found } = await db.query<{ patient_id: string }>(
    `WITH RECURSIVE ${CHAIN} SELECT patient_id FROM chain WHERE id::text = $1`,
    [anyVersionId],
  );
  const patientId = found[0]?.patient_id;
  if (patientId === undefined) return null;
  const versions = (await readVersions(db, [patientId])).get(patientId) ?? [];
  const { rows } = await db.query<{
    event: AdmissionEventName;
    bed_label: string | null;
    bed_id: string;
    at_ms: number | bigint;
    actor: string;
  }>(
    `WITH RECURSIVE ${CHAIN}
     SELECT a.event, a.bed_label, a.bed_id, a.at_ms, a.actor FROM admissions a
       JOIN chain c ON c.id = a.patient_id
     WHERE c.patient_id::text = $1 ORDER BY a.at_ms, a.id`,
    [patientId],
  );
  const current = versions.at(-1)!;
  return {
    patient: {
      id: patientId,
      mrn: current.mrn,
      familyName: current.familyName,
      givenName: current.givenName,
      birthDate: current.birthDate,
      category: current.category,
    },
    versions,
    events: rows.map((row) => ({
      event: row.event,
      bedId: row.bed_id,
      bedLabel: row.bed_label ?? row.bed_id,
      at: Number(row.at_ms),
      actor: row.actor,
    })),
  };
}
