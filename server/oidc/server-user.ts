// Who the hospital says signed in, as a user of this server (users, migration 014): found by the
// provider's subject, else by their login name (the first time, when the subject is bound to the
// user). Refused, in words, when there is no such user, the user is disabled, or the user may not
// sign in at a workstation. Each sign-in and each refusal of a known user goes to user_events, the
// server's own trail of what happened to its users.
import type { Role } from '../../shared/security/access';
import { inTransaction } from '../db/database';
import type { Database, Session } from '../db/database';

export interface HospitalClaims {
  /** The provider's subject: stable, never reused. */
  sub: string;
  /** preferred_username: the person's login name at the hospital, if the provider gives it. */
  preferredUsername: string | null;
  name: string | null;
}

export interface SignedInUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
}

export interface UserRow {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  oidc_subject: string | null;
  disabled: boolean;
}

const ACTOR = "the hospital's sign-in (OpenID Connect)";

/** The user this hospital account signs in as, or why not. */
export async function serverUserFor(
  db: Database,
  claims: HospitalClaims,
  workstationId: string,
): Promise<{ user: SignedInUser } | { refused: string }> {
  return inTransaction(db, async (session) => {
    const who = claims.preferredUsername ?? claims.name ?? `subject ${claims.sub}`;
    const found = await hospitalUserRow(session, claims, `at workstation ${workstationId}`, ACTOR);
    if ('otherSubject' in found) {
      return {
        refused:
          `The hospital account ${who} does not match the central server's user ` +
          `${found.otherSubject.username}, which is linked to another hospital account. Ask IT.`,
      };
    }
    const row = found.row;
    if (!row) {
      return {
        refused:
          `The hospital account ${who} has no user on the central server, so it cannot sign in ` +
          'at a workstation. Ask IT to add it.',
      };
    }
    if (row.disabled) {
      await userEvent(
        session,
        row,
        'sign-in-refused',
        ACTOR,
        `at workstation ${workstationId}: the user is disabled`,
      );
      return {
        refused: `The user ${row.username} (${row.display_name}) is disabled on the central server. Ask IT.`,
      };
    }
    if (row.role === 'remote-clinician') {
      await userEvent(
        session,
        row,
        'sign-in-refused',
        ACTOR,
        `at workstation ${workstationId}: a remote clinician`,
      );
      return {
        refused:
          'A remote clinician works through telehealth only and does not sign in at a workstation.',
      };
    }
    await userEvent(session, row, 'sign-in', ACTOR, `at workstation ${workstationId}`);
    return {
      user: { id: row.id, username: row.username, displayName: row.display_name, role: row.role },
    };
  });
}

/**
 * The server user of a hospital account: by the provider's subject, else by login name, binding
 * the subject to that user the first time (audited). Refused (and audited) when that name's user
 * is bound to another subject; `row` is null when there is no such user. `where` says where the
 * sign-in happens, in the user's trail; `actor` who writes it.
 */
export async function hospitalUserRow(
  session: Session,
  claims: HospitalClaims,
  where: string,
  actor: string,
): Promise<{ row: UserRow | null } | { otherSubject: UserRow }> {
  const row = await userWhere(session, 'oidc_subject = $1', claims.sub);
  if (row || !claims.preferredUsername) return { row };
  const named = await userWhere(session, 'username = lower($1)', claims.preferredUsername);
  if (!named) return { row: null };
  if (named.oidc_subject !== null) {
    await userEvent(
      session,
      named,
      'sign-in-refused',
      actor,
      `${where}: another hospital account (subject ${claims.sub}) bears this user name`,
    );
    return { otherSubject: named };
  }
  await session.query('UPDATE users SET oidc_subject = $2, updated_at = now() WHERE id = $1', [
    named.id,
    claims.sub,
  ]);
  await userEvent(
    session,
    named,
    'oidc-subject-bound',
    actor,
    `subject ${claims.sub}, at its first sign-in with the hospital account (${where})`,
  );
  return { row: { ...named, oidc_subject: claims.sub } };
}

async function userWhere(session: Session, where: string, value: string) {
  const { rows } = await session.query<UserRow>(
    `SELECT id, username, display_name, role, oidc_subject, disabled FROM users WHERE ${where}
     FOR UPDATE`,
    [value],
  );
  return rows[0] ?? null;
}

/** An entry in the user's trail (user_events). */
export async function userEvent(
  session: Session,
  user: UserRow,
  action: string,
  actor: string,
  detail: string,
) {
  await session.query(
    `INSERT INTO user_events (user_id, username, action, actor, detail) VALUES ($1, $2, $3, $4, $5)`,
    [user.id, user.username, action, actor, detail],
  );
}
