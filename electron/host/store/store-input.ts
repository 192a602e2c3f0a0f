// What callers hand to the store, checked on the main thread before it is queued: one bad row is
// reported and refused on its own instead of failing the whole batch it would have joined.
import { z } from 'zod';
import { AlarmKind, AlarmPriority, SampleBlock, UtcMs } from '../../../shared/model/schemas';
import { findNonInt32 } from './waveform-codec';

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

/** Why a sample block cannot be stored, or null if it can. */
export function sampleBlockProblem(block: SampleBlock): string | null {
  const parsed = SampleBlock.safeParse(block);
  if (!parsed.success) return z.prettifyError(parsed.error);
  const bad = findNonInt32(block.values);
  if (bad >= 0) {
    return `sample ${bad} is ${String(block.values[bad])}; only whole numbers from -2147483648 to 2147483647 can be stored`;
  }
  return null;
}

/** Why a row does not fit its schema, in one line, or null if it fits. */
export function rowProblem(schema: z.ZodType, row: unknown): string | null {
  const parsed = schema.safeParse(row);
  return parsed.success ? null : z.prettifyError(parsed.error).replaceAll('\n', ' ');
}
