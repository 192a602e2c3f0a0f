// The alarm system's settings and signal states as they cross the api: per-patient limits, the
// bed's audio state (on, paused, off) and the alarms switched off, each with who and why. What a
// person sets belongs to the patient's stay: it follows a transfer, and a discharge or a new
// admission starts again from the unit's defaults with every alarm on.
import { z } from 'zod';

export const PatientCategory = z.enum(['adult', 'paediatric', 'neonatal']);
export type PatientCategory = z.infer<typeof PatientCategory>;

/**
 * Parameters with limits. `arrhythmia` covers the non-lethal rhythm alarms (pause, AF); `news2`
 * the early warning score's urgent and emergency bands.
 */
export const AlarmParameter = z.enum([
  'hr',
  'pr',
  'spo2',
  'rr',
  'nibpSys',
  'nibpDia',
  'nibpMean',
  'temp',
  'arrhythmia',
  'news2',
  // PVCs per minute (a numeric with a high limit), and the ventricular ectopy events of
  // IEC 60601-2-27 arrhythmia monitors, each switched off on its own.
  'pvc',
  'couplet',
  'vRun',
  'bigeminy',
  'trigeminy',
  'rOnT',
]);
export type AlarmParameter = z.infer<typeof AlarmParameter>;

/** The ventricular ectopy events: alarms without limits, each with its own "alarms off". */
export const ECTOPY_EVENT_PARAMETERS = [
  'couplet',
  'vRun',
  'bigeminy',
  'trigeminy',
  'rOnT',
] as const;
export type EctopyEventParameter = (typeof ECTOPY_EVENT_PARAMETERS)[number];

/** Parameters that have numeric limits (every one but the rhythm, score and ectopy events). */
export const LimitedParameter = AlarmParameter.exclude([
  'arrhythmia',
  'news2',
  ...ECTOPY_EVENT_PARAMETERS,
]);
export type LimitedParameter = z.infer<typeof LimitedParameter>;

/**
 * Limits of one parameter in its screen unit; null = that limit is off. Crossing low or high is
 * a medium-priority alarm, crossing extremeLow or extremeHigh a high-priority one.
 */
export const ParameterLimits = z
  .object({
    extremeLow: z.number().finite().nullable(),
    low: z.number().finite().nullable(),
    high: z.number().finite().nullable(),
    extremeHigh: z.number().finite().nullable(),
  })
  .strict()
  .refine(
    (l) => {
      const set = [l.extremeLow, l.low, l.high, l.extremeHigh].filter((v) => v !== null);
      return set.every((v, i) => i === 0 || set[i - 1]! < v);
    },
    { message: 'limits must rise from extreme low to low to high to extreme high' },
  );
export type ParameterLimits = z.infer<typeof ParameterLimits>;

export const AlarmLimits = z
  .object(
    Object.fromEntries(LimitedParameter.options.map((p) => [p, ParameterLimits])) as Record<
      LimitedParameter,
      typeof ParameterLimits
    >,
  )
  .strict();
export type AlarmLimits = z.infer<typeof AlarmLimits>;

export const AlarmAudio = z.object({
  mode: z.enum(['on', 'paused', 'off']),
  /** End of an audio pause. */
  until: z.number().nullable(),
  by: z.string().nullable(),
  reason: z.string().nullable(),
  /** The priority whose sound plays now, or null for silence. */
  sounding: z.enum(['high', 'medium', 'low']).nullable(),
  /** Counts reminder signals for acknowledged alarms; each increase is one reminder to play. */
  reminders: z.number().int().nonnegative(),
  reminderPriority: z.enum(['high', 'medium', 'low']).nullable(),
  /** With audio off: the bed where it was switched off, when the patient came from there. */
  carriedFrom: z.string().nullable().optional(),
});
export type AlarmAudio = z.infer<typeof AlarmAudio>;

export const AlarmOff = z.object({
  parameter: AlarmParameter,
  by: z.string(),
  reason: z.string(),
  since: z.number(),
  /** The bed where it was switched off, when the patient has since been transferred with it. */
  carriedFrom: z.string().nullable().optional(),
});
export type AlarmOff = z.infer<typeof AlarmOff>;

/** Alarm audio switched off for the stay (a 2-minute pause is a moment's, not kept). */
export const AudioOff = z.object({
  by: z.string(),
  reason: z.string(),
  since: z.number(),
  carriedFrom: z.string().nullable().optional(),
});
export type AudioOff = z.infer<typeof AudioOff>;

export const BedAlarmSettings = z.object({
  category: PatientCategory,
  limits: AlarmLimits,
  /** Who last changed the limits, and when; null while they are the category's defaults. */
  changedBy: z.string().nullable(),
  changedAt: z.number().nullable(),
  /**
   * Names this state of the limits: a change must say which state it was edited from, so an editor
   * left open elsewhere cannot undo a newer change.
   */
  version: z.string(),
});
export type BedAlarmSettings = z.infer<typeof BedAlarmSettings>;

/** What a patient's stay keeps of the alarm settings: kept in the store, carried by a transfer. */
export interface StayAlarmSettings {
  category: PatientCategory;
  limits: AlarmLimits;
  alarmsOff: AlarmOff[];
  audioOff: AudioOff | null;
}
