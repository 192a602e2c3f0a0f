// Everything about a record to import that can be checked before anything is written: its
// signals can be stored, and every time it will put in the store (its span, its annotations) lies
// in the window any request may name. A record that fails here leaves the store untouched.
import {
  EARLIEST_RECORD_MS,
  RECORD_WINDOW_WORDS,
  inRecordWindow,
  latestRecordMs,
} from '../../../shared/api/time-window';
import type { ExportRecord } from './record';

/** How long a record lasts: its longest signal. */
export function recordDurationMs(record: ExportRecord): number {
  return Math.max(...record.channels.map((c) => (c.samples.length * 1000) / c.rateHz));
}

/** Where the record will lie in time, or a sentence saying why it cannot be imported. */
export function recordImportPlan(
  record: ExportRecord,
  startMs: number | undefined,
  nowMs: number,
): { fromMs: number; toMs: number } | { problem: string } {
  if (record.channels.length === 0) return { problem: 'The WFDB record has no signals.' };
  for (const channel of record.channels) {
    if (!(Number.isFinite(channel.rateHz) && channel.rateHz > 0))
      return { problem: `Signal ${channel.label} has no usable sampling frequency.` };
    if (!(Number.isFinite(channel.rawPerUnit) && channel.rawPerUnit !== 0))
      return { problem: `Signal ${channel.label} has no usable gain.` };
    if (!Number.isFinite(channel.baseline))
      return { problem: `Signal ${channel.label} has no usable baseline.` };
  }
  const durationMs = recordDurationMs(record);
  if (!(durationMs > 0)) return { problem: 'The WFDB record has no samples.' };
  // Without a start the record ends now, so it lies within retention.
  const fromMs = startMs ?? Math.round(nowMs - durationMs);
  const toMs = fromMs + durationMs;
  if (!inRecordWindow(fromMs, nowMs) || toMs > latestRecordMs(nowMs)) {
    const days = Math.round(durationMs / 86_400_000);
    return {
      problem:
        `The record would lie outside the times the workstation keeps (${RECORD_WINDOW_WORDS}): ` +
        `it lasts ${days > 0 ? `${days} days` : `${Math.round(durationMs / 1000)} s`}; choose another start.`,
    };
  }
  const outside = record.annotations.find(
    (a) =>
      !Number.isFinite(a.timeMs) ||
      fromMs + a.timeMs < EARLIEST_RECORD_MS ||
      fromMs + a.timeMs > latestRecordMs(nowMs),
  );
  if (outside)
    return {
      problem: `An annotation of the record (${outside.code || 'note'}) lies outside the times the workstation keeps.`,
    };
  return { fromMs, toMs };
}

/** A record that cannot be imported; the message says why, in a sentence. */
export class RecordImportError extends Error {}
