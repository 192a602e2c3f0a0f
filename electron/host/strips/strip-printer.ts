// Prints a strip from the store: flushes what is queued (the journal holds the last seconds), reads
// the bed's ECG, pleth and respiration over the span, has them laid out as a PDF (by the strip
// worker: strip-renderer.ts) and keeps it with the bed. Used by the manual "print strip" request
// and by the automatic alarm strips.
import { MDC } from '../../../shared/codes/mdc';
import type { Numeric } from '../../../shared/model/schemas';
import type { ChannelRecord, Store, StoredStrip, WaveformSegment } from '../store/client';
import { ApiError } from '../../../shared/api/errors';
import type { RenderStripPdf } from './strip-render';
import {
  stripTitle,
  type StripHeader,
  type StripNumeric,
  type StripTrace,
  type TraceKind,
} from './strip-layout';

export type StripStore = Pick<
  Store,
  'flush' | 'readChannels' | 'readWaveformWindow' | 'saveStrip' | 'listStrips' | 'readStrip'
>;

export interface StripPatient {
  name: string;
  mrn: string | null;
}

export interface StripRequest {
  bedId: string;
  bedLabel: string;
  patient: StripPatient | null;
  kind: 'alarm' | 'manual';
  alarmId: string | null;
  alarmMessage: string | null;
  eventMs: number | null;
  fromMs: number;
  toMs: number;
  actor: string;
  /** The bed's numerics at the event (or when printed), keyed by MDC reference id. */
  numerics: Readonly<Record<string, Numeric>>;
  createdAtMs: number;
  /** IANA zone of "local time" on the strip; the workstation's own when absent. */
  timeZone?: string;
}

/** ECG leads first (at most two), then one pleth and one respiration trace. */
const MAX_TRACES: Record<TraceKind, number> = { ecg: 2, pleth: 1, resp: 1 };
const KIND_ORDER: TraceKind[] = ['ecg', 'pleth', 'resp'];
const ECG_LEAD = /^(I|II|III|aVR|aVL|aVF|V[1-6]|MLII|MLI|MLIII|ML[1-3]|MV[1-6])$/i;

/** What a stored channel is on paper, or null when a strip does not print it. */
export function traceKindOf(channel: Pick<ChannelRecord, 'channel' | 'label'>): TraceKind | null {
  const names = `${channel.channel} ${channel.label}`;
  if (/ECG|EKG/i.test(names) || ECG_LEAD.test(channel.channel) || ECG_LEAD.test(channel.label)) {
    return 'ecg';
  }
  if (/PLETH|PPG/i.test(names)) return 'pleth';
  if (/RESP|IMPED|BIOZ/i.test(names)) return 'resp';
  return null;
}

/**
 * Has the strip's PDF made by `render` and stores it; null when that alarm has its strip already.
 * A strip that cannot be made is an ApiError in words for the nurse, made from (`cause`) the
 * renderer's error.
 */
export async function printStrip(
  { store, render }: { store: StripStore; render: RenderStripPdf },
  request: StripRequest,
): Promise<StoredStrip | null> {
  // Samples of the last seconds may still be queued in memory or the journal's batch.
  await store.flush();
  const [channels, segments] = await Promise.all([
    store.readChannels(request.bedId),
    store.readWaveformWindow({
      bedId: request.bedId,
      fromMs: request.fromMs,
      toMs: request.toMs,
    }),
  ]);
  const header: StripHeader = {
    bedLabel: request.bedLabel,
    patient: request.patient,
    kind: request.kind,
    alarmMessage: request.alarmMessage,
    eventMs: request.eventMs,
    fromMs: request.fromMs,
    toMs: request.toMs,
    createdAtMs: request.createdAtMs,
    actor: request.actor,
    ...(request.timeZone ? { timeZone: request.timeZone } : {}),
  };
  const input = {
    header,
    traces: stripTraces(channels, segments),
    numerics: stripNumerics(request.numerics),
  };
  const info = {
    title: `${stripTitle(header)} - ${request.bedLabel}`,
    createdAtMs: request.createdAtMs,
  };
  // The api passes an ApiError's words on to the nurse (anything else reads "Internal error").
  const pdf = await render(input, info).catch((error: unknown) => {
    const why = error instanceof Error ? error.message : String(error);
    const refusal = new ApiError('internal', `The strip could not be printed. ${why}`);
    refusal.cause = error;
    throw refusal;
  });
  return store.saveStrip({
    bedId: request.bedId,
    kind: request.kind,
    alarmId: request.alarmId,
    alarmMessage: request.alarmMessage,
    fromMs: request.fromMs,
    toMs: request.toMs,
    createdAtMs: request.createdAtMs,
    actor: request.actor,
    pdf,
  });
}

/** The stored segments grouped into printable traces, in paper order. */
export function stripTraces(
  channels: readonly ChannelRecord[],
  segments: readonly WaveformSegment[],
): StripTrace[] {
  const traces = new Map<string, StripTrace>();
  for (const segment of segments) {
    const key = `${segment.deviceId}\u0000${segment.channel}\u0000${segment.rateHz}`;
    let trace = traces.get(key);
    if (!trace) {
      const known = channels.find(
        (c) =>
          c.deviceId === segment.deviceId &&
          c.channel === segment.channel &&
          c.rateHz === segment.rateHz,
      );
      const kind = traceKindOf(known ?? { channel: segment.channel, label: segment.channel });
      if (kind === null) continue;
      trace = {
        kind,
        label: known?.label ?? segment.channel,
        unit: known?.unit ?? '{count}',
        scale: known?.scale ?? null,
        rateHz: segment.rateHz,
        segments: [],
      };
      traces.set(key, trace);
    }
    (trace.segments as { t0Ms: number; values: ArrayLike<number> }[]).push(segment);
  }
  // In the order the device declares its channels (its main pleth before a second wavelength).
  const rank = (key: string) => {
    const at = channels.findIndex(
      (c) => `${c.deviceId}\u0000${c.channel}\u0000${c.rateHz}` === key,
    );
    return at === -1 ? channels.length : at;
  };
  const ordered = [...traces].sort(([a], [b]) => rank(a) - rank(b)).map(([, trace]) => trace);
  return KIND_ORDER.flatMap((kind) =>
    ordered.filter((t) => t.kind === kind).slice(0, MAX_TRACES[kind]),
  );
}

/** The numerics a strip prints, in the order a nurse reads them on the monitor. */
const PRINTED_NUMERICS = [
  'MDC_ECG_HEART_RATE',
  'MDC_PULS_OXIM_SAT_O2',
  'MDC_PULS_OXIM_PULS_RATE',
  'MDC_RESP_RATE',
  'MDC_PRESS_BLD_NONINV_SYS',
  'MDC_PRESS_BLD_NONINV_DIA',
  'MDC_TEMP_BODY',
] as const;

export function stripNumerics(numerics: Readonly<Record<string, Numeric>>): StripNumeric[] {
  return PRINTED_NUMERICS.flatMap((refId) => {
    const numeric = numerics[refId];
    if (!numeric) return [];
    const term = MDC[refId];
    return [{ label: term.label, value: numeric.value, unit: term.screenUnit }];
  });
}

/**
 * The patient of a bed snapshot, read defensively (the field is new and may be absent). The name
 * as typed and as on screen ("family, given"): upper-casing would change letters in some
 * languages (Turkish i, German ß).
 */
export function stripPatientOf(bed: unknown): StripPatient | null {
  const patient = (bed as { patient?: unknown } | null)?.patient as
    { familyName?: unknown; givenName?: unknown; mrn?: unknown; name?: unknown } | null | undefined;
  if (!patient || typeof patient !== 'object') return null;
  const name =
    typeof patient.familyName === 'string'
      ? [patient.familyName, patient.givenName].filter((s) => typeof s === 'string' && s).join(', ')
      : typeof patient.name === 'string'
        ? patient.name
        : '';
  if (!name) return null;
  return { name, mrn: typeof patient.mrn === 'string' ? patient.mrn : null };
}
