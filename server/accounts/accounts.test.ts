// The hospital's accounts on the central server: IT's admin api behind the admin token (refused
// without), every change in user_events, the workstations' pull (refused without a credential,
// page by page after a cursor), and `server users …` with the password on standard input. Real
// PostgreSQL, real HTTP; hashes given to the api at a cheap cost, one made on the server.
import { Readable } from 'node:stream';
import argon2 from 'argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCOUNTS_ADMIN_PATHS,
  ACCOUNTS_SYNC_PATH,
  AccountsPage,
  ServerUser,
  ServerUserList,
} from '../../shared/sync/accounts';
import { openDatabase, type Database } from '../db/database';
import { ADMIN_TOKEN, startTestCentral, type TestCentral } from '../test-support/central';
import { bearer, call } from '../test-support/http-client';
import { parseUsersCommand, runUsersCommandOn } from './users-command';
import { readUserEvents } from './users-store';
import { UsageError } from '../cli/args';

const CHEAP = { type: argon2.argon2id, memoryCost: 1024, timeCost: 1, parallelism: 1 } as const;

let central: TestCentral;
let credential: string;
let cheapHash: string;
let db: Database;

const admin = (path: string, body?: object) =>
  call(central.url, path, {
    headers: bearer(ADMIN_TOKEN),
    ...(body === undefined ? { method: 'POST' } : { body }),
  });

beforeAll(async () => {
  central = await startTestCentral();
  credential = await central.enrol('ws-accounts');
  cheapHash = await argon2.hash('nurse-password-1', CHEAP);
  db = openDatabase(central.database.url, 2);
});

afterAll(async () => {
  await db?.end();
  await central?.stop();
});

describe('the admin api', () => {
  it('is refused without the admin token, and with a workstation credential', async () => {
    const body = { username: 'x1', displayName: 'X', role: 'nurse', passwordHash: cheapHash };
    for (const headers of [{}, bearer('wrong-token-0123456789abcdef'), bearer(credential)]) {
      const listed = await call(central.url, ACCOUNTS_ADMIN_PATHS.users, { headers });
      expect(listed.status).toBe(401);
      expect(listed.json.message).toMatch(/admin token/);
      const added = await call(central.url, ACCOUNTS_ADMIN_PATHS.users, { headers, body });
      expect(added.status).toBe(401);
    }
    expect((await admin(ACCOUNTS_ADMIN_PATHS.users)).status).toBe(400); // no body
    const none = await call(central.url, ACCOUNTS_ADMIN_PATHS.users, {
      headers: bearer(ADMIN_TOKEN),
    });
    expect(ServerUserList.parse(none.json).users).toEqual([]);
  });

  it('adds, lists, disables, enables and sets passwords; each change audited', async () => {
    const added = await admin(ACCOUNTS_ADMIN_PATHS.users, {
      username: ' Nina ',
      displayName: 'Nina Nurse',
      role: 'nurse',
      passwordHash: cheapHash,
    });
    expect(added.status).toBe(200);
    const nina = ServerUser.parse(added.json);
    expect(nina).toMatchObject({ username: 'nina', hasPassword: true, disabled: false });
    // Signs in only through the hospital's OpenID Connect provider: no password.
    const oidcOnly = ServerUser.parse(
      (
        await admin(ACCOUNTS_ADMIN_PATHS.users, {
          username: 'paul',
          displayName: 'Paul Physician',
          role: 'physician',
        })
      ).json,
    );
    expect(oidcOnly.hasPassword).toBe(false);

    const taken = await admin(ACCOUNTS_ADMIN_PATHS.users, {
      username: 'nina',
      displayName: 'Another',
      role: 'nurse',
    });
    expect(taken.status).toBe(409);
    expect(taken.json.message).toMatch(/There is a user "nina" already/);

    for (const [body, words] of [
      [{ username: 'x2', displayName: 'X', role: 'janitor' }, /role/],
      [{ username: 'x3', displayName: 'X', role: 'nurse', password: 'short' }, /at least 10/],
      [
        { username: 'x4', displayName: 'X', role: 'nurse', passwordHash: '$2b$10$bcrypt' },
        /argon2id/,
      ],
      [
        {
          username: 'x5',
          displayName: 'X',
          role: 'nurse',
          passwordHash: cheapHash.replace('m=1024', 'm=4194304'),
        },
        /memory cost/,
      ],
    ] as const) {
      const refused = await admin(ACCOUNTS_ADMIN_PATHS.users, body);
      expect(refused.status).toBe(400);
      expect(refused.json.message).toMatch(words);
    }

    const disabled = await admin(ACCOUNTS_ADMIN_PATHS.user(nina.id, 'disable'));
    expect(disabled.status).toBe(200);
    expect(ServerUser.parse(disabled.json)).toMatchObject({ disabled: true });
    expect(disabled.json.version).toBeGreaterThan(nina.version);
    const enabled = ServerUser.parse(
      (await admin(ACCOUNTS_ADMIN_PATHS.user('nina', 'enable'))).json,
    );
    expect(enabled.disabled).toBe(false);

    // A password made on the server: an argon2id hash that verifies.
    const renewed = await admin(ACCOUNTS_ADMIN_PATHS.user(oidcOnly.id, 'password'), {
      password: 'paul-password-2',
    });
    expect(renewed.status).toBe(200);
    expect(renewed.json.hasPassword).toBe(true);
    const { rows } = await db.query<{ password_hash: string }>(
      `SELECT password_hash FROM users WHERE username = 'paul'`,
    );
    expect(rows[0]!.password_hash).toMatch(/^\$argon2id\$v=19\$m=65536/);
    expect(await argon2.verify(rows[0]!.password_hash, 'paul-password-2')).toBe(true);

    const missing = await admin(
      ACCOUNTS_ADMIN_PATHS.user('00000000-0000-4000-8000-000000000000', 'disable'),
    );
    expect(missing.status).toBe(404);

    const events = await readUserEvents(db);
    expect(events.map((e) => `${e.action} ${e.username}`).reverse()).toEqual([
      'user-added nina',
      'user-added paul',
      'user-disabled nina',
      'user-enabled nina',
      'user-password-set paul',
    ]);
    expect(events.every((e) => e.actor === 'IT (admin token)')).toBe(true);
    expect(JSON.stringify(events)).not.toContain('argon2');
  });
});

describe('the workstations’ pull', () => {
  const pull = (query: string, token: string | null = credential) =>
    call(central.url, `${ACCOUNTS_SYNC_PATH}${query}`, {
      headers: token === null ? {} : bearer(token),
    });

  it('is refused without a workstation credential (the admin token is not one)', async () => {
    for (const token of [null, 'not-a-credential', ADMIN_TOKEN]) {
      const answer = await pull('?after=0', token);
      expect(answer.status).toBe(401);
    }
    const noProtocol = await call(central.url, ACCOUNTS_SYNC_PATH, {
      headers: bearer(credential),
      noProtocol: true,
    });
    expect(noProtocol.status).not.toBe(200);
    expect((await pull('?after=-1')).status).toBe(400);
    expect((await pull('?limit=0')).status).toBe(400);
    expect((await pull('?limit=501')).status).toBe(400);
  });

  it('pages the changes after a cursor, each account as it is now', async () => {
    for (const name of ['olga', 'omar', 'otto']) {
      await admin(ACCOUNTS_ADMIN_PATHS.users, {
        username: name,
        displayName: name.toUpperCase(),
        role: 'view-only',
        passwordHash: cheapHash,
      });
    }
    const seen: string[] = [];
    let after = 0;
    let pages = 0;
    for (;;) {
      const answer = await pull(`?after=${after}&limit=2`);
      expect(answer.status).toBe(200);
      const page = AccountsPage.parse(answer.json);
      pages += 1;
      expect(page.accounts.length).toBeLessThanOrEqual(2);
      for (const account of page.accounts) {
        expect(account.version).toBeGreaterThan(after);
        seen.push(account.username);
      }
      after = page.cursor;
      if (!page.more) break;
    }
    // nina and paul changed after they were added: each once, as it is now, in change order.
    expect(seen).toEqual(['nina', 'paul', 'olga', 'omar', 'otto']);
    expect(pages).toBe(3);
    const nothingNew = AccountsPage.parse((await pull(`?after=${after}`)).json);
    expect(nothingNew).toEqual({ accounts: [], cursor: after, more: false });

    const disabled = await admin(ACCOUNTS_ADMIN_PATHS.user('omar', 'disable'));
    const next = AccountsPage.parse((await pull(`?after=${after}`)).json);
    expect(next.accounts).toEqual([
      expect.objectContaining({ username: 'omar', disabled: true, version: disabled.json.version }),
    ]);
    expect(next.accounts[0]!.passwordHash).toBe(cheapHash);
    expect(next.cursor).toBe(disabled.json.version);
  });
});

describe('server users …', () => {
  const io = (input: string) => {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      io: {
        stdin: Readable.from([input]),
        out: (line: string) => out.push(line),
        err: (line: string) => err.push(line),
        passwordCost: { memoryCost: 1024, timeCost: 1, parallelism: 1 },
      },
    };
  };

  it('never takes a password from the arguments', () => {
    expect(() =>
      parseUsersCommand(['add', '--db', 'postgres://x/y', '--username', 'a1', '--password', 'p']),
    ).toThrow(/never given on the command line/);
    expect(() => parseUsersCommand(['remove', '--db', 'postgres://x/y'])).toThrow(UsageError);
    expect(() =>
      parseUsersCommand([
        'add',
        '--db',
        'postgres://x/y',
        '--username',
        'a1',
        '--display-name',
        'A',
        '--role',
        'boss',
      ]),
    ).toThrow(/--role must be one of/);
  });

  it('adds with the password from standard input, disables, lists', async () => {
    const url = central.database.url;
    const add = io('cli-password-1\n');
    const code = await runUsersCommandOn(
      db,
      parseUsersCommand([
        'add',
        '--db',
        url,
        '--username',
        'Cleo',
        '--display-name',
        'Cleo C',
        '--role',
        'it-administrator',
      ]),
      add.io,
    );
    expect(code).toBe(0);
    expect(add.err.join('\n')).toMatch(/User cleo \(it-administrator\) added/);
    const { rows } = await db.query<{ password_hash: string }>(
      `SELECT password_hash FROM users WHERE username = 'cleo'`,
    );
    expect(await argon2.verify(rows[0]!.password_hash, 'cli-password-1')).toBe(true);

    const short = io('short\n');
    expect(
      await runUsersCommandOn(
        db,
        parseUsersCommand(['password', '--db', url, '--username', 'cleo']),
        short.io,
      ),
    ).toBe(1);
    expect(short.err.join('\n')).toMatch(/10 to 256 characters/);

    const off = io('');
    expect(
      await runUsersCommandOn(
        db,
        parseUsersCommand(['disable', '--db', url, '--username', 'cleo']),
        off.io,
      ),
    ).toBe(0);
    const unknown = io('');
    expect(
      await runUsersCommandOn(
        db,
        parseUsersCommand(['enable', '--db', url, '--username', 'nobody']),
        unknown.io,
      ),
    ).toBe(1);
    expect(unknown.err.join('\n')).toMatch(/There is no user "nobody"/);

    const list = io('');
    expect(await runUsersCommandOn(db, parseUsersCommand(['list', '--db', url]), list.io)).toBe(0);
    const users = list.out.map((line) => ServerUser.parse(JSON.parse(line)));
    expect(users.find((u) => u.username === 'cleo')).toMatchObject({ disabled: true });
    const events = await readUserEvents(db, 2);
    expect(events[0]).toMatchObject({ action: 'user-disabled', username: 'cleo' });
    expect(events[0]!.actor).toMatch(/^the command line \(/);
  });
});

describe('a new role or name', () => {
  it('is set through the admin api and `server users change`, pulled by workstations, and in the trail', async () => {
    const added = ServerUser.parse(
      (
        await admin(ACCOUNTS_ADMIN_PATHS.users, {
          username: 'rhea',
          displayName: 'Rhea Resident',
          role: 'view-only',
          passwordHash: cheapHash,
        })
      ).json,
    );
    const before = AccountsPage.parse(
      (await call(central.url, `${ACCOUNTS_SYNC_PATH}?after=0`, { headers: bearer(credential) }))
        .json,
    ).cursor;

    const promoted = await admin(ACCOUNTS_ADMIN_PATHS.user(added.id, 'profile'), {
      role: 'physician',
    });
    expect(promoted.status).toBe(200);
    expect(ServerUser.parse(promoted.json)).toMatchObject({
      role: 'physician',
      displayName: 'Rhea Resident',
    });
    // Nothing to change: answered as is, nothing written.
    const same = await admin(ACCOUNTS_ADMIN_PATHS.user('rhea', 'profile'), { role: 'physician' });
    expect(same.json.version).toBe(promoted.json.version);
    for (const body of [{}, { role: 'surgeon' }, { displayName: '' }, { username: 'x' }]) {
      const refused = await admin(ACCOUNTS_ADMIN_PATHS.user('rhea', 'profile'), body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
    }
    const withoutToken = await call(central.url, ACCOUNTS_ADMIN_PATHS.user('rhea', 'profile'), {
      headers: bearer(credential),
      body: { role: 'it-administrator' },
    });
    expect(withoutToken.status).toBe(401);

    const cli = { out: [] as string[], err: [] as string[] };
    expect(() =>
      parseUsersCommand(['change', '--db', central.database.url, '--username', 'rhea']),
    ).toThrow(/needs --role, --display-name, or both/);
    const code = await runUsersCommandOn(
      db,
      parseUsersCommand([
        ...['change', '--db', central.database.url, '--username', 'rhea'],
        ...['--display-name', 'Rhea Example', '--role', 'nurse'],
      ]),
      {
        stdin: Readable.from(['']),
        out: (line) => cli.out.push(line),
        err: (line) => cli.err.push(line),
      },
    );
    expect(code).toBe(0);
    expect(cli.err.join('\n')).toMatch(/rhea is now Rhea Example \(nurse\)/);

    // The workstations' next pull carries the account as it is now.
    const page = AccountsPage.parse(
      (
        await call(central.url, `${ACCOUNTS_SYNC_PATH}?after=${before}`, {
          headers: bearer(credential),
        })
      ).json,
    );
    expect(page.accounts.find((a) => a.username === 'rhea')).toMatchObject({
      role: 'nurse',
      displayName: 'Rhea Example',
    });
    const trail = (await readUserEvents(db, 3)).filter((e) => e.action === 'user-changed');
    expect(trail.map((e) => e.detail)).toEqual([
      'role physician → nurse, name "Rhea Resident" → "Rhea Example"',
      'role view-only → physician',
    ]);
  });
});
