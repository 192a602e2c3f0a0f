// Telehealth on the central server: what a nurse's invitation allows and what ends it. The
// workstation makes, reads and ends an invitation (workstation-routes.ts); the remote clinician's
// browser opens it with the link's token and the code, or by signing in with the hospital account
// (account-sign-in.ts), writes notes and leaves (viewer-http.ts),
// and watches and listens on its sockets (viewer-sockets.ts). Every decision is kept in
// PostgreSQL (invitation-store.ts), so any instance answers any of them; the sockets an instance
// holds are closed at once when it ends an invitation, and every few seconds (recheckMs) when
// another instance did, or when the invitation's time is up.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ApiError } from '../../shared/api/errors';
import {
  END_REASON_WORDS,
  type CreateInvitation,
  type CreatedInvitation,
  type EndReason,
  type InvitationState,
  type RecordingOutcome,
  type RecordingSeconds,
  type RemoteRecording,
} from '../../shared/telehealth/invitation';
import { VIEWER_CLOSE, VIEWER_PATHS } from '../../shared/telehealth/viewer';
import type { Database } from '../db/database';
import { namespacedBedId } from '../live/relay-message';
import type { LiveRelay } from '../live/relay';
import type { CentralApi } from '../central/central-api';
import {
  answerRecording,
  askRecording,
  audit,
  createInvitation,
  endExpired,
  endInvitation,
  invitationById,
  noteViewerSeen,
  notesOf,
  recordingsOf,
  refuseOpenRecordings,
  stayStartMs,
  type Invitation,
  type TelehealthEvent,
} from './invitation-store';
import { hashCode, hashSecret, newCode, newCodeSalt, newSecret } from './secrets';
import { showsAnotherPatient } from './one-patient-api';
import { viewerConsult, type Caller } from './viewer-consult';

export { ViewerRefused, type Caller } from './viewer-consult';

export interface TelehealthOptions {
  db: Database;
  nowMs(): number;
  log(line: string): void;
  /** The address browsers reach this server at (--public-url, else its own), for the link. */
  publicUrl(): string;
  /** How often open sockets' invitations are read again, and expired ones ended (ms). */
  recheckMs?: number;
}

export function callerOf(req: IncomingMessage): Caller {
  const agent = req.headers['user-agent'];
  return { address: req.socket.remoteAddress ?? null, userAgent: agent ?? null };
}

export const RECHECK_MS = 2_000;
/** Refusals from one address written one by one per minute; past it, counted in one entry. */
export const REFUSALS_PER_MINUTE = 60;
const REFUSAL_WINDOW_MS = 60_000;
const MAX_REFUSAL_ADDRESSES = 10_000;

/** Requests for a recording one consult may make. */
export const MAX_RECORDINGS = 100;
/** A request the bed has not answered this long past its length is given up. */
const RECORDING_STALE_MS = 60_000;

export const RECORDING_WORDS = {
  ended: 'The consult has ended: no recording can be asked for.',
  open: 'The recording you asked for is not kept yet: wait for it before asking for another.',
  tooMany: `A consult asks for at most ${MAX_RECORDINGS} recordings.`,
  stale: 'The bed did not answer: nothing was kept. Ask again while the stethoscope is sounding.',
  endedBeforeKept: 'The consult ended before the recording was kept.',
  unknown: 'The central server has no such request for a recording in this consult.',
};

/** A viewer whose socket no instance has seen for this long is not "connected". */
const CONNECTED_WITHIN_MS = 3 * RECHECK_MS;

/** An open socket of a viewer on this instance. */
export interface ViewerSocket {
  invitationId: string;
  close(code: number, reason: string): void;
}

export function createTelehealth(options: TelehealthOptions) {
  const { db, log } = options;
  const now = () => options.nowMs();
  const recheckMs = options.recheckMs ?? RECHECK_MS;
  const sockets = new Map<string, Set<ViewerSocket>>();
  let relay: LiveRelay | null = null;
  let central: CentralApi | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;

  const write = (event: Omit<TelehealthEvent, 'atMs'>) =>
    audit(db, { ...event, atMs: now() }).catch((error: unknown) =>
      log(`telehealth: an audit event (${event.kind}) could not be kept: ${String(error)}`),
    );
  /** Refusals written per address and minute: a flood of guesses cannot fill the trail. */
  const refusals = new Map<string, { sinceMs: number; written: number; skipped: number }>();
  const record = (event: Omit<TelehealthEvent, 'atMs'>): Promise<void> => {
    if (event.kind !== 'refused') return write(event);
    const address = event.address ?? 'unknown';
    const t = now();
    let window = refusals.get(address);
    if (!window || t - window.sinceMs >= REFUSAL_WINDOW_MS || t < window.sinceMs) {
      if (window && window.skipped > 0) {
        void write({
          invitationId: null,
          kind: 'refused',
          why: 'flood',
          address,
          detail: `${window.skipped} more refusal(s) from this address within a minute of ${new Date(window.sinceMs).toISOString()}, not written one by one`,
        });
      }
      if (refusals.size >= MAX_REFUSAL_ADDRESSES) refusals.clear();
      window = { sinceMs: t, written: 0, skipped: 0 };
      refusals.set(address, window);
    }
    if (window.written >= REFUSALS_PER_MINUTE) {
      if (window.skipped === 0)
        log(`telehealth: more than ${REFUSALS_PER_MINUTE} refusals a minute from ${address}`);
      window.skipped += 1;
      return Promise.resolve();
    }
    window.written += 1;
    return write(event);
  };

  function closeSockets(invitationId: string, code: number, reason: string): void {
    for (const socket of sockets.get(invitationId) ?? []) socket.close(code, reason);
  }

  const endedWords = (reason: EndReason | null) =>
    reason ? END_REASON_WORDS[reason] : 'The consult has ended.';

  /** The invitation now: ended 'expired' (audited, its sockets closed) once its time is up. */
  async function current(id: string): Promise<Invitation | null> {
    const found = await invitationById(db, id);
    if (!found || found.status === 'ended' || found.expiresAtMs > now()) return found;
    for (const ended of await endExpired(db, now(), id)) await afterExpiry(ended);
    return invitationById(db, id);
  }

  async function afterExpiry(ended: Invitation): Promise<void> {
    await record({ invitationId: ended.id, kind: 'expired', actor: 'the server' });
    closeSockets(ended.id, VIEWER_CLOSE.ended, END_REASON_WORDS.expired);
  }

  /** Ends it (once, whoever is first), audits who ended it and why, and closes its sockets. */
  async function finish(
    id: string,
    reason: EndReason,
    by: string,
    caller: Caller | null,
    detail?: string,
  ): Promise<void> {
    const ended = await endInvitation(db, id, reason, by, now());
    if (ended) {
      await refuseOpenRecordings(db, id, RECORDING_WORDS.endedBeforeKept, now());
      await record({
        invitationId: id,
        kind: 'ended',
        why: reason,
        actor: by,
        address: caller?.address ?? null,
        userAgent: caller?.userAgent ?? null,
        detail: detail ?? null,
      });
    }
    closeSockets(id, VIEWER_CLOSE.ended, END_REASON_WORDS[reason]);
  }

  async function stateOf(invitation: Invitation): Promise<InvitationState> {
    const seen = invitation.viewerSeenAtMs;
    const connected =
      invitation.status === 'watching' &&
      ((sockets.get(invitation.id)?.size ?? 0) > 0 ||
        (seen !== null && now() - seen <= CONNECTED_WITHIN_MS));
    return {
      id: invitation.id,
      status: invitation.status,
      viewer:
        invitation.viewerName !== null && invitation.viewerSinceMs !== null
          ? { name: invitation.viewerName, sinceMs: invitation.viewerSinceMs, connected }
          : null,
      expiresAtMs: invitation.expiresAtMs,
      endedAtMs: invitation.endedAtMs,
      endReason: invitation.endReason,
      endedBy: invitation.endedBy,
      notes: await notesOf(db, invitation.id),
      recordings: await recordingsOf(db, invitation.id),
    };
  }

  const consult = viewerConsult({ db, now, log, record, current, finish });

  const telehealth = {
    db,
    recheckMs,
    now,
    log,
    /** The invitation now (ended 'expired' once its time is up). */
    current,
    /** Ends it (once), audits who and why, and closes its sockets. */
    finish,
    /** Keeps one event in the audit (never throws: a failure is logged). */
    audit: record,

    /** The live relay and the station's api, once the server's live side is attached. */
    useLive(liveRelay: LiveRelay, stationApi: CentralApi): void {
      relay = liveRelay;
      central = stationApi;
    },
    live: () => (relay && central ? { relay, central } : null),

    async create(workstationId: string, input: CreateInvitation, caller: Caller) {
      const token = newSecret();
      const code = newCode();
      const codeSalt = newCodeSalt();
      const made = await createInvitation(
        db,
        workstationId,
        input,
        { tokenHash: hashSecret(token), codeSalt, codeHash: hashCode(code, codeSalt) },
        now(),
      );
      if (made.outcome === 'taken') return { taken: made.invitation, created: null };
      await record({
        invitationId: input.id,
        kind: 'invited',
        why: made.outcome === 'renewed' ? 'sent again: a new link and code' : null,
        actor: input.invitedBy,
        ...caller,
        detail:
          `workstation ${workstationId}, bed ${input.bedId} (${input.bedLabel}), patient ` +
          `${input.patientId}, ${input.minutes} min, consent given by ${input.consent.givenBy}` +
          `${input.consent.representative ? ` (${input.consent.representative})` : ''} at ` +
          `${new Date(input.consent.atMs).toISOString()}, recorded by ${input.consent.recordedBy}`,
      });
      const base = options.publicUrl().replace(/\/+$/, '');
      const created: CreatedInvitation = {
        id: input.id,
        url: `${base}${VIEWER_PATHS.page}#t=${token}`,
        code,
        expiresAtMs: made.invitation.expiresAtMs,
      };
      return { taken: null, created };
    },

    /** The invitation if this workstation made it (null otherwise: not told it exists). */
    async ownInvitation(workstationId: string, id: string): Promise<Invitation | null> {
      const invitation = await current(id);
      return invitation && invitation.workstationId === workstationId ? invitation : null;
    },

    stateOf,

    async endAtBed(invitation: Invitation, reason: EndReason, by: string, caller: Caller) {
      await finish(invitation.id, reason, by, caller);
      return stateOf((await invitationById(db, invitation.id)) ?? invitation);
    },

    /** The viewer's browser: redeem, session, notes, leave (viewer-consult.ts). */
    ...consult,

    /** The sockets a viewer has open here: closed with the consult, rechecked meanwhile. */
    addSocket(socket: ViewerSocket): () => void {
      let set = sockets.get(socket.invitationId);
      if (!set) sockets.set(socket.invitationId, (set = new Set()));
      set.add(socket);
      noteViewerSeen(db, [socket.invitationId], now(), true).catch(() => undefined);
      return () => {
        const open = sockets.get(socket.invitationId);
        open?.delete(socket);
        if (open?.size === 0) {
          sockets.delete(socket.invitationId);
          noteViewerSeen(db, [socket.invitationId], now(), false).catch(() => undefined);
        }
      };
    },

    openSockets: (invitationId?: string) =>
      invitationId === undefined
        ? [...sockets.values()].reduce((n, set) => n + set.size, 0)
        : (sockets.get(invitationId)?.size ?? 0),

    /** A forbidden request on a socket, kept in the audit. */
    forbidden(invitation: Invitation, what: string, caller: Caller) {
      log(`telehealth: ${invitation.id} asked for ${what}: refused`);
      void record({
        invitationId: invitation.id,
        kind: 'refused',
        why: 'forbidden',
        actor: invitation.viewerName,
        ...caller,
        detail: what,
      });
    },

    /** What the viewer opened of the bed's history (the socket calls it once a minute per kind). */
    read(invitation: Invitation, method: string, input: Record<string, unknown>, caller: Caller) {
      const window =
        typeof input.fromMs === 'number'
          ? ` from ${new Date(input.fromMs).toISOString()}` +
            (typeof input.toMs === 'number' ? ` to ${new Date(input.toMs).toISOString()}` : '')
          : '';
      void record({
        invitationId: invitation.id,
        kind: 'read',
        actor: invitation.viewerName,
        ...caller,
        detail: `${method}${window}`,
      });
    },

    /**
     * The remote clinician asks the bed to keep the stethoscope's sound (one-patient-api.ts):
     * refused once the consult has ended and while another request is unanswered; each request
     * and each refusal kept in the audit. The workstation learns of it when it next asks.
     */
    async askRecording(
      invitation: Invitation,
      seconds: RecordingSeconds,
      caller: Caller,
    ): Promise<RemoteRecording> {
      const actor = invitation.viewerName ?? 'the remote clinician';
      const refuse = async (why: string, words: string): Promise<never> => {
        await record({
          invitationId: invitation.id,
          kind: 'refused',
          why,
          actor,
          ...caller,
          detail: `a ${seconds} s recording: ${words}`,
        });
        throw new ApiError('invalid_request', words);
      };
      const current_ = await current(invitation.id);
      if (!current_ || current_.status !== 'watching')
        return refuse('recording-ended', RECORDING_WORDS.ended);
      if ((await recordingsOf(db, invitation.id)).length >= MAX_RECORDINGS)
        return refuse('recording-too-many', RECORDING_WORDS.tooMany);
      const asked = await askRecording(
        db,
        {
          id: randomUUID(),
          invitationId: invitation.id,
          seconds,
          askedBy: actor,
          askedAtMs: now(),
        },
        RECORDING_STALE_MS,
        RECORDING_WORDS.stale,
      );
      if (!asked) return refuse('recording-open', RECORDING_WORDS.open);
      await record({
        invitationId: invitation.id,
        kind: 'recording',
        why: 'asked',
        actor,
        ...caller,
        detail: `asked for a ${seconds} s recording (${asked.id})`,
      });
      return asked;
    },

    /** A viewer socket's scope.recordings (one-patient-api.ts): its own consult's requests. */
    recordingsFor(invitation: Invitation, caller: Caller) {
      return {
        ask: (seconds: RecordingSeconds) => telehealth.askRecording(invitation, seconds, caller),
        list: () => recordingsOf(db, invitation.id),
      };
    },

    /** The workstation tells what became of a request (kept, or why not); once. */
    async answerRecording(
      invitation: Invitation,
      recordingId: string,
      outcome: RecordingOutcome,
      caller: Caller,
    ): Promise<InvitationState> {
      const answered = await answerRecording(db, invitation.id, recordingId, outcome, now());
      if (answered) {
        await record({
          invitationId: invitation.id,
          kind: 'recording',
          why: outcome.status,
          actor: `workstation ${invitation.workstationId}`,
          ...caller,
          detail:
            outcome.status === 'kept'
              ? `kept ${recordingId} at the bed at ${new Date(outcome.keptAtMs).toISOString()}, ` +
                `${outcome.durationS.toFixed(1)} s, heart rate ${outcome.heartRateBpm ?? 'not found'}`
              : `${recordingId} not kept: ${outcome.problem}`,
        });
      } else if (!(await recordingsOf(db, invitation.id)).some((r) => r.id === recordingId)) {
        throw new ApiError('not_found', RECORDING_WORDS.unknown);
      }
      return stateOf((await invitationById(db, invitation.id)) ?? invitation);
    },

    patientLeft(invitation: Invitation, shown: string) {
      void finish(invitation.id, 'patient-left', 'the server', null, shown).catch(
        (error: unknown) =>
          log(`telehealth: ${invitation.id} could not be ended: ${String(error)}`),
      );
    },

    stayStartMs: async (invitation: Invitation) =>
      (await stayStartMs(db, invitation)) ?? invitation.createdAtMs,

    socketEvent(
      invitation: Invitation,
      kind: 'socket-open' | 'socket-close',
      caller: Caller,
      detail: string,
    ) {
      void record({
        invitationId: invitation.id,
        kind,
        actor: invitation.viewerName,
        ...caller,
        detail,
      });
    },

    /** Starts the timer that ends expired invitations and rechecks open sockets. */
    start(): void {
      if (timer) return;
      let running = false;
      timer = setInterval(() => {
        if (running) return;
        running = true;
        telehealth
          .recheck()
          .catch((error: unknown) => log(`telehealth: the recheck failed: ${String(error)}`))
          .finally(() => (running = false));
      }, recheckMs);
      timer.unref();
    },

    /** Stops the timer and closes this instance's viewer sockets (the server is stopping). */
    close(): void {
      if (timer) clearInterval(timer);
      timer = null;
      for (const id of [...sockets.keys()])
        closeSockets(id, 1001, 'The central server is restarting: the page reconnects.');
    },

    /** One pass of the timer: expired invitations ended, open sockets' invitations read again. */
    async recheck(): Promise<void> {
      for (const ended of await endExpired(db, now())) await afterExpiry(ended);
      const open = [...sockets.keys()];
      const stillWatching: string[] = [];
      for (const id of open) {
        const invitation = await current(id);
        if (!invitation || invitation.status === 'ended') {
          closeSockets(id, VIEWER_CLOSE.ended, endedWords(invitation?.endReason ?? null));
          continue;
        }
        const bed = relay
          ?.listBeds()
          .find((b) => b.id === namespacedBedId(invitation.workstationId, invitation.bedId));
        if (bed && showsAnotherPatient(bed, invitation.patientId)) {
          await finish(
            id,
            'patient-left',
            'the server',
            null,
            bed.patient ? 'another patient is in the bed' : 'the bed is empty',
          );
          continue;
        }
        stillWatching.push(id);
      }
      await noteViewerSeen(db, stillWatching, now(), true);
    },
  };
  return telehealth;
}

export type Telehealth = ReturnType<typeof createTelehealth>;
