// The hospital's patient list (the census), as the central server learns it from ADT messages and
// the workstations pull it: one entry per hospital patient (by MRN), its latest state, in the
// order the server changed them. The server writes it (server/hl7/adt*); workstations keep a copy
// to admit from, offline too. Pure: no Node.
import { z } from 'zod';

/** GET ?after=SEQ&limit=N with the workstation's credential and the protocol header. */
export const CENSUS_PATH = '/api/sync/census';
export const CENSUS_PAGE_MAX = 500;

/** Where the hospital says the patient is (PV1-3): unit (point of care), room, bed, facility. */
export const CensusLocation = z.object({
  unit: z.string().max(80).nullable(),
  room: z.string().max(80).nullable(),
  bed: z.string().max(80).nullable(),
  facility: z.string().max(80).nullable(),
});
export type CensusLocation = z.infer<typeof CensusLocation>;

/**
 * - `admitted`: an inpatient visit is open (A01, A02 moves it, A13 reopens it);
 * - `registered`: known, with no open inpatient visit (A04, or an admission cancelled by A11);
 * - `discharged`: the last visit ended (A03).
 */
export const CensusStatus = z.enum(['admitted', 'registered', 'discharged']);
export type CensusStatus = z.infer<typeof CensusStatus>;

export const CensusEntry = z.object({
  /** The server's order of change: a cursor goes past it. */
  seq: z.number().int().positive(),
  /** The hospital's medical record number (PID-3 of type MR, else its first identifier). */
  mrn: z.string().min(1).max(64),
  familyName: z.string().max(100).nullable(),
  givenName: z.string().max(100).nullable(),
  /** YYYY-MM-DD. */
  birthDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .nullable(),
  /** PID-8 as sent: F, M, O, U, A, N; null when absent. */
  sex: z.string().max(2).nullable(),
  status: CensusStatus,
  /** PV1-19, the visit (encounter) number. */
  visitNumber: z.string().max(64).nullable(),
  location: CensusLocation.nullable(),
  /** When the hospital admitted (PV1-44) and discharged (PV1-45), epoch ms. */
  admittedAtMs: z.number().int().nullable(),
  dischargedAtMs: z.number().int().nullable(),
  /** When the server applied the message that made this state, epoch ms. */
  updatedAtMs: z.number().int(),
  /** The ADT event that made it: A01, A02, A03, A04, A08, A11, A13. */
  lastEvent: z.string().max(3),
});
export type CensusEntry = z.infer<typeof CensusEntry>;

export const CensusPage = z.object({
  entries: z.array(CensusEntry).max(CENSUS_PAGE_MAX),
  /** The seq to ask after next time (the last entry's, or the one asked with). */
  cursor: z.number().int().nonnegative(),
  /** More entries wait after the cursor. */
  more: z.boolean(),
});
export type CensusPage = z.infer<typeof CensusPage>;
