// A remote clinician opening a telehealth link by signing in with the hospital account (where the
// central server has OpenID Connect) instead of the code. The page posts the link's token; this
// keeps an attempt bound to the link and to this browser (a cookie held as its SHA-256) with its
// state, nonce and PKCE verifier, and sends the browser to the provider. At the callback the
// cookie, the state (once only) and the ID token are checked, the server user is found by the
// provider's subject (else by login name, binding the subject the first time, as at a
// workstation), and must be allowed to watch: a remote clinician or a physician, not disabled,
// and the one the invitation names if it names one. Then the link opens in this browser only, as
// with the code (the session cookie held as its SHA-256), with the account's name shown at the
// bed. Every refusal is audited and counted against the link's tries, like a wrong code.
import { randomUUID } from 'node:crypto';
import * as client from 'openid-client';
import {
  ACCOUNT_SIGN_IN_VALID_MS,
  VIEWER_PATHS,
  type AccountSignInOffer,
  type ViewerRefusal,
} from '../../shared/telehealth/viewer';
import { MAX_CODE_ATTEMPTS, END_REASON_WORDS } from '../../shared/telehealth/invitation';
import type { Role } from '../../shared/security/access';
import { inTransaction } from '../db/database';
import {
  claimsFromCode,
  HospitalProvider,
  ProviderUnavailable,
  reasonOf,
} from '../oidc/hospital-provider';
import type { OidcSettings } from '../oidc/settings';
import { hospitalUserRow, userEvent, type HospitalClaims } from '../oidc/server-user';
import {
  accountAttemptByState,
  countWrongCode,
  createAccountAttempt,
  decideAccountAttempt,
  invitationByToken,
  openSessionWithAccount,
  takeAccountCallback,
  takeAccountRefusal,
  type AccountAttempt,
  type Invitation,
} from './invitation-store';
import { hashSecret, newSecret } from './secrets';
import { ViewerRefused, type Caller, type Telehealth } from './telehealth';
import { REFUSAL_WORDS } from './viewer-consult';

/** The roles that may watch a remote consult when signed in with the hospital account. */
export const VIEWER_ROLES: readonly Role[] = ['remote-clinician', 'physician'];

const ACTOR = "the hospital's sign-in (OpenID Connect), telehealth";

export const ACCOUNT_WORDS = {
  notOffered:
    'This central server does not sign remote clinicians in with the hospital account. Join ' +
    'with your name and the code the nurse read to you.',
  unavailable: (reason: string) =>
    `The hospital's sign-in service cannot be reached just now (${reason}). Join with the code ` +
    'the nurse read to you, or try again in a moment.',
  unknownState:
    'This sign-in answer is not one the central server asked for. Open the link the nurse sent ' +
    'you again and choose "Sign in with your hospital account" there.',
  otherBrowser:
    'This sign-in was begun in another browser (or its cookie was lost), so it is refused here. ' +
    'Open the link the nurse sent you in this browser and sign in again.',
  replayed:
    'This sign-in was completed already; the same answer from the hospital sign-in service is ' +
    'not taken twice. Go back to the consult page.',
  expired:
    'The sign-in was not finished within 5 minutes, so it was stopped. Sign in again, or join ' +
    'with the code the nurse read to you.',
  cancelled:
    'The sign-in was cancelled at the hospital sign-in service. Sign in again, or join with the ' +
    'code the nurse read to you.',
  providerSaid: (said: string) =>
    `The hospital sign-in service did not sign you in (${said}). Sign in again, or join with ` +
    'the code the nurse read to you.',
  unchecked: (reason: string) =>
    `The answer of the hospital sign-in service could not be checked (${reason}). Sign in ` +
    'again, or join with the code the nurse read to you; if it goes on, tell the clinic.',
  noUser: (who: string) =>
    `The hospital account ${who} has no user on the central server, so it cannot watch a ` +
    'remote consult. Join with the code the nurse read to you, or ask IT to add the account.',
  otherSubject: (who: string, username: string) =>
    `The hospital account ${who} does not match the central server's user ${username}, which ` +
    'is linked to another hospital account. Ask IT.',
  disabled: (username: string) =>
    `The user ${username} is disabled on the central server, so it cannot watch a remote ` +
    'consult. Ask IT.',
  role: (username: string, role: string) =>
    `The user ${username} is a ${role.replace(/-/g, ' ')} account: only remote clinicians and ` +
    'physicians may watch a remote consult signed in. Join with the code the nurse read to you.',
  otherUser: (username: string) =>
    `This invitation is for another user, not ${username}. Sign in as the invited user, or ` +
    'join with the code the nurse read to you.',
  triesLeft: (left: number) =>
    ` ${left} ${left === 1 ? 'try is' : 'tries are'} left before the link locks.`,
};

export interface AccountSignInOptions {
  /** Null: not configured (the page does not offer it). */
  settings: OidcSettings | null;
  /** The address browsers reach this server at: the redirect address is under it. */
  publicUrl(): string;
}

type Refusal = { why: string; error: ViewerRefusal['error']; sentence: string; counts: boolean };

/** What the callback does with the browser. */
export type CallbackAnswer =
  /** Signed in: set the session cookie and go to the consult page. */
  | { kind: 'signed-in'; secret: string; expiresAtMs: number }
  /** Refused: back to the consult page, which reads the refusal (GET account). */
  | { kind: 'refused' }
  /** Not this browser's or not ours at all: a page with the sentence. */
  | { kind: 'page'; status: number; sentence: string };

export function accountSignIn(telehealth: Telehealth, options: AccountSignInOptions) {
  const { db } = telehealth;
  const settings = options.settings;
  let provider: HospitalProvider | null = null;
  const providerOf = (s: OidcSettings) => (provider ??= new HospitalProvider(s, telehealth.now));
  const redirectUri = () =>
    `${options.publicUrl().replace(/\/+$/, '')}${VIEWER_PATHS.accountCallback}`;

  async function configuration(s: OidcSettings, maxAgeMs?: number) {
    try {
      return await providerOf(s).configuration(maxAgeMs);
    } catch (error) {
      if (error instanceof ProviderUnavailable)
        throw new ViewerRefused(503, {
          error: 'account-refused',
          message: ACCOUNT_WORDS.unavailable(reasonOf(error.cause ?? error)),
        });
      throw error;
    }
  }

  /** A refusal of a known link: audited, counted against its tries (locking it at the last). */
  async function refuseFor(
    invitation: Invitation,
    refusal: Refusal,
    caller: Caller,
    actor: string | null,
  ): Promise<string> {
    await telehealth.audit({
      invitationId: invitation.id,
      kind: 'refused',
      why: refusal.why,
      actor,
      ...caller,
      detail: `signing in with the hospital account: ${refusal.sentence}`,
    });
    if (!refusal.counts) return refusal.sentence;
    const attempts = await countWrongCode(db, invitation.id);
    if (attempts === null) return refusal.sentence;
    const left = Math.max(0, MAX_CODE_ATTEMPTS - attempts);
    if (left > 0) return refusal.sentence + ACCOUNT_WORDS.triesLeft(left);
    await telehealth.finish(
      invitation.id,
      'locked',
      'the server',
      caller,
      `${attempts} wrong codes or refused sign-ins`,
    );
    return `${refusal.sentence} ${END_REASON_WORDS.locked}`;
  }

  /** The link as it stands now, or why it cannot be signed in to. */
  async function linkProblem(invitation: Invitation): Promise<Refusal | null> {
    const now = (await telehealth.current(invitation.id)) ?? invitation;
    if (now.status === 'ended')
      return {
        why: now.endReason === 'expired' ? 'expired' : 'ended',
        error: 'ended',
        sentence: REFUSAL_WORDS.ended(now.endReason),
        counts: false,
      };
    if (now.sessionHash !== null)
      return {
        why: 'already-opened',
        error: 'already-opened',
        sentence: REFUSAL_WORDS.alreadyOpened,
        counts: false,
      };
    return null;
  }

  return {
    offered: () => settings !== null,

    /** Whether it is offered, and the refusal of this browser's last attempt (once). */
    async offer(browserKey: string | null): Promise<AccountSignInOffer> {
      if (!settings) return { offered: false, refusal: null };
      const told = browserKey
        ? await takeAccountRefusal(db, hashSecret(browserKey), telehealth.now())
        : null;
      return {
        offered: true,
        refusal: told ? { error: 'account-refused', message: told.refusal } : null,
      };
    },

    /** The page's button: an attempt for this link and browser, and where to send the browser. */
    async begin(token: string, session: string | null, caller: Caller) {
      if (!settings)
        throw new ViewerRefused(404, { error: 'bad-request', message: ACCOUNT_WORDS.notOffered });
      const found = await invitationByToken(db, hashSecret(token));
      if (!found) {
        await telehealth.audit({
          invitationId: null,
          kind: 'refused',
          why: 'unknown-link',
          ...caller,
          detail: 'signing in with the hospital account',
        });
        throw new ViewerRefused(404, { error: 'unknown-link', message: REFUSAL_WORDS.unknownLink });
      }
      const invitation = (await telehealth.current(found.id)) ?? found;
      if (
        invitation.status === 'watching' &&
        session !== null &&
        invitation.sessionHash !== null &&
        hashSecret(session).equals(invitation.sessionHash)
      ) {
        // This browser has it open already (a second click): straight back to the consult.
        return { url: `${options.publicUrl().replace(/\/+$/, '')}${VIEWER_PATHS.page}`, key: null };
      }
      const problem = await linkProblem(invitation);
      if (problem) {
        await refuseFor(invitation, problem, caller, null);
        throw new ViewerRefused(problem.error === 'ended' ? 410 : 409, {
          error: problem.error,
          message: problem.sentence,
        });
      }
      const config = await configuration(settings);
      const codeVerifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const key = newSecret();
      const nowMs = telehealth.now();
      await createAccountAttempt(db, {
        id: randomUUID(),
        invitationId: invitation.id,
        browserKeyHash: hashSecret(key),
        state,
        nonce,
        codeVerifier,
        createdAtMs: nowMs,
        expiresAtMs: Math.min(nowMs + ACCOUNT_SIGN_IN_VALID_MS, invitation.expiresAtMs),
      });
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri(),
        scope: 'openid profile',
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      return { url: url.href, key };
    },

    /** The provider sent the browser back with the code (or an error) and the state. */
    async callback(url: URL, browserKey: string | null, caller: Caller): Promise<CallbackAnswer> {
      if (!settings) return { kind: 'page', status: 404, sentence: ACCOUNT_WORDS.notOffered };
      const state = url.searchParams.get('state') ?? '';
      const attempt = state.length <= 200 && state ? await accountAttemptByState(db, state) : null;
      if (!attempt) {
        await telehealth.audit({
          invitationId: null,
          kind: 'refused',
          why: 'account-unknown-state',
          ...caller,
          detail: 'a sign-in answer with a state the server never gave',
        });
        return { kind: 'page', status: 400, sentence: ACCOUNT_WORDS.unknownState };
      }
      const invitation = await telehealth.current(attempt.invitationId);
      if (!invitation) return { kind: 'page', status: 404, sentence: ACCOUNT_WORDS.unknownState };
      const replayed = async () => {
        const sentence = await refuseFor(
          invitation,
          {
            why: 'account-replayed',
            error: 'account-refused',
            sentence: ACCOUNT_WORDS.replayed,
            counts: true,
          },
          caller,
          null,
        );
        return { kind: 'page' as const, status: 409, sentence };
      };
      // An answer taken once is a replay, whichever browser brings it again.
      if (attempt.callbackAtMs !== null) return replayed();
      if (browserKey === null || !hashSecret(browserKey).equals(attempt.browserKeyHash)) {
        // Not spent: the browser that began it may still bring its own answer.
        const sentence = await refuseFor(
          invitation,
          {
            why: 'account-other-browser',
            error: 'account-refused',
            sentence: ACCOUNT_WORDS.otherBrowser,
            counts: true,
          },
          caller,
          null,
        );
        return { kind: 'page', status: 403, sentence };
      }
      if (!(await takeAccountCallback(db, attempt.id, telehealth.now()))) return replayed();
      const decided = await decide(settings, url, attempt, invitation, caller);
      if ('refusal' in decided) {
        const sentence = await refuseFor(invitation, decided.refusal, caller, decided.actor);
        await decideAccountAttempt(db, attempt.id, {
          outcome: 'refused',
          error: decided.refusal.error,
          refusal: sentence,
        });
        return { kind: 'refused' };
      }
      await decideAccountAttempt(db, attempt.id, { outcome: 'signed-in' });
      return { kind: 'signed-in', secret: decided.secret, expiresAtMs: decided.expiresAtMs };
    },
  };

  async function decide(
    s: OidcSettings,
    url: URL,
    attempt: AccountAttempt,
    invitation: Invitation,
    caller: Caller,
  ): Promise<{ refusal: Refusal; actor: string | null } | { secret: string; expiresAtMs: number }> {
    const refused = (why: string, sentence: string, actor: string | null = null) => ({
      refusal: { why, error: 'account-refused' as const, sentence, counts: true },
      actor,
    });
    if (telehealth.now() >= attempt.expiresAtMs)
      return refused('account-expired', ACCOUNT_WORDS.expired);
    const problem = await linkProblem(invitation);
    if (problem) return { refusal: problem, actor: null };
    const error = url.searchParams.get('error');
    if (error) {
      const said = (url.searchParams.get('error_description') ?? error).slice(0, 200);
      return error === 'access_denied'
        ? refused('account-cancelled', ACCOUNT_WORDS.cancelled)
        : refused('account-provider-error', ACCOUNT_WORDS.providerSaid(said));
    }
    let claims: HospitalClaims;
    try {
      const config = await configuration(s, 10 * 60_000);
      claims = await claimsFromCode(config, new URL(`${redirectUri()}${url.search}`), attempt);
    } catch (failure) {
      const reason =
        failure instanceof ViewerRefused ? failure.body.message : reasonOf(failure).slice(0, 300);
      telehealth.log(
        `telehealth: ${invitation.id}: the provider's answer was not accepted: ${reason}`,
      );
      return refused('account-unchecked', ACCOUNT_WORDS.unchecked(reason));
    }
    const found = await viewerUserFor(claims, invitation);
    if ('refused' in found) return refused(found.why, found.refused, found.actor);
    const user = found.user;
    const secret = newSecret();
    const opened = await openSessionWithAccount(
      db,
      invitation.id,
      user,
      hashSecret(secret),
      telehealth.now(),
    );
    if (!opened) {
      const again = await linkProblem(invitation);
      return {
        refusal: again ?? {
          why: 'already-opened',
          error: 'already-opened',
          sentence: REFUSAL_WORDS.alreadyOpened,
          counts: false,
        },
        actor: user.displayName,
      };
    }
    await telehealth.audit({
      invitationId: invitation.id,
      kind: 'signed-in-with-account',
      actor: user.displayName,
      ...caller,
      detail: `user ${user.username} (${user.role}), hospital subject ${claims.sub}`,
    });
    return { secret, expiresAtMs: opened.expiresAtMs };
  }

  /** The server user of this hospital account, if they may watch this invitation. */
  async function viewerUserFor(
    claims: { sub: string; preferredUsername: string | null; name: string | null },
    invitation: Invitation,
  ): Promise<
    | { user: { id: string; username: string; displayName: string; role: Role } }
    | { refused: string; why: string; actor: string | null }
  > {
    const where = `telehealth invitation ${invitation.id} (bed ${invitation.bedLabel})`;
    return inTransaction(db, async (session) => {
      const who = claims.preferredUsername ?? claims.name ?? `subject ${claims.sub}`;
      const found = await hospitalUserRow(session, claims, where, ACTOR);
      if ('otherSubject' in found) {
        return {
          refused: ACCOUNT_WORDS.otherSubject(who, found.otherSubject.username),
          why: 'account-other-subject',
          actor: who,
        };
      }
      const row = found.row;
      if (!row) return { refused: ACCOUNT_WORDS.noUser(who), why: 'account-no-user', actor: who };
      const refuse = async (why: string, sentence: string, detail: string) => {
        await userEvent(session, row, 'sign-in-refused', ACTOR, `${where}: ${detail}`);
        return { refused: sentence, why, actor: row.display_name };
      };
      if (row.disabled)
        return refuse(
          'account-disabled',
          ACCOUNT_WORDS.disabled(row.username),
          'the user is disabled',
        );
      if (!VIEWER_ROLES.includes(row.role))
        return refuse(
          'account-role',
          ACCOUNT_WORDS.role(row.username, row.role),
          `a ${row.role} may not watch a remote consult`,
        );
      if (
        invitation.viewerUsernameRequired !== null &&
        invitation.viewerUsernameRequired !== row.username
      )
        return refuse(
          'account-other-user',
          ACCOUNT_WORDS.otherUser(row.username),
          `the invitation is for ${invitation.viewerUsernameRequired}`,
        );
      await userEvent(session, row, 'telehealth-sign-in', ACTOR, where);
      return {
        user: { id: row.id, username: row.username, displayName: row.display_name, role: row.role },
      };
    });
  }
}

export type AccountSignIn = ReturnType<typeof accountSignIn>;
