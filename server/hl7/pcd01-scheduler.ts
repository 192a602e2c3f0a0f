// Makes the PCD-01 messages: each bed-period with numerics (noted by migration 008's trigger as
// the numerics arrive, however late) is queued once when the period is over and has settled,
// oldest period first, so a bed's messages go in the order of their periods; and each alarm
// event noted since the last pass as ACM ORU^R40. The message, its control id and the mark
// "done" are one transaction: a crash queues a period again or not at all, never twice.
import type { Database, Session } from '../db/database';
import { inTransaction } from '../db/database';
import { labelFromBedId } from '../central/history';
import { addMessages, newControlIds } from './outbound-queue';
import type { NewMessage } from './outbound-queue';
import { alertFacets, buildPcd04 } from './pcd01-alarm-message';
import type { AlarmEventRow } from './pcd01-alarm-message';
import { buildPcd01, PCD01_CODES, periodValues } from './pcd01-message';
import type { BedPlace, PatientInBed, PeriodNumeric } from './pcd01-message';

export interface SchedulerOptions {
  periodMs: number;
  /** How long after a period ends its numerics are waited for before it is sent. */
  settleMs: number;
  serverId: string;
  controlIdPrefix: string;
  nowMs: () => number;
  /** Bed-periods or alarm events per transaction. */
  batch?: number;
}

const DEFAULT_BATCH = 1_000;

interface Spot {
  workstationId: string;
  bedId: string;
  /** The place (patient, bed label) as it was just before this time. */
  beforeMs: number;
}

/** Queues every finished bed-period; returns how many messages were queued. */
export async function queueFinishedPeriods(db: Database, o: SchedulerOptions): Promise<number> {
  let queued = 0;
  for (;;) {
    const { found, made } = await inTransaction(db, (session) => queuePeriodBatch(session, o));
    queued += made;
    if (found < (o.batch ?? DEFAULT_BATCH)) return queued;
  }
}

async function queuePeriodBatch(session: Session, o: SchedulerOptions) {
  const { rows } = await session.query<{
    workstation_id: string;
    bed_id: string;
    period_ms: string;
  }>(
    `SELECT workstation_id, bed_id, period_ms FROM pcd01_bed_periods
     WHERE done_at IS NULL AND period_ms <= $1
     ORDER BY period_ms, workstation_id, bed_id LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [o.nowMs() - o.periodMs - o.settleMs, o.batch ?? DEFAULT_BATCH],
  );
  if (rows.length === 0) return { found: 0, made: 0 };
  const periods = rows.map((r) => ({
    workstationId: r.workstation_id,
    bedId: r.bed_id,
    periodStartMs: Number(r.period_ms),
  }));
  const spots = periods.map((p) => ({ ...p, beforeMs: p.periodStartMs + o.periodMs }));
  const [places, numerics] = await Promise.all([
    readPlaces(session, spots),
    readLastValues(session, periods, o.periodMs),
  ]);
  const sendable = periods
    .map((p, i) => ({ ...p, ...places[i]!, periodMs: o.periodMs, numerics: numerics[i]! }))
    .filter((p) => periodValues(p.numerics).length > 0);
  const ids = await newControlIds(session, o.controlIdPrefix, sendable.length);
  const messages: (NewMessage & { seq: number })[] = sendable.map((p, i) => ({
    ...ids[i]!,
    messageType: 'ORU^R01',
    workstationId: p.workstationId,
    bedId: p.bedId,
    aboutMs: p.periodStartMs,
    message: buildPcd01(p, {
      controlId: ids[i]!.controlId,
      madeAtMs: o.nowMs(),
      serverId: o.serverId,
    })!,
  }));
  await addMessages(session, messages);
  const controlOf = new Map(
    messages.map((m) => [`${m.workstationId}\u0000${m.bedId}\u0000${m.aboutMs}`, m.controlId]),
  );
  await session.query(
    `UPDATE pcd01_bed_periods p SET done_at = now(), control_id = d.control_id
     FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[]) AS d(workstation_id, bed_id, period_ms, control_id)
     WHERE p.workstation_id = d.workstation_id AND p.bed_id = d.bed_id AND p.period_ms = d.period_ms`,
    [
      periods.map((p) => p.workstationId),
      periods.map((p) => p.bedId),
      periods.map((p) => p.periodStartMs),
      periods.map(
        (p) => controlOf.get(`${p.workstationId}\u0000${p.bedId}\u0000${p.periodStartMs}`) ?? '',
      ),
    ],
  );
  return { found: rows.length, made: messages.length };
}

/** Per bed-period, the last value of each device's code in the period (latest at_ms). */
async function readLastValues(
  session: Session,
  periods: readonly { workstationId: string; bedId: string; periodStartMs: number }[],
  periodMs: number,
): Promise<PeriodNumeric[][]> {
  const { rows } = await session.query<{
    i: string;
    device_id: string;
    code: string;
    value: number;
    unit: string;
    at_ms: string;
    computed: boolean;
  }>(
    `SELECT DISTINCT ON (p.i, n.device_id, n.code)
       p.i, n.device_id, n.code, n.value, n.unit, n.at_ms, n.computed
     FROM unnest($1::text[], $2::text[], $3::bigint[]) WITH ORDINALITY AS p(workstation_id, bed_id, period_ms, i)
     JOIN numerics n ON n.workstation_id = p.workstation_id AND n.bed_id = p.bed_id
       AND n.code = ANY($5::text[]) AND n.at_ms >= p.period_ms AND n.at_ms < p.period_ms + $4
     ORDER BY p.i, n.device_id, n.code, n.at_ms DESC, n.id DESC`,
    [
      periods.map((p) => p.workstationId),
      periods.map((p) => p.bedId),
      periods.map((p) => p.periodStartMs),
      periodMs,
      PCD01_CODES,
    ],
  );
  const out: PeriodNumeric[][] = periods.map(() => []);
  for (const row of rows) {
    out[Number(row.i) - 1]!.push({
      deviceId: row.device_id,
      code: row.code,
      value: Number(row.value),
      unit: row.unit,
      atMs: Number(row.at_ms),
      computed: row.computed,
    });
  }
  return out;
}

/**
 * Per spot, the unit, the bed's label and the patient in the bed just before the time: the
 * bed's latest admission event then, if it was not a discharge and the patient had not moved on.
 */
async function readPlaces(
  session: Session,
  spots: readonly Spot[],
): Promise<Omit<BedPlace, 'workstationId' | 'bedId'>[]> {
  const { rows } = await session.query<{
    i: string;
    unit: string | null;
    name: string | null;
    bed_label: string | null;
    patient_id: string | null;
  }>(
    `WITH s AS (SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
                WITH ORDINALITY AS s(workstation_id, bed_id, before_ms, i))
     SELECT s.i, w.unit, w.name,
       (SELECT a.bed_label FROM admissions a
        WHERE a.workstation_id = s.workstation_id AND a.bed_id = s.bed_id
          AND a.bed_label IS NOT NULL AND a.at_ms < s.before_ms
        ORDER BY a.at_ms DESC LIMIT 1) AS bed_label,
       CASE WHEN o.event <> 'discharged' AND NOT EXISTS (
         SELECT 1 FROM admissions b
         WHERE b.workstation_id = s.workstation_id AND b.patient_id = o.patient_id
           AND b.at_ms < s.before_ms
           AND (b.at_ms > o.at_ms OR (b.at_ms = o.at_ms AND COALESCE(b.hlc, b.id::text) COLLATE "C" > o.ord))
       ) THEN o.patient_id END AS patient_id
     FROM s LEFT JOIN workstations w ON w.id = s.workstation_id
     LEFT JOIN LATERAL (
       SELECT a.patient_id, a.event, a.at_ms, COALESCE(a.hlc, a.id::text) COLLATE "C" AS ord
       FROM admissions a
       WHERE a.workstation_id = s.workstation_id AND a.bed_id = s.bed_id AND a.at_ms < s.before_ms
       ORDER BY a.at_ms DESC, COALESCE(a.hlc, a.id::text) COLLATE "C" DESC LIMIT 1
     ) o ON true
     ORDER BY s.i`,
    [spots.map((s) => s.workstationId), spots.map((s) => s.bedId), spots.map((s) => s.beforeMs)],
  );
  const patients = await readPatients(
    session,
    rows.flatMap((row, i) =>
      row.patient_id ? [{ workstationId: spots[i]!.workstationId, patientId: row.patient_id }] : [],
    ),
  );
  return rows.map((row, i) => ({
    unit: row.unit ?? row.name,
    bedLabel: row.bed_label ?? labelFromBedId(spots[i]!.bedId),
    patient: row.patient_id
      ? (patients.get(`${spots[i]!.workstationId}\u0000${row.patient_id}`) ?? {
          patientId: row.patient_id,
          mrn: null,
          familyName: null,
          givenName: null,
          birthDate: null,
        })
      : null,
  }));
}

/** The current details of each patient: the newest version of its chain on its workstation. */
async function readPatients(
  session: Session,
  wanted: readonly { workstationId: string; patientId: string }[],
): Promise<Map<string, PatientInBed>> {
  const unique = [
    ...new Map(wanted.map((w) => [`${w.workstationId}\u0000${w.patientId}`, w])).values(),
  ];
  const out = new Map<string, PatientInBed>();
  if (unique.length === 0) return out;
  const { rows } = await session.query<{
    workstation_id: string;
    patient_id: string;
    mrn: string | null;
    family_name: string | null;
    given_name: string | null;
    birth_date: string | null;
  }>(
    `SELECT x.workstation_id, x.patient_id, v.mrn, v.family_name, v.given_name,
            to_char(v.birth_date, 'YYYY-MM-DD') AS birth_date
     FROM unnest($1::text[], $2::uuid[]) AS x(workstation_id, patient_id)
     CROSS JOIN LATERAL (
       WITH RECURSIVE chain AS (
         SELECT q.* FROM patients q WHERE q.workstation_id = x.workstation_id AND q.id = x.patient_id
         UNION ALL
         SELECT q.* FROM patients q JOIN chain c
           ON q.workstation_id = c.workstation_id AND q.supersedes = c.id
       )
       SELECT * FROM chain
       ORDER BY version_stamp(hlc, at_ms, created_at, workstation_id) COLLATE "C" DESC, id DESC
       LIMIT 1
     ) v`,
    [unique.map((u) => u.workstationId), unique.map((u) => u.patientId)],
  );
  for (const row of rows) {
    out.set(`${row.workstation_id}\u0000${row.patient_id}`, {
      patientId: row.patient_id,
      mrn: row.mrn,
      familyName: row.family_name,
      givenName: row.given_name,
      birthDate: row.birth_date,
    });
  }
  return out;
}

/** Queues every alarm event noted since the last pass, in the order they happened. */
export async function queuePendingAlarms(db: Database, o: SchedulerOptions): Promise<number> {
  let queued = 0;
  for (;;) {
    const { found, made } = await inTransaction(db, (session) => queueAlarmBatch(session, o));
    queued += made;
    if (found < (o.batch ?? DEFAULT_BATCH)) return queued;
  }
}

async function queueAlarmBatch(session: Session, o: SchedulerOptions) {
  const { rows } = await session.query<{
    workstation_id: string;
    id: string;
    bed_id: string;
    alarm_id: string;
    event: string;
    kind: AlarmEventRow['kind'];
    priority: AlarmEventRow['priority'];
    code: string;
    message: string;
    value: number | null;
    limit_value: number | null;
    actor: string;
    at_ms: string;
  }>(
    `SELECT e.workstation_id, e.id, e.bed_id, e.alarm_id, e.event, e.kind, e.priority, e.code,
            e.message, e.value, e.limit_value, e.actor, e.at_ms
     FROM pcd04_pending_alarm_events p
     JOIN alarm_events e ON e.workstation_id = p.workstation_id AND e.id = p.alarm_event_id
     ORDER BY e.at_ms, e.id LIMIT $1 FOR UPDATE OF p SKIP LOCKED`,
    [o.batch ?? DEFAULT_BATCH],
  );
  if (rows.length === 0) return { found: 0, made: 0 };
  const alarms: AlarmEventRow[] = rows.map((r) => ({
    id: r.id,
    workstationId: r.workstation_id,
    bedId: r.bed_id,
    alarmId: r.alarm_id,
    event: r.event,
    kind: r.kind,
    priority: r.priority,
    code: r.code,
    message: r.message,
    value: r.value === null ? null : Number(r.value),
    limitValue: r.limit_value === null ? null : Number(r.limit_value),
    actor: r.actor,
    atMs: Number(r.at_ms),
  }));
  const places = await readPlaces(
    session,
    alarms.map((a) => ({ workstationId: a.workstationId, bedId: a.bedId, beforeMs: a.atMs + 1 })),
  );
  const drafts = alarms
    .map((alarm, i) => ({
      alarm,
      place: { ...places[i]!, workstationId: alarm.workstationId, bedId: alarm.bedId },
    }))
    .filter(({ alarm }) => alertFacets(alarm.event) !== null);
  const ids = await newControlIds(session, o.controlIdPrefix, drafts.length);
  await addMessages(
    session,
    drafts.map(({ alarm, place }, i) => ({
      ...ids[i]!,
      messageType: 'ORU^R40',
      workstationId: alarm.workstationId,
      bedId: alarm.bedId,
      aboutMs: alarm.atMs,
      message: buildPcd04(alarm, place, {
        controlId: ids[i]!.controlId,
        madeAtMs: o.nowMs(),
        serverId: o.serverId,
      })!,
    })),
  );
  await session.query(
    `DELETE FROM pcd04_pending_alarm_events p
     USING unnest($1::text[], $2::uuid[]) AS d(workstation_id, id)
     WHERE p.workstation_id = d.workstation_id AND p.alarm_event_id = d.id`,
    [alarms.map((a) => a.workstationId), alarms.map((a) => a.id)],
  );
  return { found: rows.length, made: drafts.length };
}
