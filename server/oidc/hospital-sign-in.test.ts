// Sign-in with the hospital account against a real OpenID Connect provider (oidc-provider on
// loopback) and a real central server on PostgreSQL: the browser's part driven with fetch and a
// cookie jar, the workstation's part with its credential.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSPITAL_SIGN_IN_PATHS } from '../../shared/sync/hospital-sign-in';
import { startTestCentral } from '../test-support/central';
import type { TestCentral } from '../test-support/central';
import { bearer, call } from '../test-support/http-client';
import {
  TEST_CLIENT_ID,
  TEST_CLIENT_SECRET,
  TestBrowser,
  listenTestOidcProvider,
} from '../test-support/oidc-provider';
import type { TestOidcProvider } from '../test-support/oidc-provider';

const HOSPITAL = [
  { sub: 'sub-ana-7f3a', preferredUsername: 'Ana', name: 'Ana Lopez' },
  { sub: 'sub-dan-19c2', preferredUsername: 'dan', name: 'Dan Okafor' },
  { sub: 'sub-zoe-55e1', preferredUsername: 'zoe', name: 'Zoe Martin' },
  { sub: 'sub-eve-0b7d', preferredUsername: 'eve', name: 'Eve Impostor' },
];

let provider: TestOidcProvider;
let central: TestCentral;
let shiftMs = 0;
let ws1: string;
let ws2: string;
const callbackPrefix = () => `${central.url}${HOSPITAL_SIGN_IN_PATHS.callback}`;

beforeAll(async () => {
  provider = await listenTestOidcProvider(HOSPITAL);
  central = await startTestCentral({
    nowMs: () => Date.now() + shiftMs,
    oidc: {
      issuerUrl: provider.issuer,
      clientId: TEST_CLIENT_ID,
      clientSecret: TEST_CLIENT_SECRET,
      publicUrl: null,
    },
  });
  provider.serve(callbackPrefix());
  const db = central.server.db;
  await db.query(
    `INSERT INTO users (username, display_name, role) VALUES
       ('ana', 'Ana Lopez', 'nurse'), ('eve', 'Eve Adams', 'physician')`,
  );
  await db.query(
    `INSERT INTO users (username, display_name, role, disabled) VALUES ('dan', 'Dan Okafor', 'nurse', true)`,
  );
  // eve's user is linked to another hospital account already: the impostor's login name is refused.
  await db.query(`UPDATE users SET oidc_subject = 'sub-the-real-eve' WHERE username = 'eve'`);
  ws1 = await central.enrol('ws-oidc-1');
  ws2 = await central.enrol('ws-oidc-2');
}, 60_000);

afterAll(async () => {
  await central?.stop();
  await provider?.close();
});

async function begin(credential: string, on: TestCentral = central) {
  const answer = await call(on.url, HOSPITAL_SIGN_IN_PATHS.attempts, {
    headers: bearer(credential),
    body: {},
  });
  return answer;
}

async function outcome(credential: string, attemptId: string) {
  return call(central.url, HOSPITAL_SIGN_IN_PATHS.attempt(attemptId), {
    headers: bearer(credential),
  });
}

/** Begins at ws1, signs in at the provider as `login`, returns the page and the attempt. */
async function signInAs(login: string) {
  const begun = await begin(ws1);
  expect(begun.status).toBe(200);
  const browser = new TestBrowser();
  const { callbackUrl } = await browser.signInAt(begun.json.url, login, callbackPrefix());
  const page = await browser.fetch(callbackUrl);
  return {
    attemptId: begun.json.attemptId as string,
    url: begun.json.url as string,
    browser,
    callbackUrl,
    status: page.status,
    text: await page.text(),
  };
}

describe('sign-in with the hospital account', () => {
  it('says it is offered to an enrolled workstation, and to nobody else', async () => {
    const offered = await call(central.url, HOSPITAL_SIGN_IN_PATHS.attempts, {
      headers: bearer(ws1),
    });
    expect(offered.json).toEqual({ offered: true });
    const anonymous = await call(central.url, HOSPITAL_SIGN_IN_PATHS.attempts, { body: {} });
    expect(anonymous.status).toBe(401);
  });

  it('signs a server user in, binds the subject, and answers the workstation once', async () => {
    const begun = await begin(ws1);
    expect(begun.json.url).toMatch(
      new RegExp(`^${central.url}${HOSPITAL_SIGN_IN_PATHS.start}\\?attempt=[A-Za-z0-9_-]{43}$`),
    );
    expect(begun.json.expiresAtMs - Date.now()).toBeGreaterThan(4.9 * 60_000);
    const pending = await outcome(ws1, begun.json.attemptId);
    expect(pending.json).toMatchObject({ pending: true });

    // To the provider with PKCE, and asking who it is every time (a shared workstation's
    // browser), shown on an attempt of its own (a start address is spent once opened).
    const probe = await new TestBrowser().fetch((await begin(ws1)).json.url);
    const asked = new URL(probe.headers.get('location')!);
    expect(asked.searchParams.get('prompt')).toBe('login');
    expect(asked.searchParams.get('code_challenge_method')).toBe('S256');
    await probe.body?.cancel();

    const browser = new TestBrowser();
    const { callbackUrl } = await browser.signInAt(
      begun.json.url,
      'sub-ana-7f3a',
      callbackPrefix(),
    );
    expect(new URL(callbackUrl).searchParams.get('code')).toBeTruthy();
    const page = await browser.fetch(callbackUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(
      'Signed in as Ana Lopez at the workstation. You can close this tab.',
    );

    const answered = await outcome(ws1, begun.json.attemptId);
    expect(answered.status).toBe(200);
    const { rows } = await central.server.db.query<{ id: string; oidc_subject: string }>(
      `SELECT id, oidc_subject FROM users WHERE username = 'ana'`,
    );
    expect(answered.json).toEqual({
      signedIn: {
        username: 'ana',
        displayName: 'Ana Lopez',
        role: 'nurse',
        serverUserId: rows[0]!.id,
      },
    });
    expect(rows[0]!.oidc_subject).toBe('sub-ana-7f3a');
    const again = await outcome(ws1, begun.json.attemptId);
    expect(again.status).toBe(404);

    const events = await central.server.db.query<{ action: string; detail: string }>(
      `SELECT action, detail FROM user_events WHERE username = 'ana' ORDER BY id`,
    );
    expect(events.rows.map((e) => e.action)).toEqual(['oidc-subject-bound', 'sign-in']);
    expect(events.rows[1]!.detail).toContain('ws-oidc-1');
  });

  it('finds the user by the subject the next time, whatever the login name says', async () => {
    // The provider's login name is "Ana"; the bound subject is what counts now.
    const second = await signInAs('sub-ana-7f3a');
    expect(second.text).toContain('Signed in as Ana Lopez');
    expect((await outcome(ws1, second.attemptId)).json.signedIn.username).toBe('ana');
  });

  it('refuses a hospital account the server has no user for, and says so', async () => {
    const zoe = await signInAs('sub-zoe-55e1');
    expect(zoe.status).toBe(403);
    expect(zoe.text).toContain('The hospital account zoe has no user on the central server');
    const answer = await outcome(ws1, zoe.attemptId);
    expect(answer.json.refused).toMatch(/has no user on the central server.*Ask IT to add it/);
  });

  it('refuses a user disabled on the server', async () => {
    const dan = await signInAs('sub-dan-19c2');
    expect(dan.text).toContain('The user dan (Dan Okafor) is disabled on the central server');
    expect((await outcome(ws1, dan.attemptId)).json.refused).toContain('disabled');
    const { rows } = await central.server.db.query<{ oidc_subject: string | null }>(
      `SELECT oidc_subject FROM users WHERE username = 'dan'`,
    );
    // Bound all the same (it is this person's account), and still refused.
    expect(rows[0]!.oidc_subject).toBe('sub-dan-19c2');
  });

  it('refuses a login name whose user is linked to another hospital account', async () => {
    const eve = await signInAs('sub-eve-0b7d');
    expect(eve.text).toContain('linked to another hospital account');
    expect((await outcome(ws1, eve.attemptId)).json.refused).toContain('Ask IT');
  });

  it('takes a callback once: a replayed one is refused, and the start address is single use', async () => {
    const ana = await signInAs('sub-ana-7f3a');
    const replay = await ana.browser.fetch(ana.callbackUrl);
    expect(replay.status).toBe(409);
    expect(await replay.text()).toContain('completed already');
    const reopened = await ana.browser.fetch(ana.url);
    expect(reopened.status).toBe(410);
    expect(await reopened.text()).toContain('was used already');
    expect((await outcome(ws1, ana.attemptId)).json.signedIn.username).toBe('ana');
  });

  it('refuses a callback that comes to another browser than the one that started', async () => {
    const begun = await begin(ws1);
    const browser = new TestBrowser();
    const { callbackUrl } = await browser.signInAt(
      begun.json.url,
      'sub-ana-7f3a',
      callbackPrefix(),
    );
    const elsewhere = await new TestBrowser().fetch(callbackUrl);
    expect(elsewhere.status).toBe(403);
    expect(await elsewhere.text()).toContain('begun in another browser');
    // The right browser still finishes it.
    const page = await browser.fetch(callbackUrl);
    expect(await page.text()).toContain('Signed in as Ana Lopez');
  });

  it('stops an attempt after 5 minutes: asked, opened, or called back late', async () => {
    const asked = await begin(ws1);
    const opened = await begin(ws1);
    const late = await begin(ws1);
    const browser = new TestBrowser();
    const { callbackUrl } = await browser.signInAt(late.json.url, 'sub-ana-7f3a', callbackPrefix());
    shiftMs += 5 * 60_000 + 1_000;
    try {
      const answer = await outcome(ws1, asked.json.attemptId);
      expect(answer.json.refused).toContain('not finished within 5 minutes');
      const page = await new TestBrowser().fetch(opened.json.url);
      expect(page.status).toBe(410);
      expect(await page.text()).toContain('not finished within 5 minutes');
      const callback = await browser.fetch(callbackUrl);
      expect(await callback.text()).toContain('not finished within 5 minutes');
      expect((await outcome(ws1, late.json.attemptId)).json.refused).toContain('5 minutes');
    } finally {
      shiftMs -= 5 * 60_000 + 1_000;
    }
  });

  it('is answered by any instance of the server: the attempts are in the database', async () => {
    const other = await startTestCentral(
      {
        oidc: {
          issuerUrl: provider.issuer,
          clientId: TEST_CLIENT_ID,
          clientSecret: TEST_CLIENT_SECRET,
          publicUrl: central.url,
        },
      },
      central.database,
    );
    try {
      const begun = await begin(ws1, other);
      expect(begun.json.url.startsWith(`${central.url}/`)).toBe(true);
      const browser = new TestBrowser();
      const { callbackUrl } = await browser.signInAt(
        begun.json.url,
        'sub-ana-7f3a',
        callbackPrefix(),
      );
      expect(await (await browser.fetch(callbackUrl)).text()).toContain('Signed in as Ana Lopez');
      const answer = await call(other.url, HOSPITAL_SIGN_IN_PATHS.attempt(begun.json.attemptId), {
        headers: bearer(ws1),
      });
      expect(answer.json.signedIn.username).toBe('ana');
    } finally {
      await other.stop();
    }
  });

  it("refuses an attempt asked with another workstation's credential", async () => {
    const begun = await begin(ws1);
    const other = await outcome(ws2, begun.json.attemptId);
    expect(other.status).toBe(403);
    expect(other.json.message).toContain('begun at another workstation');
    expect((await outcome(ws1, begun.json.attemptId)).json.pending).toBe(true);
  });

  it('says clearly at begin that the provider is down, and that it is not set up', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const down = await startTestCentral(
      {
        oidc: {
          issuerUrl: `http://127.0.0.1:${deadPort}`,
          clientId: TEST_CLIENT_ID,
          clientSecret: TEST_CLIENT_SECRET,
          publicUrl: null,
        },
      },
      central.database,
    );
    const plain = await startTestCentral({}, central.database);
    try {
      const refused = await begin(ws1, down);
      expect(refused.status).toBe(503);
      expect(refused.json.message).toMatch(
        new RegExp(
          `The hospital's sign-in service \\(http://127.0.0.1:${deadPort}\\) cannot be reached just now`,
        ),
      );
      expect(refused.json.message).toContain('Sign in with your user name and password');

      const offered = await call(plain.url, HOSPITAL_SIGN_IN_PATHS.attempts, {
        headers: bearer(ws1),
      });
      expect(offered.json).toEqual({ offered: false });
      const notSetUp = await begin(ws1, plain);
      expect(notSetUp.status).toBe(404);
      expect(notSetUp.json.message).toContain('does not sign users in with the hospital account');
    } finally {
      await down.stop();
      await plain.stop();
    }
  });
});
