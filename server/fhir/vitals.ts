// A patient's vital signs and waveform strips as FHIR Observations. Three resolutions:
// per-minute rollups (the default; from numeric_minutes, kept by a trigger as numerics arrive),
// each reading as stored (`_resolution=raw`), and waveform strips of 10–60 s (`_resolution=waveform`,
// or a waveform code). Every read goes through the patient's stays: a bed's rows belong to whoever
// was in the bed then, and through indexes that start with (workstation, bed).
import { MDC } from '../../shared/codes/mdc';
import type { MdcRefId } from '../../shared/codes/mdc';
import type { FhirResource } from '../../shared/fhir/resources';
import { vitalSignObservation, VITAL_SIGN_TERMS } from '../../shared/fhir/vital-signs';
import type { VitalSignInput, VitalSignValue } from '../../shared/fhir/vital-signs';
import { DeferredResource } from '../../shared/fhir/bundle';
import { vitalSignObservationText } from '../../shared/fhir/vital-signs-text';
import { waveformObservation, waveformTermOf } from '../../shared/fhir/waveform';
import { postgresHistory } from '../central/history';
import type { Database } from '../db/database';
import { ids, textKey } from './ids';
import type { Stay } from './people';
import type { TimeRange } from './search-params';

const MINUTE_MS = 60_000;
const BP_CODES: readonly string[] = ['MDC_PRESS_BLD_NONINV_SYS', 'MDC_PRESS_BLD_NONINV_DIA'];
/** The rollup of sys and dia of one minute: one BP panel. */
export const BP_PANEL = 'BP';

export const ALL_VITAL_CODES = Object.keys(VITAL_SIGN_TERMS) as MdcRefId[];

export interface VitalsQuery {
  stays: Stay[];
  codes: readonly MdcRefId[];
  range: TimeRange;
  nowMs: number;
  limit: number;
  offset: number;
}

export interface Page {
  resources: FhirResource[];
  /** Whether more match past this page. */
  more: boolean;
}

/** Each stay cut to the range asked: the windows whose rows are read. */
function windows(stays: Stay[], range: TimeRange, nowMs: number) {
  return stays.flatMap((stay, index) => {
    const fromMs = Math.max(stay.fromMs, range.fromMs);
    const toMs = Math.min(stay.toMs ?? nowMs + MINUTE_MS, range.toMs);
    return toMs > fromMs ? [{ stay, index, fromMs, toMs }] : [];
  });
}

function windowArrays(list: ReturnType<typeof windows>) {
  return [
    list.map((w) => w.stay.workstationId),
    list.map((w) => w.stay.bedId),
    list.map((w) => Math.floor(w.fromMs)),
    list.map((w) => Math.ceil(w.toMs)),
    list.map((w) => w.index),
  ];
}

/**
 * The minutes of each stay the range touches. A minute belongs to the stay its start falls in
 * (so that a transfer within a minute never gives one rollup id to two patients), and is asked
 * for when any part of it is in the range.
 */
function minuteWindowArrays(stays: Stay[], range: TimeRange, nowMs: number) {
  const list = stays.flatMap((stay, index) => {
    const fromMin = Math.max(
      Math.ceil(stay.fromMs / MINUTE_MS),
      Number.isFinite(range.fromMs) ? Math.floor(range.fromMs / MINUTE_MS) : -Infinity,
    );
    const toMin = Math.min(
      Math.ceil((stay.toMs ?? nowMs + MINUTE_MS) / MINUTE_MS),
      Number.isFinite(range.toMs) ? Math.ceil(range.toMs / MINUTE_MS) : Infinity,
    );
    return toMin > fromMin ? [{ stay, index, fromMin, toMin }] : [];
  });
  return {
    empty: list.length === 0,
    arrays: [
      list.map((w) => w.stay.workstationId),
      list.map((w) => w.stay.bedId),
      list.map((w) => w.fromMin),
      list.map((w) => w.toMin),
      list.map((w) => w.index),
    ],
  };
}

/** The stay a rollup minute belongs to (its start falls in the stay). */
export function stayOfMinute(all: Stay[], workstationId: string, bedId: string, minute: number) {
  const startMs = minute * MINUTE_MS;
  return (
    all.find(
      (s) =>
        s.workstationId === workstationId &&
        s.bedId === bedId &&
        Math.ceil(s.fromMs / MINUTE_MS) * MINUTE_MS <= startMs &&
        (s.toMs === null || startMs < Math.ceil(s.toMs / MINUTE_MS) * MINUTE_MS),
    ) ?? null
  );
}

interface Member {
  code: MdcRefId;
  n: number;
  total: number;
  min: number;
  max: number;
  unit: string;
  device: string;
}

function minuteInput(stay: Stay, minute: number, members: Member[]): VitalSignInput {
  const values: VitalSignValue[] = members.map((m) => ({
    code: m.code,
    value: m.total / m.n,
    unit: m.unit || MDC[m.code].unit,
    count: m.n,
    min: m.min,
    max: m.max,
  }));
  const panel = members.length > 1;
  return {
    id: ids.minute(stay.workstationId, stay.bedId, minute, panel ? BP_PANEL : members[0]!.code),
    patientId: stay.patientId,
    encounterId: stay.id,
    deviceId: ids.device(stay.workstationId, members[0]!.device),
    values,
    atMs: minute * MINUTE_MS,
    untilMs: (minute + 1) * MINUTE_MS,
  };
}

function minuteObservation(stay: Stay, minute: number, members: Member[]): FhirResource {
  return vitalSignObservation(minuteInput(stay, minute, members));
}

function deferredMinuteObservation(stay: Stay, minute: number, members: Member[]) {
  const input = minuteInput(stay, minute, members);
  return new DeferredResource(
    'Observation',
    input.id,
    () => vitalSignObservation(input),
    () => vitalSignObservationText(input),
  );
}

/** Per-minute rollups, sys and dia of a minute as one BP panel, ordered by minute then code. */
export async function minuteRollups(db: Database, q: VitalsQuery): Promise<Page> {
  const { groups, more } = await minuteGroups(db, q);
  return {
    resources: groups.map((g) => minuteObservation(q.stays[g.stay]!, g.minute, g.members)),
    more,
  };
}

/** The same rollups, each made only when its part of the Bundle is written. */
export async function deferredMinuteRollups(
  db: Database,
  q: VitalsQuery,
): Promise<{ resources: DeferredResource[]; more: boolean }> {
  const { groups, more } = await minuteGroups(db, q);
  return {
    resources: groups.map((g) => deferredMinuteObservation(q.stays[g.stay]!, g.minute, g.members)),
    more,
  };
}

async function minuteGroups(db: Database, q: VitalsQuery) {
  const { empty, arrays } = minuteWindowArrays(q.stays, q.range, q.nowMs);
  if (empty || q.codes.length === 0) return { groups: [], more: false };
  // Flat rows (no JSON built in SQL), the page cut by (minute, observation, stay) so that the
  // systolic and diastolic of a panel never fall on two pages.
  const { rows } = await db.query<Member & { stay: number; minute: string; obs: string }>(
    `WITH w AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::int[])
         AS w (ws, bed, from_min, to_min, stay)),
     m AS (
       SELECT w.stay, m.minute, m.code, m.n, m.total, m.min, m.max, m.unit, m.device_id AS device,
         CASE WHEN m.code = ANY($7::text[]) THEN '${BP_PANEL}' ELSE m.code END AS obs
       FROM w CROSS JOIN LATERAL (
         SELECT * FROM numeric_minutes m
         WHERE m.workstation_id = w.ws AND m.bed_id = w.bed
           AND m.minute >= w.from_min AND m.minute < w.to_min AND m.code = ANY($6::text[])) m),
     g AS (
       SELECT DISTINCT minute, obs, stay FROM m ORDER BY minute, obs, stay LIMIT $8 OFFSET $9)
     SELECT m.* FROM m JOIN g USING (minute, obs, stay)
     ORDER BY m.minute, m.obs, m.stay, m.code DESC`,
    [...arrays, [...q.codes], BP_CODES, q.limit + 1, q.offset],
  );
  const groups: { stay: number; minute: number; members: Member[] }[] = [];
  for (const r of rows) {
    const last = groups[groups.length - 1];
    const minute = Number(r.minute);
    if (
      last &&
      last.minute === minute &&
      last.stay === r.stay &&
      r.obs === BP_PANEL &&
      last.members[0]!.code !== r.code &&
      BP_CODES.includes(last.members[0]!.code)
    ) {
      last.members.push(r);
    } else groups.push({ stay: r.stay, minute, members: [r] });
  }
  return { groups: groups.slice(0, q.limit), more: groups.length > q.limit };
}

/** How many rollups a search matches (for _summary=count). */
export async function countMinuteRollups(db: Database, q: VitalsQuery): Promise<number> {
  const { empty, arrays } = minuteWindowArrays(q.stays, q.range, q.nowMs);
  if (empty || q.codes.length === 0) return 0;
  const { rows } = await db.query<{ n: string }>(
    `WITH w AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::int[])
         AS w (ws, bed, from_min, to_min, stay))
     SELECT count(DISTINCT (w.stay, m.minute,
       CASE WHEN m.code = ANY($7::text[]) THEN '${BP_PANEL}' ELSE m.code END)) AS n
     FROM w JOIN numeric_minutes m
       ON m.workstation_id = w.ws AND m.bed_id = w.bed
      AND m.minute >= w.from_min AND m.minute < w.to_min AND m.code = ANY($6::text[])`,
    [...arrays, [...q.codes], BP_CODES],
  );
  return Number(rows[0]!.n);
}

interface RawRow {
  stay: number;
  id: string;
  code: MdcRefId;
  value: number;
  unit: string;
  at_ms: string;
  device_id: string;
}

function rawObservation(stay: Stay, r: Omit<RawRow, 'stay'>): FhirResource {
  return vitalSignObservation({
    id: ids.row('obs', stay.workstationId, r.id),
    patientId: stay.patientId,
    encounterId: stay.id,
    deviceId: ids.device(stay.workstationId, r.device_id),
    values: [{ code: r.code, value: r.value, unit: r.unit || MDC[r.code].unit }],
    atMs: Number(r.at_ms),
  });
}

/** Every reading as stored, ordered by time (the numerics' (bed, code, time) index). */
export async function rawReadings(db: Database, q: VitalsQuery): Promise<Page> {
  const list = windows(q.stays, q.range, q.nowMs);
  if (list.length === 0 || q.codes.length === 0) return { resources: [], more: false };
  const { rows } = await db.query<RawRow>(
    `WITH w AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::int[])
         AS w (ws, bed, from_ms, to_ms, stay))
     SELECT w.stay, n.id, n.code, n.value, n.unit, n.at_ms, n.device_id
     FROM w CROSS JOIN LATERAL (
       SELECT * FROM numerics n
       WHERE n.workstation_id = w.ws AND n.bed_id = w.bed AND n.code = ANY($6::text[])
         AND n.at_ms >= w.from_ms AND n.at_ms < w.to_ms) n
     ORDER BY n.at_ms, n.code, n.id
     LIMIT $7 OFFSET $8`,
    [...windowArrays(list), [...q.codes], q.limit + 1, q.offset],
  );
  return {
    resources: rows.slice(0, q.limit).map((r) => rawObservation(q.stays[r.stay]!, r)),
    more: rows.length > q.limit,
  };
}

/** How many readings a raw search matches (for _summary=count). */
export async function countRawReadings(db: Database, q: VitalsQuery): Promise<number> {
  const list = windows(q.stays, q.range, q.nowMs);
  if (list.length === 0 || q.codes.length === 0) return 0;
  const { rows } = await db.query<{ n: string }>(
    `WITH w AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::int[])
         AS w (ws, bed, from_ms, to_ms, stay))
     SELECT count(*) AS n FROM w JOIN numerics n
       ON n.workstation_id = w.ws AND n.bed_id = w.bed AND n.code = ANY($6::text[])
      AND n.at_ms >= w.from_ms AND n.at_ms < w.to_ms`,
    [...windowArrays(list), [...q.codes]],
  );
  return Number(rows[0]!.n);
}

/** One reading by its row (Observation read of an `obs-…` id). */
export async function rawReading(
  db: Database,
  workstationIds: string[],
  uuid: string,
  staysOf: (workstationId: string, bedId: string) => Promise<Stay[]>,
  stayAt: (all: Stay[], ws: string, bed: string, atMs: number) => Stay | null,
): Promise<FhirResource | null> {
  const { rows } = await db.query<
    Omit<RawRow, 'stay'> & { workstation_id: string; bed_id: string }
  >(
    `SELECT workstation_id, bed_id, id, code, value, unit, at_ms, device_id FROM numerics
     WHERE workstation_id = ANY($1) AND id = $2::uuid`,
    [workstationIds, uuid],
  );
  const row = rows[0];
  if (!row || !Object.hasOwn(VITAL_SIGN_TERMS, row.code)) return null;
  const stay = stayAt(
    await staysOf(row.workstation_id, row.bed_id),
    row.workstation_id,
    row.bed_id,
    Number(row.at_ms),
  );
  return stay ? rawObservation(stay, row) : null;
}

/** One minute's rollup of one code (or the BP panel) of a bed (Observation read of `min-…`). */
export async function minuteRollup(
  db: Database,
  stay: Stay,
  minute: number,
  codeKey: string,
): Promise<FhirResource | null> {
  const codes =
    codeKey === textKey(BP_PANEL)
      ? BP_CODES
      : ALL_VITAL_CODES.filter((c) => textKey(c) === codeKey);
  if (codes.length === 0) return null;
  const { rows } = await db.query<Member>(
    `SELECT code, n, total, min, max, unit, device_id AS device FROM numeric_minutes
     WHERE workstation_id = $1 AND bed_id = $2 AND minute = $3 AND code = ANY($4::text[])
     ORDER BY code DESC`,
    [stay.workstationId, stay.bedId, minute, codes],
  );
  if (rows.length === 0 || (codeKey === textKey(BP_PANEL) && rows.length < 2)) return null;
  return minuteObservation(stay, minute, rows);
}

export interface StripQuery {
  stay: Stay;
  fromMs: number;
  toMs: number;
  /** Waveform terms asked for; all channels when null. */
  terms: readonly MdcRefId[] | null;
  /** Only the channel whose key (device|channel|rate) hashes to this (a read by id). */
  channelKey?: string;
}

/** One Observation per channel of the bed in the window, gaps marked "E". */
export async function waveformStrips(db: Database, q: StripQuery): Promise<FhirResource[]> {
  const { workstationId, bedId } = q.stay;
  const segments = await postgresHistory(db).waveformWindow({
    workstationId,
    bedId,
    fromMs: q.fromMs,
    toMs: q.toMs,
  });
  const byChannel = new Map<string, typeof segments>();
  for (const s of segments) {
    const key = `${s.deviceId}|${s.channel}|${s.rateHz}`;
    byChannel.set(key, [...(byChannel.get(key) ?? []), s]);
  }
  const out: FhirResource[] = [];
  for (const [key, parts] of [...byChannel].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const first = parts[0]!;
    const term = waveformTermOf(first.channel);
    if (q.channelKey !== undefined && textKey(key) !== q.channelKey) continue;
    if (q.terms && (!term || !q.terms.includes(term))) continue;
    const periodMs = 1000 / first.rateHz;
    const last = parts[parts.length - 1]!;
    const length = Math.round((last.t0Ms - first.t0Ms) / periodMs) + last.values.length;
    const values = new Array<number>(length).fill(NaN);
    for (const part of parts) {
      const at = Math.round((part.t0Ms - first.t0Ms) / periodMs);
      part.values.forEach((v, i) => (values[at + i] = v));
    }
    out.push(
      waveformObservation({
        id: ids.strip(workstationId, bedId, key, q.fromMs, q.toMs),
        patientId: q.stay.patientId,
        encounterId: q.stay.id,
        deviceId: ids.device(workstationId, first.deviceId),
        channel: first.label ?? first.channel,
        term,
        unit: first.unit ?? (term ? MDC[term].unit : ''),
        rateHz: first.rateHz,
        scale: first.scale ?? null,
        startMs: first.t0Ms,
        values,
      }),
    );
  }
  return out;
}
