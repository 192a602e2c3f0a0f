// Reads an ADT message (admit, transfer, discharge, register, update, cancels) into what the census
// needs: the event, the patient (PID), the visit (PV1) and the event times (EVN), or refuses it with
// the ACK code and the reason. Pure: text in, an AdtMessage or an AdtRefusal out.
//
// The refusal rule: AR when the header says we do not take the message at all (not ADT, an event
// we do not handle, a version before 2.3, encoding characters that cannot be read, no control id);
// AE when we take that kind of message but this one's content is wrong (no PID, no MRN, a field
// that is not what its type says). Neither is applied.
import type { CensusLocation } from '../../shared/sync/census';
import { ackedHeaderOf, HL7_ERROR } from './ack';
import type { AckCode, AckedHeader, AckRefusal, Hl7Error } from './ack';
import { Er7Error, findSegment, get, getSubcomponent, parseEr7, parseHl7Time } from './er7';
import type { ParsedMessage, ParsedSegment } from './er7';

export const ADT_EVENTS = ['A01', 'A02', 'A03', 'A04', 'A08', 'A11', 'A13'] as const;
export type AdtEvent = (typeof ADT_EVENTS)[number];

/** What the hospital sent for a field: a value, null for HL7's "" (delete it), undefined for nothing (keep it). */
export type Sent<T> = T | null | undefined;

export interface AdtPatient {
  mrn: string;
  familyName: Sent<string>;
  givenName: Sent<string>;
  /** YYYY-MM-DD; a birth date of year or month only is kept as not sent. */
  birthDate: Sent<string>;
  sex: Sent<string>;
}

export interface AdtVisit {
  /** PV1-2: I inpatient, O outpatient, E emergency, … */
  patientClass: Sent<string>;
  location: Sent<CensusLocation>;
  visitNumber: Sent<string>;
  admittedAtMs: Sent<number>;
  dischargedAtMs: Sent<number>;
}

export interface AdtMessage {
  header: AckedHeader;
  /** Whose control ids these are: MSH-3^MSH-4 (sending application and facility). */
  sender: string;
  controlId: string;
  event: AdtEvent;
  /** EVN-2, when the event was recorded, and EVN-6, when it happened (epoch ms). */
  recordedAtMs: number | null;
  occurredAtMs: number | null;
  patient: AdtPatient;
  visit: AdtVisit;
}

/** A message the listener will not apply: the ACK code, the HL7 error and the reason in words. */
export class AdtRefusal extends Error {
  constructor(
    readonly ack: Exclude<AckCode, 'AA'>,
    readonly refusal: AckRefusal,
    message: string,
  ) {
    super(message);
  }
}

const SEXES = new Set(['F', 'M', 'O', 'U', 'A', 'N']);
const SUPPORTED_VERSION = /^2\.[3-9](\.\d+)?$/;

function refuse(ack: 'AE' | 'AR', error: Hl7Error, text: string, location?: string[]): never {
  throw new AdtRefusal(ack, location ? { error, location } : { error }, text);
}

/**
 * HL7 v2.7 added a fifth encoding character (truncation, usually #) to MSH-2; the ER7 reader takes
 * four. Dropping it changes nothing we read (we never see truncated values marked with it).
 */
function withoutTruncationCharacter(text: string): string {
  const m = /^MSH(.)([^\r\n]{4})([^\r\n])\1/.exec(text);
  if (!m) return text;
  const [, field, chars, fifth] = m;
  if (/[A-Za-z0-9\s]/.test(fifth!) || chars!.includes(fifth!) || fifth === field) return text;
  return `MSH${field}${chars}${text.slice(9)}`;
}

/** Parses the ER7 text; an unreadable one is refused AR. */
export function parseAdtText(text: string): ParsedMessage {
  try {
    return parseEr7(withoutTruncationCharacter(text));
  } catch (error) {
    if (!(error instanceof Er7Error)) throw error;
    return refuse(
      'AR',
      HL7_ERROR.dataType,
      `Not a readable HL7 v2 message: ${error.message}`,
      error.message.includes('MSH-2') ? ['MSH', '1', '2'] : undefined,
    );
  }
}

export function readAdt(msg: ParsedMessage): AdtMessage {
  const header = ackedHeaderOf(msg);
  const msh = findSegment(msg, 'MSH');
  const type = get(msg, msh, 9, 1);
  if (type !== 'ADT') {
    refuse(
      'AR',
      HL7_ERROR.unsupportedMessageType,
      `This listener takes ADT messages only; MSH-9 says ${type ? `"${type}"` : 'nothing'}.`,
      ['MSH', '1', '9'],
    );
  }
  if (header.controlId === '') {
    refuse(
      'AR',
      HL7_ERROR.requiredFieldMissing,
      'MSH-10 (message control id) is empty: without it a message sent again would be applied twice.',
      ['MSH', '1', '10'],
    );
  }
  if (!SUPPORTED_VERSION.test(header.version)) {
    refuse(
      'AR',
      HL7_ERROR.unsupportedVersion,
      `HL7 version ${header.version ? `"${header.version}"` : '(MSH-12 empty)'} is not taken: ` +
        'send ADT in HL7 v2.3 or later.',
      ['MSH', '1', '12'],
    );
  }
  // MSH-11: a training (T) or debugging (D) feed must not change the live patient list.
  const processingId = get(msg, msh, 11, 1);
  if (processingId !== 'P') {
    refuse(
      'AR',
      HL7_ERROR.tableValueNotFound,
      `MSH-11 (processing id) is ${processingId ? `"${processingId}"` : 'empty'}: only production ` +
        '(P) messages change the patient list.',
      ['MSH', '1', '11'],
    );
  }
  const evn = findSegment(msg, 'EVN');
  const trigger = header.trigger || get(msg, evn, 1);
  if (!(ADT_EVENTS as readonly string[]).includes(trigger)) {
    refuse(
      'AR',
      HL7_ERROR.unsupportedEvent,
      `ADT event ${trigger ? `"${trigger}"` : '(none in MSH-9 or EVN-1)'} is not handled here; ` +
        `this listener applies ${ADT_EVENTS.join(', ')}.`,
      ['MSH', '1', '9'],
    );
  }
  const event = trigger as AdtEvent;
  const pid = findSegment(msg, 'PID');
  if (!pid) {
    refuse('AE', HL7_ERROR.segmentSequence, `ADT^${event} has no PID segment: no patient named.`, [
      'PID',
    ]);
  }
  const patient = readPatient(msg, pid);
  const visit = readVisit(msg, findSegment(msg, 'PV1'));
  if (event === 'A02' && !visit.location) {
    refuse(
      'AE',
      HL7_ERROR.requiredFieldMissing,
      'ADT^A02 (transfer) has no new location in PV1-3.',
      ['PV1', '1', '3'],
    );
  }
  return {
    header,
    sender: `${get(msg, msh, 3)}^${get(msg, msh, 4)}`,
    controlId: header.controlId,
    event,
    recordedAtMs: time(msg, evn, 2, 'EVN') ?? null,
    occurredAtMs: time(msg, evn, 6, 'EVN') ?? null,
    patient,
    visit,
  };
}

function readPatient(msg: ParsedMessage, pid: ParsedSegment): AdtPatient {
  // PID-3 repeats: the identifier of type MR (CX.5), else the first.
  const ids = (pid.fields[3] ?? '').split(msg.encoding.repetition);
  let at = ids.findIndex((_, i) => get(msg, pid, 3, 5, i).toUpperCase() === 'MR');
  if (at < 0) at = 0;
  const mrn = get(msg, pid, 3, 1, at).trim();
  if (mrn === '' || mrn === '""') {
    refuse(
      'AE',
      HL7_ERROR.requiredFieldMissing,
      'PID-3 holds no medical record number: the census keeps patients by MRN.',
      ['PID', '1', '3'],
    );
  }
  if (mrn.length > 64) {
    refuse('AE', HL7_ERROR.dataType, 'The MRN in PID-3 is longer than 64 characters.', [
      'PID',
      '1',
      '3',
    ]);
  }
  // PID-5 repeats: the legal name (XPN.7 = L), else the first.
  const names = (pid.fields[5] ?? '').split(msg.encoding.repetition);
  let name = names.findIndex((_, i) => get(msg, pid, 5, 7, i) === 'L');
  if (name < 0) name = 0;
  const namePart = (component: number, label: string) =>
    bounded(
      sent(pid, 5, getSubcomponent(msg, pid, 5, component, 1, name)),
      100,
      `The ${label} in PID-5 is longer than 100 characters.`,
      ['PID', '1', '5'],
    );
  const sex = sent(pid, 8, get(msg, pid, 8));
  if (typeof sex === 'string' && !SEXES.has(sex.toUpperCase())) {
    refuse(
      'AE',
      HL7_ERROR.tableValueNotFound,
      `PID-8 (sex) "${sex.slice(0, 10)}" is not one of F, M, O, U, A, N.`,
      ['PID', '1', '8'],
    );
  }
  return {
    mrn,
    familyName: namePart(1, 'family name'),
    givenName: namePart(2, 'given name'),
    birthDate: birthDate(msg, pid),
    sex: typeof sex === 'string' ? sex.toUpperCase() : sex,
  };
}

function birthDate(msg: ParsedMessage, pid: ParsedSegment): Sent<string> {
  const raw = sent(pid, 7, get(msg, pid, 7));
  if (typeof raw !== 'string') return raw;
  // A year or a year and month only: known vaguely, kept as not sent rather than made up.
  if (/^\d{4}(\d{2})?$/.test(raw)) return undefined;
  const ms = /^\d{8}/.test(raw) ? parseHl7Time(raw.slice(0, 8)) : null;
  if (ms === null || parseHl7Time(raw) === null) {
    refuse('AE', HL7_ERROR.dataType, `PID-7 (birth date) "${raw.slice(0, 30)}" is not a date.`, [
      'PID',
      '1',
      '7',
    ]);
  }
  return `${raw.slice(0, 4)}-${raw.slice(4, 6)}-${raw.slice(6, 8)}`;
}

function readVisit(msg: ParsedMessage, pv1: ParsedSegment | undefined): AdtVisit {
  if (!pv1) {
    return {
      patientClass: undefined,
      location: undefined,
      visitNumber: undefined,
      admittedAtMs: undefined,
      dischargedAtMs: undefined,
    };
  }
  return {
    patientClass: sent(pv1, 2, get(msg, pv1, 2)),
    location: location(msg, pv1),
    visitNumber: bounded(
      sent(pv1, 19, get(msg, pv1, 19)),
      64,
      'The visit number in PV1-19 is longer than 64 characters.',
      ['PV1', '1', '19'],
    ),
    admittedAtMs: time(msg, pv1, 44, 'PV1'),
    dischargedAtMs: time(msg, pv1, 45, 'PV1'),
  };
}

/** PV1-3 (PL): point of care ^ room ^ bed ^ facility (HD, its namespace id). */
function location(msg: ParsedMessage, pv1: ParsedSegment): Sent<CensusLocation> {
  const raw = pv1.fields[3] ?? '';
  if (raw === '') return undefined;
  if (raw === '""') return null;
  const part = (component: number, label: string) => {
    const text = getSubcomponent(msg, pv1, 3, component, 1).trim();
    if (text.length > 80) {
      refuse('AE', HL7_ERROR.dataType, `The ${label} in PV1-3 is longer than 80 characters.`, [
        'PV1',
        '1',
        '3',
      ]);
    }
    return text === '' || text === '""' ? null : text;
  };
  const found = {
    unit: part(1, 'point of care'),
    room: part(2, 'room'),
    bed: part(3, 'bed'),
    facility: part(4, 'facility'),
  };
  return Object.values(found).some((v) => v !== null) ? found : null;
}

/** A field's text as the hospital sent it: '' is not sent, "" is delete. */
function sent(seg: ParsedSegment, field: number, text: string): Sent<string> {
  const trimmed = text.trim();
  if (seg.fields[field] === '""' || trimmed === '""') return null;
  return trimmed === '' ? undefined : trimmed;
}

function bounded(value: Sent<string>, max: number, text: string, where: string[]): Sent<string> {
  if (typeof value === 'string' && value.length > max) {
    refuse('AE', HL7_ERROR.dataType, text, where);
  }
  return value;
}

/** An HL7 time; one without a zone is the sender's local time, taken as this server's. */
function time(
  msg: ParsedMessage,
  seg: ParsedSegment | undefined,
  field: number,
  name: string,
): Sent<number> {
  if (!seg) return undefined;
  const raw = sent(seg, field, get(msg, seg, field));
  if (typeof raw !== 'string') return raw;
  const ms = parseHl7Time(raw);
  if (ms === null) {
    refuse('AE', HL7_ERROR.dataType, `${name}-${field} "${raw.slice(0, 30)}" is not an HL7 time.`, [
      name,
      '1',
      String(field),
    ]);
  }
  if (/[+-]\d{4}$/.test(raw)) return ms;
  return ms + new Date(ms).getTimezoneOffset() * 60_000;
}
