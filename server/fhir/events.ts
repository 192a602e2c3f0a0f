// What happened around a patient, as the FHIR api reads it: alarms (DetectedIssue, from the
// "raised" event to its "ended"), ECG strip PDFs and notes (DocumentReference; the PDF itself as
// a Binary), and the audit trail (AuditEvent): every FHIR access logged here, and what the
// workstations recorded (remote views, exports).
import { alarmDetectedIssue } from '../../shared/fhir/alarms';
import {
  apiAccessAuditEvent,
  noteDocument,
  stripDocument,
  workstationAuditEvent,
} from '../../shared/fhir/documents';
import type { FhirResource } from '../../shared/fhir/resources';
import type { Database } from '../db/database';
import { ids } from './ids';
import type { Stay } from './people';
import type { TimeRange } from './search-params';
import type { Page } from './vitals';

function windowArrays(stays: Stay[], range: TimeRange, nowMs: number) {
  const list = stays.flatMap((stay, index) => {
    const fromMs = Math.max(stay.fromMs, range.fromMs);
    const toMs = Math.min(stay.toMs ?? nowMs + 60_000, range.toMs);
    return toMs > fromMs
      ? [{ stay, index, fromMs: Math.floor(fromMs), toMs: Math.ceil(toMs) }]
      : [];
  });
  return {
    empty: list.length === 0,
    arrays: [
      list.map((w) => w.stay.workstationId),
      list.map((w) => w.stay.bedId),
      list.map((w) => w.fromMs),
      list.map((w) => w.toMs),
      list.map((w) => w.index),
    ],
  };
}

const WINDOWS = `w AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::int[])
    AS w (ws, bed, from_ms, to_ms, stay))`;

export interface StayEventsQuery {
  stays: Stay[];
  range: TimeRange;
  nowMs: number;
  limit: number;
  offset: number;
  /** Only this row (a read by id). */
  rowId?: string;
}

export async function alarms(db: Database, q: StayEventsQuery): Promise<Page> {
  const { empty, arrays } = windowArrays(q.stays, q.range, q.nowMs);
  if (empty) return { resources: [], more: false };
  const { rows } = await db.query<{
    stay: number;
    id: string;
    code: string;
    message: string;
    priority: 'high' | 'medium' | 'low' | null;
    kind: 'physiological' | 'technical' | null;
    at_ms: string;
    actor: string;
    origin: string | null;
    ended_ms: string | null;
  }>(
    `WITH ${WINDOWS}
     SELECT w.stay, e.id, e.code, e.message, e.priority, e.kind, e.at_ms, e.actor, e.origin,
       (SELECT min(x.at_ms) FROM alarm_events x
        WHERE x.workstation_id = w.ws AND x.bed_id = w.bed AND x.alarm_id = e.alarm_id
          AND x.event = 'ended' AND x.at_ms >= e.at_ms) AS ended_ms
     FROM w CROSS JOIN LATERAL (
       SELECT * FROM alarm_events e
       WHERE e.workstation_id = w.ws AND e.bed_id = w.bed AND e.event = 'raised'
         AND e.at_ms >= w.from_ms AND e.at_ms < w.to_ms
         ${q.rowId ? 'AND e.id = $8::uuid' : ''}) e
     ORDER BY e.at_ms, e.id LIMIT $6 OFFSET $7`,
    [...arrays, q.limit + 1, q.offset, ...(q.rowId ? [q.rowId] : [])],
  );
  return {
    more: rows.length > q.limit,
    resources: rows.slice(0, q.limit).map((r) => {
      const stay = q.stays[r.stay]!;
      return alarmDetectedIssue({
        id: ids.row('alarm', stay.workstationId, r.id),
        patientId: stay.patientId,
        code: r.code,
        message: r.message,
        priority: r.priority,
        kind: r.kind,
        raisedAtMs: Number(r.at_ms),
        endedAtMs: r.ended_ms === null ? null : Number(r.ended_ms),
        // A device's own alarm names the device as its actor.
        deviceId: r.origin === 'device' ? ids.device(stay.workstationId, r.actor) : null,
      });
    }),
  };
}

export async function documents(
  db: Database,
  q: StayEventsQuery & { baseUrl: string; kinds?: ('strip' | 'note')[] },
): Promise<Page> {
  const { empty, arrays } = windowArrays(q.stays, q.range, q.nowMs);
  if (empty) return { resources: [], more: false };
  const kinds = q.kinds ?? ['strip', 'note'];
  const { rows } = await db.query<{
    stay: number;
    what: 'strip' | 'note';
    id: string;
    kind: string;
    at_ms: string;
    to_ms: string;
    created_ms: string;
    actor: string;
    message: string | null;
    size: number;
  }>(
    `WITH ${WINDOWS}
     SELECT * FROM (
       SELECT w.stay, 'strip' AS what, s.id, s.kind, s.from_ms AS at_ms, s.to_ms,
              s.created_at_ms AS created_ms, s.actor, s.alarm_message AS message,
              octet_length(s.pdf) AS size
       FROM w JOIN strips s ON s.workstation_id = w.ws AND s.bed_id = w.bed
         AND s.from_ms >= w.from_ms AND s.from_ms < w.to_ms
       WHERE 'strip' = ANY($8::text[]) ${q.rowId ? 'AND s.id = $9::uuid' : ''}
       UNION ALL
       SELECT w.stay, 'note', a.id, a.kind, a.at_ms, a.at_ms, a.at_ms, a.actor, a.text, 0
       FROM w JOIN annotations a ON a.workstation_id = w.ws AND a.bed_id = w.bed
         AND a.at_ms >= w.from_ms AND a.at_ms < w.to_ms
       WHERE 'note' = ANY($8::text[]) ${q.rowId ? 'AND a.id = $9::uuid' : ''}
     ) d ORDER BY at_ms, id LIMIT $6 OFFSET $7`,
    [...arrays, q.limit + 1, q.offset, kinds, ...(q.rowId ? [q.rowId] : [])],
  );
  return {
    more: rows.length > q.limit,
    resources: rows.slice(0, q.limit).map((r) => {
      const stay = q.stays[r.stay]!;
      if (r.what === 'strip') {
        const id = ids.row('strip', stay.workstationId, r.id);
        return stripDocument({
          id,
          patientId: stay.patientId,
          encounterId: stay.id,
          kind: r.kind === 'alarm' ? 'alarm' : 'manual',
          alarmMessage: r.message,
          fromMs: Number(r.at_ms),
          toMs: Number(r.to_ms),
          createdAtMs: Number(r.created_ms),
          actor: r.actor,
          pdf: { url: `${q.baseUrl}/Binary/${id}`, sizeBytes: r.size },
        });
      }
      return noteDocument({
        id: ids.row('note', stay.workstationId, r.id),
        patientId: stay.patientId,
        encounterId: stay.id,
        kind: r.kind,
        text: r.message ?? '',
        atMs: Number(r.at_ms),
        actor: r.actor,
      });
    }),
  };
}

/** A strip's PDF (Binary read). */
export async function stripPdf(
  db: Database,
  workstationIds: string[],
  uuid: string,
): Promise<{ pdf: Buffer; workstationId: string; bedId: string; fromMs: number } | null> {
  const { rows } = await db.query<{
    pdf: Buffer;
    workstation_id: string;
    bed_id: string;
    from_ms: string;
  }>(
    `SELECT pdf, workstation_id, bed_id, from_ms FROM strips
     WHERE workstation_id = ANY($1) AND id = $2::uuid`,
    [workstationIds, uuid],
  );
  const row = rows[0];
  return row
    ? {
        pdf: row.pdf,
        workstationId: row.workstation_id,
        bedId: row.bed_id,
        fromMs: Number(row.from_ms),
      }
    : null;
}

/** Where a row of a bed-keyed table was (a read by id finds the stay from it). */
export async function bedRowPlace(
  db: Database,
  table: 'alarm_events' | 'strips' | 'annotations',
  workstationIds: string[],
  uuid: string,
): Promise<{ workstationId: string; bedId: string; atMs: number } | null> {
  const at = table === 'strips' ? 'from_ms' : 'at_ms';
  const { rows } = await db.query<{ workstation_id: string; bed_id: string; at_ms: string }>(
    `SELECT workstation_id, bed_id, ${at} AS at_ms FROM ${table}
     WHERE workstation_id = ANY($1) AND id = $2::uuid`,
    [workstationIds, uuid],
  );
  const row = rows[0];
  return row
    ? { workstationId: row.workstation_id, bedId: row.bed_id, atMs: Number(row.at_ms) }
    : null;
}

export interface AuditQuery {
  range: TimeRange;
  limit: number;
  offset: number;
  /** Only this one (a read by id). */
  accessSeq?: string;
  workstationRow?: { workstationIds: string[]; uuid: string };
}

/** FHIR accesses and the workstations' audit trail together, newest first. */
export async function auditEvents(db: Database, q: AuditQuery): Promise<Page> {
  // Within what PostgreSQL timestamps hold: nothing was audited before 1970 or after year 5000.
  const from = Math.max(0, q.range.fromMs);
  const to = Math.min(1e14, q.range.toMs);
  const onlyAccess = q.accessSeq !== undefined;
  const onlyRow = q.workstationRow !== undefined;
  const { rows } = await db.query<{
    what: 'access' | 'ws';
    key: string;
    ws: string | null;
    ws_name: string | null;
    at_ms: string;
    actor: string;
    action: string;
    resource_type: string | null;
    query: string | null;
    result_count: number | null;
    status: number | null;
    subject: string | null;
    detail: string | null;
  }>(
    `SELECT * FROM (
       SELECT 'access' AS what, l.seq::text AS key, NULL AS ws, l.client_name AS ws_name,
              (extract(epoch FROM l.at) * 1000)::bigint AS at_ms, l.client_id AS actor,
              l.interaction AS action, l.resource_type, l.query, l.result_count, l.status,
              NULL AS subject, NULL AS detail
       FROM fhir_access_log l
       WHERE NOT $5 AND l.at >= to_timestamp($1 / 1000.0) AND l.at < to_timestamp($2 / 1000.0)
         AND ($6::bigint IS NULL OR l.seq = $6::bigint)
       UNION ALL
       SELECT 'ws', e.id::text, e.workstation_id, w.name, e.at_ms, e.actor, e.action, NULL, NULL,
              NULL, NULL, e.subject, e.detail
       FROM audit_events e LEFT JOIN workstations w ON w.id = e.workstation_id
       WHERE NOT $7 AND e.at_ms >= $1 AND e.at_ms < $2
         AND ($8::text[] IS NULL OR (e.workstation_id = ANY($8::text[]) AND e.id = $9::uuid))
     ) a ORDER BY at_ms DESC, key DESC LIMIT $3 OFFSET $4`,
    [
      from,
      to,
      q.limit + 1,
      q.offset,
      onlyRow,
      q.accessSeq ?? null,
      onlyAccess,
      q.workstationRow?.workstationIds ?? null,
      q.workstationRow?.uuid ?? null,
    ],
  );
  return {
    more: rows.length > q.limit,
    resources: rows.slice(0, q.limit).map((r): FhirResource =>
      r.what === 'access'
        ? apiAccessAuditEvent({
            id: ids.access(r.key),
            atMs: Number(r.at_ms),
            clientId: r.actor,
            clientName: r.ws_name ?? r.actor,
            interaction: r.action === 'read' ? 'read' : 'search-type',
            resourceType: r.resource_type ?? '',
            query: r.query ?? '',
            resultCount: r.result_count ?? 0,
            httpStatus: r.status ?? 200,
          })
        : workstationAuditEvent({
            id: ids.row('audit', r.ws!, r.key),
            atMs: Number(r.at_ms),
            workstationName: r.ws_name ?? r.ws!,
            actor: r.actor,
            action: r.action,
            subject: r.subject,
            detail: r.detail,
          }),
    ),
  };
}
