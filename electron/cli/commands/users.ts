// `workstation users add|list|disable`: the workstation's own accounts from the command line
// (scripted installs, a locked-out administrator). The password (and PIN) are read from stdin,
// one a line, or asked for without echo on a terminal: never an argument, which any user of the
// computer could read in the process list. Opens the data store directly, so it is refused while
// a workstation runs on the same data directory (its screen manages accounts meanwhile).
import { mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { requests } from '../../../shared/api/contract';
import type { AccountSummary } from '../../../shared/api/contract-access';
import { ApiError, describeIssues } from '../../../shared/api/errors';
import { ROLE_WORDS, Role } from '../../../shared/security/access';
import { Access } from '../../host/access/access';
import { workstationId } from '../../host/data-dir';
import { openStore } from '../../host/store/client';
import { StoreLockedError } from '../../host/store/data-lock';
import { CliError, parseOptions } from '../cli-error';
import { defaultDataDir } from './serve';

const USAGE = `Usage:
  workstation users list [--data DIR]
  workstation users add --username NAME --name "Display Name" --role ROLE [--with-pin] [--data DIR]
      the password (then the PIN, with --with-pin) on stdin, one a line, or asked on a terminal
      roles: ${Role.options.join(', ')}
  workstation users disable --username NAME [--enable] [--data DIR]`;

/** Where the command reads secrets and writes its answers; a test gives its own. */
export interface UsersCommandDeps {
  input?: Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  out?: (line: string) => void;
  /** Prompts on a terminal (not the answer: that goes to `out`). */
  prompt?: (text: string) => void;
}

export async function runUsers(args: string[], deps: UsersCommandDeps = {}): Promise<number> {
  const [action, ...rest] = args;
  const out = deps.out ?? ((line: string) => console.log(line));
  if (action === 'list') {
    const options = parseOptions(rest, { data: { type: 'string' } });
    return withAccess(options.data, async (access) => {
      printAccounts(access.listAccounts(), out);
      return 0;
    });
  }
  if (action === 'add') {
    const options = parseOptions(rest, {
      data: { type: 'string' },
      username: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      'with-pin': { type: 'boolean' },
    });
    for (const [flag, value] of [
      ['username', options.username],
      ['name', options.name],
      ['role', options.role],
    ])
      if (!value) throw new CliError(`--${flag} is required.\n${USAGE}`);
    const secrets = new SecretReader(deps);
    const password = await secrets.read('Password: ', 'Password again: ');
    const pin = options['with-pin']
      ? await secrets.read('PIN (4 to 8 digits): ', 'PIN again: ')
      : undefined;
    secrets.close();
    const parsed = requests.addAccount.input.safeParse({
      username: options.username ?? '',
      displayName: options.name ?? '',
      role: options.role ?? '',
      password,
      ...(pin === undefined ? {} : { pin }),
    });
    if (!parsed.success) throw new CliError(describeIssues('The account', parsed.error));
    return withAccess(options.data, async (access) => {
      const added = await access.addAccount(parsed.data, {
        actor: cliActor(),
        from: 'the command line',
      });
      out(
        `Added ${added.username} (${added.displayName}), ${ROLE_WORDS[added.role]}${added.hasPin ? ', with a PIN' : ''}.`,
      );
      return 0;
    });
  }
  if (action === 'disable') {
    const options = parseOptions(rest, {
      data: { type: 'string' },
      username: { type: 'string' },
      enable: { type: 'boolean' },
    });
    const username = options.username?.trim().toLowerCase();
    if (!username) throw new CliError('--username is required: the account to disable.');
    return withAccess(options.data, async (access) => {
      const account = access.listAccounts().find((a) => a.username === username);
      if (!account) throw new CliError(`There is no account "${username}" on this workstation.`);
      const disabled = !options.enable;
      await access.setAccountDisabled(account.userId, disabled, {
        actor: cliActor(),
        from: 'the command line',
      });
      out(
        disabled
          ? `${username} is disabled: they cannot sign in until enabled again (--enable).`
          : `${username} is enabled: they can sign in again.`,
      );
      return 0;
    });
  }
  throw new CliError(action ? `Unknown users action "${action}".\n${USAGE}` : USAGE);
}

async function withAccess(
  dataOption: string | undefined,
  use: (access: Access) => Promise<number>,
): Promise<number> {
  const dataDir = resolve(dataOption ?? defaultDataDir());
  mkdirSync(dataDir, { recursive: true });
  let store;
  try {
    store = await openStore({
      dataDir: join(dataDir, 'pgdata'),
      workstationId: workstationId(dataDir),
      onError: (error) => console.error(error.message),
    });
  } catch (error) {
    if (error instanceof StoreLockedError) throw new CliError(error.message);
    throw error;
  }
  const kept: Promise<void>[] = [];
  try {
    for (const notice of store.notices) console.error(`Data store: ${notice}`);
    const access = await Access.open({
      store,
      audit: (event) => kept.push(store.recordAuditEvent(event)),
      log: (message) => console.error(message),
    });
    try {
      return await use(access);
    } catch (error) {
      // A refusal (a name taken, the last administrator) is the caller's to fix: one line.
      if (error instanceof ApiError) throw new CliError(error.message);
      throw error;
    } finally {
      access.close();
    }
  } finally {
    // The audit trail of what was done is on disk before the command ends.
    await Promise.allSettled(kept);
    await store.close();
  }
}

function printAccounts(accounts: AccountSummary[], out: (line: string) => void): void {
  if (accounts.length === 0) {
    out('No accounts: the first start of the workstation asks for its IT administrator.');
    return;
  }
  const rows = accounts.map((a) => [
    a.username,
    a.displayName,
    ROLE_WORDS[a.role],
    a.hasPin ? 'PIN' : 'no PIN',
    a.disabled ? 'disabled' : 'enabled',
    new Date(a.createdAtMs).toISOString().slice(0, 16).replace('T', ' '),
    a.createdBy,
  ]);
  const header = ['user name', 'name', 'role', 'PIN', 'state', 'created (UTC)', 'by'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const row of [header, ...rows])
    out(
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    );
}

function cliActor(): string {
  try {
    return `cli (${userInfo().username})`;
  } catch {
    return 'cli';
  }
}

/**
 * Secrets from stdin: one a line from a pipe, or typed without echo on a terminal (asked twice,
 * so a typo does not become the password).
 */
class SecretReader {
  readonly #input: NonNullable<UsersCommandDeps['input']>;
  readonly #prompt: (text: string) => void;
  #lines: Promise<string[]> | null = null;
  #next = 0;

  constructor(deps: UsersCommandDeps) {
    this.#input = deps.input ?? process.stdin;
    this.#prompt = deps.prompt ?? ((text) => process.stderr.write(text));
  }

  async read(prompt: string, again: string): Promise<string> {
    if (this.#input.isTTY) {
      const first = await this.#typed(prompt);
      if ((await this.#typed(again)) !== first)
        throw new CliError('The two entries differ: nothing was changed. Try again.');
      return first;
    }
    this.#lines ??= readAll(this.#input).then((text) => text.split(/\r?\n/));
    const line = (await this.#lines)[this.#next++];
    if (line === undefined || line === '')
      throw new CliError(
        `${prompt.replace(/[:(].*$/, '').trim()} missing: give it on stdin, one a line (never as an argument).`,
      );
    return line;
  }

  close(): void {
    if (!this.#input.isTTY) return;
    this.#input.pause();
  }

  #typed(prompt: string): Promise<string> {
    this.#prompt(prompt);
    const input = this.#input;
    return new Promise((resolvePromise, reject) => {
      let typed = '';
      input.setRawMode?.(true);
      input.resume();
      const done = (error: Error | null) => {
        input.off('data', onData);
        input.setRawMode?.(false);
        input.pause();
        this.#prompt('\n');
        if (error) reject(error);
        else resolvePromise(typed);
      };
      const onData = (chunk: Buffer | string) => {
        for (const char of chunk.toString('utf8')) {
          if (char === '\r' || char === '\n') return done(null);
          if (char === '\u0003') return done(new CliError('Cancelled: nothing was changed.'));
          if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
          else typed += char;
        }
      };
      input.on('data', onData);
    });
  }
}

async function readAll(input: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
