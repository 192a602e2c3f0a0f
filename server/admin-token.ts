// The admin token protects the admin and read api until users sign in (a later issue). Either
// given in a file (--admin-token-file, the same file for every instance), or made at the first
// start, printed once, and kept in the database as its hash only.
import { readFile } from 'node:fs/promises';
import type { Database } from './db/database';
import { matchesHash, newSecret, sha256 } from './enrolment/secrets';

const MIN_TOKEN_CHARS = 24;

export interface AdminToken {
  /** Whether a presented bearer token is the admin token. */
  accepts(token: string): boolean;
  /** The token when this start made it (to print once), otherwise null. */
  madeNow: string | null;
}

export async function readAdminTokenFile(path: string): Promise<string> {
  const token = (await readFile(path, 'utf8')).trim();
  if (token.length < MIN_TOKEN_CHARS || /\s/.test(token)) {
    throw new Error(
      `The admin token in ${path} must be one line of at least ${MIN_TOKEN_CHARS} characters ` +
        `without spaces (e.g. from \`openssl rand -base64 32\`).`,
    );
  }
  return token;
}

export async function prepareAdminToken(db: Database, given: string | null): Promise<AdminToken> {
  if (given !== null) {
    const hash = sha256(given);
    return { accepts: (token) => matchesHash(token, hash), madeNow: null };
  }
  const made = newSecret();
  // Two instances starting together: one inserts, and only that one prints its token.
  const inserted = await db.query(
    `INSERT INTO server_settings (key, value) VALUES ('admin_token_sha256', $1)
     ON CONFLICT (key) DO NOTHING`,
    [sha256(made).toString('hex')],
  );
  const { rows } = await db.query<{ value: string }>(
    `SELECT value FROM server_settings WHERE key = 'admin_token_sha256'`,
  );
  const hash = Buffer.from(rows[0]!.value, 'hex');
  return {
    accepts: (token) => matchesHash(token, hash),
    madeNow: inserted.rowCount === 1 ? made : null,
  };
}
