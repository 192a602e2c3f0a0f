// Prints a strip from the store: flushes what is queued (the journal holds the last seconds), reads
// the bed's ECG, pleth and respiration over the span, has them laid out as a PDF (by the strip
// worker: strip-renderer.ts) and keeps it with the bed. Used by the manual "print strip" request
// and by the automatic alarm strips.
import type { Numeric } from '../../../shared/model/schemas';
import type { Store, StoredStrip } from '../store/client';
import { ApiError } from '../../../shared/api/errors';
import type { RenderStripPdf } from './strip-render';
import { stripTitle, type StripHeader } from './strip-layout';
import { stripNumerics, stripTraces } from '../../../shared/strips/strip-content';

export { stripNumerics, stripTraces, traceKindOf } from '../../../shared/strips/strip-content';

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
