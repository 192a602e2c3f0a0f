// The comparison of a patient in a bed with the hospital's record of the same MRN: any case and
// spacing is the same; a detail the hospital does not give is no difference; a "keep ours" holds
// only for the version and the hospital's details it was decided on.
import { describe, expect, it } from 'vitest';
import type { CensusEntry } from '../../../shared/sync/census';
import {
  comparable,
  differencesWith,
  hospitalDetailsFor,
  hospitalDetailsKey,
  matchOf,
  type PatientInBed,
} from './hospital-match';

const ours = {
  versionId: 'v1',
  mrn: 'FICT-1',
  familyName: 'Van der Test',
  givenName: 'Ada',
  birthDate: '1950-05-06',
  category: 'adult' as const,
  recordedAt: 1,
  recordedBy: 'nurse.ward',
};
const place: PatientInBed = { patientId: 'p1', bedId: 'bed-1', bedLabel: 'Bed 1', ours };

function hospital(over: Partial<CensusEntry> = {}): CensusEntry {
  return {
    seq: 7,
    mrn: 'fict-1',
    familyName: '  van der  TEST ',
    givenName: 'ADA',
    birthDate: '1950-05-06',
    sex: 'F',
    status: 'admitted',
    visitNumber: 'V1',
    location: null,
    admittedAtMs: null,
    dischargedAtMs: null,
    updatedAtMs: 1,
    lastEvent: 'A01',
    ...over,
  };
}

describe('a patient here against the hospital record', () => {
  it('compares in any case and spacing', () => {
    expect(comparable('  van der  TEST ')).toBe('van der test');
    expect(differencesWith(ours, hospital())).toEqual([]);
    expect(matchOf(place, hospital(), null)).toMatchObject({ state: 'same', mrn: 'FICT-1' });
  });

  it('names each detail that differs; one the hospital does not give is none', () => {
    const other = hospital({ familyName: 'Testa', birthDate: '1950-06-05' });
    expect(differencesWith(ours, other)).toEqual(['familyName', 'birthDate']);
    expect(differencesWith(ours, hospital({ givenName: null, birthDate: null }))).toEqual([]);
    expect(hospitalDetailsFor(ours, hospital({ familyName: ' Testa ', givenName: null }))).toEqual({
      familyName: 'Testa',
      givenName: 'Ada',
      birthDate: '1950-05-06',
    });
  });

  it('is not on the list when the hospital has no such MRN', () => {
    expect(matchOf(place, null, null)).toMatchObject({ state: 'not-on-list', differences: [] });
  });

  it('holds a "keep ours" for the version and hospital details decided on only', () => {
    const other = hospital({ familyName: 'Testa' });
    const kept = {
      versionId: 'v1',
      hospitalDetails: hospitalDetailsKey(other),
      actor: 'nurse.ward',
      atMs: 5,
    };
    expect(matchOf(place, other, kept)).toMatchObject({
      state: 'kept-ours',
      keptOurs: { actor: 'nurse.ward', atMs: 5 },
    });
    // Another seq with the same details (an A02 move) still holds; other details ask again.
    expect(matchOf(place, { ...other, seq: 9 }, kept).state).toBe('kept-ours');
    expect(matchOf(place, hospital({ familyName: 'Testo' }), kept).state).toBe('differs');
    expect(matchOf({ ...place, ours: { ...ours, versionId: 'v2' } }, other, kept).state).toBe(
      'differs',
    );
  });
});
