// The hospital's accounts pulled from the central server (store worker side, migration 020): a
// page kept with its cursor in one transaction (an account replaces its row only when newer),
// read back whole for Access, and the two things this workstation keeps of its own for each: the
// PIN's hash and the wrong PINs in a row. Another server's accounts replace these. Not synced up.
import type { PGlite, Transaction } from '@electric-sql/pglite';
import type { SyncedAccount } from '../../../shared/sync/accounts';
import type { Role } from '../../../shared/security/access';

/** One page as the accounts puller checked it, to keep with the cursor after it. */
export interface ServerAccountsPageToKeep {
  serverId: string;
  accounts: SyncedAccount[];
  cursor: number;
  atMs: number;
}

export interface StoredServerAccount {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  /** argon2id; null: OpenID Connect only (no password signs in here). */
  passwordHash: string | null;
  disabled: boolean;
  serverVersion: number;
  pinHash: string | null;
  pinFailures: number;
  firstSeenAtMs: number;
  updatedAtMs: number;
}

/** The workstation's own part of a server account; fields left out stay as they are. */
export interface ServerAccountChange {
  id: string;
  atMs: number;
  pinHash?: string | null;
  pinFailures?: number;
}

const SERVER_KEY = 'accounts:server';
export const accountsCursorKey = (serverId: string) => `accounts-cursor:${serverId}`;

async function stateValue(db: Pick<PGlite, 'query'>, key: string): Promise<unknown> {
  const { rows } = await db.query<{ value: unknown }>(
    'SELECT value FROM sync_state WHERE key = $1',
    [key],
  );
  return rows[0]?.value ?? null;
}

async function setState(tx: Transaction, key: string, value: unknown): Promise<void> {
  await tx.query(
    `INSERT INTO sync_state (key, value) VALUES ($1, $2)
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [key, JSON.stringify(value)],
  );
}

/**
 * Keeps a page and moves the cursor after it, together; a failure keeps nothing. Another server's
 * accounts are dropped first. Returns the ids of the accounts changed or dropped.
 */
export async function keepServerAccountsPage(
  db: PGlite,
  page: ServerAccountsPageToKeep,
): Promise<string[]> {
  return db.transaction(async (tx) => {
    const changed: string[] = [];
    if ((await stateValue(tx, SERVER_KEY)) !== page.serverId) {
      const { rows } = await tx.query<{ id: string }>('DELETE FROM server_accounts RETURNING id');
      changed.push(...rows.map((r) => r.id));
      await setState(tx, SERVER_KEY, page.serverId);
    }
    const newest = new Map<string, SyncedAccount>();
    for (const a of page.accounts)
      if ((newest.get(a.id)?.version ?? 0) < a.version) newest.set(a.id, a);
    for (const a of newest.values()) {
      const { rows } = await tx.query<{ id: string }>(
        `INSERT INTO server_accounts (id, username, display_name, role, password_hash, disabled,
           server_version, first_seen_at_ms, updated_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
         ON CONFLICT (id) DO UPDATE SET username = EXCLUDED.username,
           display_name = EXCLUDED.display_name, role = EXCLUDED.role,
           password_hash = EXCLUDED.password_hash, disabled = EXCLUDED.disabled,
           server_version = EXCLUDED.server_version, updated_at_ms = EXCLUDED.updated_at_ms
         WHERE server_accounts.server_version < EXCLUDED.server_version
         RETURNING id`,
        [
          a.id,
          a.username,
          a.displayName,
          a.role,
          a.passwordHash,
          a.disabled,
          a.version,
          Math.round(page.atMs),
        ],
      );
      if (rows.length > 0) changed.push(a.id);
    }
    await setState(tx, accountsCursorKey(page.serverId), page.cursor);
    return [...new Set(changed)];
  });
}

interface Row {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  password_hash: string | null;
  disabled: boolean;
  server_version: number | bigint | string;
  pin_hash: string | null;
  pin_failures: number;
  first_seen_at_ms: number | bigint | string;
  updated_at_ms: number | bigint | string;
}

export async function readServerAccounts(db: PGlite): Promise<StoredServerAccount[]> {
  const { rows } = await db.query<Row>(
    `SELECT id, username, display_name, role, password_hash, disabled, server_version, pin_hash,
            pin_failures, first_seen_at_ms, updated_at_ms
       FROM server_accounts ORDER BY username`,
  );
  return rows.map((r) => ({
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    passwordHash: r.password_hash,
    disabled: r.disabled,
    serverVersion: Number(r.server_version),
    pinHash: r.pin_hash,
    pinFailures: Number(r.pin_failures),
    firstSeenAtMs: Number(r.first_seen_at_ms),
    updatedAtMs: Number(r.updated_at_ms),
  }));
}

/** Applies the workstation's own change (PIN, wrong PINs); false when there is no such account. */
export async function updateServerAccount(
  db: PGlite,
  change: ServerAccountChange,
): Promise<boolean> {
  const { affectedRows } = await db.query(
    `UPDATE server_accounts
        SET pin_hash = CASE WHEN $2 THEN $3 ELSE pin_hash END,
            pin_failures = COALESCE($4, pin_failures),
            updated_at_ms = $5
      WHERE id = $1`,
    [
      change.id,
      change.pinHash !== undefined,
      change.pinHash ?? null,
      change.pinFailures ?? null,
      Math.round(change.atMs),
    ],
  );
  return (affectedRows ?? 0) > 0;
}
