// `workstation users add|list|disable`: the workstation's own accounts from the command line
// (scripted installs, a locked-out administrator). The password (and PIN) are read from stdin,
// one a line, or asked for without echo on a terminal: never an argument, which any user of the
// computer could read in the process list. Opens the data store directly, so it is refused while
// a workstation runs on the same data directory (its screen manages accounts meanwhile).
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { requests } from '../../../shared/api/contract';
import type { AccountSummary } from '../../../shared/api/contract-access';
import { ApiError, describeIssues } from '../../../shared/api/errors';
import { ROLE_WORDS, Role } from '../../../shared/security/access';
import { Access } from '../../host/access/access';
import { CliError, parseOptions } from '../cli-error';
import { cliActor, openCliStore } from '../cli-store';
import { SecretReader, type SecretInput } from '../secret-reader';
import { defaultDataDir } from './serve';

const USAGE = `Usage:
  workstation users list [--data DIR] [--passphrase-stdin]
  workstation users add --username NAME --name "Display Name" --role ROLE [--with-pin] [--data DIR] [--passphrase-stdin]
      the password (then the PIN, with --with-pin) on stdin, one a line, or asked on a terminal
      --passphrase-stdin: the data store's passphrase first, where the folder has one
      roles: ${Role.options.join(', ')}
  workstation users disable --username NAME [--enable] [--data DIR] [--passphrase-stdin]`;

/** Where the command reads secrets and writes its answers; a test gives its own. */
export interface UsersCommandDeps extends SecretInput {
  out?: (line: string) => void;
}

export async function runUsers(args: string[], deps: UsersCommandDeps = {}): Promise<number> {
  const [action, ...rest] = args;
  const out = deps.out ?? ((line: string) => console.log(line));
  if (action === 'list') {
    const options = parseOptions(rest, {
      data: { type: 'string' },
      'passphrase-stdin': { type: 'boolean' },
    });
    const passphrase = await passphraseIf(options['passphrase-stdin'], new SecretReader(deps));
    return withAccess(options.data, passphrase, async (access) => {
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
      'passphrase-stdin': { type: 'boolean' },
    });
    for (const [flag, value] of [
      ['username', options.username],
      ['name', options.name],
      ['role', options.role],
    ])
      if (!value) throw new CliError(`--${flag} is required.\n${USAGE}`);
    const secrets = new SecretReader(deps);
    // The data store's passphrase comes first (when the folder has one), then the new secrets.
    const passphrase = await passphraseIf(options['passphrase-stdin'], secrets);
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
    return withAccess(options.data, passphrase, async (access) => {
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
      'passphrase-stdin': { type: 'boolean' },
    });
    const username = options.username?.trim().toLowerCase();
    if (!username) throw new CliError('--username is required: the account to disable.');
    const passphrase = await passphraseIf(options['passphrase-stdin'], new SecretReader(deps));
    return withAccess(options.data, passphrase, async (access) => {
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

/** With --passphrase-stdin: the data store's passphrase, read before anything else. */
async function passphraseIf(
  asked: boolean | undefined,
  reader: SecretReader,
): Promise<string | undefined> {
  if (!asked) return undefined;
  try {
    return await reader.read('Passphrase of the data store: ', null);
  } finally {
    reader.close();
  }
}

async function withAccess(
  dataOption: string | undefined,
  passphrase: string | undefined,
  use: (access: Access) => Promise<number>,
): Promise<number> {
  const dataDir = resolve(dataOption ?? defaultDataDir());
  mkdirSync(dataDir, { recursive: true });
  const store = await openCliStore(dataDir, passphrase);
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
