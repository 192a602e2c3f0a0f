// `server users list|add|disable|enable|password --db …`: the hospital's accounts from the
// command line (a scripted install, IT without the admin api). A password is read from standard
// input (its first line), never from the arguments, which other users of the machine can see.
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { USERNAME_PATTERN } from '../../shared/api/contract-access';
import { Role } from '../../shared/security/access';
import { UsageError } from '../cli/args';
import { openDatabase } from '../db/database';
import type { Database } from '../db/database';
import { migrate } from '../db/migrate';
import { migrations } from '../migrations/index';
import { SyncRefusal } from '../sync/refusal';
import { hashPassword, type PasswordCost } from './password-hash';
import {
  addUser,
  listUsers,
  setUserDisabled,
  setUserPassword,
  setUserProfile,
} from './users-store';

export const USERS_USAGE = `  npm run server -- users list --db …
  npm run server -- users add --db … --username ana --display-name "Ana Example" --role nurse [--no-password]   (the password on standard input; --no-password: OpenID Connect only)
  npm run server -- users disable|enable --db … --username ana
  npm run server -- users password --db … --username ana   (the new password on standard input)
  npm run server -- users change --db … --username ana [--role physician] [--display-name "Ana Example"]`;

export type UsersCommand =
  | { action: 'list'; db: string }
  | {
      action: 'add';
      db: string;
      username: string;
      displayName: string;
      role: Role;
      withPassword: boolean;
    }
  | { action: 'disable' | 'enable' | 'password'; db: string; username: string }
  | { action: 'change'; db: string; username: string; role?: Role; displayName?: string };

const MIN_PASSWORD_CHARS = 10;
const MAX_PASSWORD_CHARS = 256;

export function parseUsersCommand(argv: string[]): UsersCommand {
  const [action, ...args] = argv;
  const actions = ['list', 'add', 'disable', 'enable', 'password', 'change'] as const;
  if (!actions.includes(action as (typeof actions)[number])) {
    throw new UsageError(
      `users takes list, add, disable, enable, password or change, not ${action ?? 'nothing'}`,
    );
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        db: { type: 'string' },
        username: { type: 'string' },
        'display-name': { type: 'string' },
        role: { type: 'string' },
        'no-password': { type: 'boolean' },
        password: { type: 'string' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.password !== undefined) {
    throw new UsageError(
      'A password is never given on the command line (others can see it): type it on standard input.',
    );
  }
  const allowed: Record<string, string[]> = {
    list: ['db'],
    add: ['db', 'username', 'display-name', 'role', 'no-password'],
    disable: ['db', 'username'],
    enable: ['db', 'username'],
    password: ['db', 'username'],
    change: ['db', 'username', 'display-name', 'role'],
  };
  const stray = Object.keys(values).filter((name) => !allowed[action!]!.includes(name));
  if (stray.length > 0) throw new UsageError(`--${stray[0]} is not an option of users ${action}`);
  const db = typeof values.db === 'string' ? values.db : null;
  if (!db || !/^postgres(ql)?:\/\//.test(db)) {
    throw new UsageError('--db postgres://… is needed: the PostgreSQL database of the server');
  }
  if (action === 'list') return { action, db };
  const username = typeof values.username === 'string' ? values.username.trim().toLowerCase() : '';
  if (!USERNAME_PATTERN.test(username)) {
    throw new UsageError(
      '--username is needed: 2 to 64 lower-case letters, digits, dots, dashes or underscores',
    );
  }
  if (action === 'change') return parseChange(db, username, values);
  if (action !== 'add')
    return { action: action as 'disable' | 'enable' | 'password', db, username };
  const displayName =
    typeof values['display-name'] === 'string' ? values['display-name'].trim() : '';
  if (displayName.length < 1 || displayName.length > 120) {
    throw new UsageError('--display-name is needed: the name people read, 1 to 120 characters');
  }
  const role = Role.safeParse(values.role);
  if (!role.success) {
    throw new UsageError(`--role must be one of: ${Role.options.join(', ')}`);
  }
  return {
    action,
    db,
    username,
    displayName,
    role: role.data,
    withPassword: values['no-password'] !== true,
  };
}

function parseChange(
  db: string,
  username: string,
  values: Record<string, string | boolean | undefined>,
): UsersCommand {
  const change: UsersCommand = { action: 'change', db, username };
  if (values.role !== undefined) {
    const role = Role.safeParse(values.role);
    if (!role.success) throw new UsageError(`--role must be one of: ${Role.options.join(', ')}`);
    change.role = role.data;
  }
  if (values['display-name'] !== undefined) {
    const displayName = String(values['display-name']).trim();
    if (displayName.length < 1 || displayName.length > 120)
      throw new UsageError('--display-name must be 1 to 120 characters');
    change.displayName = displayName;
  }
  if (change.role === undefined && change.displayName === undefined)
    throw new UsageError('users change needs --role, --display-name, or both');
  return change;
}

/** The first line of standard input (a password), checked for its length. */
export async function readPasswordLine(input: NodeJS.ReadableStream): Promise<string> {
  const lines = createInterface({ input, terminal: false });
  try {
    for await (const line of lines) {
      const password = line.replace(/\r$/, '');
      if (password.length < MIN_PASSWORD_CHARS || password.length > MAX_PASSWORD_CHARS) {
        throw new UsageError(
          `The password must be ${MIN_PASSWORD_CHARS} to ${MAX_PASSWORD_CHARS} characters long.`,
        );
      }
      return password;
    }
  } finally {
    lines.close();
  }
  throw new UsageError('No password was given on standard input.');
}

export interface UsersCommandIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  out: (line: string) => void;
  err: (line: string) => void;
  passwordCost?: PasswordCost;
}

/** Runs a parsed command against the database; the exit code (0 done, 1 refused). */
export async function runUsersCommandOn(
  db: Database,
  command: UsersCommand,
  io: UsersCommandIo,
): Promise<number> {
  const actor = `the command line (${safeUserName()})`;
  await migrate(db, migrations);
  try {
    if (command.action === 'list') {
      // One JSON object per user, like `workstations`.
      for (const user of await listUsers(db)) io.out(JSON.stringify(user));
      return 0;
    }
    const password = async () => {
      if (io.stdin.isTTY) io.err(`The password for ${command.username}, then Enter:`);
      return hashPassword(await readPasswordLine(io.stdin), io.passwordCost);
    };
    if (command.action === 'add') {
      const passwordHash = command.withPassword ? await password() : null;
      const user = await addUser(db, { ...command, passwordHash }, actor);
      io.out(JSON.stringify(user));
      io.err(
        `User ${user.username} (${user.role}) added; every enrolled workstation has it at its next sync.`,
      );
      return 0;
    }
    if (command.action === 'change') {
      const { role, displayName } = command;
      const user = await setUserProfile(
        db,
        command.username,
        { ...(role ? { role } : {}), ...(displayName ? { displayName } : {}) },
        actor,
      );
      io.out(JSON.stringify(user));
      io.err(
        `User ${user.username} is now ${user.displayName} (${user.role}); a workstation where they are signed in applies it at its next sync.`,
      );
      return 0;
    }
    if (command.action === 'password') {
      const user = await setUserPassword(db, command.username, await password(), actor);
      io.err(`User ${user.username} has a new password; workstations take it at their next sync.`);
      return 0;
    }
    const disabled = command.action === 'disable';
    const user = await setUserDisabled(db, command.username, disabled, actor);
    io.err(
      disabled
        ? `User ${user.username} is disabled: each workstation signs them out at its next sync.`
        : `User ${user.username} is enabled again.`,
    );
    return 0;
  } catch (error) {
    if (error instanceof SyncRefusal || error instanceof UsageError) {
      io.err(error.message);
      return 1;
    }
    throw error;
  }
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** `server users …` from main.ts: parse, open the database, run. */
export async function runUsersCommand(argv: string[]): Promise<number> {
  let command: UsersCommand;
  try {
    command = parseUsersCommand(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${USERS_USAGE}`);
    return 2;
  }
  const db = openDatabase(command.db, 2);
  try {
    return await runUsersCommandOn(db, command, {
      stdin: process.stdin,
      out: (line) => console.log(line),
      err: (line) => console.error(line),
    });
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  } finally {
    await db.end().catch(() => undefined);
  }
}
