// HL7 v2 acknowledgements (original mode) for what the ADT listener receives: MSA-1 AA (applied),
// AE (a message of a kind we take, whose content is wrong: fix it, do not resend it as is) or AR
// (a message we do not take at all: wrong type, event, version, encoding, too large, or the server
// cannot apply it just now), with the reason in MSA-3 and an ERR segment in the v2.5+ layout.
// Pure: header fields in, ER7 text out.
import { findSegment, get, hl7Time, message, repetitions, segment } from './er7';
import type { ParsedMessage } from './er7';

export type AckCode = 'AA' | 'AE' | 'AR';

/** HL7 table 0357, the codes a refusal here can carry in ERR-3. */
export const HL7_ERROR = {
  segmentSequence: { code: '100', text: 'Segment sequence error' },
  requiredFieldMissing: { code: '101', text: 'Required field missing' },
  dataType: { code: '102', text: 'Data type error' },
  tableValueNotFound: { code: '103', text: 'Table value not found' },
  unsupportedMessageType: { code: '200', text: 'Unsupported message type' },
  unsupportedEvent: { code: '201', text: 'Unsupported event code' },
  unsupportedVersion: { code: '203', text: 'Unsupported version id' },
  applicationInternal: { code: '207', text: 'Application internal error' },
} as const;
export type Hl7Error = (typeof HL7_ERROR)[keyof typeof HL7_ERROR];

/** What an acknowledgement echoes of the message it answers (components unescaped). */
export interface AckedHeader {
  sendingApplication: string[];
  sendingFacility: string[];
  receivingApplication: string[];
  receivingFacility: string[];
  /** MSH-10. */
  controlId: string;
  /** MSH-9.2, e.g. A01 ('' when unknown). */
  trigger: string;
  /** MSH-11.1, P when absent. */
  processingId: string;
  /** MSH-12.1. */
  version: string;
}

export interface AckRefusal {
  error: Hl7Error;
  /** ERR-2: where, e.g. ['PID', '1', '3'] for PID-3. */
  location?: string[];
}

export interface AckInput {
  /** The message answered; null when not even its MSH could be read. */
  answered: AckedHeader | null;
  code: AckCode;
  /** MSA-3 and ERR-8: what happened, in words. */
  text: string;
  /** With AE and AR: the ERR segment's code and location. */
  refusal?: AckRefusal;
  /** This acknowledgement's own MSH-10. */
  controlId: string;
  nowMs: number;
}

/** Who we are when the message did not say whom it was for. */
export const OWN_APPLICATION = 'CENTRAL';
/** The version we answer in when the message's own cannot be used. */
export const ACK_DEFAULT_VERSION = '2.5';
/** ERR-8 is 250 characters at most in HL7 v2.5. */
const MAX_TEXT_CHARS = 250;

export function buildAck(input: AckInput): string {
  const a = input.answered;
  const text = input.text.replace(/[\r\n]+/g, ' ').slice(0, MAX_TEXT_CHARS);
  const version = a && /^2\.[3-9](\.\d+)?$/.test(a.version) ? a.version : ACK_DEFAULT_VERSION;
  const own = (components: string[] | undefined) =>
    components && components.some((c) => c !== '') ? components : [OWN_APPLICATION];
  const segments = [
    segment(
      'MSH',
      own(a?.receivingApplication),
      a?.receivingFacility ?? null,
      a?.sendingApplication ?? null,
      a?.sendingFacility ?? null,
      hl7Time(input.nowMs),
      null,
      a?.trigger ? ['ACK', a.trigger, 'ACK'] : 'ACK',
      input.controlId,
      a?.processingId || 'P',
      version,
    ),
    segment('MSA', input.code, a?.controlId ?? null, text),
  ];
  if (input.code !== 'AA' && input.refusal) {
    const { error, location } = input.refusal;
    segments.push(
      segment(
        'ERR',
        null,
        location ?? null,
        [error.code, error.text, 'HL70357'],
        'E',
        null,
        null,
        null,
        text,
      ),
    );
  }
  return message(segments);
}

/** The header of a parsed message, for its acknowledgement. */
export function ackedHeaderOf(msg: ParsedMessage): AckedHeader {
  const msh = findSegment(msg, 'MSH');
  const hd = (field: number) => repetitions(msg, msh, field)[0] ?? [];
  return {
    sendingApplication: hd(3),
    sendingFacility: hd(4),
    receivingApplication: hd(5),
    receivingFacility: hd(6),
    controlId: get(msg, msh, 10),
    trigger: get(msg, msh, 9, 2),
    processingId: get(msg, msh, 11),
    version: get(msg, msh, 12),
  };
}

/**
 * Best effort for a message that cannot be parsed: its MSH fields split by the field separator
 * it seems to use, each kept whole (its components cannot be trusted), so the NAK still names
 * the control id. Null when the text does not begin with MSH.
 */
export function roughHeaderOf(text: string): AckedHeader | null {
  if (!text.startsWith('MSH') || text.length < 4) return null;
  const line = text.split(/\r|\n/, 1)[0]!;
  const fields = line.split(line[3]!);
  // fields[1] is MSH-2, so MSH-n is fields[n - 1].
  const at = (n: number) => printable(fields[n - 1] ?? '');
  return {
    sendingApplication: [at(3)],
    sendingFacility: [at(4)],
    receivingApplication: [at(5)],
    receivingFacility: [at(6)],
    controlId: at(10),
    trigger: /^[A-Z]\d{2}$/.test(at(9).split('^')[1] ?? '') ? at(9).split('^')[1]! : '',
    processingId: /^[PTD]$/.test(at(11)) ? at(11) : 'P',
    version: at(12),
  };
}

function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '').slice(0, 100);
}
