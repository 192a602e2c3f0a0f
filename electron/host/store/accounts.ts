// The workstation's own accounts (store worker side): added, read back whole at start, and
// changed one field at a time (a PIN, the wrong PINs in a row, disabled). Hashes only: the
// secrets never reach the store. Local, not synced (migration 018).
import type { PGlite } from '@electric-sql/pglite';
import type { Role } from '../../../shared/security/access';

export interface StoredAccount {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  passwordHash: string;
  pinHash: string | null;
  /** Wrong PINs in a row since the last good PIN or password. */
  pinFailures: number;
  disabled: boolean;
  createdAtMs: number;
  createdBy: string;
  updatedAtMs: number;
}

/** What changes of one account; fields left out stay as they are. */
export interface AccountChange {
  id: string;
  atMs: number;
  pinHash?: string | null;
  pinFailures?: number;
  disabled?: boolean;
}

/**
 * Added, or why not: the user name is taken, or (firstOnly) an account exists already, so this
 * was not the workstation's first.
 */
export type AddAccountResult = 'added' | 'username-taken' | 'not-first';

export async function insertAccount(
  db: PGlite,
  account: StoredAccount,
  firstOnly: boolean,
): Promise<AddAccountResult> {
  // One statement: two screens making "the first administrator" at once make one.
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO local_accounts (id, username, display_name, role, password_hash, pin_hash,
       pin_failures, disabled, created_at_ms, created_by, updated_at_ms)
     SELECT $1::uuid, $2::text, $3::text, $4::text, $5::text, $6::text, $7::integer, $8::boolean,
            $9::bigint, $10::text, $11::bigint
      WHERE NOT $12::boolean OR NOT EXISTS (SELECT 1 FROM local_accounts)
     ON CONFLICT (username) DO NOTHING
     RETURNING id`,
    [
      account.id,
      account.username,
      account.displayName,
      account.role,
      account.passwordHash,
      account.pinHash,
      account.pinFailures,
      account.disabled,
      Math.round(account.createdAtMs),
      account.createdBy,
      Math.round(account.updatedAtMs),
      firstOnly,
    ],
  );
  if (rows.length === 1) return 'added';
  if (firstOnly) {
    const { rows: any } = await db.query('SELECT 1 FROM local_accounts LIMIT 1');
    if (any.length > 0) return 'not-first';
  }
  return 'username-taken';
}

interface Row {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  password_hash: string;
  pin_hash: string | null;
  pin_failures: number;
  disabled: boolean;
  created_at_ms: number | bigint;
  created_by: string;
  updated_at_ms: number | bigint;
}

export async function readAccounts(db: PGlite): Promise<StoredAccount[]> {
  const { rows } = await db.query<Row>(
    `SELECT id, username, display_name, role, password_hash, pin_hash, pin_failures, disabled,
            created_at_ms, created_by, updated_at_ms
       FROM local_accounts ORDER BY username`,
  );
  return rows.map((r) => ({
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    passwordHash: r.password_hash,
    pinHash: r.pin_hash,
    pinFailures: Number(r.pin_failures),
    disabled: r.disabled,
    createdAtMs: Number(r.created_at_ms),
    createdBy: r.created_by,
    updatedAtMs: Number(r.updated_at_ms),
  }));
}

/** Applies the change; false when there is no such account. */
export async function updateAccount(db: PGlite, change: AccountChange): Promise<boolean> {
  const { affectedRows } = await db.query(
    `UPDATE local_accounts
        SET pin_hash = CASE WHEN $2 THEN $3 ELSE pin_hash END,
            pin_failures = COALESCE($4, pin_failures),
            disabled = COALESCE($5, disabled),
            updated_at_ms = $6
      WHERE id = $1`,
    [
      change.id,
      change.pinHash !== undefined,
      change.pinHash ?? null,
      change.pinFailures ?? null,
      change.disabled ?? null,
      Math.round(change.atMs),
    ],
  );
  return (affectedRows ?? 0) > 0;
}
