// The patients requests of the contract (spread into `requests` in contract.ts): admit a patient
// to a bed, discharge them, transfer them to another bed, find a patient (in a bed or discharged)
// and read their history. The host checks what a schema cannot (a real date, not in the future;
// the bed empty; the MRN not in another bed, in any case; an MRN already known with other details
// confirmed as the same person) and answers with a sentence a person can act on.
import { z } from 'zod';
import { PatientCategory } from '../model/alarms';
import { CalendarDate, Patient } from '../model/schemas';

const Name = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `The ${what} is missing.`)
    .max(100, `The ${what} is longer than 100 characters.`);

/** Who the patient is, as the admitting nurse types it. */
export const PatientDetails = z.object({
  familyName: Name('family name'),
  givenName: Name('given name'),
  mrn: z
    .string()
    .trim()
    .min(1, 'The medical record number (MRN) is missing.')
    .max(40, 'The medical record number (MRN) is longer than 40 characters.'),
  birthDate: CalendarDate,
  category: PatientCategory,
});
export type PatientDetails = z.infer<typeof PatientDetails>;

/** The details that say which person this is (with the MRN): names and date of birth. */
export const Demographics = z.object({
  familyName: z.string(),
  givenName: z.string(),
  birthDate: CalendarDate,
});
export type Demographics = z.infer<typeof Demographics>;

/** One version of a patient's details, as it was recorded, by whom and when. */
export const PatientVersion = Demographics.extend({
  versionId: z.string(),
  mrn: z.string(),
  category: PatientCategory,
  recordedAt: z.number(),
  recordedBy: z.string(),
});
export type PatientVersion = z.infer<typeof PatientVersion>;

/** Names the version of a patient's record a person was shown and confirmed as the same person. */
export const SamePersonConfirmation = z
  .object({ patientId: z.string().min(1), versionId: z.string().min(1) })
  .strict();
export type SamePersonConfirmation = z.infer<typeof SamePersonConfirmation>;

/**
 * Why an admission was refused when its MRN is known with other details (the `details` of the
 * `conflict` error): both sets of details, so a person can say whether it is the same person.
 */
export const SameMrnQuestion = z.object({
  question: z.literal('same-person'),
  patientId: z.string(),
  /** The record under this MRN as it is now; confirm this version to admit with the new details. */
  stored: PatientVersion,
  /** What the request entered. */
  entered: PatientDetails,
  /** The request confirmed another version than this one: the record changed since it was shown. */
  stale: z.boolean(),
});
export type SameMrnQuestion = z.infer<typeof SameMrnQuestion>;

/** A patient found by a search, with where they are now. */
export const PatientWhereabouts = z.object({
  patient: Patient,
  /** The bed they are in now; both null once discharged (or never admitted). */
  bedId: z.string().nullable(),
  bedLabel: z.string().nullable(),
  /** The latest admission event and its time, or null when there is none. */
  lastEvent: z.enum(['admitted', 'transferred', 'discharged']).nullable(),
  lastEventAt: z.number().nullable(),
  /** Earlier details of the patient that differ from today's (a former name), newest first. */
  formerly: z.array(Demographics),
});
export type PatientWhereabouts = z.infer<typeof PatientWhereabouts>;

/** A patient's record over time: every version of their details and every move of their stays. */
export const PatientHistory = z.object({
  patient: Patient,
  /** Oldest first; the last one is the patient's details now. */
  versions: z.array(PatientVersion),
  /** Admissions, transfers and discharges, oldest first. */
  events: z.array(
    z.object({
      event: z.enum(['admitted', 'transferred', 'discharged']),
      bedLabel: z.string(),
      at: z.number(),
      actor: z.string(),
    }),
  ),
});
export type PatientHistory = z.infer<typeof PatientHistory>;

export const patientsRequests = {
  /**
   * Admits a patient to an empty bed (by id, or by label: a bed with that label is made when
   * there is none, and only once the admission is made). The bed's alarm limits become the
   * category's defaults. Logged with its author. An MRN the workstation knows with other details
   * (names, date of birth) is refused with a `conflict` whose details are a SameMrnQuestion,
   * unless `samePersonAs` names the version of the record the person was shown: then the new
   * details become a new version of that patient (the old ones stay). Nothing is ever replaced.
   */
  admitPatient: {
    input: PatientDetails.extend({
      bedId: z.string().min(1).optional(),
      bedLabel: z.string().trim().min(1).max(60).optional(),
      samePersonAs: SamePersonConfirmation.optional(),
    })
      .strict()
      .refine((a) => (a.bedId === undefined) !== (a.bedLabel === undefined), {
        message: 'Say which bed: give either its id or its label, not both.',
      }),
    output: Patient,
  },
  /** The patient leaves the bed; the bed's limits go back to the workstation's defaults. */
  dischargePatient: {
    input: z.object({ bedId: z.string().min(1) }).strict(),
    output: Patient,
  },
  /**
   * The patient moves to an empty bed and their alarm limits (category and every limit) go with
   * them; the bed they leave goes back to the workstation's defaults.
   */
  transferPatient: {
    input: z.object({ fromBedId: z.string().min(1), toBedId: z.string().min(1) }).strict(),
    output: Patient,
  },
  /**
   * Patients whose name (now or formerly) or MRN contains the text (any case), discharged ones
   * too, most recently seen first; an empty text lists the most recent patients.
   */
  searchPatients: {
    input: z.object({ query: z.string().trim().max(100) }).strict(),
    output: z.array(PatientWhereabouts),
  },
  /** Every version of a patient's details and every admission, transfer and discharge. */
  patientHistory: {
    input: z.object({ patientId: z.string().min(1).max(64) }).strict(),
    output: PatientHistory,
  },
} as const;
