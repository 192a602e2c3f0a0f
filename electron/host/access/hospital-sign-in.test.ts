// Sign-in at the workstation with the hospital account, end to end below the screen: a real
// workstation access over its store, a real central server on PostgreSQL, and a real OpenID
// Connect provider on loopback whose sign-in a fetch-and-cookies browser goes through.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api/errors';
import { HOSPITAL_SIGN_IN_PATHS } from '../../../shared/sync/hospital-sign-in';
import { startTestCentral, type TestCentral } from '../../../server/test-support/central';
import {
  listenTestOidcProvider,
  TEST_CLIENT_ID,
  TEST_CLIENT_SECRET,
  TestBrowser,
  type TestOidcProvider,
} from '../../../server/test-support/oidc-provider';
import { SYNC_PATHS } from '../../../shared/sync/protocol';
import { addUser, setUserDisabled } from '../../../server/accounts/users-store';
import { call } from '../../../server/test-support/http-client';
import { AccountsPuller } from '../sync/accounts-puller';
import { accessRig, withAdministrator, type AccessRig } from './access.test-support';
import { HospitalSignIn, hospitalWords, type HospitalLink } from './hospital-sign-in';

const BY_ADMIN = { actor: 'Ida Admin (it-admin)', from: 'admin desk' };
/** A local account of this workstation with the name of a hospital one: never the one vouched for. */
const LOCAL_ANA = {
  username: 'ana',
  displayName: 'Ana Local',
  role: 'physician' as const,
  password: 'local-password-1',
};

let provider: TestOidcProvider;
let central: TestCentral;
let rig: AccessRig;
let link: HospitalLink;
let puller: AccountsPuller;
let pulls = 0;

function hospitalSignIn(overrides: Partial<ConstructorParameters<typeof HospitalSignIn>[0]> = {}) {
  return new HospitalSignIn({
    access: rig.access,
    link: () => link,
    // The workstation's own accounts puller, counted.
    pullAccounts: async () => {
      pulls += 1;
      await puller.pullNow();
    },
    pollEveryMs: 50,
    waitPerCallMs: 5_000,
    ...overrides,
  });
}

async function refusalOf(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

/** The person's part in the browser: the provider's sign-in as `sub`, back to the server. */
async function inTheBrowser(url: string, sub: string): Promise<string> {
  const browser = new TestBrowser();
  const { callbackUrl } = await browser.signInAt(
    url,
    sub,
    `${central.url}${HOSPITAL_SIGN_IN_PATHS.callback}`,
  );
  return (await browser.fetch(callbackUrl)).text();
}

beforeAll(async () => {
  provider = await listenTestOidcProvider([
    { sub: 'sub-ana', preferredUsername: 'ana', name: 'Ana Lopez' },
    { sub: 'sub-bo', preferredUsername: 'bo', name: 'Bo Chen' },
    { sub: 'sub-zoe', preferredUsername: 'zoe', name: 'Zoe Martin' },
  ]);
  central = await startTestCentral({
    oidc: {
      issuerUrl: provider.issuer,
      clientId: TEST_CLIENT_ID,
      clientSecret: TEST_CLIENT_SECRET,
      publicUrl: null,
    },
  });
  provider.serve(`${central.url}${HOSPITAL_SIGN_IN_PATHS.callback}`);
  // Hospital accounts that sign in through the provider only (no password on the server).
  await addUser(
    central.server.db,
    { username: 'ana', displayName: 'Ana Lopez', role: 'nurse', passwordHash: null },
    'test',
  );
  link = { serverUrl: central.url, credential: await central.enrol('ws-hospital-1') };
  rig = await accessRig();
  await withAdministrator(rig.access);
  await rig.access.addAccount(LOCAL_ANA, BY_ADMIN);
  const serverId = (await call(central.url, SYNC_PATHS.hello)).json.serverId as string;
  puller = new AccountsPuller({
    outbox: rig.store.outbox,
    link: () => ({
      endpoint: { serverUrl: central.url, caPem: null },
      credential: link.credential,
      workstationId: 'ws-hospital-1',
      serverId,
    }),
    log: () => undefined,
  });
  await puller.pullNow();
}, 60_000);

afterAll(async () => {
  await puller?.stop();
  await rig?.close();
  await central?.stop();
  await provider?.close();
});

describe('sign-in with the hospital account at a workstation', () => {
  it('is offered while enrolled with a server that offers it, and not otherwise', async () => {
    expect(await hospitalSignIn().offered()).toBe(true);
    expect(await hospitalSignIn({ link: () => null }).offered()).toBe(false);
    const plain = await startTestCentral({}, central.database);
    try {
      expect(
        await hospitalSignIn({ link: () => ({ ...link, serverUrl: plain.url }) }).offered(),
      ).toBe(false);
      const refused = await refusalOf(
        hospitalSignIn({ link: () => ({ ...link, serverUrl: plain.url }) }).begin(
          rig.access.openScreen('page', 'browser tab 9'),
        ),
      );
      expect(refused.message).toBe(hospitalWords.notOffered);
    } finally {
      await plain.stop();
    }
  });

  it('signs the screen that began it in, audited as through the hospital sign-in', async () => {
    const hospital = hospitalSignIn({ waitPerCallMs: 100 });
    const screen = rig.access.openScreen('page', 'browser tab 1');
    const begun = await hospital.begin(screen);
    expect(begun.url).toContain(`${central.url}${HOSPITAL_SIGN_IN_PATHS.start}?attempt=`);
    // Nobody has signed in at the provider yet: the screen is told to wait.
    expect(await hospital.finish(screen, begun.attemptId)).toEqual({
      waiting: true,
      expiresAtMs: begun.expiresAtMs,
    });
    // Another screen cannot take this attempt.
    const other = rig.access.openScreen('page', 'browser tab 2');
    expect((await refusalOf(hospital.finish(other, begun.attemptId))).code).toBe('not_found');

    expect(await inTheBrowser(begun.url, 'sub-ana')).toContain('Signed in as Ana Lopez');
    let ended = await hospital.finish(screen, begun.attemptId);
    for (let i = 0; i < 50 && ended.waiting; i++)
      ended = await hospital.finish(screen, begun.attemptId);
    expect(ended.waiting).toBe(false);
    if (ended.waiting) return;
    // The hospital's ana (a nurse), not the local account of the same name (a physician).
    expect(ended.access.user).toMatchObject({
      username: 'ana',
      displayName: 'Ana Lopez',
      role: 'nurse',
    });
    expect(screen.access().principal).toBe('user');
    expect(rig.audit.at(-1)).toMatchObject({
      actor: 'Ana Lopez (ana)',
      action: 'sign-in',
      subject: 'user=ana',
      detail: "from browser tab 1 (through the hospital's sign-in)",
    });
    // Taken once: asked again, it is over.
    expect((await refusalOf(hospital.finish(screen, begun.attemptId))).code).toBe('not_found');
  });

  it("says the server's refusal in its words", async () => {
    const hospital = hospitalSignIn();
    const screen = rig.access.openScreen('page', 'browser tab 3');
    const begun = await hospital.begin(screen);
    const waiting = hospital.finish(screen, begun.attemptId);
    await inTheBrowser(begun.url, 'sub-zoe');
    const refused = await refusalOf(waiting);
    expect(refused.code).toBe('unauthorized');
    expect(refused.message).toContain('The hospital account zoe has no user on the central server');
    expect(screen.access().principal).toBe('unidentified');
  });

  it('pulls the accounts first when the user is not at this workstation yet', async () => {
    // Added on the server after this workstation's last pull.
    await addUser(
      central.server.db,
      { username: 'bo', displayName: 'Bo Chen', role: 'physician', passwordHash: null },
      'test',
    );
    expect(rig.access.listAccounts().some((a) => a.username === 'bo')).toBe(false);
    const hospital = hospitalSignIn();
    const screen = rig.access.openScreen('page', 'browser tab 4');
    pulls = 0;
    const begun = await hospital.begin(screen);
    const arriving = hospital.finish(screen, begun.attemptId);
    await inTheBrowser(begun.url, 'sub-bo');
    const ended = await arriving;
    expect(ended.waiting === false && ended.access.user).toMatchObject({
      username: 'bo',
      displayName: 'Bo Chen',
    });
    expect(pulls).toBe(1);
  });

  it('a second sign-in begun at a screen ends the first: the first tab signs nobody in', async () => {
    const hospital = hospitalSignIn({ waitPerCallMs: 100 });
    const screen = rig.access.openScreen('page', 'browser tab 7');
    const first = await hospital.begin(screen);
    // The screen waits on the first (the host asks the server)...
    expect(await hospital.finish(screen, first.attemptId)).toMatchObject({ waiting: true });
    // ...then the person stops waiting and begins again.
    const second = await hospital.begin(screen);
    expect(await inTheBrowser(first.url, 'sub-bo')).toContain('Signed in as Bo Chen');
    await new Promise((resolve) => setTimeout(resolve, 500)); // past several of the host's polls
    expect(screen.access().principal).toBe('unidentified');
    expect((await refusalOf(hospital.finish(screen, first.attemptId))).code).toBe('not_found');
    expect(await hospital.finish(screen, second.attemptId)).toMatchObject({ waiting: true });
  });

  it('refuses an account the central server disabled after it vouched for the person', async () => {
    const hospital = hospitalSignIn();
    const screen = rig.access.openScreen('page', 'browser tab 6');
    const begun = await hospital.begin(screen);
    // The server still knows ana as enabled: it signs her in...
    expect(await inTheBrowser(begun.url, 'sub-ana')).toContain('Signed in as Ana Lopez');
    // ...then IT disables her, and this workstation's next pull brings it before it finishes.
    await setUserDisabled(central.server.db, 'ana', true, 'test');
    await puller.pullNow();
    const refused = await refusalOf(hospital.finish(screen, begun.attemptId));
    expect(refused.code).toBe('unauthorized');
    expect(refused.message).toBe('Your account was disabled at the central server.');
    expect(screen.access().principal).toBe('unidentified');
    expect(rig.audit.at(-1)).toMatchObject({
      action: 'sign-in-refused',
      subject: 'user=ana',
      detail:
        "from browser tab 6 (through the hospital's sign-in; account disabled at the central server)",
    });
    // The local account of the same name was never the one signed in, and still signs in.
    expect(
      rig.access.listAccounts().find((a) => a.source === 'local' && a.username === 'ana'),
    ).toMatchObject({ disabled: false, role: 'physician' });
  });

  it('says why it cannot begin: not enrolled, or the server cannot be reached', async () => {
    const screen = rig.access.openScreen('page', 'browser tab 5');
    const notEnrolled = await refusalOf(hospitalSignIn({ link: () => null }).begin(screen));
    expect(notEnrolled.message).toBe(hospitalWords.notEnrolled);
    const away = await refusalOf(
      hospitalSignIn({ link: () => ({ ...link, serverUrl: 'http://127.0.0.1:9' }) }).begin(screen),
    );
    expect(away.message).toMatch(/^The central server cannot be reached just now \(/);
    const script = await refusalOf(
      hospitalSignIn().begin(rig.access.openScreen('script', 'script')),
    );
    expect(script.code).toBe('invalid_request');
  });
});
