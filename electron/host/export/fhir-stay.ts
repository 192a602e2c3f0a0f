// A patient's stay on this workstation as a FHIR R4 Bundle of type collection, for a clinic with no
// central server: the patient, an Encounter and a bed Location for each bed of the stay (admitted,
// then each transfer, until the discharge or now), the vital signs as per-minute rollups, the
// alarms as DetectedIssue, ECG strips and notes as DocumentReference, and the devices that
// measured. The same mapping as the central server's api (shared/fhir). Waveforms stay out: the
// WFDB and EDF+ exports carry them whole.
import { MDC, type MdcRefId } from '../../../shared/codes/mdc';
import {
  alarmDetectedIssue,
  bedLocationResource,
  collectionBundle,
  deviceModelOf,
  deviceResource,
  encounterResource,
  noteDocument,
  patientResource,
  stripDocument,
  VITAL_SIGN_TERMS,
  vitalSignObservation,
  type FhirResource,
  type VitalSignValue,
} from '../../../shared/fhir';
import type { Store } from '../store/client';

export class FhirExportError extends Error {}

export interface FhirStayQuery {
  /** The patient's MRN, or their id on this workstation. */
  patient: string;
  /** A moment within the stay to export; the most recent stay without. */
  atMs?: number;
  /** Who asked, for the audit trail. */
  actor: string;
  workstationId: string;
  nowMs: number;
}

export interface FhirStayExport {
  bundle: FhirResource;
  counts: Record<string, number>;
  fromMs: number;
  toMs: number | null;
}

interface Segment {
  bedId: string;
  bedLabel: string;
  fromMs: number;
  toMs: number | null;
}

const MINUTE_MS = 60_000;
const BEAT_MARK_KIND = 'beat';
const VITAL_CODES = Object.keys(VITAL_SIGN_TERMS) as MdcRefId[];
/** A bed's trend is read a day at a time (per-minute points: 1,440 per code). */
const READ_SPAN_MS = 24 * 60 * MINUTE_MS;

/** The stays (admission to discharge, through transfers) of a patient, as bed segments. */
function staysOf(events: { event: string; bedId: string; bedLabel: string; at: number }[]) {
  const stays: Segment[][] = [];
  let open: Segment | null = null;
  for (const e of events) {
    if (open) open.toMs = e.at;
    open = null;
    if (e.event === 'discharged') continue;
    if (e.event === 'admitted' || stays.length === 0) stays.push([]);
    open = { bedId: e.bedId, bedLabel: e.bedLabel, fromMs: e.at, toMs: null };
    stays.at(-1)!.push(open);
  }
  return stays;
}

/** Ids a FHIR server accepts ([A-Za-z0-9-.], at most 64) from this workstation's keys. */
const fhirId = (...parts: (string | number)[]) =>
  parts
    .join('-')
    .replace(/[^A-Za-z0-9.-]/g, '-')
    .slice(0, 64);

export async function exportStayAsFhir(
  store: Store,
  query: FhirStayQuery,
): Promise<FhirStayExport> {
  const record = await store.findPatientByMrn(query.patient);
  const patientId = record?.patient.id ?? query.patient;
  const history = await store.readPatientHistory(patientId).catch(() => null);
  if (!history) {
    throw new FhirExportError(
      `No patient with MRN or id "${query.patient}" is known on this workstation.`,
    );
  }
  const stays = staysOf(history.events);
  if (stays.length === 0) throw new FhirExportError('This patient has never been in a bed here.');
  const stay =
    query.atMs === undefined
      ? stays.at(-1)!
      : stays.find(
          (s) => s[0]!.fromMs <= query.atMs! && (s.at(-1)!.toMs ?? Infinity) > query.atMs!,
        );
  if (!stay) {
    throw new FhirExportError(
      `The patient was not in a bed here at ${new Date(query.atMs!).toISOString()}.`,
    );
  }

  const p = history.patient;
  const resources: FhirResource[] = [
    patientResource({
      id: p.id,
      mrn: p.mrn || null,
      familyName: p.familyName || null,
      givenName: p.givenName || null,
      birthDate: p.birthDate || null,
    }),
  ];
  const counts: Record<string, number> = {};
  const add = (resource: FhirResource) => {
    resources.push(resource);
    counts[resource.resourceType] = (counts[resource.resourceType] ?? 0) + 1;
  };
  counts.Patient = 1;
  const locations = new Set<string>();
  const devices = new Map<string, string>();

  for (const [index, segment] of stay.entries()) {
    const locationId = fhirId('bed', segment.bedId);
    if (!locations.has(locationId)) {
      locations.add(locationId);
      add(
        bedLocationResource({
          id: locationId,
          label: segment.bedLabel,
          unitId: null,
          unitName: null,
        }),
      );
    }
    const encounterId = fhirId('stay', p.id, index);
    add(
      encounterResource({
        id: encounterId,
        patientId: p.id,
        bedLocationId: locationId,
        bedLabel: segment.bedLabel,
        fromMs: segment.fromMs,
        toMs: segment.toMs,
      }),
    );
    const toMs = Math.min(segment.toMs ?? query.nowMs, query.nowMs);
    await addVitalSigns(store, segment, toMs, (minute, values) =>
      add(
        vitalSignObservation({
          id: fhirId('vs', index, values.map((v) => MDC[v.code].code).join('.'), minute),
          patientId: p.id,
          encounterId,
          deviceId: null,
          values,
          atMs: minute,
          untilMs: minute + MINUTE_MS,
        }),
      ),
    );
    for (const channel of await store.readChannels(segment.bedId)) {
      if (!devices.has(channel.deviceId)) devices.set(channel.deviceId, segment.bedId);
    }
    for (const alarm of alarmsOf(
      await store.readAlarmLog(segment.bedId, segment.fromMs, toMs + 1),
    )) {
      add(
        alarmDetectedIssue({
          id: fhirId('alarm', index, alarm.atMs, alarm.code),
          patientId: p.id,
          code: alarm.code,
          message: alarm.message,
          priority: alarm.priority,
          kind: alarm.kind,
          raisedAtMs: alarm.atMs,
          endedAtMs: alarm.endedAtMs,
          deviceId: null,
        }),
      );
    }
    for (const note of await store.readAnnotations(segment.bedId, segment.fromMs, toMs + 1)) {
      if (note.kind === BEAT_MARK_KIND) continue;
      add(
        noteDocument({
          id: fhirId('note', index, note.atMs, counts.DocumentReference ?? 0),
          patientId: p.id,
          encounterId,
          kind: note.kind,
          text: note.text,
          atMs: note.atMs,
          actor: note.actor,
        }),
      );
    }
    for (const strip of await store.listStrips(segment.bedId)) {
      if (strip.fromMs < segment.fromMs || strip.fromMs >= toMs) continue;
      const withPdf = await store.readStrip(strip.id);
      if (!withPdf) continue;
      const pdf = Buffer.from(withPdf.pdf);
      add(
        stripDocument({
          id: fhirId('strip', strip.id),
          patientId: p.id,
          encounterId,
          kind: strip.kind,
          alarmMessage: strip.alarmMessage,
          fromMs: strip.fromMs,
          toMs: strip.toMs,
          createdAtMs: strip.createdAtMs,
          actor: strip.actor,
          pdf: { base64: pdf.toString('base64'), sizeBytes: pdf.length },
        }),
      );
    }
  }
  for (const [deviceId, bedId] of devices) {
    // A device's id is `driver@path` (workstation.ts, resolveDevice).
    const driver = deviceId.split('@')[0] ?? deviceId;
    const model = deviceModelOf(driver);
    add(
      deviceResource({
        id: fhirId('device', deviceId),
        deviceId,
        driver,
        manufacturer: model?.manufacturer ?? null,
        model: model?.model ?? null,
        serial: null,
        active: false,
        bedLocationId: fhirId('bed', bedId),
        bedLabel: stay.find((s) => s.bedId === bedId)?.bedLabel ?? null,
      }),
    );
  }

  const base = `https://${fhirId(query.workstationId)}.workstation.invalid/fhir/r4`;
  await store.recordAuditEvent({
    atMs: query.nowMs,
    actor: query.actor,
    action: 'fhir-export',
    subject: `patient ${p.mrn || p.id}`,
    detail:
      `FHIR Bundle of the stay from ${new Date(stay[0]!.fromMs).toISOString()}: ` +
      Object.entries(counts)
        .map(([type, n]) => `${n} ${type}`)
        .join(', '),
  });
  return {
    bundle: collectionBundle(base, resources, query.nowMs),
    counts,
    fromMs: stay[0]!.fromMs,
    toMs: stay.at(-1)!.toMs,
  };
}

/**
 * The day-long reads of a segment, contiguous: after the first, each begins on a whole minute, so
 * no minute is split between two reads (its rollup would be written twice, with one id).
 */
export function readWindows(
  fromMs: number,
  toMs: number,
  spanMs = READ_SPAN_MS,
): [number, number][] {
  const windows: [number, number][] = [];
  for (let start = fromMs; start < toMs;) {
    const end = Math.min(toMs, Math.floor((start + spanMs) / MINUTE_MS) * MINUTE_MS);
    windows.push([start, end]);
    start = end;
  }
  return windows;
}

/** Each code's per-minute means over the segment; systolic and diastolic of a minute together. */
async function addVitalSigns(
  store: Store,
  segment: Segment,
  toMs: number,
  emit: (minute: number, values: VitalSignValue[]) => void,
): Promise<void> {
  for (const [from, to] of readWindows(segment.fromMs, toMs)) {
    const trends = await store.readTrend({
      bedId: segment.bedId,
      codes: VITAL_CODES,
      fromMs: from,
      toMs: to,
      maxPoints: Math.ceil((to - from) / MINUTE_MS) + 2,
    });
    const byMinute = new Map<number, VitalSignValue[]>();
    for (const trend of trends) {
      const code = trend.code as MdcRefId;
      for (const point of trend.points) {
        const list = byMinute.get(point.t) ?? [];
        list.push({
          code,
          value: point.mean,
          unit: MDC[code].unit,
          min: point.min,
          max: point.max,
        });
        byMinute.set(point.t, list);
      }
    }
    for (const minute of [...byMinute.keys()].sort((a, b) => a - b)) {
      const values = byMinute.get(minute)!;
      const sys = values.find((v) => v.code === 'MDC_PRESS_BLD_NONINV_SYS');
      const dia = values.find((v) => v.code === 'MDC_PRESS_BLD_NONINV_DIA');
      if (sys && dia) emit(minute, [sys, dia]);
      for (const v of values) if (!(sys && dia && (v === sys || v === dia))) emit(minute, [v]);
    }
  }
}

interface AlarmSpan {
  atMs: number;
  endedAtMs: number | null;
  code: string;
  message: string;
  priority: 'high' | 'medium' | 'low' | null;
  kind: 'physiological' | 'technical' | null;
}

const priorityOf = (p: string | null) =>
  (['high', 'medium', 'low'] as const).find((known) => known === p) ?? null;

/** Each alarm raised, with when it ended (the log's raised … ended of the same alarm id). */
function alarmsOf(
  log: {
    atMs: number;
    event: string;
    alarmId: string | null;
    kind: string | null;
    priority: string | null;
    code: string;
    message: string;
  }[],
): AlarmSpan[] {
  const open = new Map<string, AlarmSpan>();
  const spans: AlarmSpan[] = [];
  for (const entry of [...log].sort((a, b) => a.atMs - b.atMs)) {
    if (!entry.alarmId) continue;
    const already = open.get(entry.alarmId);
    if (entry.event === 'escalated' && already) {
      already.priority = priorityOf(entry.priority) ?? already.priority;
      already.message = entry.message;
    } else if (entry.event === 'raised' || entry.event === 'escalated') {
      const span: AlarmSpan = {
        atMs: entry.atMs,
        endedAtMs: null,
        code: entry.code,
        message: entry.message,
        priority: priorityOf(entry.priority),
        kind: (['physiological', 'technical'] as const).find((k) => k === entry.kind) ?? null,
      };
      open.set(entry.alarmId, span);
      spans.push(span);
    } else if (entry.event === 'ended') {
      const span = open.get(entry.alarmId);
      if (span) span.endedAtMs = entry.atMs;
      open.delete(entry.alarmId);
    }
  }
  return spans;
}
