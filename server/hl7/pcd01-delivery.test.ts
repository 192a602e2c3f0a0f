// PCD-01 out end to end: a real central server on a fresh database, rows pushed by a workstation
// over HTTP, and a real MLLP receiver on loopback (simple-hl7's parser) that reads every message
// on its own and checks it field by field. Then the faults an interface engine brings: NAKs,
// silence, garbage, being down, and the server restarted with a queue — every message delivered,
// in order, exactly once by control id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../shared/ids';
import type { PushRow } from '../../shared/sync/push-frame';
import { SYNC_PATHS } from '../../shared/sync/protocol';
import { startTestCentral } from '../test-support/central';
import type { TestCentral } from '../test-support/central';
import { freshDatabase } from '../test-support/database';
import type { TestDatabase } from '../test-support/database';
import { bearer, call } from '../test-support/http-client';
import { pushFrame } from '../test-support/rows';
import { parseHl7Time } from './er7';
import type { Pcd01Options } from './outbound-service';
import { TestReceiver } from './pcd01-test-receiver';
import type { Received } from './pcd01-test-receiver';

const MINUTE = 60_000;
/** Whole minutes well in the past: every period below is finished when the server looks. */
const BASE = Math.floor(Date.now() / MINUTE) * MINUTE - 60 * MINUTE;
const WS = 'ws-a';

let database: TestDatabase;
let central: TestCentral;
let credential: string;
const receiver = new TestReceiver();
let options: Pcd01Options;

const iso = (ms: number) => new Date(ms).toISOString();

function numericRow(bedId: string, code: string, value: number, atMs: number, extra = {}): PushRow {
  const unit = code.includes('SAT_O2') ? '%' : '/min';
  return {
    table: 'numerics',
    row: {
      id: uuidv7(),
      workstation_id: WS,
      created_at: iso(atMs),
      bed_id: bedId,
      device_id: `${bedId}-monitor`,
      code,
      value,
      unit,
      at_ms: atMs,
      computed: false,
      source_key: null,
      patient_id: null,
      ...extra,
    },
  };
}

/** A minute of a bed: SpO₂ and heart rate every 10 s, values that say which bed and minute. */
function minuteRows(bed: number, minute: number): PushRow[] {
  const start = BASE + minute * MINUTE;
  return [0, 10, 20, 30, 40, 50].flatMap((s) => [
    numericRow(`bed-${bed}`, 'MDC_PULS_OXIM_SAT_O2', 90 + bed, start + s * 1000),
    numericRow(`bed-${bed}`, 'MDC_ECG_HEART_RATE', 60 + minute + s / 10, start + s * 1000),
  ]);
}

function admit(bed: number, mrn: string): PushRow[] {
  const id = uuidv7();
  return [
    {
      table: 'patients',
      row: {
        id,
        workstation_id: WS,
        created_at: iso(BASE - MINUTE),
        supersedes: null,
        mrn,
        family_name: `Testpatient${bed}`,
        given_name: 'Demo',
        birth_date: '1960-01-0' + bed,
        category: 'adult',
        actor: 'nurse',
        at_ms: BASE - MINUTE,
        hlc: null,
      },
    },
    {
      table: 'admissions',
      row: {
        id: uuidv7(),
        workstation_id: WS,
        created_at: iso(BASE - MINUTE),
        patient_id: id,
        bed_id: `bed-${bed}`,
        bed_label: `Bed ${bed}`,
        event: 'admitted',
        at_ms: BASE - MINUTE,
        actor: 'nurse',
        hlc: null,
      },
    },
  ];
}

function alarmRow(event: string, atMs: number): PushRow {
  return {
    table: 'alarm_events',
    row: {
      id: uuidv7(),
      workstation_id: WS,
      created_at: iso(atMs),
      bed_id: 'bed-1',
      alarm_id: 'alarm-spo2-1',
      event,
      kind: 'physiological',
      priority: 'medium',
      code: 'SPO2_LOW',
      message: 'SpO₂ 88 < 90',
      value: 88,
      limit_value: 90,
      actor: 'bed-1-monitor',
      at_ms: atMs,
      reason: null,
      origin: 'workstation',
    },
  };
}

async function push(rows: PushRow[]) {
  const answer = await call(central.url, SYNC_PATHS.push, {
    body: pushFrame(WS, rows),
    headers: bearer(credential),
  });
  expect(answer.status, answer.text).toBe(200);
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms = 15_000) {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function outbox() {
  const { rows } = await central.server.db.query<{
    control_id: string;
    state: string;
    attempts: number;
    last_problem: string | null;
    bed_id: string | null;
    about_ms: string;
    message_type: string;
  }>(
    'SELECT control_id, state, attempts, last_problem, bed_id, about_ms, message_type FROM hl7_outbound ORDER BY seq',
  );
  return rows;
}

/** Every message the server made was accepted once, in the order it was queued. */
async function expectExactlyOnceInOrder() {
  // The receiver files a message a moment before the server has marked it sent.
  await waitFor('the queue marked', async () =>
    (await outbox()).every((m) => m.state !== 'queued'),
  );
  const made = (await outbox()).filter((m) => m.state !== 'set-aside');
  expect(made.every((m) => m.state === 'sent')).toBe(true);
  expect(receiver.accepted).toEqual(made.map((m) => m.control_id));
}

const field = (r: Received, seg: string, n: number) => r.msg.getSegment(seg).getField(n);

beforeAll(async () => {
  await receiver.start();
  database = await freshDatabase('pcd01');
  options = {
    host: '127.0.0.1',
    port: receiver.port,
    periodMs: MINUTE,
    alarms: true,
    settleMs: 0,
    standbyCheckMs: 100,
    sender: { ackTimeoutMs: 400, retryMs: { first: 20, max: 150 }, maxRefusals: 3, idlePollMs: 30 },
  };
  central = await startTestCentral({ pcd01: options }, database);
  credential = await central.enrol(WS);
}, 30_000);

afterAll(async () => {
  await central?.stop();
  await receiver.stop();
  await database?.drop();
});

describe('PCD-01 out over MLLP', () => {
  it('sends one ORU^R01 per bed-minute, read back field by field, and alarms as ORU^R40', async () => {
    await push([
      ...admit(1, 'TEST-MRN-1'),
      ...admit(2, 'TEST-MRN-2'),
      ...[0, 1, 2].flatMap((m) => [1, 2, 3].flatMap((b) => minuteRows(b, m))),
      alarmRow('raised', BASE + 15_000),
      alarmRow('ended', BASE + 45_000),
      alarmRow('reminded', BASE + 30_000),
    ]);
    await central.server.hl7Out.queueNow();
    await waitFor('11 messages', () => receiver.accepted.length === 11);
    const oru = receiver.received.filter((r) => r.msg.header.getField(7) === 'ORU^R01^ORU_R01');
    expect(oru).toHaveLength(9);
    for (const r of oru) {
      expect(r.msg.header.getField(19)).toBe('IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO');
      expect(r.msg.header.getField(9)).toBe('P');
      expect(r.msg.header.getField(10)).toBe('2.6');
      const bed = Number(/\^Bed (\d)$/.exec(field(r, 'PV1', 3))![1]);
      expect(field(r, 'PV1', 2)).toBe('I');
      expect(field(r, 'PV1', 3)).toBe(`ICU 2^^Bed ${bed}`);
      if (bed === 3) {
        expect(field(r, 'PID', 3)).toBe(''); // nobody admitted in bed 3
      } else {
        expect(field(r, 'PID', 3)).toBe(`TEST-MRN-${bed}^^^^MR`);
        expect(r.msg.getSegment('PID').getComponent(5, 1)).toBe(`Testpatient${bed}`);
        expect(field(r, 'PID', 7)).toBe(`1960010${bed}`);
      }
      expect(field(r, 'OBR', 4)).toBe('182777000^monitoring of patient^SNOMED-CT');
      const obx = r.msg.getSegments('OBX');
      expect(obx.map((s) => s.getField(4))).toEqual([
        '1',
        '1.1',
        '1.1.1',
        '1.1.1.1',
        '1.2',
        '1.2.1',
        '1.2.1.1',
      ]);
      const hr = obx[3]!;
      const spo2 = obx[6]!;
      expect(hr.getField(3)).toBe('147842^MDC_ECG_HEART_RATE^MDC');
      expect(hr.getField(6)).toBe('/min^/min^UCUM');
      expect(spo2.getField(3)).toBe('150456^MDC_PULS_OXIM_SAT_O2^MDC');
      expect(spo2.getField(5)).toBe(String(90 + bed));
      expect(spo2.getField(6)).toBe('%^%^UCUM');
      expect([hr.getField(11), spo2.getField(11)]).toEqual(['R', 'R']);
      expect(spo2.getField(18)).toBe(`bed-${bed}-monitor^${WS}`);
      // The last value of the minute (60 + minute + 5), timed at its own second.
      const minute = (parseHl7Time(field(r, 'OBR', 7))! - BASE) / MINUTE;
      expect(hr.getField(5)).toBe(String(60 + minute + 5));
      expect(parseHl7Time(hr.getField(14))).toBe(BASE + minute * MINUTE + 50_000);
    }
    // Per bed, the minutes in order.
    for (const bed of [1, 2, 3]) {
      const times = oru
        .filter((r) => field(r, 'PV1', 3).endsWith(`Bed ${bed}`))
        .map((r) => field(r, 'OBR', 7));
      expect(times).toEqual([...times].sort());
      expect(new Set(times).size).toBe(3);
    }
    const acm = receiver.received.filter((r) => r.msg.header.getField(7) === 'ORU^R40^ORU_R40');
    expect(acm.map((r) => r.msg.getSegments('OBX')[2]!.getField(5))).toEqual(['start', 'end']);
    expect(acm[0]!.msg.header.getField(19)).toBe(
      'IHE_PCD_ACM_001^IHE PCD^1.3.6.1.4.1.19376.1.6.4.4^ISO',
    );
    expect(field(acm[0]!, 'PID', 3)).toBe('TEST-MRN-1^^^^MR');
    await expectExactlyOnceInOrder();
  });

  it('sends numerics that arrive late once, in order per bed, and never a minute twice', async () => {
    const before = receiver.accepted.length;
    // A workstation back online syncs older minutes, and more of a minute already sent.
    await push([...[-5, -4, -3].flatMap((m) => minuteRows(1, m)), ...minuteRows(1, 0)]);
    await central.server.hl7Out.queueNow();
    await waitFor('3 late messages', () => receiver.accepted.length === before + 3);
    await central.server.hl7Out.queueNow();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const late = receiver.received.slice(-3).map((r) => field(r, 'OBR', 7));
    expect(late).toEqual([...late].sort());
    expect(receiver.accepted.length).toBe(before + 3);
    await expectExactlyOnceInOrder();
  });

  it('sends a refused message (AE) again with the same control id until it is accepted', async () => {
    const seen = new Set<string>();
    receiver.answer = (id) => (seen.has(id) ? 'AA' : (seen.add(id), 'AE'));
    const before = receiver.accepted.length;
    await push(minuteRows(2, 5));
    await central.server.hl7Out.queueNow();
    await waitFor('the refused message accepted', () => receiver.accepted.length === before + 1);
    const id = receiver.accepted.at(-1)!;
    expect(receiver.received.filter((r) => r.controlId === id).map((r) => r.answer)).toEqual([
      'AE',
      'AA',
    ]);
    await waitFor('marked sent', async () =>
      (await outbox()).some((m) => m.control_id === id && m.state === 'sent'),
    );
    const row = (await outbox()).find((m) => m.control_id === id)!;
    expect(row).toMatchObject({ state: 'sent', attempts: 1 });
    expect(row.last_problem).toContain('AE: Patient not found in the EHR');
    expect(central.logs.some((l) => l.includes(`refused ORU^R01 ${id}`))).toBe(true);
    receiver.answer = () => 'AA';
    await expectExactlyOnceInOrder();
  });

  it('sets a message aside after 3 refusals, with the reason, and the queue goes on', async () => {
    // The engine cannot file anything for bed 3 (nobody admitted there).
    receiver.answer = (_id, raw) => (raw.includes('^^Bed 3\r') ? 'AE' : 'AA');
    const before = receiver.accepted.length;
    await push([...minuteRows(3, 6), ...minuteRows(1, 6)]);
    await central.server.hl7Out.queueNow();
    await waitFor('the other message delivered', () => receiver.accepted.length === before + 1);
    await waitFor('the refused one set aside', async () =>
      (await outbox()).some((m) => m.state === 'set-aside'),
    );
    const stuck = (await outbox()).find((m) => m.state === 'set-aside')!.control_id;
    const row = (await outbox()).find((m) => m.control_id === stuck)!;
    expect(row).toMatchObject({ state: 'set-aside', attempts: 3 });
    expect(row.last_problem).toContain('AE');
    expect(receiver.received.filter((r) => r.controlId === stuck)).toHaveLength(3);
    expect(central.logs.some((l) => l.includes(`${stuck} set aside after 3 refusals`))).toBe(true);
    receiver.answer = () => 'AA';
    await expectExactlyOnceInOrder();
  });

  it('sends again, same control id, when the receiver is silent, answers garbage or hangs up', async () => {
    const seen = new Map<string, number>();
    receiver.answer = (id) => {
      const n = seen.get(id) ?? 0;
      seen.set(id, n + 1);
      return (['silent', 'garbage', 'hang-up'] as const)[n] ?? 'AA';
    };
    const before = receiver.accepted.length;
    await push(minuteRows(2, 7));
    await central.server.hl7Out.queueNow();
    await waitFor(
      'accepted after silence and garbage',
      () => receiver.accepted.length === before + 1,
    );
    const id = receiver.accepted.at(-1)!;
    expect(receiver.received.filter((r) => r.controlId === id).map((r) => r.answer)).toEqual([
      'silent',
      'garbage',
      'hang-up',
      'AA',
    ]);
    expect(central.logs.some((l) => l.includes('no ACK from') && l.includes(id))).toBe(true);
    receiver.answer = () => 'AA';
    await expectExactlyOnceInOrder();
  });

  it('waits out a receiver that is down, logging it once, and delivers when it is back', async () => {
    await receiver.stop();
    const before = receiver.accepted.length;
    await push([...minuteRows(1, 8), ...minuteRows(2, 8)]);
    await central.server.hl7Out.queueNow();
    await new Promise((resolve) => setTimeout(resolve, 600));
    const down = central.logs.filter((l) => l.includes('cannot connect to'));
    expect(down.length).toBe(1);
    await receiver.start();
    await waitFor(
      'delivered after the receiver came back',
      () => receiver.accepted.length === before + 2,
    );
    await waitFor('the recovery logged', () =>
      central.logs.some((l) => l.includes('accepts messages again')),
    );
    await expectExactlyOnceInOrder();
  });

  it('delivers a queue left by a server that was stopped, in order, exactly once', async () => {
    await receiver.stop();
    const before = receiver.accepted.length;
    await push([...minuteRows(1, 9), ...minuteRows(2, 9), ...minuteRows(3, 9)]);
    await central.server.hl7Out.queueNow();
    expect((await outbox()).filter((m) => m.state === 'queued')).toHaveLength(3);
    await central.stop(); // the database stays: it was given
    await receiver.start();
    central = await startTestCentral({ pcd01: options }, database);
    await waitFor(
      'the queue delivered after the restart',
      () => receiver.accepted.length === before + 3,
    );
    await expectExactlyOnceInOrder();
    expect(new Set(receiver.accepted).size).toBe(receiver.accepted.length);
  });

  it('lets only one of two instances send, and the other take over when it goes', async () => {
    const second = await startTestCentral({ pcd01: options }, database);
    expect(central.server.hl7Out.sending()).toBe(true);
    expect(second.server.hl7Out.sending()).toBe(false);
    await central.stop();
    central = second;
    await waitFor('the standby sending', () => second.server.hl7Out.sending());
    const before = receiver.accepted.length;
    await push(minuteRows(1, 10));
    await second.server.hl7Out.queueNow();
    await waitFor('delivered by the new sender', () => receiver.accepted.length === before + 1);
    await expectExactlyOnceInOrder();
  });
});
