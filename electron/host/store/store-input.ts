// What callers hand to the store, checked on the main thread before it is queued: one bad row is
// reported and refused on its own instead of failing the whole batch it would have joined.
import { z } from 'zod';
import { AlarmKind, AlarmPriority, SampleBlock, UtcMs } from '../../../shared/model/schemas';
import { findNonInt32 } from '../../../shared/codec/waveform-codec';

export const NumericToStore = z.object({
  bedId: z.string(),
  deviceId: z.string(),
  /** MDC reference id, e.g. MDC_PULS_OXIM_SAT_O2. */
  refId: z.string(),
  value: z.number(),
  unit: z.string(),
  at: UtcMs,
});
export type NumericToStore = z.infer<typeof NumericToStore>;

export const AlarmEventName = z.enum([
  'raised',
  'escalated',
  'acknowledged',
  'latched',
  'ended',
  'reminded',
  'held',
  'audio-paused',
  'audio-resumed',
  'audio-off',
  'audio-on',
  'alarm-off',
  'alarm-on',
  'limits-changed',
]);

export const AlarmEventToStore = z.object({
  bedId: z.string(),
  /** Null, with kind and priority, for a change of the bed's alarm settings or audio. */
  alarmId: z.string().nullable(),
  event: AlarmEventName,
  kind: AlarmKind.nullable(),
  priority: AlarmPriority.nullable(),
  code: z.string(),
  message: z.string(),
  value: z.number().nullable(),
  limit: z.number().nullable(),
  /** The user who acted, or the device whose condition raised or ended the alarm. */
  actor: z.string(),
  at: UtcMs,
  /** Why a person switched something off, or why a condition was held. */
  reason: z.string().nullable().optional(),
  origin: z.enum(['workstation', 'device']).nullable().optional(),
});
export type AlarmEventToStore = z.infer<typeof AlarmEventToStore>;

/**
 * The times a row may carry: 1900-01-01 to 2200-01-01 UTC. The bigint columns hold far more, but
 * nothing clinical lies outside, and a time outside is a mistake (a wrong clock, a bad import)
 * that would fail later where it hurts more (dates in messages, rollup minutes, exports).
 */
export const STORABLE_FROM_MS = Date.UTC(1900, 0, 1);
export const STORABLE_UNTIL_MS = Date.UTC(2200, 0, 1);

/** Why a time cannot be stored, or null if it can. */
export function timeProblem(name: string, ms: number): string | null {
  if (ms >= STORABLE_FROM_MS && ms < STORABLE_UNTIL_MS) return null;
  return `${name} ${String(ms)} is not a time the store keeps (from 1900-01-01 to 2200-01-01 UTC)`;
}

/** PostgreSQL text cannot hold U+0000: a string with one fails the whole insert. */
function textProblem(row: Record<string, unknown>): string | null {
  for (const [name, value] of Object.entries(row)) {
    if (typeof value === 'string' && value.includes('\u0000')) {
      return `${name} contains a NUL character, which text columns cannot hold`;
    }
  }
  return null;
}

/** Why a sample block cannot be stored, or null if it can. */
export function sampleBlockProblem(block: SampleBlock): string | null {
  const parsed = SampleBlock.safeParse(block);
  if (!parsed.success) return z.prettifyError(parsed.error).replaceAll('\n', ' ');
  const endMs = block.t0 + (block.values.length * 1000) / block.rateHz;
  const problem =
    textProblem(block) ?? timeProblem('t0', block.t0) ?? timeProblem('the last sample at', endMs);
  if (problem !== null) return problem;
  const bad = findNonInt32(block.values);
  if (bad >= 0) {
    return `sample ${bad} is ${String(block.values[bad])}; only whole numbers from -2147483648 to 2147483647 can be stored`;
  }
  return null;
}

/** A whole recorded signal (an import): a sample block too long to check value by value in zod. */
export interface WaveformRun {
  bedId: string;
  deviceId: string;
  channel: string;
  rateHz: number;
  /** Time of the first sample, UTC ms. */
  t0: number;
  values: ArrayLike<number>;
}

/** Why a recorded signal cannot be stored, or null if it can: as sampleBlockProblem. */
export function waveformRunProblem(run: WaveformRun): string | null {
  const problem = sampleBlockProblem({ ...run, values: [] });
  if (problem !== null) return problem;
  const endMs = run.t0 + (run.values.length * 1000) / run.rateHz;
  const late = timeProblem('the last sample at', endMs);
  if (late !== null) return late;
  const bad = findNonInt32(run.values);
  if (bad >= 0) {
    return `sample ${bad} is ${String(run.values[bad])}; only whole numbers from -2147483648 to 2147483647 can be stored`;
  }
  return null;
}

/** Why a row does not fit its schema and columns, in one line, or null if it fits. */
export function rowProblem(schema: z.ZodType, row: unknown): string | null {
  const parsed = schema.safeParse(row);
  if (!parsed.success) return z.prettifyError(parsed.error).replaceAll('\n', ' ');
  const { at } = row as { at: number };
  return textProblem(row as Record<string, unknown>) ?? timeProblem('at', at);
}
