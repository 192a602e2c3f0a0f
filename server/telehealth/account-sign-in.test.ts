// A remote clinician opening a telehealth link by signing in with the hospital account, against a
// real OpenID Connect provider (oidc-provider on loopback) and a real central server on
// PostgreSQL, fed live by a workstation's socket: the browser driven with fetch and a cookie jar.
// Signed in, the session opens the one-patient socket; a nurse's account, a disabled one, another
// user than the invitation names, a forged state, another browser and a replayed callback are
// refused, audited and counted against the link's tries; the code still opens a link.
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { serverMessagesIn } from '../../shared/api/wire';
import type { Bed } from '../../shared/model/schemas';
import { TELEHEALTH_PATHS, type CreateInvitation } from '../../shared/telehealth/invitation';
import { VIEWER_PATHS } from '../../shared/telehealth/viewer';
import {
  liveWorkstation,
  snapshotEvent,
  testBed,
  until,
  type LiveWorkstationClient,
} from '../live/live-clients.test-support';
import { startTestCentral, type TestCentral } from '../test-support/central';
import { bearer, call } from '../test-support/http-client';
import {
  TEST_CLIENT_ID,
  TEST_CLIENT_SECRET,
  TestBrowser,
  listenTestOidcProvider,
  type TestOidcProvider,
} from '../test-support/oidc-provider';
import { eventsOf } from './invitation-store';

const WS = 'ws-tele-oidc';
const PATIENT = randomUUID();
const HOSPITAL = [
  { sub: 'sub-rita', preferredUsername: 'rita', name: 'Rita Remote' },
  { sub: 'sub-paul', preferredUsername: 'paul', name: 'Paul Physician' },
  { sub: 'sub-nina', preferredUsername: 'nina', name: 'Nina Nurse' },
  { sub: 'sub-dora', preferredUsername: 'dora', name: 'Dora Disabled' },
];

let provider: TestOidcProvider;
let central: TestCentral;
let credential: string;
let station: LiveWorkstationClient;
const callbackPrefix = () => `${central.url}${VIEWER_PATHS.accountCallback}`;

beforeAll(async () => {
  provider = await listenTestOidcProvider(HOSPITAL);
  central = await startTestCentral({
    oidc: {
      issuerUrl: provider.issuer,
      clientId: TEST_CLIENT_ID,
      clientSecret: TEST_CLIENT_SECRET,
      publicUrl: null,
    },
    telehealthRecheckMs: 150,
  });
  provider.serve(callbackPrefix());
  await central.server.db.query(
    `INSERT INTO users (username, display_name, role, disabled) VALUES
       ('rita', 'Dr Rita Remote', 'remote-clinician', false),
       ('paul', 'Dr Paul Physician', 'physician', false),
       ('nina', 'Nina Nurse', 'nurse', false),
       ('dora', 'Dr Dora Disabled', 'remote-clinician', true)`,
  );
  credential = await central.enrol(WS, 'Clinic O');
  station = await liveWorkstation(central.url, credential, WS);
  const bed: Bed = {
    ...testBed('bed-1', 'Bed 1'),
    patient: {
      id: PATIENT,
      mrn: 'MRN-O',
      familyName: 'Oidc',
      givenName: 'Test',
      birthDate: '1950-01-01',
      category: 'adult',
    },
  };
  station.send({ type: 'beds', beds: [bed] });
  station.send({ type: 'bed', bedId: 'bed-1', event: snapshotEvent(bed) });
  await until(() => central.server.live.live.relay.hasBed(`${WS}/bed-1`), 'the bed');
}, 60_000);

afterAll(async () => {
  await station?.close().catch(() => undefined);
  await central?.stop();
  await provider?.close();
});

async function invite(overrides: Partial<CreateInvitation> = {}) {
  const body: CreateInvitation = {
    id: randomUUID(),
    bedId: 'bed-1',
    bedLabel: 'Bed 1',
    patientId: PATIENT,
    minutes: 30,
    consent: { givenBy: 'patient', atMs: Date.now(), recordedBy: 'Nurse Nora' },
    invitedBy: 'Nurse Nora',
    ...overrides,
  };
  const answer = await call(central.url, TELEHEALTH_PATHS.invitations, {
    headers: bearer(credential),
    body,
  });
  expect(answer.status, answer.text).toBe(201);
  return {
    id: body.id,
    token: (answer.json.url as string).split('#t=')[1]!,
    code: answer.json.code,
  };
}

/** The page's button: an attempt for this link in this browser; the provider's address. */
async function begin(browser: TestBrowser, token: string) {
  const answer = await browser.fetch(`${central.url}${VIEWER_PATHS.account}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  return {
    status: answer.status,
    json: (await answer.json()) as { url: string; message?: string },
  };
}

/** Through the provider's login as `login`, up to the callback (not taken yet). */
async function toCallback(browser: TestBrowser, token: string, login: string) {
  const begun = await begin(browser, token);
  expect(begun.status, JSON.stringify(begun.json)).toBe(200);
  return (await browser.signInAt(begun.json.url, login, callbackPrefix())).callbackUrl;
}

async function offer(browser: TestBrowser) {
  const answer = await browser.fetch(`${central.url}${VIEWER_PATHS.account}`);
  return (await answer.json()) as { offered: boolean; refusal: { message: string } | null };
}

const audited = (id: string | null) => eventsOf(central.server.db, id);
const attemptsOf = async (id: string) =>
  (
    await central.server.db.query(
      'SELECT code_attempts FROM telehealth_invitations WHERE id = $1',
      [id],
    )
  ).rows[0].code_attempts as number;

describe('telehealth: signing in with the hospital account', () => {
  it('signs a remote clinician in: the session opens the one-patient socket', async () => {
    expect(await offer(new TestBrowser())).toEqual({ offered: true, refusal: null });
    const made = await invite();
    const browser = new TestBrowser();
    const begun = await begin(browser, made.token);
    const asked = new URL(begun.json.url);
    expect(asked.origin).toBe(provider.issuer);
    expect(asked.searchParams.get('redirect_uri')).toBe(callbackPrefix());
    expect(asked.searchParams.get('code_challenge_method')).toBe('S256');
    expect(asked.searchParams.get('state')).toBeTruthy();
    expect(asked.searchParams.get('nonce')).toBeTruthy();
    const { callbackUrl } = await browser.signInAt(begun.json.url, 'sub-rita', callbackPrefix());
    const back = await browser.fetch(callbackUrl);
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe(VIEWER_PATHS.page);
    const setCookie = back.headers.getSetCookie().find((c) => c.startsWith('telehealth_session='))!;
    expect(setCookie).toMatch(/^telehealth_session=[A-Za-z0-9_-]{43};.*HttpOnly; SameSite=Strict/);
    const cookie = setCookie.split(';')[0]!;

    const session = await browser.fetch(`${central.url}${VIEWER_PATHS.session}`);
    expect(session.status).toBe(200);
    expect(await session.json()).toMatchObject({
      invitationId: made.id,
      viewerName: 'Dr Rita Remote',
    });
    // Who signed in is on the invitation; the session cookie is kept as its SHA-256 only.
    const { rows } = await central.server.db.query(
      'SELECT viewer_username, viewer_user_id, session_hash FROM telehealth_invitations WHERE id = $1',
      [made.id],
    );
    expect(rows[0].viewer_username).toBe('rita');
    expect(rows[0].viewer_user_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(rows[0].session_hash).toEqual(
      createHash('sha256').update(cookie.split('=')[1]!).digest(),
    );
    const opened = (await audited(made.id)).find((e) => e.kind === 'signed-in-with-account');
    expect(opened).toMatchObject({ actor: 'Dr Rita Remote' });
    expect(opened?.detail).toBe('user rita (remote-clinician), hospital subject sub-rita');
    // The bedside strip shows the account's name, not a typed one.
    const state = await call(central.url, TELEHEALTH_PATHS.invitation(made.id), {
      headers: bearer(credential),
    });
    expect(state.json).toMatchObject({ status: 'watching', viewer: { name: 'Dr Rita Remote' } });

    const url = new URL(VIEWER_PATHS.socket, central.url);
    url.protocol = 'ws:';
    const ws = new WebSocket(url, { headers: { cookie, origin: central.url } });
    const answered = new Promise<unknown>((resolve, reject) => {
      ws.on('message', (data) => {
        for (const message of serverMessagesIn(JSON.parse(String(data))) as Array<{
          type: string;
          result?: unknown;
        }>)
          if (message.type === 'response') resolve(message.result);
      });
      ws.once('unexpected-response', (_req, res) => reject(new Error(`${res.statusCode}`)));
      ws.once('error', reject);
    });
    ws.once('open', () =>
      ws.send(JSON.stringify({ type: 'request', id: 1, method: 'getStatus', params: {} })),
    );
    const status = (await answered) as { beds: Bed[] };
    expect(status.beds.map((b) => b.id)).toEqual([`${WS}/bed-1`]);
    ws.close();

    // The same answer from the provider again (a replay) is refused and audited.
    const replay = await browser.fetch(callbackUrl);
    expect(replay.status).toBe(409);
    expect(await replay.text()).toContain('not taken twice');
    // Another browser, with the code or the account, finds the link taken.
    const other = await call(central.url, VIEWER_PATHS.redeem, {
      noProtocol: true,
      body: { token: made.token, code: made.code, name: 'Dr Someone' },
    });
    expect(other.status).toBe(409);
    expect((await begin(new TestBrowser(), made.token)).status).toBe(409);
    const whys = (await audited(made.id)).filter((e) => e.kind === 'refused').map((e) => e.why);
    expect(whys).toEqual(['account-replayed', 'already-opened', 'already-opened']);
  });

  it('refuses a nurse, a disabled user and another user than invited, each counted', async () => {
    const made = await invite({ viewerUsername: 'Paul' });
    // A browser each: the provider would sign the same browser in again as whoever it knows.
    for (const [login, words] of [
      ['sub-nina', 'The user nina is a nurse account'],
      ['sub-dora', 'The user dora is disabled'],
      ['sub-rita', 'This invitation is for another user, not rita'],
    ] as const) {
      const browser = new TestBrowser();
      const back = await browser.fetch(await toCallback(browser, made.token, login));
      expect(back.status).toBe(303);
      expect(back.headers.get('location')).toBe(`${VIEWER_PATHS.page}#account`);
      await back.body?.cancel();
      const told = await offer(browser);
      expect(told.refusal?.message).toContain(words);
      expect(told.refusal?.message).toMatch(/\d tries are left before the link locks\.$/);
      // Told once.
      expect((await offer(browser)).refusal).toBeNull();
    }
    expect(await attemptsOf(made.id)).toBe(3);
    const refused = (await audited(made.id)).filter((e) => e.kind === 'refused');
    expect(refused.map((e) => e.why)).toEqual([
      'account-role',
      'account-disabled',
      'account-other-user',
    ]);
    expect(refused.map((e) => e.actor)).toEqual([
      'Nina Nurse',
      'Dr Dora Disabled',
      'Dr Rita Remote',
    ]);
    const userEvents = await central.server.db.query(
      `SELECT username, action FROM user_events WHERE action LIKE '%sign-in%' ORDER BY id`,
    );
    expect(userEvents.rows).toEqual(
      expect.arrayContaining([
        { username: 'nina', action: 'sign-in-refused' },
        { username: 'rita', action: 'telehealth-sign-in' },
      ]),
    );
    // The user the invitation names signs in (as a physician).
    const browser = new TestBrowser();
    const back = await browser.fetch(await toCallback(browser, made.token, 'sub-paul'));
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe(VIEWER_PATHS.page);
    const session = await browser.fetch(`${central.url}${VIEWER_PATHS.session}`);
    expect(await session.json()).toMatchObject({ viewerName: 'Dr Paul Physician' });
  });

  it('refuses a forged state, and another browser until the link locks', async () => {
    const forged = await new TestBrowser().fetch(
      `${callbackPrefix()}?code=forged&state=not-one-the-server-gave`,
    );
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('not one the central server asked for');
    expect((await audited(null)).at(-1)).toMatchObject({ why: 'account-unknown-state' });

    const made = await invite();
    const callbackUrl = await toCallback(new TestBrowser(), made.token, 'sub-rita');
    // The provider's answer carried to another browser (without the cookie of the one that began).
    for (let i = 1; i <= 4; i += 1) {
      const stolen = await new TestBrowser().fetch(callbackUrl);
      expect(stolen.status).toBe(403);
      expect(await stolen.text()).toContain(
        `${5 - i} ${5 - i === 1 ? 'try is' : 'tries are'} left`,
      );
    }
    const last = await new TestBrowser().fetch(callbackUrl);
    expect(await last.text()).toContain('locked');
    const state = await call(central.url, TELEHEALTH_PATHS.invitation(made.id), {
      headers: bearer(credential),
    });
    expect(state.json).toMatchObject({ status: 'ended', endReason: 'locked' });
  });

  it('leaves the code working alongside', async () => {
    const made = await invite();
    const browser = new TestBrowser();
    const back = await browser.fetch(await toCallback(browser, made.token, 'sub-nina'));
    await back.body?.cancel();
    const answer = await call(central.url, VIEWER_PATHS.redeem, {
      noProtocol: true,
      body: { token: made.token, code: made.code, name: 'Nina at home' },
    });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json.viewerName).toBe('Nina at home');
    expect((await audited(made.id)).map((e) => e.kind)).toEqual(['invited', 'refused', 'opened']);
  });
});
