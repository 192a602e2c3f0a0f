// The hospital's patient list on the workstation (spread into `requests` and `streams` in
// contract.ts): searched by a nurse admitting a patient, and compared with the patients in beds
// here. A patient admitted here (offline, the rural case) whose MRN is on the hospital's list with
// other details is a difference shown for a person to resolve: take the hospital's details (a new
// version of the patient's details; the old one stays) or keep ours (audited, asked again when the
// hospital's record changes). Nothing is ever merged without a person.
import { z } from 'zod';
import { CensusEntry } from '../sync/census';
import { PatientVersion } from './contract-patients';

/** The list as this workstation has it: ever pulled, as of when, how many patients. */
export const HospitalListState = z.object({
  /** False until the list was first pulled from a central server. */
  available: z.boolean(),
  /** When the central server last confirmed the list (UTC ms); null when never. */
  asOfMs: z.number().nullable(),
  patients: z.number().int().nonnegative(),
});
export type HospitalListState = z.infer<typeof HospitalListState>;

/** The details the hospital and this workstation may disagree on. */
export const HospitalDetail = z.enum(['familyName', 'givenName', 'birthDate']);
export type HospitalDetail = z.infer<typeof HospitalDetail>;

/**
 * A patient in a bed here, by MRN against the hospital's list:
 * - `same`: the hospital has the same names and date of birth (in any case and spacing);
 * - `differs`: it has other details, for a person to resolve;
 * - `kept-ours`: it differs, and a person chose to keep ours for the hospital's details as they are;
 * - `not-on-list`: the MRN is not on the list (the list may be partial: nothing to do).
 */
export const HospitalMatch = z.object({
  patientId: z.string(),
  bedId: z.string(),
  bedLabel: z.string(),
  mrn: z.string(),
  ours: PatientVersion,
  hospital: CensusEntry.nullable(),
  state: z.enum(['same', 'differs', 'kept-ours', 'not-on-list']),
  differences: z.array(HospitalDetail),
  /** Who kept ours, and when (state `kept-ours`). */
  keptOurs: z.object({ actor: z.string(), atMs: z.number() }).nullable(),
});
export type HospitalMatch = z.infer<typeof HospitalMatch>;

export const HospitalListEvent = HospitalListState.extend({
  /** Every patient in a bed here, in bed order. */
  matches: z.array(HospitalMatch),
});
export type HospitalListEvent = z.infer<typeof HospitalListEvent>;

export const censusRequests = {
  /**
   * Hospital patients whose name or MRN contains the text (any case), admitted ones first, at
   * most 20; with the list's state (never pulled: `available` false, no entries).
   */
  searchCensus: {
    input: z.object({ query: z.string().trim().max(100) }).strict(),
    output: HospitalListState.extend({ entries: z.array(CensusEntry) }),
  },
  /**
   * A person resolves a difference between a patient in a bed here and the hospital's record,
   * for the version of ours and the hospital's record they were shown (either changed since:
   * refused as a `conflict`, look again). `use-hospital`: the hospital's names and date of birth
   * become a new version of the patient's details (the MRN and category stay; the old version
   * stays in their history). `keep-ours`: nothing changes; the decision is audited and asked
   * again if the hospital's record changes. Answers the patient's match now.
   */
  resolveHospitalDifference: {
    input: z
      .object({
        patientId: z.string().min(1).max(64),
        versionId: z.string().min(1).max(64),
        hospitalSeq: z.number().int().positive(),
        choice: z.enum(['use-hospital', 'keep-ours']),
      })
      .strict(),
    output: HospitalMatch,
  },
} as const;

export const censusStreams = {
  /** The list's state and every patient in a bed here against it, now and on every change. */
  hospitalList: { input: z.object({}).strict(), event: HospitalListEvent },
} as const;
