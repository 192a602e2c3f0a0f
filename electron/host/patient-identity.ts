// Whether an admission names a patient the workstation knows, and what it may do with their
// record. An MRN is one person, in any case; a record is never overwritten: details that differ
// from the record's (names, date of birth) become a new version only once a person confirmed,
// for the version they were shown, that it is the same person.
import type {
  Demographics,
  PatientDetails,
  PatientVersion,
  SameMrnQuestion,
  SamePersonConfirmation,
} from '../../shared/api/contract-patients';

/** The current record of a patient under an MRN, as the store has it. */
export interface KnownPatient {
  patientId: string;
  current: PatientVersion;
}

export type IdentityDecision =
  /** No patient has this MRN: a new patient. */
  | { kind: 'new' }
  /** The same patient; `newVersion` when their details (or only their category) change. */
  | { kind: 'known'; patientId: string; versionId: string; newVersion: boolean }
  /** The MRN is someone's with other details: a person must say whether it is the same person. */
  | { kind: 'ask'; question: SameMrnQuestion };

/** MRNs are compared in any case and without surrounding spaces: "demo-0001" is "DEMO-0001". */
export function mrnKey(mrn: string): string {
  return mrn.trim().toLowerCase();
}

export function sameMrn(a: string, b: string): boolean {
  return mrnKey(a) === mrnKey(b);
}

/** Same names and date of birth, exactly as written (a different spelling is asked about). */
export function sameDemographics(a: Demographics, b: Demographics): boolean {
  return (
    a.familyName === b.familyName && a.givenName === b.givenName && a.birthDate === b.birthDate
  );
}

export function decideIdentity(
  known: KnownPatient | null,
  entered: PatientDetails,
  confirmation?: SamePersonConfirmation,
): IdentityDecision {
  if (known === null) return { kind: 'new' };
  const { patientId, current } = known;
  const same = { kind: 'known', patientId, versionId: current.versionId } as const;
  if (sameDemographics(current, entered)) {
    return { ...same, newVersion: current.category !== entered.category };
  }
  const confirmed =
    confirmation?.patientId === patientId && confirmation.versionId === current.versionId;
  if (confirmed) return { ...same, newVersion: true };
  return {
    kind: 'ask',
    question: {
      question: 'same-person',
      patientId,
      stored: current,
      entered,
      stale: confirmation !== undefined,
    },
  };
}

/** "Test, Bob, born 1950-01-31": a version of a patient's details in a sentence. */
export function describeDemographics(d: Demographics): string {
  return `${d.familyName}, ${d.givenName}, born ${d.birthDate}`;
}

/** The sentence of the refusal, with both sets of details, saying what to do. */
export function sameMrnSentence(question: SameMrnQuestion): string {
  const { stored, entered } = question;
  const record = `MRN ${stored.mrn} is ${describeDemographics(stored)} on this workstation`;
  if (question.stale) {
    return (
      `${record}: the record changed since it was shown (recorded by ${stored.recordedBy}).` +
      ` Look at it again and confirm whether ${describeDemographics(entered)} is the same person.`
    );
  }
  return (
    `${record}, not ${describeDemographics(entered)}.` +
    ' Confirm it is the same person to keep the new details (the old ones stay in their history),' +
    ' or check the MRN.'
  );
}
