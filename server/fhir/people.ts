// Patients and their stays as the FHIR api reads them: a person is one MRN across workstations
// (patient_persons, person_current_patients of migrations 002–004), current details the latest
// version; each admission or transfer begins a stay in a bed (an Encounter) that the next event
// of that workstation ends. Patients never given an MRN are not served (they have no identity
// the hospital's systems share).
import type { PatientInput, StayInput } from '../../shared/fhir/administrative';
import type { Database } from '../db/database';
import { ids, md5, wsKey } from './ids';

export interface Person extends PatientInput {
  personKey: string;
}

export interface Stay extends StayInput {
  workstationId: string;
  bedId: string;
  personKey: string;
}

interface PersonRow {
  person_key: string;
  mrn: string | null;
  family_name: string | null;
  given_name: string | null;
  birth_date: string | null;
}

const personOf = (r: PersonRow): Person => ({
  personKey: r.person_key,
  id: ids.person(r.person_key),
  mrn: r.mrn,
  familyName: r.family_name,
  givenName: r.given_name,
  birthDate: r.birth_date,
});

export interface PersonFilter {
  personKeys?: string[];
  /** Lower-case starts-with on family or given name. */
  name?: string;
  birthFromMs?: number;
  birthToMs?: number;
}

export async function persons(db: Database, filter: PersonFilter): Promise<Person[]> {
  const params: unknown[] = [];
  const where: string[] = [];
  if (filter.personKeys) where.push(`person_key = ANY($${params.push(filter.personKeys)})`);
  if (filter.name) {
    const i = params.push(filter.name.toLowerCase());
    where.push(`(starts_with(lower(family_name), $${i}) OR starts_with(lower(given_name), $${i}))`);
  }
  if (filter.birthFromMs !== undefined && Number.isFinite(filter.birthFromMs)) {
    where.push(`birth_date >= to_timestamp($${params.push(filter.birthFromMs / 1000)})::date`);
  }
  if (filter.birthToMs !== undefined && Number.isFinite(filter.birthToMs)) {
    where.push(`birth_date < to_timestamp($${params.push(filter.birthToMs / 1000)})::date`);
  }
  const { rows } = await db.query<PersonRow>(
    `SELECT person_key, mrn, family_name, given_name, to_char(birth_date, 'YYYY-MM-DD') AS birth_date
     FROM person_current_patients ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY person_key`,
    params,
  );
  return rows.map(personOf);
}

/** The person key (mrn_key) whose MD5 a Patient id carries, found by index. */
export async function personKeyOfMd5(db: Database, mrnMd5: string): Promise<string | null> {
  const { rows } = await db.query<{ key: string }>(
    `SELECT mrn_key(mrn) AS key FROM patients WHERE md5(mrn_key(mrn)) = $1 LIMIT 1`,
    [mrnMd5],
  );
  return rows[0]?.key ?? null;
}

interface EventRow {
  id: string;
  workstation_id: string;
  person_key: string;
  bed_id: string;
  bed_label: string | null;
  event: 'admitted' | 'transferred' | 'discharged';
  at_ms: string;
  ord: string;
}

/** Stays of the given persons (all persons with an MRN when none are given), oldest first. */
export async function stays(db: Database, personKeys?: string[]): Promise<Stay[]> {
  const { rows } = await db.query<EventRow>(
    `SELECT a.id, a.workstation_id, pp.person_key, a.bed_id, a.bed_label, a.event, a.at_ms,
            COALESCE(a.hlc, a.id::text) AS ord
     FROM patient_persons pp
     JOIN patient_chains c USING (workstation_id, patient_id)
     JOIN admissions a ON a.workstation_id = c.workstation_id AND a.patient_id = c.id
     ${personKeys ? 'WHERE pp.person_key = ANY($1)' : ''}`,
    personKeys ? [personKeys] : [],
  );
  return staysFromEvents(rows);
}

/** Each workstation's events in order: an admission or transfer opens a stay, the next closes it. */
export function staysFromEvents(rows: EventRow[]): Stay[] {
  const byWorkstation = new Map<string, EventRow[]>();
  for (const r of rows) {
    byWorkstation.set(r.workstation_id, [...(byWorkstation.get(r.workstation_id) ?? []), r]);
  }
  const out: Stay[] = [];
  for (const [workstationId, list] of byWorkstation) {
    list.sort((a, b) => Number(a.at_ms) - Number(b.at_ms) || (a.ord < b.ord ? -1 : 1));
    let open: Stay | null = null;
    for (const e of list) {
      if (open) open.toMs = Number(e.at_ms);
      open = null;
      if (e.event === 'discharged') continue;
      open = {
        id: ids.row('enc', workstationId, e.id),
        workstationId,
        bedId: e.bed_id,
        personKey: e.person_key,
        patientId: ids.person(e.person_key),
        bedLocationId: ids.bed(workstationId, e.bed_id),
        bedLabel: e.bed_label ?? e.bed_id,
        fromMs: Number(e.at_ms),
        toMs: null,
      };
      out.push(open);
    }
  }
  return out.sort((a, b) => a.fromMs - b.fromMs || (a.id < b.id ? -1 : 1));
}

/** The person whose stay an admission row began (Encounter read). */
export async function personKeyOfAdmission(
  db: Database,
  workstationHex: string,
  admissionId: string,
): Promise<string | null> {
  const { rows } = await db.query<{ person_key: string }>(
    `SELECT pp.person_key
     FROM admissions a
     JOIN patient_chains c ON c.workstation_id = a.workstation_id AND c.id = a.patient_id
     JOIN patient_persons pp ON pp.workstation_id = c.workstation_id AND pp.patient_id = c.patient_id
     WHERE a.id = $1::uuid AND a.workstation_id = ANY($2)`,
    [admissionId, await workstationsOfKey(db, workstationHex)],
  );
  return rows[0]?.person_key ?? null;
}

/** The workstations whose id hashes to the key of an id (one, barring a collision). */
export async function workstationsOfKey(db: Database, key: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM workstations WHERE left(md5(id), 10) = $1`,
    [key],
  );
  return rows.map((r) => r.id).filter((id) => wsKey(id) === key);
}

/** The stay of a bed at a moment: whose vital signs a bed's row is. */
export function stayAt(all: Stay[], workstationId: string, bedId: string, atMs: number) {
  return (
    all.find(
      (s) =>
        s.workstationId === workstationId &&
        s.bedId === bedId &&
        s.fromMs <= atMs &&
        (s.toMs === null || atMs < s.toMs),
    ) ?? null
  );
}

/** The persons admitted to a bed around a time (for reads of a bed's rows). */
export async function staysOfBed(db: Database, workstationId: string, bedId: string) {
  const { rows } = await db.query<{ person_key: string }>(
    `SELECT DISTINCT pp.person_key
     FROM admissions a
     JOIN patient_chains c ON c.workstation_id = a.workstation_id AND c.id = a.patient_id
     JOIN patient_persons pp ON pp.workstation_id = c.workstation_id AND pp.patient_id = c.patient_id
     WHERE a.workstation_id = $1 AND a.bed_id = $2`,
    [workstationId, bedId],
  );
  return rows.length === 0
    ? []
    : stays(
        db,
        rows.map((r) => r.person_key),
      );
}

export { md5 };
