// The central server's admin and read api: enrolment codes, the enrolled workstations, and a
// patient's record across workstations. Protected by the admin token for now (user sign-in comes
// later); the admin page and scripts parse what they receive with these schemas.
import { z } from 'zod';
import { syncedRowSchemas } from './tables';

export const ADMIN_PATHS = {
  /** POST EnrolmentCodeRequest → EnrolmentCodeResponse. */
  enrolmentCodes: '/api/admin/enrolment-codes',
  /** GET → WorkstationList. */
  workstations: '/api/admin/workstations',
  /** POST (no body) → WorkstationSummary. */
  revoke: (workstationId: string) =>
    `/api/admin/workstations/${encodeURIComponent(workstationId)}/revoke`,
  /** GET ?mrn=… → PatientRecord. */
  patientRecord: '/api/records/patient',
} as const;

export const EnrolmentCodeRequest = z
  .object({
    /** The unit the workstation joins ("ICU 2"), told to it on enrolment. */
    unit: z.string().trim().min(1).max(120).nullable().optional(),
    validHours: z
      .number()
      .positive()
      .max(24 * 30)
      .optional(),
    /** To enrol this already enrolled workstation again (a reinstall); absent for a new one. */
    workstationId: z.string().trim().min(1).max(200).nullable().optional(),
  })
  .strict();
export type EnrolmentCodeRequest = z.infer<typeof EnrolmentCodeRequest>;

export const EnrolmentCodeResponse = z.object({
  /** Shown once: only its hash is kept. */
  code: z.string(),
  unit: z.string().nullable(),
  expiresAt: z.string(),
  /** The enrolled workstation this code enrols again; null for a new workstation. */
  workstationId: z.string().nullable(),
});
export type EnrolmentCodeResponse = z.infer<typeof EnrolmentCodeResponse>;

export const WorkstationSummary = z.object({
  id: z.string(),
  name: z.string(),
  unit: z.string().nullable(),
  enrolledAt: z.string(),
  revokedAt: z.string().nullable(),
  lastSeenAt: z.string().nullable(),
  appVersion: z.string(),
  protocol: z.number().int(),
});
export type WorkstationSummary = z.infer<typeof WorkstationSummary>;

export const WorkstationList = z.object({ workstations: z.array(WorkstationSummary) });
export type WorkstationList = z.infer<typeof WorkstationList>;

/** One version of a patient's details as a workstation recorded it, with its ordering stamp. */
export const PatientVersion = syncedRowSchemas.patients.extend({
  /** The hlc, or for a row without one its wall-clock time as a stamp: what orders versions. */
  stamp: z.string(),
});
export type PatientVersion = z.infer<typeof PatientVersion>;

/** A time in one bed of one workstation: from an admission or transfer to the next event. */
export const PatientStay = z.object({
  workstationId: z.string(),
  workstationName: z.string().nullable(),
  unit: z.string().nullable(),
  /** The workstation's own id of its patient (the first row of its chain). */
  patientId: z.string(),
  bedId: z.string(),
  bedLabel: z.string().nullable(),
  /** Wall-clock times as the workstation recorded them (UTC ms). */
  fromMs: z.number(),
  toMs: z.number().nullable(),
});
export type PatientStay = z.infer<typeof PatientStay>;

/** One person (one MRN, in any case) across every workstation that cared for them. */
export const PatientRecord = z.object({
  mrn: z.string(),
  /** The latest version by hybrid logical clock, whichever workstation recorded it. */
  current: PatientVersion,
  /** Every version, oldest first. */
  versions: z.array(PatientVersion),
  /** Every stay, in the order they began. */
  stays: z.array(PatientStay),
});
export type PatientRecord = z.infer<typeof PatientRecord>;
