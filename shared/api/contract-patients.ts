// The patients requests of the contract (spread into `requests` in contract.ts): admit a patient
// to a bed, discharge them, transfer them to another bed, and find a patient (in a bed or
// discharged). The host checks what a schema cannot (a real date, not in the future; the bed
// empty; the MRN not in another bed) and answers with a sentence a person can act on.
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

/** A patient found by a search, with where they are now. */
export const PatientWhereabouts = z.object({
  patient: Patient,
  /** The bed they are in now; both null once discharged (or never admitted). */
  bedId: z.string().nullable(),
  bedLabel: z.string().nullable(),
  /** The latest admission event and its time, or null when there is none. */
  lastEvent: z.enum(['admitted', 'transferred', 'discharged']).nullable(),
  lastEventAt: z.number().nullable(),
});
export type PatientWhereabouts = z.infer<typeof PatientWhereabouts>;

export const patientsRequests = {
  /**
   * Admits a patient to an empty bed (by id, or by label: a bed with that label is made when
   * there is none). The bed's alarm limits become the category's defaults. Logged with its author.
   */
  admitPatient: {
    input: PatientDetails.extend({
      bedId: z.string().min(1).optional(),
      bedLabel: z.string().trim().min(1).max(60).optional(),
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
   * Patients whose name or MRN contains the text (any case), discharged ones too, most recently
   * seen first; an empty text lists the most recent patients.
   */
  searchPatients: {
    input: z.object({ query: z.string().trim().max(100) }).strict(),
    output: z.array(PatientWhereabouts),
  },
} as const;
