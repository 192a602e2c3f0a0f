// `workstation users` against a real data directory: accounts added with the password on stdin,
// listed, disabled and enabled, kept for the workstation (its access reads them), refused with a
// sentence for bad input and while the data directory is in use.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Access } from '../../host/access/access';
import { openStore } from '../../host/store/client';
import { workstationId } from '../../host/data-dir';
import { storeCipher } from '../../host/store/encryption/test-support';
import { CliError } from '../cli-error';
import { runStore } from './store';
import { runUsers } from './users';

let root: string;
let dataDir: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'users-cli-'));
  dataDir = join(root, 'data');
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterAll(() => {
  vi.restoreAllMocks();
  rmSync(root, { recursive: true, force: true });
});

async function users(args: string[], stdin = ''): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await runUsers([...args, '--data', dataDir], {
    input: Readable.from([stdin]),
    out: (line) => lines.push(line),
  });
  return { code, lines };
}

async function refusal(args: string[], stdin = ''): Promise<string> {
  const error = await users(args, stdin).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CliError);
  return (error as CliError).message;
}

describe('workstation users', () => {
  it('says there are no accounts on a new data directory', async () => {
    expect(await users(['list'])).toEqual({
      code: 0,
      lines: ['No accounts: the first start of the workstation asks for its IT administrator.'],
    });
  });

  it('refuses a first account that is not an IT administrator', async () => {
    const message = await refusal(
      ['add', '--username', 'ana', '--name', 'Ana Example', '--role', 'nurse'],
      'nurse-password-1\n',
    );
    expect(message).toBe(
      'The first account must be an IT administrator, who can then add the others.',
    );
  });

  it('adds accounts with the password (and PIN) from stdin, and lists them', async () => {
    const admin = await users(
      [
        'add',
        '--username',
        'It-Admin',
        '--name',
        'Ida Admin',
        '--role',
        'it-administrator',
        '--with-pin',
      ],
      'admin-password-1\n4321\n',
    );
    expect(admin).toEqual({
      code: 0,
      lines: ['Added it-admin (Ida Admin), IT administrator, with a PIN.'],
    });
    await users(
      ['add', '--username', 'ana', '--name', 'Ana Example', '--role', 'nurse'],
      'nurse-password-1\n',
    );
    const { lines } = await users(['list']);
    expect(lines[0]).toMatch(/^user name +name +role +PIN +state +created \(UTC\) +by$/);
    expect(lines.slice(1).map((l) => l.split(/ {2,}/).slice(0, 5))).toEqual([
      ['ana', 'Ana Example', 'Nurse', 'no PIN', 'enabled'],
      ['it-admin', 'Ida Admin', 'IT administrator', 'PIN', 'enabled'],
    ]);
    expect(lines[1]).toMatch(/cli \(.+\)$/);
  });

  it('refuses bad input with a sentence, and a password missing from stdin', async () => {
    expect(
      await refusal(['add', '--username', 'bob', '--name', 'Bob', '--role', 'nurse'], 'short\n'),
    ).toMatch(/at least 10 characters/);
    expect(
      await refusal(
        ['add', '--username', 'bob', '--name', 'Bob', '--role', 'surgeon'],
        'long-enough-pw\n',
      ),
    ).toMatch(/role/i);
    expect(await refusal(['add', '--username', 'bob', '--name', 'Bob', '--role', 'nurse'])).toMatch(
      /Password missing: give it on stdin/,
    );
    expect(
      await refusal(
        ['add', '--username', 'ana', '--name', 'Again', '--role', 'nurse'],
        'nurse-password-2\n',
      ),
    ).toBe('There is an account "ana" already: choose another user name.');
    expect(await refusal(['add', '--name', 'Bob', '--role', 'nurse'])).toMatch(
      /--username is required/,
    );
    expect(await refusal(['remove'])).toMatch(/Unknown users action "remove"/);
    expect(await refusal(['disable', '--username', 'nobody'])).toBe(
      'There is no account "nobody" on this workstation.',
    );
    expect(await refusal(['disable', '--username', 'it-admin'])).toMatch(/last IT administrator/);
  });

  it('disables and enables an account, and the workstation signs in only the enabled', async () => {
    expect((await users(['disable', '--username', 'ANA'])).lines).toEqual([
      'ana is disabled: they cannot sign in until enabled again (--enable).',
    ]);
    expect((await users(['list'])).lines[1]).toMatch(/^ana .* disabled /);
    const store = await openStore({
      dataDir: join(dataDir, 'pgdata'),
      workstationId: workstationId(dataDir),
    });
    try {
      const access = await Access.open({ store, audit: () => undefined });
      const screen = access.openScreen('page', 'browser tab 1');
      await expect(access.signIn(screen, 'ana', 'nurse-password-1')).rejects.toThrow(/disabled/);
      await access.signIn(screen, 'it-admin', 'admin-password-1');
      expect(screen.access().user?.hasPin).toBe(true);
      access.close();
      // While the store is open (a workstation running) the command is refused.
      expect(await refusal(['list'])).toMatch(/in use|running|locked/i);
    } finally {
      await store.close();
    }
    expect((await users(['disable', '--username', 'ana', '--enable'])).lines).toEqual([
      'ana is enabled: they can sign in again.',
    ]);
  });

  it('wrote what it did to the audit trail, without a password', async () => {
    const db = await PGlite.create(join(dataDir, 'pgdata'));
    // Details are sealed in the store's files (store/encryption): opened with its key.
    const cipher = storeCipher(join(dataDir, 'pgdata'));
    try {
      const { rows: sealed } = await db.query<{
        actor: string;
        action: string;
        subject: string;
        detail: string;
      }>(`SELECT actor, action, subject, detail FROM audit_events ORDER BY at_ms, id`);
      expect(JSON.stringify(sealed)).not.toContain('role it-administrator'); // sealed on disk
      const rows = sealed.map((r) => ({ ...r, detail: cipher.openText(r.detail) }));
      expect(rows.map((r) => [r.action, r.subject])).toEqual([
        ['account-added', 'user=it-admin'],
        ['account-added', 'user=ana'],
        ['account-disabled', 'user=ana'],
        ['account-enabled', 'user=ana'],
      ]);
      expect(rows[0]!.actor).toMatch(/^cli \(/);
      expect(rows[0]!.detail).toBe('from the command line (role it-administrator)');
      expect(JSON.stringify(rows)).not.toMatch(/password-1|4321/);
    } finally {
      await db.close();
    }
  });

  it('opens a passphrase-protected folder with --passphrase-stdin (the passphrase first), else says how', async () => {
    const folder = join(root, 'protected');
    const inFolder = async (args: string[], stdin: string) => {
      const lines: string[] = [];
      const code = await runUsers([...args, '--data', folder], {
        input: Readable.from([stdin]),
        out: (line) => lines.push(line),
      });
      return { code, lines };
    };
    await inFolder(
      ['add', '--username', 'it-admin', '--name', 'Ida Example', '--role', 'it-administrator'],
      'admin-password-1\n',
    );
    await runStore(['rotate-key', '--data', folder, '--to', 'passphrase'], {
      input: Readable.from(['a long passphrase 7\n']),
      out: () => undefined,
    });
    await expect(inFolder(['list'], '')).rejects.toThrow(
      /protected by a passphrase: give --passphrase-stdin \(serve, store rotate-key, users/,
    );
    const added = await inFolder(
      [
        'add',
        '--username',
        'ana',
        '--name',
        'Ana Example',
        '--role',
        'nurse',
        '--passphrase-stdin',
      ],
      'a long passphrase 7\nnurse-password-1\n',
    );
    expect(added).toEqual({ code: 0, lines: ['Added ana (Ana Example), Nurse.'] });
    const listed = await inFolder(['list', '--passphrase-stdin'], 'a long passphrase 7\n');
    expect(listed.lines.join('\n')).toMatch(/ana +Ana Example +Nurse/);
  });
});
