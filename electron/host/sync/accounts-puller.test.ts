// The hospital's accounts at a workstation: pulled from a real central server (real PostgreSQL,
// real HTTP) into a real store on disk, then used by Access: a user signs in with the password
// IT set on the server while the server is down, sets a PIN here; a user disabled on the server
// while the workstation was offline is signed out at its next sync and refused, and told why; a
// server account is listed as such and not changed here; a name both have signs in as the local
// one (logged once); hostile pages keep nothing. argon2 at a cheap cost (the code takes any).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import argon2 from 'argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api/errors';
import { ACCOUNTS_ADMIN_PATHS, type SyncedAccount } from '../../../shared/sync/accounts';
import { ADMIN_PATHS } from '../../../shared/sync/admin';
import { SYNC_PATHS } from '../../../shared/sync/protocol';
import {
  ADMIN_TOKEN,
  startTestCentral,
  type TestCentral,
} from '../../../server/test-support/central';
import { freshDatabase, type TestDatabase } from '../../../server/test-support/database';
import { bearer, call } from '../../../server/test-support/http-client';
import { Access } from '../access/access';
import { Accounts, sourceOf } from '../access/accounts';
import { TestClock } from '../access/access.test-support';
import { openStore, type AuditEventToStore, type Store } from '../store/client';
import { accountsCursorKey } from '../store/server-accounts';
import { freshStoreDir } from '../store/store-template.test-support';
import { AccountsPuller } from './accounts-puller';
import type { PollLink } from './page-poller';
import { WorkstationSync } from './workstation-sync';

const CHEAP = { memoryCost: 1024, timeCost: 1, parallelism: 1 };
const hash = (password: string) => argon2.hash(password, { type: argon2.argon2id, ...CHEAP });

let database: TestDatabase;
let central: TestCentral | null = null;
let credential: string;
let serverId: string;
let store: Store;
let access: Access;
let folder: string;
const clock = new TestClock();
const audit: AuditEventToStore[] = [];
const logged: string[] = [];
/** Where the puller goes: the central server, or the hostile stand-in. */
let serverUrl = '';
let puller: AccountsPuller;

const link = (): PollLink => ({
  endpoint: { serverUrl, caPem: null },
  credential,
  workstationId: 'ws-accounts',
  serverId,
});

async function admin(path: string, body?: object) {
  const answer = await call(central!.url, path, {
    headers: bearer(ADMIN_TOKEN),
    ...(body === undefined ? { method: 'POST' } : { body }),
  });
  if (answer.status !== 200) throw new Error(`${path}: ${answer.status} ${answer.text}`);
  return answer.json as { id: string; version: number };
}

async function startCentral(): Promise<void> {
  central = await startTestCentral({}, database);
  serverUrl = central.url;
}

async function refused(work: Promise<unknown>): Promise<ApiError> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

beforeAll(async () => {
  database = await freshDatabase('accounts');
  await startCentral();
  credential = await central!.enrol('ws-accounts');
  serverId = (await call(central!.url, SYNC_PATHS.hello)).json.serverId as string;
  const made = await freshStoreDir('ws-accounts-');
  folder = made.folder;
  store = await openStore({ dataDir: made.dataDir, workstationId: 'ws-accounts' });
  access = await Access.open({
    store,
    audit: (event) => audit.push(event),
    now: clock.now,
    timers: clock,
    log: (line) => logged.push(line),
    costs: { password: CHEAP, pin: CHEAP },
  });
  puller = new AccountsPuller({ outbox: store.outbox, link, log: (l) => logged.push(l) });
});

afterAll(async () => {
  await puller?.stop();
  access?.close();
  await store?.close();
  await central?.stop();
  await database?.drop();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

describe('accounts from the central server', () => {
  it('makes the workstation set up: no administrator to make here', async () => {
    await admin(ACCOUNTS_ADMIN_PATHS.users, {
      username: 'nina',
      displayName: 'Nina Nurse',
      role: 'nurse',
      passwordHash: await hash('nina-password-1'),
    });
    await admin(ACCOUNTS_ADMIN_PATHS.users, {
      username: 'ida',
      displayName: 'Ida IT',
      role: 'it-administrator',
      passwordHash: await hash('ida-password-01'),
    });
    // Signs in through the hospital's OpenID Connect provider only.
    await admin(ACCOUNTS_ADMIN_PATHS.users, {
      username: 'paul',
      displayName: 'Paul Physician',
      role: 'physician',
    });
    const screen = access.openScreen('page', 'bedside window');
    expect(access.access(screen).setUp).toBe(false);

    await puller.pullNow();

    expect(access.access(screen).setUp).toBe(true);
    const error = await refused(
      access.createAdministrator(screen, {
        username: 'root',
        displayName: 'Root',
        password: 'root-password-1',
      }),
    );
    expect(error.code).toBe('conflict');
    const list = access.listAccounts();
    expect(list.map((a) => [a.username, a.source, a.createdBy])).toEqual([
      ['ida', 'server', 'the central server'],
      ['nina', 'server', 'the central server'],
      ['paul', 'server', 'the central server'],
    ]);
    expect(await store.outbox.readState(accountsCursorKey(serverId))).toBe(3);
    // Nothing of it is queued to go back to the server.
    expect((await store.outbox.backlog()).rows).toBe(0);
  });

  it('signs in offline with the password set on the server, and keeps a PIN set here', async () => {
    await central!.stop();
    central = null;
    await expect(puller.pullNow()).rejects.toThrow();

    const screen = access.openScreen('page', 'bedside window');
    const wrong = await refused(access.signIn(screen, 'nina', 'not-her-password'));
    expect(wrong.message).toBe('The user name or the password is wrong. Check both and try again.');
    const signedIn = await access.signIn(screen, 'nina', 'nina-password-1');
    expect(signedIn.user).toMatchObject({ username: 'nina', role: 'nurse' });

    await access.setOwnPin(screen, 'nina-password-1', '4711');
    access.lockScreen(screen);
    expect((await access.unlockWithPin(screen, '4711')).locked).toBe(false);
    const [kept] = (await store.accounts.listServer()).filter((a) => a.username === 'nina');
    expect(kept!.pinHash).toMatch(/^\$argon2id\$/);

    // No password opens an account that signs in through OpenID Connect only.
    await refused(access.signIn(access.openScreen('page', 'tab 2'), 'paul', ''.padEnd(12, 'x')));

    // Changed only on the central server.
    const managed = await refused(
      access.setAccountDisabled(kept!.id, true, { actor: 'Ida IT (ida)', from: 'tab 3' }),
    );
    expect(managed.message).toMatch(/managed on the central server/);
    expect(access.listAccounts().find((a) => a.username === 'nina')!.disabled).toBe(false);
  });

  it('a user disabled on the server while the workstation is offline: signed out at its next sync, and told why', async () => {
    const screen = access.openScreen('page', 'bedside window 2');
    await access.signIn(screen, 'nina', 'nina-password-1');
    expect(access.access(screen).user?.username).toBe('nina');

    await startCentral();
    await admin(ACCOUNTS_ADMIN_PATHS.user('nina', 'disable'));
    expect(access.access(screen).user?.username).toBe('nina'); // not pulled yet

    await puller.pullNow();

    expect(access.access(screen).user).toBeNull();
    expect(audit).toContainEqual(
      expect.objectContaining({
        action: 'sign-out',
        actor: 'the central server',
        subject: 'user=nina',
        detail: expect.stringContaining('account disabled at the central server'),
      }),
    );
    const again = await refused(access.signIn(screen, 'nina', 'nina-password-1'));
    expect(again.message).toBe('Your account was disabled at the central server.');
    expect(access.listAccounts().find((a) => a.username === 'nina')!.disabled).toBe(true);

    await admin(ACCOUNTS_ADMIN_PATHS.user('nina', 'enable'));
    await puller.pullNow();
    expect((await access.signIn(screen, 'nina', 'nina-password-1')).user?.username).toBe('nina');

    // A role changed on the server (IT's admin api) shows at once, and a remote clinician, who
    // never signs in at a workstation, is signed out.
    const setRole = (role: string) => admin(ACCOUNTS_ADMIN_PATHS.user('nina', 'profile'), { role });
    await setRole('physician');
    await puller.pullNow();
    expect(access.access(screen).user).toMatchObject({ username: 'nina', role: 'physician' });
    await setRole('remote-clinician');
    await puller.pullNow();
    expect(access.access(screen).user).toBeNull();
    await setRole('nurse');
    await puller.pullNow();
  });

  it('a name both have signs in as the local account; the clash is logged once', async () => {
    const by = { actor: 'Ida IT (ida)', from: 'tab 3' };
    await access.addAccount(
      {
        username: 'olga',
        displayName: 'Olga Local',
        role: 'view-only',
        password: 'olga-local-pass',
      },
      by,
    );
    // A new local account may not take a server account's name.
    const taken = await refused(
      access.addAccount(
        { username: 'ida', displayName: 'Ida 2', role: 'nurse', password: 'ida-local-pass1' },
        by,
      ),
    );
    expect(taken.message).toMatch(/central server has an account "ida"/);

    await admin(ACCOUNTS_ADMIN_PATHS.users, {
      username: 'olga',
      displayName: 'Olga Server',
      role: 'physician',
      passwordHash: await hash('olga-server-pass'),
    });
    await puller.pullNow();
    await puller.pullNow();
    expect(logged.filter((l) => l.includes('has an account "olga"'))).toHaveLength(1);
    const screen = access.openScreen('page', 'tab 4');
    expect((await access.signIn(screen, 'olga', 'olga-local-pass')).user?.displayName).toBe(
      'Olga Local',
    );
    await refused(access.signIn(screen, 'olga', 'olga-server-pass'));
    expect(
      access
        .listAccounts()
        .filter((a) => a.username === 'olga')
        .map((a) => a.source),
    ).toEqual(['local', 'server']);
    // The hook for a sign-in through the hospital's OpenID Connect provider.
    const accounts = await Accounts.open(
      store.accounts,
      clock.now,
      { password: CHEAP, pin: CHEAP },
      () => undefined,
    );
    expect(sourceOf(accounts.byUsername('olga')!)).toBe('local');
    expect(accounts.serverAccountByUsername('olga')).toMatchObject({
      source: 'server',
      displayName: 'Olga Server',
    });
    expect(accounts.byUsername('ida')).toMatchObject({
      source: 'server',
      role: 'it-administrator',
    });
  });

  it('runs on its own every round while the link is up', async () => {
    await admin(ACCOUNTS_ADMIN_PATHS.users, {
      username: 'rita',
      displayName: 'Rita',
      role: 'view-only',
      passwordHash: await hash('rita-password-1'),
    });
    const looping = new AccountsPuller({ outbox: store.outbox, link, everyMs: 50 }).start();
    try {
      await expect
        .poll(() => access.listAccounts().some((a) => a.username === 'rita'), { timeout: 10_000 })
        .toBe(true);
    } finally {
      await looping.stop();
    }
  });
});

describe('through the workstation’s sync', () => {
  it('pulls the accounts once enrolled, and pullAccountsNow has them at once', async () => {
    const sync = new WorkstationSync({
      dataDir: join(folder, 'sync-data'),
      workstationId: 'ws-sync',
      store,
      log: (line) => logged.push(line),
      pullEveryMs: 60_000,
      statusEveryMs: 60_000,
    });
    await sync.start();
    try {
      await expect(sync.pullAccountsNow()).rejects.toThrow(/not enrolled/);
      const made = await call(central!.url, ADMIN_PATHS.enrolmentCodes, {
        headers: bearer(ADMIN_TOKEN),
        body: { unit: 'ICU 2' },
      });
      await sync.enrol({ server: central!.url, code: made.json.code as string, name: 'Bed 9' });
      await admin(ACCOUNTS_ADMIN_PATHS.users, {
        username: 'sam',
        displayName: 'Sam Surgeon',
        role: 'physician',
        passwordHash: await hash('sam-password-01'),
      });
      await sync.pullAccountsNow();
      expect(access.listAccounts().find((a) => a.username === 'sam')).toMatchObject({
        source: 'server',
        role: 'physician',
      });
    } finally {
      await sync.stop();
    }
  });
});

describe('a hostile page keeps nothing', () => {
  let hostile: Server;
  let answer: unknown = null;

  beforeAll(async () => {
    hostile = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
    });
    await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
    serverUrl = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    serverUrl = central!.url;
    await new Promise((resolve) => hostile.close(resolve));
  });

  const account = async (over: Partial<SyncedAccount> = {}): Promise<SyncedAccount> => ({
    id: '0190f5a0-0000-7000-8000-000000000001',
    username: 'mallory',
    displayName: 'Mallory',
    role: 'it-administrator',
    passwordHash: await hash('mallory-password'),
    disabled: false,
    version: 1_000,
    ...over,
  });

  it.each([
    [
      'wrong types',
      async () => ({
        accounts: [{ ...(await account()), disabled: 'no' }],
        cursor: 1_000,
        more: false,
      }),
      /disabled/,
    ],
    ['a cursor going back', async () => ({ accounts: [], cursor: 1, more: false }), /goes back/],
    [
      'a role not in the table',
      async () => ({
        accounts: [{ ...(await account()), role: 'root' }],
        cursor: 1_000,
        more: false,
      }),
      /role/,
    ],
    [
      'a version outside the page',
      async () => ({ accounts: [await account({ version: 2 })], cursor: 1_000, more: false }),
      /lies outside/,
    ],
    [
      'a hash too costly to check',
      async () => ({
        accounts: [
          await account({
            passwordHash: (await hash('x-password-1')).replace('m=1024', 'm=4194304'),
          }),
        ],
        cursor: 1_000,
        more: false,
      }),
      /memory cost/,
    ],
    [
      'two accounts of one name',
      async () => ({
        accounts: [
          await account({ version: 999 }),
          await account({ id: '0190f5a0-0000-7000-8000-000000000002' }),
        ],
        cursor: 1_000,
        more: false,
      }),
      /two accounts/,
    ],
    ['not JSON at all', async () => 'welcome', /not a page/],
  ])('%s', async (_what, make, words) => {
    const cursor = await store.outbox.readState(accountsCursorKey(serverId));
    const before = await store.accounts.listServer();
    const listed = access.listAccounts();
    answer = await make();
    await expect(puller.pullNow()).rejects.toThrow(words);
    expect(await store.accounts.listServer()).toEqual(before);
    expect(await store.outbox.readState(accountsCursorKey(serverId))).toBe(cursor);
    expect(access.listAccounts()).toEqual(listed);
    expect(access.listAccounts().some((a) => a.username === 'mallory')).toBe(false);
  });
});
