// The privacy officer's report: the workstations' audit entries newest first, filtered by patient,
// user and time, in pages. "One patient" is every entry whose subject names one of the patient's
// ids (any version, on any workstation) or MRN, and every entry naming a bed while the patient was
// in it (their stays from the synced admissions). Indexes of migration 013 answer each part.
import type { Database } from '../db/database';
import { staysFrom } from '../records/stays';
import type { AdmissionEvent } from '../records/stays';
import { ids } from '../fhir/ids';
import { actionInWords } from './action-words';

export interface AuditReportFilter {
  /** An MRN or a workstation's patient id (a UUID). */
  patient?: string;
  /** Part of the actor's name or user name, in any case. */
  user?: string;
  fromMs: number;
  toMs: number;
}

/** Where a page ends: the last entry's place in the order (newest first). */
export interface AuditCursor {
  atMs: number;
  workstationId: string;
  id: string;
}

export interface AuditReportEntry {
  id: string;
  workstationId: string;
  workstationName: string;
  atMs: number;
  actor: string;
  action: string;
  actionWords: string;
  subject: string | null;
  detail: string | null;
}

/** Whom the patient filter found: the ids and beds the entries were matched by. */
export interface AuditPatient {
  words: string[];
  /** The person's ids in the FHIR api (mrn-…), which its access log names. */
  fhirIds: string[];
  stays: { workstationId: string; bedId: string; fromMs: number; toMs: number | null }[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Beyond any audited time; PostgreSQL bigint and JavaScript both hold it exactly. */
const END_MS = 1e14;

/** The patient's ids, MRN and stays; null when no workstation sent such a patient. */
export async function findAuditPatient(
  db: Database,
  patient: string,
): Promise<AuditPatient | null> {
  const text = patient.trim();
  // The chains (a workstation's patient and its versions) of the person: by MRN, or by the id
  // of one version and then by its MRN, if it has one.
  const { rows: chains } = await db.query<{ workstation_id: string; patient_id: string }>(
    UUID.test(text)
      ? `WITH one AS (SELECT workstation_id, patient_id FROM patient_chains WHERE id = $1::uuid),
              person AS (SELECT pp.person_key FROM patient_persons pp JOIN one USING (workstation_id, patient_id))
         SELECT workstation_id, patient_id FROM one
         UNION
         SELECT pp.workstation_id, pp.patient_id FROM patient_persons pp
         WHERE pp.person_key IN (SELECT person_key FROM person)`
      : `SELECT workstation_id, patient_id FROM patient_persons WHERE person_key = mrn_key($1)`,
    [text],
  );
  if (chains.length === 0) return null;
  const wsList = chains.map((c) => c.workstation_id);
  const headList = chains.map((c) => c.patient_id);
  const { rows: versions } = await db.query<{ id: string; mrn_key: string | null }>(
    `SELECT p.id, mrn_key(p.mrn) AS mrn_key
     FROM unnest($1::text[], $2::uuid[]) AS h (ws, head)
     JOIN patient_chains c ON c.workstation_id = h.ws AND c.patient_id = h.head
     JOIN patients p ON p.workstation_id = c.workstation_id AND p.id = c.id`,
    [wsList, headList],
  );
  const { rows: events } = await db.query<{
    workstation_id: string;
    patient_id: string;
    bed_id: string;
    bed_label: string | null;
    event: AdmissionEvent['event'];
    at_ms: string;
    ord: string;
  }>(
    `SELECT a.workstation_id, c.patient_id, a.bed_id, a.bed_label, a.event, a.at_ms,
            COALESCE(a.hlc, a.id::text) AS ord
     FROM unnest($1::text[], $2::uuid[]) AS h (ws, head)
     JOIN patient_chains c ON c.workstation_id = h.ws AND c.patient_id = h.head
     JOIN admissions a ON a.workstation_id = c.workstation_id AND a.patient_id = c.id`,
    [wsList, headList],
  );
  const { rows: persons } = await db.query<{ person_key: string }>(
    `SELECT DISTINCT pp.person_key FROM unnest($1::text[], $2::uuid[]) AS h (ws, head)
     JOIN patient_persons pp ON pp.workstation_id = h.ws AND pp.patient_id = h.head`,
    [wsList, headList],
  );
  const words = new Set<string>([text.toLowerCase()]);
  for (const v of versions) {
    words.add(v.id.toLowerCase());
    if (v.mrn_key) words.add(v.mrn_key);
  }
  const stays = staysFrom(
    events.map((e) => ({
      workstationId: e.workstation_id,
      patientId: e.patient_id,
      bedId: e.bed_id,
      bedLabel: e.bed_label,
      event: e.event,
      atMs: Number(e.at_ms),
      order: e.ord,
    })),
    new Map(),
  ).map((s) => ({
    workstationId: s.workstationId,
    bedId: s.bedId,
    fromMs: s.fromMs,
    toMs: s.toMs,
  }));
  return { words: [...words], fhirIds: persons.map((p) => ids.person(p.person_key)), stays };
}

/**
 * The workstation id the report gives the central server's own FHIR api accesses (no workstation
 * has it: workstation ids are enrolled names, never with a colon).
 */
export const FHIR_API_SOURCE = 'central-server:fhir-api';
const FHIR_API_NAME = 'Central server (FHIR api)';
/** The same for what the hospital central station opened (station_access_log). */
export const STATION_SOURCE = 'central-server:station';
const STATION_NAME = 'Central server (hospital central station)';

interface EntryRow {
  id: string;
  workstation_id: string;
  ws_name: string | null;
  at_ms: string;
  actor: string;
  action: string;
  subject: string | null;
  detail: string | null;
}

/**
 * One page of the report, newest first: up to `limit` entries after `cursor`, and whether more
 * follow. `patient` null: every entry (by user and time only).
 */
export async function auditReportPage(
  db: Database,
  filter: AuditReportFilter,
  patient: AuditPatient | null,
  limit: number,
  cursor: AuditCursor | null,
): Promise<{ entries: AuditReportEntry[]; next: AuditCursor | null }> {
  const params: unknown[] = [
    Math.max(0, filter.fromMs),
    Math.min(END_MS, filter.toMs),
    limit + 1,
    cursor?.atMs ?? END_MS,
    cursor?.workstationId ?? '',
    cursor?.id ?? '00000000-0000-0000-0000-000000000000',
  ];
  // Every branch keeps the same conditions, so each can stop at `limit` rows of its own index.
  const after = cursor
    ? `AND (e.at_ms, e.workstation_id, e.id) < ($4::bigint, $5::text, $6::uuid)`
    : `AND $4::bigint IS NOT NULL AND $5::text IS NOT NULL AND $6::uuid IS NOT NULL`;
  let who = '';
  if (filter.user) {
    const i = params.push(`%${escapeLike(filter.user.trim().toLowerCase())}%`);
    const u = params.push(`user=${filter.user.trim().toLowerCase()}`);
    // The actor's name, or a sign-in event about the user name (refused: no actor yet).
    who = `AND (lower(e.actor) LIKE $${i} OR lower(e.subject) = $${u})`;
  }
  const order = 'ORDER BY e.at_ms DESC, e.workstation_id DESC, e.id DESC LIMIT $3';
  const columns = 'e.id, e.workstation_id, e.at_ms, e.actor, e.action, e.subject, e.detail';
  // The central server's own logs (its FHIR api, the hospital central station) as entries of
  // the report, each read newest first by its own index on `at` (then seq, which the entry's id
  // carries), the page's cursor applied to those columns, so a page stops after `limit` rows
  // whatever the log's size: at_ms is floor(at), in the same order as at.
  const fhirIds = patient ? params.push(patient.fhirIds) : null;
  const logAfter = (source: string) =>
    cursor
      ? `AND l.at < to_timestamp(($4::bigint + 1) / 1000.0)
         AND (floor(extract(epoch FROM l.at) * 1000)::bigint < $4::bigint
              OR ('${source}', l.seq) < ($5::text,
                   ('x' || right(replace($6::text, '-', ''), 12))::bit(48)::bigint))`
      : '';
  const stationColumns = `('00000000-0000-4000-9000-' || lpad(to_hex(l.seq), 12, '0'))::uuid AS id,
             '${STATION_SOURCE}'::text AS workstation_id,
             floor(extract(epoch FROM l.at) * 1000)::bigint AS at_ms,
             'Hospital central station at ' || COALESCE(l.address, 'an unknown address') AS actor,
             l.action,
             'bedId=' || l.bed_id AS subject,
             'bed ' || l.bed_id || ' of ' || COALESCE(sw.name, l.workstation_id)
               || COALESCE(', ' || l.detail, '') AS detail`;
  // The station's: by the patient's stays (its bed while they were in it), or by time.
  const station = (where: string) => `SELECT * FROM (
      SELECT ${stationColumns}
      FROM station_access_log l LEFT JOIN workstations sw ON sw.id = l.workstation_id
      WHERE ${where} ${logAfter(STATION_SOURCE)}
      ORDER BY l.at DESC, l.seq DESC) e
    WHERE true ${who} LIMIT $3`;
  const inWindow = `l.at >= to_timestamp($1::bigint / 1000.0) AND l.at < to_timestamp($2::bigint / 1000.0)`;
  // The FHIR api's: by the Patient ids each access logged, or by client and time.
  const fhir = `SELECT * FROM (
      SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(l.seq), 12, '0'))::uuid AS id,
             '${FHIR_API_SOURCE}'::text AS workstation_id,
             floor(extract(epoch FROM l.at) * 1000)::bigint AS at_ms,
             l.client_name || ' (FHIR client ' || l.client_id || ')' AS actor,
             'fhir-' || l.interaction AS action,
             CASE WHEN cardinality(l.patient_ids) = 0 THEN NULL
                  ELSE 'patient=' || array_to_string(l.patient_ids[1:20], ',') END AS subject,
             l.resource_type || CASE WHEN l.query = '' THEN '' ELSE '?' || l.query END
               || ': ' || l.result_count || ' answered (HTTP ' || l.status || ')' AS detail
      FROM fhir_access_log l
      WHERE ${inWindow}
        ${fhirIds === null ? '' : `AND l.patient_ids && $${fhirIds}::text[]`} ${logAfter(FHIR_API_SOURCE)}
      ORDER BY l.at DESC, l.seq DESC) e
    WHERE true ${who} LIMIT $3`;
  let sql: string;
  if (!patient) {
    sql = `SELECT * FROM (
             (SELECT ${columns} FROM audit_events e
              WHERE e.at_ms >= $1 AND e.at_ms < $2 ${after} ${who} ${order})
             UNION ALL (${fhir})
             UNION ALL (${station(inWindow)})
           ) e ${order}`;
  } else {
    const w = params.push(patient.words);
    const ws = params.push(patient.stays.map((s) => s.workstationId));
    const bed = params.push(patient.stays.map((s) => s.bedId));
    const from = params.push(patient.stays.map((s) => s.fromMs));
    const to = params.push(patient.stays.map((s) => s.toMs ?? END_MS));
    sql = `WITH stay AS (
             SELECT * FROM unnest($${ws}::text[], $${bed}::text[], $${from}::bigint[], $${to}::bigint[])
               AS s (ws, bed, from_ms, to_ms))
           SELECT * FROM (
             (SELECT ${columns} FROM audit_events e
              WHERE audit_subject_words(e.subject) && $${w}::text[]
                AND e.at_ms >= $1 AND e.at_ms < $2 ${after} ${who} ${order})
             UNION
             SELECT b.* FROM stay CROSS JOIN LATERAL (
               SELECT ${columns} FROM audit_events e
               WHERE e.workstation_id = stay.ws AND audit_subject_bed(e.subject) = stay.bed
                 AND e.at_ms >= greatest($1, stay.from_ms) AND e.at_ms < least($2, stay.to_ms)
                 ${after} ${who} ${order}) b
             UNION ALL (${fhir})
             UNION ALL SELECT s.* FROM stay CROSS JOIN LATERAL (${station(
               `l.workstation_id = stay.ws AND l.bed_id = stay.bed
                AND l.at >= to_timestamp(greatest($1::bigint, stay.from_ms) / 1000.0)
                AND l.at < to_timestamp(least($2::bigint, stay.to_ms) / 1000.0)`,
             )}) s
           ) e ${order}`;
  }
  const { rows } = await db.query<EntryRow>(
    `WITH page AS (${sql})
     SELECT page.*,
            COALESCE(w.name, CASE page.workstation_id
                               WHEN '${FHIR_API_SOURCE}' THEN '${FHIR_API_NAME}'
                               WHEN '${STATION_SOURCE}' THEN '${STATION_NAME}' END) AS ws_name
     FROM page LEFT JOIN workstations w ON w.id = page.workstation_id
     ORDER BY page.at_ms DESC, page.workstation_id DESC, page.id DESC`,
    params,
  );
  const entries = rows.slice(0, limit).map((r): AuditReportEntry => ({
    id: r.id,
    workstationId: r.workstation_id,
    workstationName: r.ws_name ?? r.workstation_id,
    atMs: Number(r.at_ms),
    actor: r.actor,
    action: r.action,
    actionWords: actionInWords(r.action),
    subject: r.subject,
    detail: r.detail,
  }));
  const last = entries.at(-1);
  return {
    entries,
    next:
      rows.length > limit && last
        ? { atMs: last.atMs, workstationId: last.workstationId, id: last.id }
        : null,
  };
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);
