// Whether an admission is a new patient, the same one again, or a question for a person: an MRN
// is one person in any case, and a record changes only for the version a person confirmed.
import { describe, expect, it } from 'vitest';
import type { PatientVersion } from '../../shared/api/contract-patients';
import { decideIdentity, mrnKey, sameMrn, sameMrnSentence } from './patient-identity';

const stored: PatientVersion = {
  versionId: 'v1',
  mrn: 'FICT-0002',
  familyName: 'Test',
  givenName: 'Bob',
  birthDate: '1950-01-31',
  category: 'adult',
  recordedAt: 0,
  recordedBy: 'nurse.one',
};
const known = { patientId: 'p1', current: stored };
const bob = {
  mrn: 'fict-0002',
  familyName: 'Test',
  givenName: 'Bob',
  birthDate: '1950-01-31',
  category: 'adult' as const,
};
const robert = { ...bob, givenName: 'Robert', birthDate: '1961-07-02' };

describe('patient identity', () => {
  it('compares MRNs in any case, without surrounding spaces', () => {
    expect(sameMrn('DEMO-0001', ' demo-0001 ')).toBe(true);
    expect(sameMrn('DEMO-0001', 'DEMO-0002')).toBe(false);
    expect(mrnKey('Ab-1')).toBe('ab-1');
  });

  it('an unknown MRN is a new patient', () => {
    expect(decideIdentity(null, bob)).toEqual({ kind: 'new' });
  });

  it('the same details under the MRN (in another case) are the same patient, no new version', () => {
    expect(decideIdentity(known, bob)).toEqual({
      kind: 'known',
      patientId: 'p1',
      versionId: 'v1',
      newVersion: false,
    });
  });

  it('only a new category is a new version of the same patient, without asking', () => {
    expect(decideIdentity(known, { ...bob, category: 'paediatric' })).toMatchObject({
      kind: 'known',
      newVersion: true,
    });
  });

  it('other details ask a person, showing both, and never decide on their own', () => {
    const decision = decideIdentity(known, robert);
    expect(decision).toEqual({
      kind: 'ask',
      question: { question: 'same-person', patientId: 'p1', stored, entered: robert, stale: false },
    });
    if (decision.kind !== 'ask') throw new Error('asked');
    expect(sameMrnSentence(decision.question)).toBe(
      'MRN FICT-0002 is Test, Bob, born 1950-01-31 on this workstation, not Test, Robert, born' +
        ' 1961-07-02. Confirm it is the same person to keep the new details (the old ones stay in' +
        ' their history), or check the MRN.',
    );
  });

  it('a confirmation of the version shown makes a new version', () => {
    expect(decideIdentity(known, robert, { patientId: 'p1', versionId: 'v1' })).toEqual({
      kind: 'known',
      patientId: 'p1',
      versionId: 'v1',
      newVersion: true,
    });
  });

  it('a confirmation of an older version, or of another patient, is stale: asked again', () => {
    for (const confirmation of [
      { patientId: 'p1', versionId: 'v0' },
      { patientId: 'p9', versionId: 'v1' },
    ]) {
      const decision = decideIdentity(known, robert, confirmation);
      expect(decision).toMatchObject({ kind: 'ask', question: { stale: true, stored } });
      if (decision.kind === 'ask') {
        expect(sameMrnSentence(decision.question)).toMatch(
          /changed since it was shown .*Look at it again/,
        );
      }
    }
  });
});
