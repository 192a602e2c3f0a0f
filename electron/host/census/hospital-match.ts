// Whether a patient in a bed here is the hospital's patient of the same MRN as the hospital
// records them. Pure. Names and dates of birth are compared in any case and spacing ("  van der
// BERG " is "Van der Berg"); a detail the hospital does not give is not a difference. A person's
// "keep ours" holds for the version of ours and the hospital's details it was decided on only.
import type { CensusEntry } from '../../../shared/sync/census';
import type { HospitalDetail, HospitalMatch } from '../../../shared/api/contract-census';
import type { Demographics, PatientVersion } from '../../../shared/api/contract-patients';

/** A patient in a bed here, with the version of their details now. */
export interface PatientInBed {
  patientId: string;
  bedId: string;
  bedLabel: string;
  ours: PatientVersion;
}

export interface KeptOursDecision {
  versionId: string;
  hospitalDetails: string;
  actor: string;
  atMs: number;
}

/** A name or date as compared: NFC, trimmed, inner spaces as one, any case. */
export function comparable(text: string | null): string {
  return (text ?? '').normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('en');
}

const DETAILS: readonly HospitalDetail[] = ['familyName', 'givenName', 'birthDate'];

/** The details the hospital gives that differ from ours. */
export function differencesWith(ours: Demographics, hospital: CensusEntry): HospitalDetail[] {
  return DETAILS.filter((detail) => {
    const theirs = hospital[detail];
    return theirs !== null && comparable(theirs) !== comparable(ours[detail]);
  });
}

/** The hospital's details as compared, to know whether a decision about them still holds. */
export function hospitalDetailsKey(hospital: CensusEntry): string {
  return JSON.stringify(DETAILS.map((detail) => comparable(hospital[detail])));
}

/** Ours with the hospital's details where it gives them (MRN and category stay ours). */
export function hospitalDetailsFor(ours: Demographics, hospital: CensusEntry): Demographics {
  return {
    familyName: hospital.familyName?.trim() || ours.familyName,
    givenName: hospital.givenName?.trim() || ours.givenName,
    birthDate: hospital.birthDate ?? ours.birthDate,
  };
}

export function matchOf(
  place: PatientInBed,
  hospital: CensusEntry | null,
  kept: KeptOursDecision | null,
): HospitalMatch {
  const base = { ...place, mrn: place.ours.mrn, hospital, keptOurs: null };
  if (hospital === null) return { ...base, state: 'not-on-list', differences: [] };
  const differences = differencesWith(place.ours, hospital);
  if (differences.length === 0) return { ...base, state: 'same', differences };
  const holds =
    kept !== null &&
    kept.versionId === place.ours.versionId &&
    kept.hospitalDetails === hospitalDetailsKey(hospital);
  return holds
    ? { ...base, state: 'kept-ours', differences, keptOurs: { actor: kept.actor, atMs: kept.atMs } }
    : { ...base, state: 'differs', differences };
}
