// The hospital's accounts in PostgreSQL (migration 014): added, disabled and enabled, given a new
// password, listed for IT, and read by workstations as the changes after their cursor. Every
// change is one transaction holding an advisory lock to commit, so `version` grows in commit
// order and a workstation's cursor never passes a change committed late; each change writes its
// user_events row (who, what, never a secret) in the same transaction.
import type { AccountsPage, ServerUser, SyncedAccount } from '../../shared/sync/accounts';
import type { Role } from '../../shared/security/access';
import type { Database, Session } from '../db/database';
import { inTransaction } from '../db/database';
import { SyncRefusal } from '../sync/refusal';

const USERS_LOCK_KEY = 7_310_025_114;

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  /** argon2id, made on the server (password-hash.ts) or given; null: OpenID Connect only. */
  passwordHash: string | null;
}

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  password_hash: string | null;
  oidc_subject: string | null;
  disabled: boolean;
  created_at: Date;
  updated_at: Date;
  version: string | number;
}

const COLUMNS = `id, username, display_name, role, password_hash, oidc_subject, disabled, created_at,
  updated_at, version`;

function userOf(row: UserRow): ServerUser {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    hasPassword: row.password_hash !== null,
    oidcSubject: row.oidc_subject,
    disabled: row.disabled,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    version: Number(row.version),
  };
}

function syncedOf(row: UserRow): SyncedAccount {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    passwordHash: row.password_hash,
    disabled: row.disabled,
    version: Number(row.version),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function locked<T>(db: Database, work: (session: Session) => Promise<T>): Promise<T> {
  return inTransaction(db, async (session) => {
    await session.query('SELECT pg_advisory_xact_lock($1)', [USERS_LOCK_KEY]);
    return work(session);
  });
}

async function event(
  session: Session,
  user: { id: string; username: string },
  action: string,
  actor: string,
  detail = '',
): Promise<void> {
  await session.query(
    `INSERT INTO user_events (user_id, username, action, actor, detail) VALUES ($1, $2, $3, $4, $5)`,
    [user.id, user.username, action, actor, detail],
  );
}

export async function addUser(db: Database, input: NewUser, actor: string): Promise<ServerUser> {
  return locked(db, async (session) => {
    const { rows } = await session.query<UserRow>(
      `INSERT INTO users (username, display_name, role, password_hash)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (username) DO NOTHING
       RETURNING ${COLUMNS}`,
      [input.username, input.displayName, input.role, input.passwordHash],
    );
    const row = rows[0];
    if (!row) {
      throw new SyncRefusal(
        'bad-request',
        `There is a user "${input.username}" already: choose another user name.`,
        {},
        409,
      );
    }
    const how =
      input.passwordHash === null ? 'no password: OpenID Connect only' : 'with a password';
    await event(session, row, 'user-added', actor, `role ${row.role}, ${how}`);
    return userOf(row);
  });
}

/** The user by id or user name, or null. */
export async function findUser(db: Database | Session, idOrUsername: string) {
  const byId = UUID.test(idOrUsername);
  const { rows } = await db.query<UserRow>(
    `SELECT ${COLUMNS} FROM users WHERE ${byId ? 'id = $1::uuid' : 'username = lower($1)'}`,
    [idOrUsername],
  );
  return rows[0] ? userOf(rows[0]) : null;
}

async function change(
  db: Database,
  idOrUsername: string,
  set: string,
  params: unknown[],
  action: string,
  actor: string,
  /** Whether the row needs the change (else nothing is written, and the user is answered as is). */
  needed: (row: UserRow) => boolean,
): Promise<ServerUser> {
  return locked(db, async (session) => {
    const byId = UUID.test(idOrUsername);
    const { rows } = await session.query<UserRow>(
      `SELECT ${COLUMNS} FROM users WHERE ${byId ? 'id = $1::uuid' : 'username = lower($1)'}
       FOR UPDATE`,
      [idOrUsername],
    );
    const before = rows[0];
    if (!before) {
      throw new SyncRefusal(
        'not-found',
        `There is no user "${idOrUsername}" on this central server.`,
      );
    }
    if (!needed(before)) return userOf(before);
    const { rows: changed } = await session.query<UserRow>(
      `UPDATE users SET ${set}, updated_at = now(), version = nextval('users_version')
        WHERE id = $1 RETURNING ${COLUMNS}`,
      [before.id, ...params],
    );
    await event(session, before, action, actor);
    return userOf(changed[0]!);
  });
}

export function setUserDisabled(
  db: Database,
  idOrUsername: string,
  disabled: boolean,
  actor: string,
): Promise<ServerUser> {
  return change(
    db,
    idOrUsername,
    'disabled = $2',
    [disabled],
    disabled ? 'user-disabled' : 'user-enabled',
    actor,
    (row) => row.disabled !== disabled,
  );
}

export function setUserPassword(
  db: Database,
  idOrUsername: string,
  passwordHash: string,
  actor: string,
): Promise<ServerUser> {
  return change(
    db,
    idOrUsername,
    'password_hash = $2',
    [passwordHash],
    'user-password-set',
    actor,
    () => true,
  );
}

/**
 * A new role or display name (or both). The trail says what it was and what it is; a workstation
 * where the user is signed in applies the new role at its next pull.
 */
export async function setUserProfile(
  db: Database,
  idOrUsername: string,
  profile: { role?: Role; displayName?: string },
  actor: string,
): Promise<ServerUser> {
  return locked(db, async (session) => {
    const before = await findUser(session, idOrUsername);
    if (!before) {
      throw new SyncRefusal(
        'not-found',
        `There is no user "${idOrUsername}" on this central server.`,
      );
    }
    const role = profile.role ?? before.role;
    const displayName = profile.displayName ?? before.displayName;
    if (role === before.role && displayName === before.displayName) return before;
    const { rows } = await session.query<UserRow>(
      `UPDATE users SET role = $2, display_name = $3, updated_at = now(),
         version = nextval('users_version')
        WHERE id = $1 RETURNING ${COLUMNS}`,
      [before.id, role, displayName],
    );
    const changed = rows[0]!;
    const what = [
      ...(role === before.role ? [] : [`role ${before.role} → ${role}`]),
      ...(displayName === before.displayName
        ? []
        : [`name "${before.displayName}" → "${displayName}"`]),
    ].join(', ');
    await event(session, changed, 'user-changed', actor, what);
    return userOf(changed);
  });
}

export async function listUsers(db: Database): Promise<ServerUser[]> {
  const { rows } = await db.query<UserRow>(`SELECT ${COLUMNS} FROM users ORDER BY username`);
  return rows.map(userOf);
}

/** The changes after `after`, oldest first, at most `limit`. */
export async function readAccountsPage(
  db: Database,
  after: number,
  limit: number,
): Promise<AccountsPage> {
  const { rows } = await db.query<UserRow>(
    `SELECT ${COLUMNS} FROM users WHERE version > $1 ORDER BY version LIMIT $2`,
    [after, limit + 1],
  );
  const more = rows.length > limit;
  const accounts = rows.slice(0, limit).map(syncedOf);
  return { accounts, cursor: accounts.at(-1)?.version ?? after, more };
}

/** What was done to users, newest first (for IT and the tests). */
export async function readUserEvents(
  db: Database,
  limit = 100,
): Promise<{ at: string; username: string; action: string; actor: string; detail: string }[]> {
  const { rows } = await db.query<{
    at: Date;
    username: string;
    action: string;
    actor: string;
    detail: string;
  }>(`SELECT at, username, action, actor, detail FROM user_events ORDER BY id DESC LIMIT $1`, [
    limit,
  ]);
  return rows.map((r) => ({ ...r, at: r.at.toISOString() }));
}
