// Telehealth on a real central server (PostgreSQL, loopback HTTP and WebSockets): a workstation
// invites for one of its beds (fed live through its own socket), a "browser" redeems the link with
// the code and watches on the one-patient socket; every refusal the brief names — wrong codes, a
// reused, guessed or expired link, another bed, acting on the bed, another site, another
// workstation, malformed bodies — is refused, audited, and leaves the server answering.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { serverMessagesIn } from '../../shared/api/wire';
import type { Bed, Patient, SampleBlock } from '../../shared/model/schemas';
import { RENDERER_CSP } from '../../shared/security/csp';
import { decodeViewerAudioMessage } from '../../shared/telehealth/audio';
import {
  END_REASON_WORDS,
  MAX_CODE_ATTEMPTS,
  TELEHEALTH_PATHS,
  spacedCode,
  type CreateInvitation,
} from '../../shared/telehealth/invitation';
import { VIEWER_CLOSE, VIEWER_PATHS } from '../../shared/telehealth/viewer';
import { stripQueryString, VIEWER_STRIP_PATH } from '../../shared/telehealth/viewer-strip';
import {
  liveWorkstation,
  numericEvent,
  samplesEvent,
  snapshotEvent,
  testBed,
  until,
  type LiveWorkstationClient,
} from '../live/live-clients.test-support';
import { startTestCentral, type TestCentral } from '../test-support/central';
import { bearer, call, type Answer } from '../test-support/http-client';
import { eventsOf } from './invitation-store';
import { RECORDING_WORDS, REFUSALS_PER_MINUTE } from './telehealth';

const WS_A = 'ws-tele-a';
const WS_B = 'ws-tele-b';
const MINUTE_MS = 60_000;

let central: TestCentral;
let dir: string;
let shiftMs = 0;
let credentialA: string;
let credentialB: string;
let station: LiveWorkstationClient;

const patient = (id: string, familyName: string): Patient => ({
  id,
  mrn: `MRN-${familyName}`,
  familyName,
  givenName: 'Test',
  birthDate: '1950-01-01',
  category: 'adult',
});
const P1 = patient(randomUUID(), 'One');
const P2 = patient(randomUUID(), 'Two');
const P3 = patient(randomUUID(), 'Three');

function bedWith(id: string, who: Patient | null): Bed {
  return { ...testBed(id, id === 'bed-1' ? 'Bed 1' : id), patient: who };
}

function showBed(id: string, who: Patient | null) {
  station.send({ type: 'bed', bedId: id, event: snapshotEvent(bedWith(id, who)) });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'central-telehealth-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<p>station</p>');
  writeFileSync(
    join(dir, 'telehealth.html'),
    '<script type="module" crossorigin src="./assets/telehealth-A1.js"></script>\n' +
      '<link rel="stylesheet" crossorigin href="./assets/telehealth-C3.css">',
  );
  writeFileSync(join(dir, 'assets', 'telehealth-A1.js'), 'import("./lazy-B2.js");');
  writeFileSync(join(dir, 'assets', 'lazy-B2.js'), 'new URL("pcm-capture-worklet.js");');
  writeFileSync(join(dir, 'assets', 'telehealth-C3.css'), 'body{}');
  writeFileSync(join(dir, 'assets', 'index-D4.js'), '/* the station */');
  writeFileSync(join(dir, 'pcm-capture-worklet.js'), '/* worklet */');
  central = await startTestCentral({
    nowMs: () => Date.now() + shiftMs,
    rendererDir: dir,
    telehealthRecheckMs: 150,
  });
  credentialA = await central.enrol(WS_A, 'Clinic A');
  credentialB = await central.enrol(WS_B, 'Clinic B');
  station = await liveWorkstation(central.url, credentialA, WS_A);
  station.send({
    type: 'beds',
    beds: [bedWith('bed-1', P1), bedWith('bed-2', P2), bedWith('bed-3', P3)],
  });
  for (const [id, who] of [
    ['bed-1', P1],
    ['bed-2', P2],
    ['bed-3', P3],
  ] as const)
    showBed(id, who);
  await until(() => central.server.live.live.relay.hasBed(`${WS_A}/bed-3`), 'the beds');
}, 60_000);

afterAll(async () => {
  await station?.close().catch(() => undefined);
  await central?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function invitation(overrides: Partial<CreateInvitation> = {}): CreateInvitation {
  return {
    id: randomUUID(),
    bedId: 'bed-1',
    bedLabel: 'Bed 1',
    patientId: P1.id,
    minutes: 30,
    consent: { givenBy: 'patient', atMs: Date.now(), recordedBy: 'Nurse Nora' },
    invitedBy: 'Nurse Nora',
    ...overrides,
  };
}

async function invite(overrides: Partial<CreateInvitation> = {}, credential = credentialA) {
  const body = invitation(overrides);
  const answer = await call(central.url, TELEHEALTH_PATHS.invitations, {
    headers: bearer(credential),
    body,
  });
  expect(answer.status, answer.text).toBe(201);
  const url = answer.json.url as string;
  return { id: body.id, url, token: url.split('#t=')[1]!, code: answer.json.code as string };
}

const stateOf = (id: string, credential = credentialA) =>
  call(central.url, TELEHEALTH_PATHS.invitation(id), { headers: bearer(credential) });

/** A browser's redeem: its cookie (if it has one) and whether it says where it comes from. */
function redeem(
  token: string,
  code: string,
  { cookie, origin, name = 'Dr Remote' }: { cookie?: string; origin?: string; name?: string } = {},
) {
  return call(central.url, VIEWER_PATHS.redeem, {
    noProtocol: true,
    headers: { ...(cookie ? { cookie } : {}), ...(origin ? { origin } : {}) },
    body: { token, code, name },
  });
}

function cookieOf(answer: Answer): string {
  const set = answer.headers['set-cookie']?.[0] ?? '';
  return set.split(';')[0]!;
}

/** Invited and opened: the browser's cookie with it. */
async function opened(overrides: Partial<CreateInvitation> = {}) {
  const made = await invite(overrides);
  const answer = await redeem(made.token, made.code);
  expect(answer.status, answer.text).toBe(200);
  return { ...made, cookie: cookieOf(answer), session: answer.json };
}

interface ConsultSocket {
  ws: WebSocket;
  events: Array<{ id: number; event: { type: string; bed?: Bed } }>;
  errors: Array<{ id: number | null; error: { code: string; message: string } }>;
  binary: Buffer[];
  closed: Promise<{ code: number; reason: string; atMs: number }>;
  request(method: string, params: unknown): Promise<unknown>;
  subscribe(stream: string, params: unknown): number;
}

/** Opens a consult's socket as a browser would; rejects with the HTTP status when refused. */
async function consultSocket(
  cookie: string | null,
  {
    origin = central.url,
    path = VIEWER_PATHS.socket,
    pps,
  }: { origin?: string | null; path?: string; pps?: string } = {},
): Promise<ConsultSocket> {
  const url = new URL(path, central.url);
  url.protocol = 'ws:';
  if (pps !== undefined) url.searchParams.set('pps', pps);
  const ws = new WebSocket(url, {
    headers: { ...(cookie ? { cookie } : {}), ...(origin ? { origin } : {}) },
  });
  let nextId = 1;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();
  const socket: ConsultSocket = {
    ws,
    events: [],
    errors: [],
    binary: [],
    closed: new Promise((resolve) =>
      ws.once('close', (code, reason) =>
        resolve({ code, reason: String(reason), atMs: Date.now() }),
      ),
    ),
    request(method, params) {
      const id = nextId++;
      ws.send(JSON.stringify({ type: 'request', id, method, params }));
      return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
    },
    subscribe(stream, params) {
      const id = nextId++;
      ws.send(JSON.stringify({ type: 'subscribe', id, stream, params }));
      return id;
    },
  };
  ws.on('message', (data, isBinary) => {
    if (isBinary) return void socket.binary.push(data as Buffer);
    for (const raw of serverMessagesIn(JSON.parse(String(data)))) {
      const message = raw as {
        type: string;
        id: number | null;
        result?: unknown;
        event?: ConsultSocket['events'][number]['event'];
        error?: { code: string; message: string };
      };
      if (message.type === 'event') socket.events.push({ id: message.id!, event: message.event! });
      else if (message.type === 'response') pending.get(message.id!)?.resolve(message.result);
      else if (message.type === 'error') {
        socket.errors.push({ id: message.id, error: message.error! });
        if (message.id !== null)
          pending
            .get(message.id)
            ?.reject(Object.assign(new Error(message.error!.message), message.error));
      }
    }
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused ${res.statusCode}`)));
    ws.once('error', reject);
  });
  return socket;
}

const audited = (id: string | null) => eventsOf(central.server.db, id);

describe('telehealth: a consult from invitation to end', () => {
  it('invites, opens with the code, and shows that one bed live', async () => {
    const made = await invite();
    expect(made.url).toBe(`${central.url}/telehealth/#t=${made.token}`);
    expect(made.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(made.code).toMatch(/^\d{8}$/);
    // Neither the token nor the code is kept: the token as its SHA-256, the code as an HMAC.
    const { rows } = await central.server.db.query(
      'SELECT token_hash, row_to_json(t)::text AS whole FROM telehealth_invitations t WHERE id = $1',
      [made.id],
    );
    expect(rows[0].token_hash).toEqual(createHash('sha256').update(made.token).digest());
    expect(rows[0].whole).not.toContain(made.code);
    expect(rows[0].whole).not.toContain(made.token);
    expect((await stateOf(made.id)).json).toMatchObject({ status: 'waiting', viewer: null });

    const answer = await redeem(made.token, spacedCode(made.code), { origin: central.url });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json).toMatchObject({
      invitationId: made.id,
      bedId: `${WS_A}/bed-1`,
      bedLabel: 'Bed 1',
      workstationName: 'Clinic A',
      viewerName: 'Dr Remote',
      invitedBy: 'Nurse Nora',
      notes: [],
    });
    const setCookie = answer.headers['set-cookie']![0]!;
    expect(setCookie).toMatch(/^telehealth_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).toContain('Path=/telehealth');
    expect(setCookie).not.toContain('Secure'); // plain HTTP on loopback
    const cookie = cookieOf(answer);
    const session = await call(central.url, VIEWER_PATHS.session, {
      noProtocol: true,
      headers: { cookie },
    });
    expect(session.status).toBe(200);
    expect(session.json.invitationId).toBe(made.id);

    const socket = await consultSocket(cookie, { pps: '5' });
    const status = (await socket.request('getStatus', {})) as { beds: Bed[] };
    expect(status.beds.map((b) => b.id)).toEqual([`${WS_A}/bed-1`]);
    const id = socket.subscribe('bedLive', { bedId: `${WS_A}/bed-1` });
    await until(() => socket.events.some((e) => e.id === id), 'the snapshot');
    expect(socket.events[0]!.event).toMatchObject({
      type: 'snapshot',
      bed: { id: `${WS_A}/bed-1`, patient: { id: P1.id } },
    });
    station.send({ type: 'bed', bedId: 'bed-1', event: numericEvent(72) });
    await until(() => socket.events.some((e) => e.event.type === 'numeric'), 'a numeric');

    const state = await until(async () => {
      const s = (await stateOf(made.id)).json;
      return s.viewer?.connected ? s : null;
    }, 'the bedside told who watches');
    expect(state).toMatchObject({ status: 'watching', viewer: { name: 'Dr Remote' } });
    const kinds = (await audited(made.id)).map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['invited', 'opened', 'socket-open']));
    const opening = (await audited(made.id)).find((e) => e.kind === 'socket-open');
    expect(opening?.detail).toContain('20 points/s'); // ?pps=5 clamped to the minimum
    socket.ws.close();
  });

  it('refuses what the one-patient mode does not allow, and audits each', async () => {
    const { id, cookie } = await opened();
    const socket = await consultSocket(cookie);
    const refused = async (method: string, params: unknown) =>
      socket.request(method, params).then(
        () => null,
        (error: { code: string }) => error.code,
      );
    expect(await refused('acknowledgeAlarm', { bedId: `${WS_A}/bed-1`, alarmId: 'x' })).toBe(
      'forbidden',
    );
    expect(await refused('admitPatient', { bedId: `${WS_A}/bed-1` })).toBe('forbidden');
    expect(await refused('setAlarmLimits', {})).toBe('forbidden');
    const now = Date.now();
    // A link for bed 1 asking for bed 2.
    expect(
      await refused('getTrend', {
        bedId: `${WS_A}/bed-2`,
        codes: ['MDC_ECG_HEART_RATE'],
        fromMs: now - 60 * MINUTE_MS,
        toMs: now,
      }),
    ).toBe('forbidden');
    const other = socket.subscribe('bedLive', { bedId: `${WS_A}/bed-2` });
    await until(() => socket.errors.find((e) => e.id === other), 'the refused stream');
    expect(socket.errors.find((e) => e.id === other)?.error.code).toBe('forbidden');
    expect(socket.events.filter((e) => e.id === other)).toHaveLength(0);
    // Its own bed's review answers (nothing stored yet, and nothing before the stay).
    await expect(
      socket.request('getTrend', {
        bedId: `${WS_A}/bed-1`,
        codes: ['MDC_ECG_HEART_RATE'],
        fromMs: now - 60 * MINUTE_MS,
        toMs: now,
      }),
    ).resolves.toBeDefined();
    await until(
      async () =>
        (await audited(id)).filter((e) => e.kind === 'refused' && e.why === 'forbidden').length ===
        5,
      'five forbidden requests audited',
    );
    const details = (await audited(id)).filter((e) => e.why === 'forbidden').map((e) => e.detail);
    expect(details.join(' ')).toContain('acknowledgeAlarm');
    expect(details.join(' ')).toContain(`bed ${WS_A}/bed-2`);
    // The socket stays open for what it may do.
    expect(socket.ws.readyState).toBe(WebSocket.OPEN);

    const note = await call(central.url, VIEWER_PATHS.notes, {
      noProtocol: true,
      headers: { cookie, origin: central.url },
      body: { text: 'Sinus rhythm, no ectopy. Continue monitoring.' },
    });
    expect(note.status, note.text).toBe(200);
    expect(note.json).toMatchObject({ invitationId: id, author: 'Dr Remote' });
    expect((await stateOf(id)).json.notes).toEqual([note.json]);
    expect((await audited(id)).some((e) => e.kind === 'note')).toBe(true);
    socket.ws.close();
  });

  it('ends at the bed: the viewer is shut out at once, sockets closed with 4003', async () => {
    const { id, cookie } = await opened();
    const socket = await consultSocket(cookie);
    socket.subscribe('bedLive', { bedId: `${WS_A}/bed-1` });
    const ears = await consultSocket(cookie, { path: VIEWER_PATHS.audio });
    await until(() => central.server.telehealth.telehealth.openSockets(id) === 2, 'both sockets');
    station.send({
      type: 'audio',
      bedId: 'bed-1',
      frames: [0, 1, 2].map((seq) => ({
        seq,
        atMs: Date.now() + seq * 20,
        codec: 'opus',
        sampleRateHz: 48000,
        channels: 1,
        durationUs: 20_000,
        data: Buffer.from([1, 2, 3, seq]).toString('base64'),
      })),
    } as never);
    await until(() => ears.binary.length > 0, 'auscultation frames');
    // The three frames of the workstation's message leave as one message (one packet).
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ears.binary).toHaveLength(1);
    const heard = decodeViewerAudioMessage(new Uint8Array(ears.binary[0]!));
    expect(heard.map((f) => f.seq)).toEqual([0, 1, 2]);
    expect(heard[2]).toMatchObject({ codec: 'opus', bytes: new Uint8Array([1, 2, 3, 2]) });

    const before = Date.now();
    const ended = await call(central.url, TELEHEALTH_PATHS.end(id), {
      headers: bearer(credentialA),
      body: { reason: 'ended-at-bed', by: 'Nurse Nora' },
    });
    expect(ended.status, ended.text).toBe(200);
    expect(ended.json).toMatchObject({
      status: 'ended',
      endReason: 'ended-at-bed',
      endedBy: 'Nurse Nora',
    });
    for (const closed of [await socket.closed, await ears.closed]) {
      expect(closed.code).toBe(VIEWER_CLOSE.ended);
      expect(closed.reason).toBe(END_REASON_WORDS['ended-at-bed']);
      expect(closed.atMs - before).toBeLessThan(1_000);
    }
    const session = await call(central.url, VIEWER_PATHS.session, {
      noProtocol: true,
      headers: { cookie },
    });
    expect(session.status).toBe(401);
    expect(session.json.error).toBe('ended');
    await expect(consultSocket(cookie)).rejects.toThrow('refused 401');
    expect((await audited(id)).find((e) => e.kind === 'ended')).toMatchObject({
      why: 'ended-at-bed',
      actor: 'Nurse Nora',
    });
  });

  it('the clinic’s link goes down during a consult: the viewer is told, nothing ends, it comes back live', async () => {
    const WS_C = 'ws-tele-c';
    const credentialC = await central.enrol(WS_C, 'Clinic C');
    const connect = async () => {
      const clinic = await liveWorkstation(central.url, credentialC, WS_C);
      clinic.send({ type: 'beds', beds: [bedWith('bed-1', P1)] });
      clinic.send({ type: 'bed', bedId: 'bed-1', event: snapshotEvent(bedWith('bed-1', P1)) });
      return clinic;
    };
    let clinic = await connect();
    await until(() => central.server.live.live.relay.hasBed(`${WS_C}/bed-1`), 'the clinic bed');
    const made = await invite({}, credentialC);
    const answer = await redeem(made.token, made.code);
    const socket = await consultSocket(cookieOf(answer));
    const id = socket.subscribe('bedLive', { bedId: `${WS_C}/bed-1` });
    await until(() => socket.events.some((e) => e.id === id), 'the snapshot');

    await clinic.close();
    const down = await until(
      () => socket.events.find((e) => e.event.type === 'snapshot' && e.event.bed?.offline),
      'the bed shown offline',
    );
    expect(down.event.bed!.offline!.sinceMs).toBeGreaterThan(0);
    expect(socket.ws.readyState).toBe(WebSocket.OPEN);
    expect((await stateOf(made.id, credentialC)).json.status).toBe('watching');

    clinic = await connect();
    const back = await until(() => {
      const snapshots = socket.events.filter((e) => e.event.type === 'snapshot');
      const last = snapshots.at(-1);
      return last && !last.event.bed?.offline && snapshots.length >= 3 ? last : null;
    }, 'the bed live again');
    expect(back.event.bed!.patient!.id).toBe(P1.id);
    clinic.send({ type: 'bed', bedId: 'bed-1', event: numericEvent(88) });
    await until(
      () => socket.events.some((e) => e.event.type === 'numeric'),
      'numerics after the link came back',
    );
    socket.ws.close();
    await clinic.close();
  });

  it('tells and ends nothing to another workstation', async () => {
    const { id } = await invite();
    expect((await stateOf(id, credentialB)).status).toBe(404);
    const end = await call(central.url, TELEHEALTH_PATHS.end(id), {
      headers: bearer(credentialB),
      body: { reason: 'ended-at-bed', by: 'Someone Else' },
    });
    expect(end.status).toBe(404);
    expect((await stateOf(id)).json.status).toBe('waiting');
    // The same id sent by another workstation is not its invitation.
    const taken = await call(central.url, TELEHEALTH_PATHS.invitations, {
      headers: bearer(credentialB),
      body: invitation({ id }),
    });
    expect(taken.status).toBe(409);
    expect((await stateOf('not-a-uuid')).status).toBe(404);
    expect(
      (await call(central.url, TELEHEALTH_PATHS.invitations, { body: invitation() })).status,
    ).toBe(401);
  });

  it('resumes a viewer on a fresh socket from the last sample it holds: what it missed once, then live', async () => {
    const { cookie } = await opened();
    const bedId = `${WS_A}/bed-1`;
    const ecg = (socket: ConsultSocket, id: number) =>
      socket.events
        .filter((e) => e.id === id && e.event.type === 'samples')
        .flatMap((e) => (e.event as unknown as { blocks: SampleBlock[] }).blocks)
        .filter((b) => b.channel === 'MDC_ECG_ELEC_POTL_II');
    const count = (blocks: SampleBlock[]) => blocks.reduce((n, b) => n + b.values.length, 0);
    const send = (t0: number) =>
      station.send({
        type: 'bed',
        bedId: 'bed-1',
        event: samplesEvent('bed-1', 50, undefined, t0),
      });
    // 500 Hz is under 1000 points/s: the samples go as they are.
    const first = await consultSocket(cookie, {
      pps: '1000',
      path: `${VIEWER_PATHS.socket}?c=stuck0001`,
    });
    const a = first.subscribe('bedLive', { bedId });
    await until(() => first.events.some((e) => e.id === a), 'the snapshot');
    // In the invited patient's stay (it begins when the invitation is made, none being synced).
    const base = Date.now();
    for (const n of [0, 1, 2]) send(base + n * 100);
    await until(() => count(ecg(first, a)) === 150, 'the first 300 ms');
    // The first socket is stuck (still open on the server): the page gives it up and says so
    // when it resumes; the server cuts it.
    for (const n of [3, 4]) send(base + n * 100); // missed by the page
    const second = await consultSocket(cookie, { pps: '1000' });
    const b = second.subscribe('bedLive', {
      bedId,
      resumeFromMs: base + 300,
      replaces: 'stuck0001',
    });
    expect((await first.closed).code).toBe(1006);
    await until(() => count(ecg(second, b)) === 100, 'what was missed');
    expect(second.events.find((e) => e.id === b)?.event.type).toBe('snapshot');
    send(base + 500); // live again
    await until(() => count(ecg(second, b)) === 150, 'the live samples');
    // One trace with no gap and nothing twice: sample k at base + 300 + 2k ms.
    let next = base + 300;
    for (const block of ecg(second, b)) {
      expect(block.t0).toBeCloseTo(next, 6);
      next = block.t0 + (block.values.length * 1000) / block.rateHz;
    }
    expect(next).toBeCloseTo(base + 600, 6);

    // Resuming inside a block: from its sample at that time; a time older than the server keeps
    // is not asked of it (the live samples only, the page shows the gap).
    const third = await consultSocket(cookie, { pps: '1000' });
    const c = third.subscribe('bedLive', { bedId, resumeFromMs: base + 450 });
    await until(() => count(ecg(third, c)) === 75, 'from the middle of a block');
    expect(ecg(third, c)[0]!.t0).toBeCloseTo(base + 450, 6);
    const fourth = await consultSocket(cookie, { pps: '1000' });
    const d = fourth.subscribe('bedLive', { bedId, resumeFromMs: Date.now() - 10 * MINUTE_MS });
    await until(() => fourth.events.some((e) => e.id === d), 'the snapshot');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(count(ecg(fourth, d))).toBe(0);
    for (const socket of [second, third, fourth]) socket.ws.close();
  });

  it('saves a strip of the last live seconds the server has not stored yet, while the bed is watched', async () => {
    const { cookie } = await opened();
    const bedId = `${WS_A}/bed-1`;
    const getStrip = () =>
      fetch(`${central.url}${VIEWER_STRIP_PATH}?${stripQueryString({ bedId })}`, {
        headers: { cookie },
      });
    // Nothing of this bed is stored on the server: the packed minutes come later.
    const socket = await consultSocket(cookie, { pps: '100' });
    const id = socket.subscribe('bedLive', { bedId });
    await until(() => socket.events.some((e) => e.id === id), 'the snapshot');
    const start = Date.now() - 4_000;
    for (let n = 0; n < 40; n++)
      station.send({
        type: 'bed',
        bedId: 'bed-1',
        event: samplesEvent('bed-1', 50, undefined, start + n * 100),
      });
    await until(
      () =>
        socket.events.some(
          (e) =>
            e.id === id &&
            e.event.type === 'samples' &&
            (e.event as unknown as { blocks: SampleBlock[] }).blocks.some(
              (b) => b.t0 + (b.values.length * 1000) / b.rateHz >= start + 3_900,
            ),
        ),
      'the live seconds',
    );
    const res = await getStrip();
    expect(res.status, await res.clone().text()).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(
      Buffer.from(await res.arrayBuffer())
        .subarray(0, 5)
        .toString('latin1'),
    ).toBe('%PDF-');
    socket.ws.close();
  });

  it('never resumes a viewer from before the invited patient’s stay: the kept waves are the bed’s', async () => {
    const before = Date.now();
    const { cookie } = await opened();
    const bedId = `${WS_A}/bed-1`;
    const watching = await consultSocket(cookie, { pps: '1000' });
    const a = watching.subscribe('bedLive', { bedId });
    await until(() => watching.events.some((e) => e.id === a), 'the snapshot');
    const send = (t0: number) =>
      station.send({
        type: 'bed',
        bedId: 'bed-1',
        event: samplesEvent('bed-1', 50, undefined, t0),
      });
    send(before - 2_000); // the bed's waves before this stay (the patient before)
    const inStay = Date.now();
    send(inStay);
    await until(
      () =>
        watching.events.some(
          (e) =>
            e.id === a &&
            e.event.type === 'samples' &&
            (e.event as unknown as { blocks: SampleBlock[] }).blocks.some((x) => x.t0 === inStay),
        ),
      'the block in the stay',
    );
    const resumed = await consultSocket(cookie, { pps: '1000' });
    const b = resumed.subscribe('bedLive', { bedId, resumeFromMs: before - 3_000 });
    const replayed = () =>
      resumed.events
        .filter((e) => e.id === b && e.event.type === 'samples')
        .flatMap((e) => (e.event as unknown as { blocks: SampleBlock[] }).blocks);
    await until(() => replayed().length > 0, 'the replay');
    expect(replayed().every((block) => block.t0 >= before)).toBe(true);
    expect(replayed()[0]!.t0).toBeCloseTo(inStay, 6);
    for (const socket of [watching, resumed]) socket.ws.close();
  });

  it('answers the same invitation sent again with a new link; the old one fails', async () => {
    const body = invitation();
    const send = () =>
      call(central.url, TELEHEALTH_PATHS.invitations, { headers: bearer(credentialA), body });
    const first = await send();
    const again = await send();
    expect(again.status).toBe(201);
    expect(again.json.id).toBe(first.json.id);
    expect(again.json.url).not.toBe(first.json.url);
    const old = first.json.url.split('#t=')[1];
    expect((await redeem(old, first.json.code)).json.error).toBe('unknown-link');
    expect((await redeem(again.json.url.split('#t=')[1], again.json.code)).status).toBe(200);
    expect((await send()).status).toBe(409);
  });
});

describe('telehealth: a recording asked for by the remote clinician', () => {
  it('keeps one request at a time, answered by its own workstation once, audited; none once ended', async () => {
    const made = await opened({ bedId: 'bed-2', bedLabel: 'Bed 2', patientId: P2.id });
    const telehealth = central.server.telehealth.telehealth;
    const invitation = (await telehealth.ownInvitation(WS_A, made.id))!;
    const caller = { address: '127.0.0.9', userAgent: 'recording test' };
    const { ask, list } = telehealth.recordingsFor(invitation, caller);
    const asked = await ask(20);
    expect(asked).toMatchObject({ status: 'asked', seconds: 20, askedBy: 'Dr Remote' });
    // Twice at once: refused.
    await expect(ask(10)).rejects.toThrow(RECORDING_WORDS.open);
    // The workstation reads it with the consult's state; another workstation cannot answer it.
    expect((await stateOf(made.id)).json.recordings).toMatchObject([
      { id: asked.id, status: 'asked', seconds: 20 },
    ]);
    const outcome = { status: 'kept', keptAtMs: Date.now(), durationS: 20, heartRateBpm: 72 };
    const path = TELEHEALTH_PATHS.recording(made.id, asked.id);
    const foreign = await call(central.url, path, { headers: bearer(credentialB), body: outcome });
    expect(foreign.status).toBe(404);
    const kept = await call(central.url, path, { headers: bearer(credentialA), body: outcome });
    expect(kept.status, kept.text).toBe(200);
    expect(kept.json.recordings).toMatchObject([
      { id: asked.id, status: 'kept', durationS: 20, heartRateBpm: 72 },
    ]);
    // Answered once: a second answer changes nothing.
    const again = await call(central.url, path, {
      headers: bearer(credentialA),
      body: { status: 'refused', problem: 'late' },
    });
    expect(again.status).toBe(200);
    expect((await list())[0]).toMatchObject({ status: 'kept', problem: null });
    // A new one may be asked now; the end refuses it and any after it.
    const open = await ask(10);
    await call(central.url, TELEHEALTH_PATHS.end(made.id), {
      headers: bearer(credentialA),
      body: { reason: 'ended-at-bed', by: 'Nurse Nora' },
    });
    expect((await list()).find((r) => r.id === open.id)).toMatchObject({
      status: 'refused',
      problem: RECORDING_WORDS.endedBeforeKept,
    });
    await expect(ask(10)).rejects.toThrow(RECORDING_WORDS.ended);
    const trail = await audited(made.id);
    expect(trail.filter((e) => e.kind === 'recording').map((e) => e.why)).toEqual([
      'asked',
      'kept',
      'asked',
    ]);
    expect(
      trail.filter((e) => e.kind === 'refused').map((e) => [e.why, e.address, e.actor]),
    ).toEqual([
      ['recording-open', '127.0.0.9', 'Dr Remote'],
      ['recording-ended', '127.0.0.9', 'Dr Remote'],
    ]);
  });
});

describe('telehealth: links and codes refused', () => {
  it('locks the link after MAX_CODE_ATTEMPTS wrong codes', async () => {
    const made = await invite();
    const wrong = made.code === '00000000' ? '11111111' : '00000000';
    for (let left = MAX_CODE_ATTEMPTS - 1; left > 0; left -= 1) {
      const answer = await redeem(made.token, wrong);
      expect(answer.status).toBe(401);
      expect(answer.json).toMatchObject({ error: 'wrong-code', attemptsLeft: left });
    }
    const last = await redeem(made.token, wrong);
    expect(last.status).toBe(410);
    expect(last.json.error).toBe('ended');
    expect(last.json.message).toContain(END_REASON_WORDS.locked);
    // The right code is too late now.
    expect((await redeem(made.token, made.code)).json.error).toBe('ended');
    expect((await stateOf(made.id)).json).toMatchObject({
      status: 'ended',
      endReason: 'locked',
      endedBy: 'the server',
    });
    const events = await audited(made.id);
    expect(events.filter((e) => e.why === 'wrong-code')).toHaveLength(MAX_CODE_ATTEMPTS);
    expect(events.some((e) => e.kind === 'ended' && e.why === 'locked')).toBe(true);
  });

  it('opens a link in one browser only', async () => {
    const made = await invite();
    const first = await redeem(made.token, made.code);
    expect(first.status).toBe(200);
    // Another browser (no cookie), with the right code: refused.
    const second = await redeem(made.token, made.code, { name: 'Eve' });
    expect(second.status).toBe(409);
    expect(second.json.error).toBe('already-opened');
    expect(second.headers['set-cookie']).toBeUndefined();
    // A cookie of its own invented: refused too.
    const invented = await redeem(made.token, made.code, {
      cookie: `telehealth_session=${randomBytes(32).toString('base64url')}`,
    });
    expect(invented.json.error).toBe('already-opened');
    // The browser that opened it may ask again (a reload).
    const again = await redeem(made.token, made.code, { cookie: cookieOf(first) });
    expect(again.status).toBe(200);
    expect(again.json.viewerName).toBe('Dr Remote');
    const refusals = (await audited(made.id)).filter((e) => e.why === 'already-opened');
    expect(refusals.map((e) => e.actor)).toEqual(['Eve', 'Dr Remote']);
    // No session at all: no socket.
    await expect(consultSocket(null)).rejects.toThrow('refused 401');

    // The viewer leaves: the consult ends, the cookie is cleared, the socket closed at once.
    const cookie = cookieOf(first);
    const socket = await consultSocket(cookie);
    const left = await call(central.url, VIEWER_PATHS.leave, {
      noProtocol: true,
      headers: { cookie, origin: central.url, 'content-type': 'application/json' },
      body: '',
    });
    expect(left.status, left.text).toBe(204);
    expect(left.headers['set-cookie']?.[0]).toMatch(/^telehealth_session=; .*Max-Age=0/);
    expect(await socket.closed).toMatchObject({
      code: VIEWER_CLOSE.ended,
      reason: END_REASON_WORDS['viewer-left'],
    });
    expect((await stateOf(made.id)).json).toMatchObject({
      endReason: 'viewer-left',
      endedBy: 'Dr Remote',
    });
  });

  it('shows review from the patient’s admission into the bed', async () => {
    const made = await invite();
    const admittedAtMs = Date.now() - 2 * 3_600_000;
    const db = central.server.db;
    const admit = (bedId: string, patientId: string, atMs: number) =>
      db.query(
        `INSERT INTO admissions (id, workstation_id, created_at, patient_id, bed_id, bed_label,
           event, at_ms, actor) VALUES ($1, $2, now(), $3, $4, null, 'admitted', $5, 'Nurse')`,
        [randomUUID(), WS_A, patientId, bedId, atMs],
      );
    const row = await central.server.telehealth.telehealth.ownInvitation(WS_A, made.id);
    // None synced yet: from the invitation.
    expect(await central.server.telehealth.telehealth.stayStartMs(row!)).toBe(
      (await stateOf(made.id)).json.expiresAtMs - 30 * MINUTE_MS,
    );
    await admit('bed-1', P2.id, admittedAtMs - 3_600_000); // someone else before
    await admit('bed-1', P1.id, admittedAtMs);
    await admit('bed-2', P1.id, admittedAtMs + 1); // another bed
    expect(await central.server.telehealth.telehealth.stayStartMs(row!)).toBe(admittedAtMs);
  });

  it('writes what the viewer opened of the history to the server’s trail, once a minute per kind', async () => {
    const { id, cookie } = await opened();
    const socket = await consultSocket(cookie);
    const bedId = `${WS_A}/bed-1`;
    const window = { bedId, fromMs: Date.now() - 60 * MINUTE_MS, toMs: Date.now() };
    await socket.request('getTrend', { ...window, codes: ['MDC_ECG_HEART_RATE'] });
    await socket.request('getTrend', { ...window, codes: ['MDC_PULS_OXIM_SAT_O2'] });
    await socket.request('getAlarmLog', { bedId });
    await socket.request('getStatus', {});
    const reads = await until(async () => {
      const events = (await audited(id)).filter((e) => e.kind === 'read');
      return events.length >= 2 ? events : null;
    }, 'the reads on the trail');
    expect(reads.map((e) => e.detail!.split(' ')[0]).sort()).toEqual(['getAlarmLog', 'getTrend']);
    expect(reads.find((e) => e.detail!.startsWith('getTrend'))!.detail).toMatch(
      /^getTrend from \d{4}-\d\d-\d\dT.* to \d{4}-/,
    );
    expect(reads.every((e) => e.actor === 'Dr Remote')).toBe(true);
    socket.ws.close();
  });

  it('refuses a guessed link, and audits it with no invitation', async () => {
    const guess = randomBytes(32).toString('base64url');
    const answer = await redeem(guess, '12345678', { name: 'Guesser' });
    expect(answer.status).toBe(404);
    expect(answer.json.error).toBe('unknown-link');
    expect(
      (await audited(null)).some((e) => e.why === 'unknown-link' && e.actor === 'Guesser'),
    ).toBe(true);
  });

  it('ends the consult when another patient is in the bed', async () => {
    const { id, cookie } = await opened({ bedId: 'bed-2', bedLabel: 'Bed 2', patientId: P2.id });
    const socket = await consultSocket(cookie);
    const sub = socket.subscribe('bedLive', { bedId: `${WS_A}/bed-2` });
    await until(() => socket.events.some((e) => e.id === sub), 'the snapshot');
    showBed('bed-2', null); // discharged
    const closed = await socket.closed;
    expect(closed).toMatchObject({
      code: VIEWER_CLOSE.ended,
      reason: END_REASON_WORDS['patient-left'],
    });
    // Nothing of the empty bed (or whoever comes next) reached the viewer.
    expect(socket.events.filter((e) => e.event.type === 'snapshot')).toHaveLength(1);
    expect((await stateOf(id)).json.endReason).toBe('patient-left');
  });

  it('refuses a link whose time is up, and closes its sockets when it runs out', async () => {
    const late = await invite({ minutes: 15, bedId: 'bed-3', bedLabel: 'Bed 3', patientId: P3.id });
    const { id, cookie } = await opened({
      minutes: 30,
      bedId: 'bed-3',
      bedLabel: 'Bed 3',
      patientId: P3.id,
    });
    const socket = await consultSocket(cookie);
    try {
      shiftMs = 16 * MINUTE_MS;
      const refused = await redeem(late.token, late.code);
      expect(refused.status).toBe(410);
      expect(refused.json.message).toContain(END_REASON_WORDS.expired);
      expect((await stateOf(late.id)).json).toMatchObject({
        status: 'ended',
        endReason: 'expired',
      });
      expect(socket.ws.readyState).toBe(WebSocket.OPEN);
      shiftMs = 31 * MINUTE_MS;
      const closed = await socket.closed;
      expect(closed).toMatchObject({ code: VIEWER_CLOSE.ended, reason: END_REASON_WORDS.expired });
      expect((await audited(id)).filter((e) => e.kind === 'expired')).toHaveLength(1);
      expect((await audited(late.id)).some((e) => e.why === 'expired')).toBe(true);
    } finally {
      shiftMs = 0;
    }
  });
});

describe('telehealth: requests from elsewhere, and malformed ones', () => {
  it('refuses another site’s page: its POSTs and its sockets', async () => {
    const made = await invite();
    const evil = 'https://evil.example';
    const answer = await redeem(made.token, made.code, { origin: evil });
    expect(answer.status).toBe(403);
    expect(answer.json.error).toBe('forbidden');
    expect((await stateOf(made.id)).json.status).toBe('waiting');
    const { cookie } = await opened();
    await expect(consultSocket(cookie, { origin: evil })).rejects.toThrow('refused 403');
    await expect(consultSocket(cookie, { origin: null })).rejects.toThrow('refused 403');
    await expect(consultSocket(cookie, { origin: evil, path: VIEWER_PATHS.audio })).rejects.toThrow(
      'refused 403',
    );
    const note = await call(central.url, VIEWER_PATHS.notes, {
      noProtocol: true,
      headers: { cookie, origin: evil },
      body: { text: 'from elsewhere' },
    });
    expect(note.status).toBe(403);
    expect((await audited(null)).filter((e) => e.detail?.includes(evil)).length).toBe(4);
  });

  it('answers malformed bodies 400 and goes on answering', async () => {
    const raw = (path: string, body: string, type = 'application/json', headers = {}) =>
      call(central.url, path, {
        noProtocol: true,
        headers: { 'content-type': type, ...headers },
        body,
      });
    for (const answer of [
      await raw(VIEWER_PATHS.redeem, '{"token": '),
      await raw(VIEWER_PATHS.redeem, '{"token":"x","code":"1","name":"n"}'),
      await raw(VIEWER_PATHS.redeem, 'token=x', 'application/x-www-form-urlencoded'),
      await raw(VIEWER_PATHS.notes, '[1,2'),
    ]) {
      expect(answer.status, answer.text).toBe(400);
      expect(answer.json.error).toBe('bad-request');
    }
    const huge = await raw(VIEWER_PATHS.redeem, JSON.stringify({ token: 'x'.repeat(40_000) }));
    expect(huge.status).toBe(413);
    const workstation = await call(central.url, TELEHEALTH_PATHS.invitations, {
      headers: { ...bearer(credentialA), 'content-type': 'application/json' },
      body: '{"id":',
    });
    expect(workstation.status).toBe(400);
    const invalid = await call(central.url, TELEHEALTH_PATHS.invitations, {
      headers: bearer(credentialA),
      body: invitation({ consent: { givenBy: 'representative', atMs: 1, recordedBy: 'N' } }),
    });
    expect(invalid.status).toBe(400);
    expect(invalid.json.message).toContain('representative');
    // A socket that sends garbage is told so, and stays.
    const { cookie } = await opened();
    const socket = await consultSocket(cookie);
    socket.ws.send('{not json');
    await until(() => socket.errors.length > 0, 'the error');
    expect(socket.errors[0]!.error.code).toBe('invalid_request');
    expect(((await socket.request('getStatus', {})) as { beds: Bed[] }).beds).toHaveLength(1);
    socket.ws.close();
    // Still up.
    const session = await call(central.url, VIEWER_PATHS.session, { noProtocol: true });
    expect(session.status).toBe(401);
    expect(session.json.error).toBe('not-signed-in');
  });
});

describe('telehealth: the page', () => {
  it('serves telehealth.html and the files it loads, and only those, without a token', async () => {
    const page = await call(central.url, '/telehealth/', { noProtocol: true });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe(RENDERER_CSP);
    expect(page.text).toContain('telehealth-A1.js');
    for (const path of [
      '/telehealth/assets/telehealth-A1.js',
      '/telehealth/assets/lazy-B2.js',
      '/telehealth/assets/telehealth-C3.css',
      '/telehealth/pcm-capture-worklet.js',
    ]) {
      expect((await call(central.url, path, { noProtocol: true })).status, path).toBe(200);
    }
    for (const path of [
      '/telehealth/assets/index-D4.js',
      '/telehealth/index.html',
      '/telehealth/telehealth.html',
      '/telehealth/assets/..%2findex.html',
    ]) {
      expect((await call(central.url, path, { noProtocol: true })).status, path).toBe(404);
    }
    // The rest of the renderer still needs the hospital central station's viewer token.
    expect((await call(central.url, '/assets/index-D4.js', { noProtocol: true })).status).toBe(401);
    const bare = await call(central.url, '/telehealth', { noProtocol: true });
    expect(bare.status).toBe(308);
    expect(bare.headers.location).toBe('/telehealth/');
  });
});

describe('telehealth: a flood of guesses', () => {
  it('writes at most REFUSALS_PER_MINUTE refusals a minute from one address, then one entry counting the rest', async () => {
    // Another address than the other tests' (loopback), written as the routes write a refusal.
    const flood = '192.0.2.77';
    const telehealth = central.server.telehealth.telehealth;
    const before = (await audited(null)).filter((e) => e.address === flood).length;
    for (let i = 0; i < REFUSALS_PER_MINUTE + 25; i++)
      await telehealth.audit({
        invitationId: null,
        kind: 'refused',
        why: 'unknown-link',
        address: flood,
        detail: `guess ${i}`,
      });
    const written = (await audited(null)).filter((e) => e.address === flood);
    expect(written.length - before).toBe(REFUSALS_PER_MINUTE);
    // A minute on, the next refusal is written, after one entry that counts those skipped.
    shiftMs = 61_000;
    try {
      await telehealth.audit({
        invitationId: null,
        kind: 'refused',
        why: 'unknown-link',
        address: flood,
        detail: 'guess after a minute',
      });
      const after = await until(async () => {
        const rows = (await audited(null)).filter((e) => e.address === flood);
        return rows.length - before === REFUSALS_PER_MINUTE + 2 ? rows : null;
      }, 'the count and the next refusal');
      const counted = after.find((e) => e.why === 'flood');
      expect(counted?.detail).toMatch(/^25 more refusal\(s\) from this address within a minute/);
      expect(after.some((e) => e.detail === 'guess after a minute')).toBe(true);
    } finally {
      shiftMs = 0;
    }
  });
});
