// What one ADT event does to a patient's census entry. Pure: the entry as it was (or none) and the
// message in, the entry as it becomes and a sentence saying what changed out.
//
// The hospital is the source of truth: an event for an MRN the census does not know yet creates the
// patient in the state the event leads to (an A08 or A02 before its A01 is not lost), and an event
// that does not fit the current state (A13 for a patient not discharged) is applied all the same,
// with a remark in the outcome. A field the message leaves empty keeps its value; HL7's "" clears it.
import type { CensusEntry } from '../../shared/sync/census';
import type { AdtMessage, Sent } from '../hl7/adt-message';

/** A census entry without what the store adds (its seq and when it was applied). */
export type CensusRecord = Omit<CensusEntry, 'seq' | 'updatedAtMs'>;

export interface CensusChange {
  next: CensusRecord;
  created: boolean;
  /** For the ACK and the log: what applying the message did. */
  outcome: string;
}

const merge = <T>(old: T | null, sent: Sent<T>): T | null => (sent === undefined ? old : sent);

export function applyAdtEvent(current: CensusRecord | null, adt: AdtMessage): CensusChange {
  const { patient, visit, event } = adt;
  const was = current ?? {
    mrn: patient.mrn,
    familyName: null,
    givenName: null,
    birthDate: null,
    sex: null,
    status: 'registered' as const,
    visitNumber: null,
    location: null,
    admittedAtMs: null,
    dischargedAtMs: null,
    lastEvent: event,
  };
  const eventAtMs = adt.occurredAtMs ?? adt.recordedAtMs;
  const remarks: string[] = [];
  const next: CensusRecord = {
    ...was,
    // The MRN as the hospital last wrote it (the same in any case).
    mrn: patient.mrn,
    familyName: merge(was.familyName, patient.familyName),
    givenName: merge(was.givenName, patient.givenName),
    birthDate: merge(was.birthDate, patient.birthDate),
    sex: merge(was.sex, patient.sex),
    lastEvent: event,
  };
  const visitFields = () => {
    next.location = merge(was.location, visit.location);
    next.visitNumber = merge(was.visitNumber, visit.visitNumber);
  };
  const notIf = (status: CensusRecord['status'], words: string) => {
    if (current && current.status !== status) remarks.push(words);
  };

  switch (event) {
    case 'A01':
      if (current?.status === 'admitted') remarks.push('was already admitted');
      next.status = 'admitted';
      visitFields();
      next.admittedAtMs = visit.admittedAtMs ?? eventAtMs ?? null;
      next.dischargedAtMs = null;
      break;
    case 'A02':
      notIf('admitted', `transfer of a patient who was ${current?.status}: now admitted`);
      next.status = 'admitted';
      visitFields();
      next.admittedAtMs = merge(was.admittedAtMs, visit.admittedAtMs);
      next.dischargedAtMs = null;
      break;
    case 'A03':
      notIf('admitted', `discharge of a patient who was ${current?.status}`);
      next.status = 'discharged';
      visitFields();
      next.admittedAtMs = merge(was.admittedAtMs, visit.admittedAtMs);
      next.dischargedAtMs = visit.dischargedAtMs ?? eventAtMs ?? null;
      break;
    case 'A04':
      if (current?.status === 'admitted') {
        // An outpatient registration does not end the inpatient stay: demographics only.
        remarks.push('is admitted: the registration changed demographics only');
        break;
      }
      next.status = 'registered';
      visitFields();
      next.admittedAtMs = null;
      next.dischargedAtMs = null;
      break;
    case 'A08':
      visitFields();
      next.admittedAtMs = merge(was.admittedAtMs, visit.admittedAtMs);
      next.dischargedAtMs = merge(was.dischargedAtMs, visit.dischargedAtMs);
      break;
    case 'A11':
      notIf('admitted', `admission cancelled for a patient who was ${current?.status}`);
      next.status = 'registered';
      next.location = null;
      next.visitNumber = null;
      next.admittedAtMs = null;
      next.dischargedAtMs = null;
      break;
    case 'A13':
      notIf('discharged', `discharge cancelled for a patient who was ${current?.status}`);
      next.status = 'admitted';
      visitFields();
      next.admittedAtMs = merge(was.admittedAtMs, visit.admittedAtMs);
      next.dischargedAtMs = null;
      break;
  }
  const state = event === 'A08' ? `updated (${next.status})` : next.status;
  const outcome =
    `${event} applied: MRN ${patient.mrn} ${state}` +
    (current ? '' : ', new to the census') +
    (remarks.length > 0 ? `; ${remarks.join('; ')}` : '') +
    '.';
  return { next, created: current === null, outcome };
}
