// The sign-in attempts with the hospital account, in oidc_sign_ins (migration 015): begun by a
// workstation, started once by a browser, called back once by the provider, decided once, and
// answered to their workstation once. Every step is one conditional UPDATE, so two browsers, two
// callbacks or two instances of the server racing each other get one winner.
import type { Database } from '../db/database';

export interface AttemptRow {
  id: string;
  workstation_id: string;
  created_at_ms: string;
  expires_at_ms: string;
  started_at_ms: string | null;
  state: string | null;
  nonce: string | null;
  code_verifier: string | null;
  browser_key_hash: string | null;
  callback_at_ms: string | null;
  outcome: 'signed-in' | 'refused' | null;
  server_user_id: string | null;
  username: string | null;
  display_name: string | null;
  role: string | null;
  refusal: string | null;
  answered_at_ms: string | null;
}

/** Attempts are kept this long after they expire (for the log to be read), then removed. */
const KEEP_AFTER_EXPIRY_MS = 60 * 60_000;

export async function createAttempt(
  db: Database,
  attempt: {
    id: string;
    workstationId: string;
    startKeyHash: string;
    createdAtMs: number;
    expiresAtMs: number;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO oidc_sign_ins (id, workstation_id, start_key_hash, created_at_ms, expires_at_ms)
     VALUES ($1, $2, $3, $4, $5)`,
    [
      attempt.id,
      attempt.workstationId,
      attempt.startKeyHash,
      attempt.createdAtMs,
      attempt.expiresAtMs,
    ],
  );
}

export async function forgetOldAttempts(db: Database, nowMs: number): Promise<number> {
  const { rowCount } = await db.query('DELETE FROM oidc_sign_ins WHERE expires_at_ms < $1', [
    nowMs - KEEP_AFTER_EXPIRY_MS,
  ]);
  return rowCount ?? 0;
}

export type StartTaken = { taken: true; id: string } | { taken: false; why: string };

/** The browser opened the start address: its checks are kept, once, before the attempt expires. */
export async function takeStart(
  db: Database,
  startKeyHash: string,
  checks: {
    state: string;
    nonce: string;
    codeVerifier: string;
    browserKeyHash: string;
    atMs: number;
  },
): Promise<StartTaken> {
  const { rows } = await db.query<{ id: string }>(
    `UPDATE oidc_sign_ins
     SET started_at_ms = $2, state = $3, nonce = $4, code_verifier = $5, browser_key_hash = $6
     WHERE start_key_hash = $1 AND started_at_ms IS NULL AND outcome IS NULL
       AND expires_at_ms > $2
     RETURNING id`,
    [
      startKeyHash,
      checks.atMs,
      checks.state,
      checks.nonce,
      checks.codeVerifier,
      checks.browserKeyHash,
    ],
  );
  if (rows[0]) return { taken: true, id: rows[0].id };
  const found = await db.query<AttemptRow>(
    'SELECT * FROM oidc_sign_ins WHERE start_key_hash = $1',
    [startKeyHash],
  );
  const row = found.rows[0];
  if (!row) return { taken: false, why: words.unknownLink };
  if (row.started_at_ms !== null || row.outcome !== null)
    return { taken: false, why: words.usedLink };
  return { taken: false, why: words.expired };
}

export async function attemptByState(db: Database, state: string): Promise<AttemptRow | null> {
  const { rows } = await db.query<AttemptRow>('SELECT * FROM oidc_sign_ins WHERE state = $1', [
    state,
  ]);
  return rows[0] ?? null;
}

/** The provider called back for this attempt: true the first time only. */
export async function takeCallback(db: Database, id: string, atMs: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE oidc_sign_ins SET callback_at_ms = $2 WHERE id = $1 AND callback_at_ms IS NULL`,
    [id, atMs],
  );
  return rowCount === 1;
}

export type Decision =
  | {
      outcome: 'signed-in';
      user: { id: string; username: string; displayName: string; role: string };
    }
  | { outcome: 'refused'; refusal: string };

/** How the attempt ended; the first decision stands. */
export async function decide(db: Database, id: string, decision: Decision): Promise<void> {
  if (decision.outcome === 'signed-in') {
    await db.query(
      `UPDATE oidc_sign_ins SET outcome = 'signed-in', server_user_id = $2, username = $3,
         display_name = $4, role = $5
       WHERE id = $1 AND outcome IS NULL`,
      [id, decision.user.id, decision.user.username, decision.user.displayName, decision.user.role],
    );
  } else {
    await db.query(
      `UPDATE oidc_sign_ins SET outcome = 'refused', refusal = $2 WHERE id = $1 AND outcome IS NULL`,
      [id, decision.refusal],
    );
  }
}

export async function attemptById(db: Database, id: string): Promise<AttemptRow | null> {
  const { rows } = await db.query<AttemptRow>('SELECT * FROM oidc_sign_ins WHERE id = $1', [id]);
  return rows[0] ?? null;
}

/** Marks the decided attempt answered: true the first time only (a second ask finds it gone). */
export async function takeAnswer(db: Database, id: string, atMs: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE oidc_sign_ins SET answered_at_ms = $2
     WHERE id = $1 AND answered_at_ms IS NULL AND outcome IS NOT NULL`,
    [id, atMs],
  );
  return rowCount === 1;
}

/** What the person reads in the browser (and the workstation, for a refusal). */
export const words = {
  unknownLink:
    'This sign-in address is not one the central server gave. Begin again at the workstation: ' +
    'Sign in with the hospital account.',
  usedLink:
    'This sign-in address was used already (each is good for one sign-in). Begin again at the ' +
    'workstation: Sign in with the hospital account.',
  expired:
    'The sign-in was not finished within 5 minutes, so it was stopped. Begin again at the ' +
    'workstation: Sign in with the hospital account.',
  otherBrowser:
    'This sign-in was begun in another browser (or its cookie was lost), so it is refused here. ' +
    'Begin again at the workstation and finish in the tab it opens.',
  replayed:
    'This sign-in was completed already; the same answer from the hospital sign-in service is ' +
    'not taken twice. Look at the workstation, or begin again there.',
} as const;
