// The domain model as runtime schemas. Everything that crosses a process or network boundary is
// one of these; the TypeScript types are inferred from them so the two never drift apart.
import { z } from 'zod';
import { AlarmAudio, AlarmOff, BedAlarmSettings, PatientCategory } from './alarms';
import { News2Status } from './news2';

/** Wall-clock time, UTC milliseconds since the Unix epoch. */
export const UtcMs = z.number().finite();

export const DeviceState = z.enum(['connecting', 'connected', 'stale', 'disconnected']);
export type DeviceState = z.infer<typeof DeviceState>;

export const DeviceStatus = z.object({
  id: z.string(),
  driver: z.string(),
  path: z.string(),
  bedId: z.string(),
  state: DeviceState,
  framesOk: z.number().int().nonnegative(),
  framesBad: z.number().int().nonnegative(),
  /** Bytes thrown away between frames (line noise, debug text, broken frames) since connected. */
  bytesSkipped: z.number().int().nonnegative(),
  /** Bytes skipped per second over about the last 10 s: 0 on a clean line. */
  bytesSkippedPerS: z.number().nonnegative(),
  lastFrameAt: UtcMs.nullable(),
  /** What went wrong last, in words a nurse or biomed can act on; null when all is well. */
  problem: z.string().nullable(),
});
export type DeviceStatus = z.infer<typeof DeviceStatus>;

export const Numeric = z.object({
  value: z.number(),
  unit: z.string(),
  at: UtcMs,
  /** Id of the device that measured it: its state says whether the value is current. */
  source: z.string(),
  /** Computed by the workstation from the device's waveform, not reported by the device. */
  computed: z.boolean().optional(),
});
export type Numeric = z.infer<typeof Numeric>;

export const AlarmKind = z.enum(['physiological', 'technical']);
export const AlarmPriority = z.enum(['high', 'medium', 'low']);
export type AlarmPriority = z.infer<typeof AlarmPriority>;
/** active: sounding; acknowledged: silenced by a person, still shown; latched: condition ended, awaits a person. */
export const AlarmState = z.enum(['active', 'acknowledged', 'latched']);
export type AlarmState = z.infer<typeof AlarmState>;

export const Alarm = z.object({
  id: z.string(),
  bedId: z.string(),
  kind: AlarmKind,
  priority: AlarmPriority,
  code: z.string(),
  message: z.string(),
  state: AlarmState,
  since: UtcMs,
  /** The measured value that raised a physiological alarm, and the limit it crossed. */
  value: z.number().nullable(),
  limit: z.number().nullable(),
  /** Device id the condition comes from. */
  source: z.string(),
  /** `device`: the device raised it and the workstation repeats it; `workstation`: our own. */
  origin: z.enum(['workstation', 'device']),
});
export type Alarm = z.infer<typeof Alarm>;

export const WaveformChannel = z.object({
  deviceId: z.string(),
  refId: z.string(),
  label: z.string(),
  /** Unit of the raw values on the wire; `{count}` when the device's scale is not public. */
  unit: z.string(),
  rateHz: z.number().positive(),
  /** Physical units per raw count, or null when the public material does not give it. */
  scale: z.number().nullable(),
});
export type WaveformChannel = z.infer<typeof WaveformChannel>;

export const SampleBlock = z.object({
  bedId: z.string(),
  deviceId: z.string(),
  channel: z.string(),
  rateHz: z.number().positive(),
  /** Time of the first sample. */
  t0: UtcMs,
  /** Raw device values (integers for every driver so far), bit-exact as decoded. */
  values: z.array(z.number()),
});
export type SampleBlock = z.infer<typeof SampleBlock>;

/** A calendar date, YYYY-MM-DD (a date of birth has no time of day and no time zone). */
export const CalendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'A date is written YYYY-MM-DD, for example 1984-03-21.');

/** A patient as the workstation knows them; `id` names the stored record. */
export const Patient = z.object({
  id: z.string(),
  /** Medical record number, as the hospital writes it. */
  mrn: z.string(),
  familyName: z.string(),
  givenName: z.string(),
  birthDate: CalendarDate,
  category: PatientCategory,
});
export type Patient = z.infer<typeof Patient>;

/** Where a bed is when a central server shows the beds of several workstations. */
export const BedSite = z.object({
  unit: z.string().nullable(),
  workstationId: z.string(),
  workstationName: z.string(),
});
export type BedSite = z.infer<typeof BedSite>;

/** A central server's bed whose workstation is out of reach: since when, and its last data. */
export const BedOffline = z.object({ sinceMs: UtcMs, lastDataMs: UtcMs.nullable() });
export type BedOffline = z.infer<typeof BedOffline>;

export const Bed = z.object({
  id: z.string(),
  label: z.string(),
  deviceIds: z.array(z.string()),
  /** Latest numerics keyed by MDC reference id. */
  numerics: z.record(z.string(), Numeric),
  alarms: z.array(Alarm),
  alarmAudio: AlarmAudio,
  alarmsOff: z.array(AlarmOff),
  alarmSettings: BedAlarmSettings,
  /** Who is in the bed now; null for an empty bed. */
  patient: Patient.nullable(),
  /** The early warning score now; null or absent when there is nothing to score. */
  news2: News2Status.nullable().optional(),
  /** Set by a central server only: the unit and workstation the bed belongs to. */
  site: BedSite.optional(),
  /** Set by a central server only: the bed's workstation is offline (nothing shown is live). */
  offline: BedOffline.optional(),
});
export type Bed = z.infer<typeof Bed>;

/** A driver the workstation knows, as a device chooser lists it. */
export const DriverInfo = z.object({
  id: z.string(),
  displayName: z.string(),
  deviceKind: z.string(),
  transport: z.enum(['serial', 'hid']),
});
export type DriverInfo = z.infer<typeof DriverInfo>;

/** A serial port the system lists, with the drivers its USB ids suggest (best first). */
export const PortInfo = z.object({
  path: z.string(),
  vendorId: z.number().int().nullable(),
  productId: z.number().int().nullable(),
  manufacturer: z.string().nullable(),
  candidates: z.array(z.string()),
  /** The device using the port now, or null when it is free. */
  inUseBy: z.string().nullable(),
});
export type PortInfo = z.infer<typeof PortInfo>;

export const Status = z.object({
  devices: z.array(DeviceStatus),
  beds: z.array(Bed),
  /** What a person must know about the workstation's data store (recovered, kept aside…). */
  notices: z.array(z.string()),
  /** Who answers: a workstation (acts on its beds) or a central server (shows, never acts). */
  origin: z.enum(['workstation', 'central']).optional(),
});
export type Status = z.infer<typeof Status>;
