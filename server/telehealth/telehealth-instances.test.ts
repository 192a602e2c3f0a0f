// Telehealth with two central server instances on one database, live data shared through the real
// NATS at 127.0.0.1:4222: the link made through one instance opens through the other, the viewer
// watches there, and when the nurse ends the consult through the first, the second closes the
// viewer's socket at its next recheck of the invitation (every 2 s by default).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { serverMessagesIn } from '../../shared/api/wire';
import { END_REASON_WORDS, TELEHEALTH_PATHS } from '../../shared/telehealth/invitation';
import { VIEWER_CLOSE, VIEWER_PATHS } from '../../shared/telehealth/viewer';
import { liveWorkstation, snapshotEvent, testBed, until } from '../live/live-clients.test-support';
import { startTestCentral, type TestCentral } from '../test-support/central';
import { freshDatabase, type TestDatabase } from '../test-support/database';
import { bearer, call } from '../test-support/http-client';
import { RECHECK_MS } from './telehealth';

const NATS_URL = process.env.CENTRAL_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const WS = `ws-tele-nats-${Date.now()}`;
const PATIENT = {
  id: randomUUID(),
  mrn: 'MRN-1',
  familyName: 'Nats',
  givenName: 'Test',
  birthDate: '1950-01-01',
  category: 'adult' as const,
};

let database: TestDatabase;
let one: TestCentral;
let two: TestCentral;

beforeAll(async () => {
  database = await freshDatabase();
  one = await startTestCentral({ natsUrl: NATS_URL }, database);
  two = await startTestCentral({ natsUrl: NATS_URL }, database);
}, 60_000);
afterAll(async () => {
  await one?.stop().catch(() => undefined);
  await two?.stop().catch(() => undefined);
  await database?.drop();
});

describe('telehealth across instances (NATS)', () => {
  it('opens through another instance, and is shut out there within a recheck', async () => {
    const credential = await one.enrol(WS, 'Clinic N');
    const station = await liveWorkstation(one.url, credential, WS);
    const bed = { ...testBed('bed-1', 'Bed 1'), patient: PATIENT };
    station.send({ type: 'beds', beds: [bed] });
    station.send({ type: 'bed', bedId: 'bed-1', event: snapshotEvent(bed) });
    await until(() => two.server.live.live.relay.hasBed(`${WS}/bed-1`), 'the bed at two');

    const id = randomUUID();
    const made = await call(one.url, TELEHEALTH_PATHS.invitations, {
      headers: bearer(credential),
      body: {
        id,
        bedId: 'bed-1',
        bedLabel: 'Bed 1',
        patientId: PATIENT.id,
        minutes: 15,
        consent: { givenBy: 'patient', atMs: Date.now(), recordedBy: 'Nurse Nora' },
        invitedBy: 'Nurse Nora',
      },
    });
    expect(made.status, made.text).toBe(201);
    const token = (made.json.url as string).split('#t=')[1];
    const redeemed = await call(two.url, VIEWER_PATHS.redeem, {
      noProtocol: true,
      body: { token, code: made.json.code, name: 'Dr Far' },
    });
    expect(redeemed.status, redeemed.text).toBe(200);
    const cookie = redeemed.headers['set-cookie']![0]!.split(';')[0]!;

    const url = new URL(VIEWER_PATHS.socket, two.url);
    url.protocol = 'ws:';
    const ws = new WebSocket(url, { headers: { cookie, origin: two.url } });
    const events: Array<{ type: string }> = [];
    ws.on('message', (data) => {
      for (const m of serverMessagesIn(JSON.parse(String(data))) as Array<{
        type: string;
        event?: { type: string };
      }>)
        if (m.type === 'event') events.push(m.event!);
    });
    const closed = new Promise<{ code: number; reason: string; atMs: number }>((resolve) =>
      ws.once('close', (code, reason) =>
        resolve({ code, reason: String(reason), atMs: Date.now() }),
      ),
    );
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    ws.send(
      JSON.stringify({
        type: 'subscribe',
        id: 1,
        stream: 'bedLive',
        params: { bedId: `${WS}/bed-1` },
      }),
    );
    await until(() => events.some((e) => e.type === 'snapshot'), 'the snapshot at two');

    // The workstation asks the first instance: it is told the viewer is connected (at two).
    const state = await call(one.url, TELEHEALTH_PATHS.invitation(id), {
      headers: bearer(credential),
    });
    expect(state.json).toMatchObject({
      status: 'watching',
      viewer: { name: 'Dr Far', connected: true },
    });

    const before = Date.now();
    const ended = await call(one.url, TELEHEALTH_PATHS.end(id), {
      headers: bearer(credential),
      body: { reason: 'ended-at-bed', by: 'Nurse Nora' },
    });
    expect(ended.status).toBe(200);
    const shut = await closed;
    expect(shut).toMatchObject({
      code: VIEWER_CLOSE.ended,
      reason: END_REASON_WORDS['ended-at-bed'],
    });
    expect(shut.atMs - before).toBeLessThan(RECHECK_MS + 1_000);
    await station.close();
  }, 30_000);
});
