// What the remote clinician's browser does with a link: redeem it with the code (once, in one
// browser; MAX_CODE_ATTEMPTS wrong codes lock it), then, with the session cookie that gives, read
// the session, write notes and leave. Every refusal is audited before it is answered. The rules
// of the consult itself (ending it, its sockets) are the core's (telehealth.ts).
import { randomUUID } from 'node:crypto';
import {
  CODE_DIGITS,
  END_REASON_WORDS,
  MAX_CODE_ATTEMPTS,
  type ConsultNote,
  type EndReason,
} from '../../shared/telehealth/invitation';
import type { RedeemRequest, ViewerRefusal, ViewerSession } from '../../shared/telehealth/viewer';
import type { Database } from '../db/database';
import { namespacedBedId } from '../live/relay-message';
import {
  addNote,
  countNotes,
  countWrongCode,
  invitationBySession,
  invitationByToken,
  notesOf,
  openSession,
  workstationName,
  type Invitation,
  type TelehealthEvent,
} from './invitation-store';
import { codeMatches, hashSecret, newSecret } from './secrets';

/** Where a request came from, for the audit. */
export interface Caller {
  address: string | null;
  userAgent: string | null;
}

/** A refusal to the viewer's page: its HTTP status and body. */
export class ViewerRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: ViewerRefusal,
  ) {
    super(body.message);
  }
}

/** Notes one consult keeps at most (InvitationState carries them all). */
export const MAX_NOTES = 500;

const ASK_AGAIN =
  'Ask the nurse at the bed to invite you again if you still need to see the patient.';

export const REFUSAL_WORDS = {
  unknownLink:
    'The central server does not know this link. Check that the whole link was copied, or ask ' +
    'the nurse at the bed for a new invitation.',
  alreadyOpened: `This link was already opened in another browser, and it opens in one browser only. ${ASK_AGAIN}`,
  notSignedIn:
    'This browser has no consult open. Open the link the nurse sent you and enter the code.',
  tooManyNotes: `A consult keeps at most ${MAX_NOTES} notes.`,
  wrongCode: (attemptsLeft: number) =>
    `That code is not the one for this link. Check the ${CODE_DIGITS} digits the nurse read to ` +
    `you: ${attemptsLeft} ${attemptsLeft === 1 ? 'try is' : 'tries are'} left before the link locks.`,
  ended: (reason: EndReason | null) =>
    `${reason ? END_REASON_WORDS[reason] : 'The consult has ended.'} ${ASK_AGAIN}`,
};

/** What the consult's rules give this file. */
export interface ConsultCore {
  db: Database;
  now(): number;
  log(line: string): void;
  record(event: Omit<TelehealthEvent, 'atMs'>): Promise<void>;
  /** The invitation now (ended 'expired' once its time is up). */
  current(id: string): Promise<Invitation | null>;
  finish(
    id: string,
    reason: EndReason,
    by: string,
    caller: Caller | null,
    detail?: string,
  ): Promise<void>;
}

interface Refusal {
  invitationId: string | null;
  why: string;
  caller: Caller;
  status: number;
  body: ViewerRefusal;
  actor: string | null;
}

export function viewerConsult(core: ConsultCore) {
  const { db, now, record } = core;

  /** A refusal kept in the audit, then thrown to the page. */
  async function refuse(refusal: Refusal): Promise<never> {
    const { invitationId, why, actor, caller, body } = refusal;
    await record({ invitationId, kind: 'refused', why, actor, ...caller, detail: body.message });
    throw new ViewerRefused(refusal.status, body);
  }

  const endedBody = (invitation: Invitation): ViewerRefusal => ({
    error: 'ended',
    message: REFUSAL_WORDS.ended(invitation.endReason),
  });
  const endedWhy = (invitation: Invitation) =>
    invitation.endReason === 'expired' ? 'expired' : 'ended';
  const alreadyOpened: ViewerRefusal = {
    error: 'already-opened',
    message: REFUSAL_WORDS.alreadyOpened,
  };

  async function sessionBody(invitation: Invitation): Promise<ViewerSession> {
    return {
      invitationId: invitation.id,
      bedId: namespacedBedId(invitation.workstationId, invitation.bedId),
      bedLabel: invitation.bedLabel,
      workstationName: await workstationName(db, invitation.workstationId),
      viewerName: invitation.viewerName ?? '',
      invitedBy: invitation.invitedBy,
      expiresAtMs: invitation.expiresAtMs,
      serverNowMs: now(),
      notes: await notesOf(db, invitation.id),
    };
  }

  /** The open consult a session cookie belongs to; refused (401, audited) otherwise. */
  async function bySession(session: string | null, caller: Caller, what: string) {
    const found = session ? await invitationBySession(db, hashSecret(session)) : null;
    if (!found) {
      core.log(`telehealth: ${what} without a consult open in that browser: refused`);
      return refuse({
        invitationId: null,
        why: 'not-signed-in',
        caller,
        status: 401,
        body: { error: 'not-signed-in', message: REFUSAL_WORDS.notSignedIn },
        actor: null,
      });
    }
    const invitation = (await core.current(found.id)) ?? found;
    if (invitation.status !== 'watching') {
      return refuse({
        invitationId: found.id,
        why: endedWhy(invitation),
        caller,
        status: 401,
        body: endedBody(invitation),
        actor: found.viewerName,
      });
    }
    return invitation;
  }

  /** A wrong code: counted; the last one allowed locks the link. */
  async function wrongCode(invitation: Invitation, name: string, caller: Caller): Promise<never> {
    const attempts = (await countWrongCode(db, invitation.id)) ?? MAX_CODE_ATTEMPTS;
    const attemptsLeft = Math.max(0, MAX_CODE_ATTEMPTS - attempts);
    const refusal = { invitationId: invitation.id, why: 'wrong-code', caller, actor: name };
    if (attemptsLeft > 0) {
      return refuse({
        ...refusal,
        status: 401,
        body: { error: 'wrong-code', message: REFUSAL_WORDS.wrongCode(attemptsLeft), attemptsLeft },
      });
    }
    await record({ ...refusal, kind: 'refused', ...caller, detail: `wrong code ${attempts}` });
    await core.finish(invitation.id, 'locked', 'the server', caller, `${attempts} wrong codes`);
    throw new ViewerRefused(410, { error: 'ended', message: REFUSAL_WORDS.ended('locked') });
  }

  return {
    bySession,

    /** The link's token and code: the session (and its cookie's secret), or refused. */
    async redeem(request: RedeemRequest, session: string | null, caller: Caller) {
      const actor = request.name;
      const found = await invitationByToken(db, hashSecret(request.token));
      if (!found) {
        return refuse({
          invitationId: null,
          why: 'unknown-link',
          caller,
          status: 404,
          body: { error: 'unknown-link', message: REFUSAL_WORDS.unknownLink },
          actor,
        });
      }
      const invitation = (await core.current(found.id)) ?? found;
      const refusal = { invitationId: invitation.id, caller, actor };
      if (invitation.status === 'ended')
        return refuse({
          ...refusal,
          why: endedWhy(invitation),
          status: 410,
          body: endedBody(invitation),
        });
      if (invitation.sessionHash !== null) {
        // The browser that opened it may ask again (a reload); no other browser may.
        if (session !== null && hashSecret(session).equals(invitation.sessionHash))
          return { session: await sessionBody(invitation), secret: session };
        return refuse({ ...refusal, why: 'already-opened', status: 409, body: alreadyOpened });
      }
      if (!codeMatches(request.code, invitation.codeSalt, invitation.codeHash))
        return wrongCode(invitation, actor, caller);
      const secret = newSecret();
      const opened = await openSession(db, invitation.id, actor, hashSecret(secret), now());
      if (!opened) {
        // Another browser was first, or it ended meanwhile.
        const again = (await core.current(invitation.id)) ?? invitation;
        if (again.status === 'ended')
          return refuse({ ...refusal, why: endedWhy(again), status: 410, body: endedBody(again) });
        return refuse({ ...refusal, why: 'already-opened', status: 409, body: alreadyOpened });
      }
      await record({ invitationId: opened.id, kind: 'opened', actor, ...caller });
      return { session: await sessionBody(opened), secret };
    },

    async session(session: string | null, caller: Caller): Promise<ViewerSession> {
      return sessionBody(await bySession(session, caller, 'a session read'));
    },

    async note(session: string | null, text: string, caller: Caller): Promise<ConsultNote> {
      const invitation = await bySession(session, caller, 'a note');
      const author = invitation.viewerName ?? 'the remote clinician';
      if ((await countNotes(db, invitation.id)) >= MAX_NOTES) {
        return refuse({
          invitationId: invitation.id,
          why: 'too-many-notes',
          caller,
          status: 409,
          body: { error: 'bad-request', message: REFUSAL_WORDS.tooManyNotes },
          actor: author,
        });
      }
      const note: ConsultNote = {
        id: randomUUID(),
        invitationId: invitation.id,
        text,
        author,
        atMs: now(),
      };
      await addNote(db, note);
      await record({
        invitationId: invitation.id,
        kind: 'note',
        actor: author,
        ...caller,
        detail: `note ${note.id}, ${text.length} characters`,
      });
      return note;
    },

    async leave(session: string | null, caller: Caller): Promise<void> {
      const invitation = await bySession(session, caller, 'leaving');
      const by = invitation.viewerName ?? 'the remote clinician';
      await core.finish(invitation.id, 'viewer-left', by, caller);
    },
  };
}
