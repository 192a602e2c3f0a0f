// The ADT listener over real MLLP on loopback, against a real PostgreSQL: messages made and sent by
// an independent encoder (simple-hl7), its ACKs read by simple-hl7; every event's effect on the
// census; malformed and hostile input answered with a clear NAK (or logged), nothing stored, and
// the listener serving the same connection and new ones afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TcpClient } from 'simple-hl7';
import { startTestCentral } from '../test-support/central';
import type { TestCentral } from '../test-support/central';
import {
  ackView,
  adtMessage,
  framed,
  mllpClient,
  rawMllp,
  sendAdt,
} from '../test-support/adt-feed';
import type { AdtOptions, AdtPerson } from '../test-support/adt-feed';
import { pruneAdtLog, readCensusEntry } from '../census/census-store';

let central: TestCentral;
let port: number;
let client: TcpClient;
let ids = 0;

beforeAll(async () => {
  central = await startTestCentral({
    adt: { host: '127.0.0.1', port: 0, maxMessageBytes: 1024 * 1024 },
  });
  port = central.server.adt!.port;
  client = mllpClient(port);
});

afterAll(async () => {
  client?.close?.();
  await central?.stop();
});

async function send(event: string, person: AdtPerson, options: AdtOptions = {}, id?: string) {
  const controlId = id ?? `MSG${String(++ids).padStart(5, '0')}`;
  const ack = ackView(await sendAdt(client, adtMessage(event, controlId, person, options)));
  return { ...ack, controlId };
}

async function counts() {
  const { rows } = await central.server.db.query<{ patients: string; messages: string }>(
    `SELECT (SELECT count(*) FROM census_patients) AS patients,
            (SELECT count(*) FROM adt_messages) AS messages`,
  );
  return { patients: Number(rows[0]!.patients), messages: Number(rows[0]!.messages) };
}

const entry = (mrn: string) => readCensusEntry(central.server.db, mrn);

describe('ADT events applied to the census', () => {
  const jane = {
    mrn: 'TEST-0001',
    family: 'Testpatient',
    given: 'Jane',
    birth: '19700101',
    sex: 'F',
    visit: 'V-100',
  };

  it('A04 registers a patient, with the MR identifier picked among several', async () => {
    const ack = await send('A04', { ...jane, patientClass: 'O', location: ['CLINIC'] });
    expect(ack.code).toBe('AA');
    expect(ack.answers).toBe(ack.controlId);
    expect(ack.type).toBe('ACK^A04^ACK');
    // Sending and receiving swapped.
    expect(ack.sendingApplication).toBe('CENTRAL');
    expect(ack.receivingApplication).toBe('ADT_ENGINE');
    expect(await entry('TEST-0001')).toMatchObject({
      mrn: 'TEST-0001',
      familyName: 'Testpatient',
      givenName: 'Jane',
      birthDate: '1970-01-01',
      sex: 'F',
      status: 'registered',
      location: { unit: 'CLINIC', room: null, bed: null, facility: null },
      lastEvent: 'A04',
    });
  });

  it('A01 admits to a bed, with the admit time of PV1-44', async () => {
    const ack = await send('A01', {
      ...jane,
      location: ['ICU', '12', 'B', 'GENERAL'],
      admit: '20261206100000+0000',
    });
    expect(ack.code).toBe('AA');
    expect(ack.text).toMatch(/A01 applied: MRN TEST-0001 admitted/);
    expect(await entry('TEST-0001')).toMatchObject({
      status: 'admitted',
      location: { unit: 'ICU', room: '12', bed: 'B', facility: 'GENERAL' },
      visitNumber: 'V-100',
      admittedAtMs: Date.UTC(2026, 11, 6, 10),
      dischargedAtMs: null,
      lastEvent: 'A01',
    });
  });

  it('A02 moves the patient to the new location', async () => {
    const before = (await entry('TEST-0001'))!;
    expect((await send('A02', { mrn: 'TEST-0001', location: ['ICU', '14', 'A'] })).code).toBe('AA');
    const after = (await entry('TEST-0001'))!;
    expect(after).toMatchObject({
      status: 'admitted',
      location: { unit: 'ICU', room: '14', bed: 'A', facility: null },
      givenName: 'Jane',
      admittedAtMs: Date.UTC(2026, 11, 6, 10),
      lastEvent: 'A02',
    });
    expect(after.seq).toBeGreaterThan(before.seq);
  });

  it('A08 updates demographics and keeps the state', async () => {
    expect((await send('A08', { mrn: 'TEST-0001', given: 'Janet' })).code).toBe('AA');
    expect(await entry('TEST-0001')).toMatchObject({
      givenName: 'Janet',
      familyName: 'Testpatient',
      status: 'admitted',
      location: { unit: 'ICU', room: '14', bed: 'A' },
      lastEvent: 'A08',
    });
  });

  it('A03 discharges, with the discharge time of PV1-45', async () => {
    const ack = await send('A03', {
      mrn: 'TEST-0001',
      location: ['ICU', '14', 'A'],
      discharge: '20261207090000+0000',
    });
    expect(ack.code).toBe('AA');
    expect(await entry('TEST-0001')).toMatchObject({
      status: 'discharged',
      dischargedAtMs: Date.UTC(2026, 11, 7, 9),
      lastEvent: 'A03',
    });
  });

  it('A13 cancels the discharge: admitted again', async () => {
    expect((await send('A13', { mrn: 'TEST-0001', location: ['ICU', '14', 'A'] })).code).toBe('AA');
    expect(await entry('TEST-0001')).toMatchObject({
      status: 'admitted',
      dischargedAtMs: null,
      admittedAtMs: Date.UTC(2026, 11, 6, 10),
      lastEvent: 'A13',
    });
  });

  it('A11 cancels the admission: registered, without bed or visit', async () => {
    expect((await send('A11', { mrn: 'TEST-0001' })).code).toBe('AA');
    expect(await entry('TEST-0001')).toMatchObject({
      status: 'registered',
      location: null,
      visitNumber: null,
      admittedAtMs: null,
      lastEvent: 'A11',
    });
  });

  it('an update for an MRN not yet known creates it (A08 registered, A02 admitted)', async () => {
    const a08 = await send('A08', { mrn: 'TEST-0002', family: 'Early', given: 'Update' });
    expect(a08.code).toBe('AA');
    expect(a08.text).toMatch(/new to the census/);
    expect(await entry('test-0002')).toMatchObject({ status: 'registered', familyName: 'Early' });
    expect((await send('A02', { mrn: 'TEST-0003', location: ['ED', '1', '1'] })).code).toBe('AA');
    expect(await entry('TEST-0003')).toMatchObject({
      status: 'admitted',
      location: { unit: 'ED', room: '1', bed: '1' },
    });
  });

  it('a message sent twice (same control id, same sender) is acknowledged twice, applied once', async () => {
    const first = await send('A01', { mrn: 'TEST-0004', location: ['ICU', '1', '1'] }, {}, 'DUP1');
    const seq = (await entry('TEST-0004'))!.seq;
    const before = await counts();
    const again = await send('A01', { mrn: 'TEST-0004', location: ['ICU', '1', '1'] }, {}, 'DUP1');
    expect(first.code).toBe('AA');
    expect(again.code).toBe('AA');
    expect(again.answers).toBe('DUP1');
    expect(again.text).toMatch(/Already applied/);
    expect((await entry('TEST-0004'))!.seq).toBe(seq);
    expect(await counts()).toEqual(before);
    // The same control id from another sender is another message.
    const other = await send(
      'A08',
      { mrn: 'TEST-0004', given: 'Other' },
      { sendingApplication: 'OTHER_ENGINE' },
      'DUP1',
    );
    expect(other.text).not.toMatch(/Already applied/);
    expect((await entry('TEST-0004'))!.givenName).toBe('Other');
  });

  it('forgets applied messages after 30 days (they hold MRNs), and only those', async () => {
    await send('A08', { mrn: 'TEST-0005', given: 'Old' }, {}, 'OLD1');
    await central.server.db.query(
      `UPDATE adt_messages SET received_at = now() - interval '31 days' WHERE control_id = 'OLD1'`,
    );
    const before = await counts();
    expect(await pruneAdtLog(central.server.db, Date.now())).toBe(1);
    expect((await counts()).messages).toBe(before.messages - 1);
    // The census itself is kept: only the log of what was applied is forgotten.
    expect((await entry('TEST-0005'))!.givenName).toBe('Old');
  });
});

describe('refusals: a clear NAK, nothing stored, the listener stays up', () => {
  async function refused(
    make: () => Promise<ReturnType<typeof ackView> & { controlId?: string }>,
    code: 'AE' | 'AR',
    reason: RegExp,
  ) {
    const before = await counts();
    const ack = await make();
    expect(ack.code).toBe(code);
    expect(ack.text).toMatch(reason);
    expect(ack.userMessage).toMatch(reason);
    expect(ack.severity).toBe('E');
    expect(await counts()).toEqual(before);
    // The same connection goes on: a good message afterwards is applied.
    const mrn = `TEST-9${String(++ids).padStart(3, '0')}`;
    expect((await send('A04', { mrn })).code).toBe('AA');
    expect(await entry(mrn)).not.toBeNull();
    return ack;
  }

  it('no PID: AE, segment sequence error', async () => {
    const ack = await refused(
      () => send('A01', { mrn: 'X' }, { withoutPid: true }),
      'AE',
      /no PID segment/,
    );
    expect(ack.errorCode).toBe('100');
  });

  it('no MRN: AE, required field missing', async () => {
    const ack = await refused(() => send('A01', { mrn: '' }), 'AE', /medical record number/);
    expect(ack.errorCode).toBe('101');
  });

  it('an unknown event (A99): AR, unsupported event code', async () => {
    const ack = await refused(
      () => send('A99', { mrn: 'TEST-0099' }),
      'AR',
      /"A99" is not handled/,
    );
    expect(ack.errorCode).toBe('201');
  });

  it('not ADT: AR, unsupported message type', async () => {
    const ack = await refused(
      () => send('R01', { mrn: 'TEST-0099' }, { type: 'ORU' }),
      'AR',
      /ADT messages only/,
    );
    expect(ack.errorCode).toBe('200');
  });

  it('HL7 v2.1: AR, unsupported version', async () => {
    const ack = await refused(
      () => send('A01', { mrn: 'TEST-0099' }, { version: '2.1' }),
      'AR',
      /version "2.1"/,
    );
    expect(ack.errorCode).toBe('203');
  });

  it('wrong encoding characters: AR naming the message', async () => {
    const msg = adtMessage('A01', 'ENC1', { mrn: 'TEST-0099' });
    msg.header.delimiters.repititionCharacter = '^';
    const ack = await refused(
      async () => ackView(await sendAdt(client, msg)),
      'AR',
      /encoding characters/,
    );
    expect(ack.answers).toBe('ENC1');
  });

  it('a birth date that is not one: AE, data type error', async () => {
    const ack = await refused(
      () => send('A01', { mrn: 'TEST-0099', birth: '19701350' }),
      'AE',
      /PID-7/,
    );
    expect(ack.errorCode).toBe('102');
  });

  it('a 5 MB message: AR "too large", refused by the 1 MB limit', async () => {
    const msg = adtMessage('A01', 'BIG1', { mrn: 'TEST-0099' });
    msg.addSegment('NTE', '1', '', 'x'.repeat(5 * 1024 * 1024));
    const ack = await refused(async () => ackView(await sendAdt(client, msg)), 'AR', /too large/);
    expect(ack.answers).toBe('BIG1');
  });

  it('garbage outside frames is ignored and logged once; garbage inside a frame is AR', async () => {
    const raw = await rawMllp(port);
    try {
      raw.write(Buffer.from([0x00, 0xff, 0x41, 0x0d, 0x0a, 0x1c, 0x0d, 0x42]));
      raw.write('more noise\r\n');
      raw.write(framed(adtMessage('A04', 'RAW1', { mrn: 'TEST-0201' })));
      expect(ackView(await raw.nextAck()).code).toBe('AA');
      expect(await entry('TEST-0201')).not.toBeNull();
      const before = await counts();
      raw.write(
        Buffer.concat([
          Buffer.from([0x0b]),
          Buffer.from('\x01\x02garbage'),
          Buffer.from([0x1c, 0x0d]),
        ]),
      );
      const nak = ackView(await raw.nextAck());
      expect(nak.code).toBe('AR');
      expect(nak.text).toMatch(/Not a readable HL7 v2 message/);
      expect(await counts()).toEqual(before);
      raw.write(framed(adtMessage('A04', 'RAW2', { mrn: 'TEST-0202' })));
      expect(ackView(await raw.nextAck()).code).toBe('AA');
    } finally {
      raw.close();
    }
    expect(central.logs.filter((l) => /outside MLLP frames/.test(l))).toHaveLength(1);
  });

  it('a half frame then a disconnect: nothing stored, logged, new connections served', async () => {
    const before = await counts();
    const raw = await rawMllp(port);
    const text = framed(adtMessage('A01', 'HALF1', { mrn: 'TEST-0301' }));
    raw.write(text.slice(0, text.length / 2));
    await new Promise((resolve) => setTimeout(resolve, 100));
    raw.close();
    await waitFor(() => central.logs.some((l) => /closed in the middle of a message/.test(l)));
    expect(await counts()).toEqual(before);
    expect(await entry('TEST-0301')).toBeNull();
    const fresh = mllpClient(port);
    try {
      const ack = ackView(await sendAdt(fresh, adtMessage('A01', 'HALF2', { mrn: 'TEST-0301' })));
      expect(ack.code).toBe('AA');
    } finally {
      fresh.close?.();
    }
    expect(await entry('TEST-0301')).toMatchObject({ status: 'admitted' });
  });

  it('a client that crashes mid-conversation does not affect another', async () => {
    const crashing = await rawMllp(port);
    crashing.write(framed(adtMessage('A04', 'CRASH1', { mrn: 'TEST-0401' })));
    crashing.socket.resetAndDestroy();
    const other = mllpClient(port);
    try {
      const ack = ackView(await sendAdt(other, adtMessage('A04', 'CALM1', { mrn: 'TEST-0402' })));
      expect(ack.code).toBe('AA');
    } finally {
      other.close?.();
    }
    expect(await entry('TEST-0402')).not.toBeNull();
  });
});

async function waitFor(check: () => boolean, timeoutMs = 5_000) {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
