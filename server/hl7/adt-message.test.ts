// The ADT reader and the ACK builder, pure: what is read from each field, what is refused with
// which code, and ACKs read back by an independent parser (simple-hl7).
import { describe, expect, it } from 'vitest';
import hl7 from 'simple-hl7';
import { buildAck, HL7_ERROR, roughHeaderOf } from './ack';
import { AdtRefusal, parseAdtText, readAdt } from './adt-message';
import { findSegment, getSubcomponent, parseEr7 } from './er7';
import { frame, MllpDecoder, OVERSIZE_HEAD_BYTES } from './mllp';
import { adtMessage } from '../test-support/adt-feed';

const read = (text: string) => readAdt(parseAdtText(text));

function refusalOf(text: string): AdtRefusal {
  try {
    read(text);
  } catch (error) {
    if (error instanceof AdtRefusal) return error;
    throw error;
  }
  throw new Error('not refused');
}

const A01 = [
  'MSH|^~\\&|ADT_ENGINE|GH|CENTRAL|ICU|20261206120000+0000||ADT^A01^ADT_A01|C1|P|2.5.1',
  'EVN|A01|20261206115500+0000||||20261206115000+0000',
  'PID|1||INS-1^^^PAYER^PI~MRN-7^^^GH&1.2.3&ISO^MR||Testpatient&van^Jane^Q~Alias^Janie^^^^^A|' +
    '|19800229|f',
  'PV1|1|I|ICU^12^B^GH&1.2&ISO||||||||||||||||V-7' + '|'.repeat(25) + '20261206110000+0000',
].join('\r');

describe('reading ADT', () => {
  it('reads the event, the MR identifier, the name, the birth date, sex, location, visit and times', () => {
    const adt = read(A01);
    expect(adt.event).toBe('A01');
    expect(adt.controlId).toBe('C1');
    expect(adt.sender).toBe('ADT_ENGINE^GH');
    expect(adt.patient).toEqual({
      mrn: 'MRN-7',
      familyName: 'Testpatient',
      givenName: 'Jane',
      birthDate: '1980-02-29',
      sex: 'F',
    });
    expect(adt.visit).toMatchObject({
      patientClass: 'I',
      location: { unit: 'ICU', room: '12', bed: 'B', facility: 'GH' },
      visitNumber: 'V-7',
      admittedAtMs: Date.UTC(2026, 11, 6, 11),
    });
    expect(adt.recordedAtMs).toBe(Date.UTC(2026, 11, 6, 11, 55));
    expect(adt.occurredAtMs).toBe(Date.UTC(2026, 11, 6, 11, 50));
  });

  it('takes the event from EVN-1 when MSH-9 has none, and the first identifier without MR', () => {
    const adt = read(
      'MSH|^~\\&|A|B|C|D|20260101||ADT|C2|P|2.3\rEVN|A08|20260101\rPID|1||FIRST~SECOND||Doe',
    );
    expect(adt.event).toBe('A08');
    expect(adt.patient.mrn).toBe('FIRST');
    expect(adt.visit.location).toBeUndefined();
  });

  it('reads "" as clear and an empty field as keep', () => {
    const adt = read(
      'MSH|^~\\&|A|B|C|D|20260101||ADT^A08|C3|P|2.5\rPID|1||M1^^^^MR||""^Jane||""\rPV1|1||""',
    );
    expect(adt.patient.familyName).toBeNull();
    expect(adt.patient.givenName).toBe('Jane');
    expect(adt.patient.birthDate).toBeNull();
    expect(adt.patient.sex).toBeUndefined();
    expect(adt.visit.location).toBeNull();
    expect(adt.visit.visitNumber).toBeUndefined();
  });

  it('reads a message by its own encoding characters, and the v2.7 truncation character', () => {
    const own = read('MSH#$%*@#A#B#C#D#20260101##ADT$A04#C4#P#2.5\rPID#1##M*T*1$$$$MR##Doe$Jo');
    expect(own.patient).toMatchObject({ mrn: 'M@1', familyName: 'Doe', givenName: 'Jo' });
    const v27 = read('MSH|^~\\&#|A|B|C|D|20260101||ADT^A04|C5|P|2.7\rPID|1||M5^^^^MR');
    expect(v27.patient.mrn).toBe('M5');
  });

  it('reads a time without a zone as this server’s local time', () => {
    const adt = read(
      'MSH|^~\\&|A|B|C|D|20260101||ADT^A01|C6|P|2.5\rEVN|A01|202606011200\rPID|1||M6',
    );
    const local = new Date(2026, 5, 1, 12, 0).getTime();
    expect(adt.recordedAtMs).toBe(local);
  });

  it.each([
    [
      'not ADT',
      'MSH|^~\\&|A|B|C|D|2026||ORU^R01|X|P|2.5\rPID|1||M',
      'AR',
      '200',
      /ADT messages only/,
    ],
    ['no control id', 'MSH|^~\\&|A|B|C|D|2026||ADT^A01||P|2.5\rPID|1||M', 'AR', '101', /MSH-10/],
    ['v2.2', 'MSH|^~\\&|A|B|C|D|2026||ADT^A01|X|P|2.2\rPID|1||M', 'AR', '203', /"2.2"/],
    [
      'a training feed',
      'MSH|^~\\&|A|B|C|D|2026||ADT^A01|X|T|2.5\rPID|1||M',
      'AR',
      '103',
      /"T".*production/,
    ],
    ['no processing id', 'MSH|^~\\&|A|B|C|D|2026||ADT^A01|X||2.5\rPID|1||M', 'AR', '103', /empty/],
    ['A99', 'MSH|^~\\&|A|B|C|D|2026||ADT^A99|X|P|2.5\rPID|1||M', 'AR', '201', /"A99"/],
    ['no PID', 'MSH|^~\\&|A|B|C|D|2026||ADT^A01|X|P|2.5\rPV1|1|I', 'AE', '100', /no PID/],
    ['no MRN', 'MSH|^~\\&|A|B|C|D|2026||ADT^A01|X|P|2.5\rPID|1||^^^^MR', 'AE', '101', /PID-3/],
    ['bad sex', 'MSH|^~\\&|A|B|C|D|2026||ADT^A01|X|P|2.5\rPID|1||M|||||Q', 'AE', '103', /PID-8/],
    [
      'bad time',
      'MSH|^~\\&|A|B|C|D|2026||ADT^A01|X|P|2.5\rEVN|A01|soon\rPID|1||M',
      'AE',
      '102',
      /EVN-2/,
    ],
    [
      'A02 nowhere',
      'MSH|^~\\&|A|B|C|D|2026||ADT^A02|X|P|2.5\rPID|1||M\rPV1|1|I',
      'AE',
      '101',
      /PV1-3/,
    ],
    [
      'long MRN',
      `MSH|^~\\&|A|B|C|D|2026||ADT^A01|X|P|2.5\rPID|1||${'9'.repeat(65)}`,
      'AE',
      '102',
      /64/,
    ],
    ['bad encoding', 'MSH|^^\\&|A|B|C|D|2026||ADT^A01|X|P|2.5\rPID|1||M', 'AR', '102', /encoding/],
    ['no MSH', 'PID|1||M', 'AR', '102', /MSH/],
  ])('refuses %s', (_label, text, ack, code, reason) => {
    const refusal = refusalOf(text);
    expect(refusal.ack).toBe(ack);
    expect(refusal.refusal.error.code).toBe(code);
    expect(refusal.message).toMatch(reason);
  });
});

describe('ACKs', () => {
  const header = {
    sendingApplication: ['ADT_ENGINE', '1.2.3', 'ISO'],
    sendingFacility: ['GH'],
    receivingApplication: ['CENTRAL'],
    receivingFacility: ['ICU'],
    controlId: 'C9',
    trigger: 'A01',
    processingId: 'P',
    version: '2.5',
  };

  it('AA: sending and receiving swapped, own control id, MSA-2 the message’s', () => {
    const ack = new hl7.Parser().parse(
      buildAck({ answered: header, code: 'AA', text: 'Applied.', controlId: 'K1', nowMs: 0 }),
    );
    expect(ack.header.getField(1)).toBe('CENTRAL');
    expect(ack.header.getField(2)).toBe('ICU');
    expect(ack.header.getField(3)).toBe('ADT_ENGINE^1.2.3^ISO');
    expect(ack.header.getField(4)).toBe('GH');
    expect(ack.header.getField(7)).toBe('ACK^A01^ACK');
    expect(ack.header.getField(8)).toBe('K1');
    expect(ack.header.getField(10)).toBe('2.5');
    expect(ack.getSegment('MSA').getField(1)).toBe('AA');
    expect(ack.getSegment('MSA').getField(2)).toBe('C9');
    expect(ack.getSegments('ERR')).toHaveLength(0);
  });

  it('AE/AR: ERR-2 location, ERR-3 code from table 0357, ERR-4 severity, ERR-8 the words', () => {
    const text = buildAck({
      answered: header,
      code: 'AE',
      text: 'PID-3 | holds no MRN.',
      refusal: { error: HL7_ERROR.requiredFieldMissing, location: ['PID', '1', '3'] },
      controlId: 'K2',
      nowMs: 0,
    });
    const ack = new hl7.Parser().parse(text);
    const err = ack.getSegment('ERR');
    expect(err.getField(2)).toBe('PID^1^3');
    expect(err.getField(3)).toBe('101^Required field missing^HL70357');
    expect(err.getField(4)).toBe('E');
    // Escaped, so the separator in the words does not split the field.
    expect(err.getField(8)).toBe('PID-3 \\F\\ holds no MRN.');
    expect(ack.getSegment('MSA').getField(3)).toBe('PID-3 \\F\\ holds no MRN.');
  });

  it('names the message even when only its first line could be split', () => {
    const rough = roughHeaderOf('MSH|^^\\&|ENG|GH|CEN|ICU|2026||ADT^A01|C77|T|2.4\rPID');
    expect(rough).toMatchObject({ controlId: 'C77', trigger: 'A01', processingId: 'T' });
    expect(roughHeaderOf('garbage')).toBeNull();
    const ack = new hl7.Parser().parse(
      buildAck({ answered: null, code: 'AR', text: 'x', controlId: 'K3', nowMs: 0 }),
    );
    expect(ack.header.getField(1)).toBe('CENTRAL');
    expect(ack.header.getField(7)).toBe('ACK');
  });

  it('reads what the independent encoder writes', () => {
    const adt = read(
      adtMessage('A03', 'Z1', {
        mrn: 'TEST-1',
        family: 'Testpatient',
        location: ['ICU', '3', 'C'],
        discharge: '20261207090000+0000',
      }).toString(),
    );
    expect(adt).toMatchObject({
      event: 'A03',
      controlId: 'Z1',
      patient: { mrn: 'TEST-1', familyName: 'Testpatient' },
      visit: { dischargedAtMs: Date.UTC(2026, 11, 7, 9) },
    });
  });
});

describe('what the listener added to ER7 and MLLP', () => {
  it('reads a subcomponent, an escaped one staying in the text', () => {
    const msg = parseEr7('MSH|^~\\&|A\rPV1|1|I|ICU^1^A^GH&1.2\\T\\3&ISO');
    expect(getSubcomponent(msg, findSegment(msg, 'PV1'), 3, 4, 1)).toBe('GH');
    expect(getSubcomponent(msg, findSegment(msg, 'PV1'), 3, 4, 2)).toBe('1.2&3');
    expect(getSubcomponent(msg, findSegment(msg, 'PV1'), 3, 9, 1)).toBe('');
  });

  it('passes the head of a frame too large, and tells a frame cut off', () => {
    const heads: string[] = [];
    const decoder = new MllpDecoder(2_000, {
      message: () => undefined,
      oversize: (_n, head) => heads.push(head),
    });
    const big = frame('MSH|^~\\&|ENG|GH|C|D|2026||ADT^A01|BIG9|P|2.5\r' + 'x'.repeat(10_000));
    for (let i = 0; i < big.length; i += 100) decoder.push(big.subarray(i, i + 100));
    expect(heads).toHaveLength(1);
    expect(heads[0]!.length).toBe(OVERSIZE_HEAD_BYTES);
    expect(roughHeaderOf(heads[0]!)?.controlId).toBe('BIG9');
    expect(decoder.pendingBytes).toBe(0);
    decoder.push(frame('MSH|half').subarray(0, 6));
    expect(decoder.pendingBytes).toBe(5);
  });
});
