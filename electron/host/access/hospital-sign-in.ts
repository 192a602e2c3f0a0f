// Sign-in at this workstation with the hospital account: the central server signs the person in
// through the hospital's OpenID Connect provider in a browser tab, and this workstation, which
// began the attempt with its own credential, asks the server how it ended, then signs the screen
// that began it in as that user (Access.signInVouchedFor, audited as "through the hospital's
// sign-in"). An account the workstation does not have yet is pulled from the server first.
import { ApiError } from '../../../shared/api/errors';
import type { ScreenAccess } from '../../../shared/api/contract-access';
import {
  HOSPITAL_SIGN_IN_PATHS,
  HospitalSignInBegun,
  HospitalSignInOffer,
  HospitalSignInOutcome,
} from '../../../shared/sync/hospital-sign-in';
import { SYNC_PROTOCOL, SYNC_PROTOCOL_HEADER } from '../../../shared/sync/protocol';
import { exchange, SyncLinkError, type SyncAnswer } from '../sync/http';
import type { Access } from './access';
import type { AccessScreen } from './access-screen';
import { accessWords } from './access-words';
import { ScreenSession } from './screen-session';

/** Where and as whom the workstation talks to its central server (WorkstationSync.liveLink()). */
export interface HospitalLink {
  serverUrl: string;
  credential: string;
  ca?: string;
}

export interface HospitalSignInOptions {
  access: Pick<Access, 'signInVouchedFor'>;
  /** Null while the workstation is not enrolled. */
  link: () => HospitalLink | null;
  /** Brings the server's accounts now (the accounts puller's pullNow); none: not pulled. */
  pullAccounts?: () => Promise<unknown>;
  /** How often the server is asked while the person signs in. Default 1 s. */
  pollEveryMs?: number;
  /** How long one finishHospitalSignIn waits before answering "still waiting". Default 10 s. */
  waitPerCallMs?: number;
  now?: () => number;
  log?: (message: string) => void;
}

export type HospitalSignInWait =
  { waiting: true; expiresAtMs: number } | { waiting: false; access: ScreenAccess };

/** How the audit trail says the user was checked. */
export const THROUGH_HOSPITAL = "through the hospital's sign-in";

/** The server is asked again whether it offers the sign-in after this long. */
const OFFER_FRESH_MS = 60_000;
/** A getAccess waits this long at most for that answer (else the last one stands). */
const OFFER_WAIT_MS = 1_500;
/** After the attempt's 5 minutes, the server is still asked this long (it answers "too late"). */
const GRACE_MS = 30_000;

export const hospitalWords = {
  notEnrolled:
    'Sign-in with the hospital account goes through the central server, and this workstation is ' +
    'not enrolled with one. Sign in with your user name and password.',
  notOffered:
    'The central server does not sign users in with the hospital account (IT has not set it up). ' +
    'Sign in with your user name and password.',
  unreachable: (why: string) =>
    `The central server cannot be reached just now (${why}), so sign-in with the hospital ` +
    'account cannot begin. Sign in with your user name and password.',
  refusedWorkstation: (why: string) => `The central server refused this workstation: ${why}`,
  unknownAttempt:
    'This sign-in is over or was not begun at this screen. Begin again: Sign in with the hospital account.',
  lostServer: (why: string) =>
    `The central server could not be asked how the sign-in ended (${why}). Begin again, or sign ` +
    'in with your user name and password.',
  accountNotHereYet: (username: string) =>
    `The hospital's sign-in named ${username}, but this workstation does not have that account ` +
    'yet (it comes with the next sync from the central server). Try again in a minute, or sign ' +
    'in with your user name and password.',
};

interface Attempt {
  screen: AccessScreen;
  expiresAtMs: number;
  /** Once asked for: how it ends (kept until a finish call takes it). */
  outcome: Promise<{ access: ScreenAccess } | { error: unknown }> | null;
}

export class HospitalSignIn {
  readonly #o: HospitalSignInOptions;
  readonly #now: () => number;
  readonly #attempts = new Map<string, Attempt>();
  readonly #stopping = new AbortController();
  #offer: { offered: boolean; atMs: number; serverUrl: string } | null = null;
  #asking: Promise<void> | null = null;

  constructor(options: HospitalSignInOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Whether to offer it at a screen: enrolled, and the server said it offers it (asked again
   * once a minute, waiting a moment at most; a server that cannot be asked keeps its last word).
   */
  async offered(): Promise<boolean> {
    const link = this.#o.link();
    if (!link) return false;
    const kept = this.#offer?.serverUrl === link.serverUrl ? this.#offer : null;
    if (kept && this.#now() - kept.atMs < OFFER_FRESH_MS) return kept.offered;
    this.#asking ??= this.#askOffer(link).finally(() => (this.#asking = null));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.#asking,
      new Promise<void>((resolve) => (timer = setTimeout(resolve, OFFER_WAIT_MS))),
    ]);
    clearTimeout(timer);
    return this.#offer?.serverUrl === link.serverUrl ? this.#offer.offered : false;
  }

  async #askOffer(link: HospitalLink): Promise<void> {
    try {
      const answer = await this.#call(link, 'GET', HOSPITAL_SIGN_IN_PATHS.attempts);
      const parsed = HospitalSignInOffer.safeParse(jsonOf(answer));
      // A server from before this sign-in answers 404: not offered.
      const offered = answer.status === 200 && parsed.success && parsed.data.offered;
      this.#offer = { offered, atMs: this.#now(), serverUrl: link.serverUrl };
    } catch (error) {
      this.#o.log?.(`hospital sign-in: could not ask the central server: ${String(error)}`);
    }
  }

  /** Begins an attempt for this screen: the address for the browser, and the attempt's id. */
  async begin(
    screen: AccessScreen | undefined,
  ): Promise<{ url: string; attemptId: string; expiresAtMs: number }> {
    if (!(screen instanceof ScreenSession) || screen.kind !== 'page')
      throw new ApiError('invalid_request', accessWords.noScreen);
    const link = this.#o.link();
    if (!link) throw new ApiError('not_found', hospitalWords.notEnrolled);
    let answer: SyncAnswer;
    try {
      answer = await this.#call(link, 'POST', HOSPITAL_SIGN_IN_PATHS.attempts, {});
    } catch (error) {
      throw new ApiError('internal', hospitalWords.unreachable(linkWords(error)));
    }
    const body = jsonOf(answer);
    if (answer.status !== 200) {
      if (answer.status === 404) {
        this.#offer = { offered: false, atMs: this.#now(), serverUrl: link.serverUrl };
        throw new ApiError('not_found', hospitalWords.notOffered);
      }
      const message = messageOf(body) ?? `HTTP ${answer.status}`;
      // 503: the server is there but the hospital's provider is not; its sentence says so.
      if (answer.status === 503) throw new ApiError('internal', message);
      throw new ApiError('internal', hospitalWords.refusedWorkstation(message));
    }
    const begun = HospitalSignInBegun.safeParse(body);
    if (!begun.success) {
      throw new ApiError(
        'internal',
        hospitalWords.unreachable('it answered with something that is not a sign-in'),
      );
    }
    this.#offer = { offered: true, atMs: this.#now(), serverUrl: link.serverUrl };
    this.#forgetExpired();
    // A screen waits on one sign-in: one begun before (its tab left open) is over, and its
    // person signing in there later signs nobody in here.
    for (const [id, earlier] of this.#attempts)
      if (earlier.screen === screen) this.#attempts.delete(id);
    this.#attempts.set(begun.data.attemptId, {
      screen,
      expiresAtMs: begun.data.expiresAtMs,
      outcome: null,
    });
    return begun.data;
  }

  /**
   * Waits a little for the attempt this screen began: still waiting, or signed in. A refusal is
   * an ApiError with the server's sentence; the attempt is then over.
   */
  async finish(screen: AccessScreen, attemptId: string): Promise<HospitalSignInWait> {
    const attempt = this.#attempts.get(attemptId);
    if (!attempt || attempt.screen !== screen) {
      throw new ApiError('not_found', hospitalWords.unknownAttempt);
    }
    attempt.outcome ??= this.#watch(attemptId, attempt).then(
      (access) => ({ access }),
      (error: unknown) => ({ error }),
    );
    let timer: NodeJS.Timeout | undefined;
    const ended = await Promise.race([
      attempt.outcome,
      new Promise<null>(
        (resolve) => (timer = setTimeout(resolve, this.#o.waitPerCallMs ?? 10_000, null)),
      ),
    ]);
    clearTimeout(timer);
    if (ended === null) return { waiting: true, expiresAtMs: attempt.expiresAtMs };
    this.#attempts.delete(attemptId);
    if ('error' in ended) throw ended.error;
    return { waiting: false, access: ended.access };
  }

  /** Stops asking the server (the workstation is stopping). */
  close(): void {
    this.#stopping.abort();
    this.#attempts.clear();
  }

  /** Asks the server until the attempt is decided (or over), then signs the screen in. */
  async #watch(attemptId: string, attempt: Attempt): Promise<ScreenAccess> {
    let lastProblem = 'no answer yet';
    while (!this.#stopping.signal.aborted) {
      const link = this.#o.link();
      if (!link) throw new ApiError('not_found', hospitalWords.notEnrolled);
      let answer: SyncAnswer | null = null;
      try {
        answer = await this.#call(link, 'GET', HOSPITAL_SIGN_IN_PATHS.attempt(attemptId));
      } catch (error) {
        lastProblem = linkWords(error);
      }
      if (answer) {
        const body = jsonOf(answer);
        if (answer.status === 200) {
          const outcome = HospitalSignInOutcome.safeParse(body);
          if (!outcome.success) lastProblem = 'an answer that is not a sign-in';
          else if ('signedIn' in outcome.data) {
            if (this.#attempts.get(attemptId) !== attempt)
              throw new ApiError('not_found', hospitalWords.unknownAttempt);
            return this.#signIn(attempt.screen, outcome.data.signedIn.username);
          } else if ('refused' in outcome.data) {
            throw new ApiError('unauthorized', outcome.data.refused);
          }
        } else if (answer.status === 404 || answer.status === 403) {
          throw new ApiError('not_found', messageOf(body) ?? hospitalWords.unknownAttempt);
        } else {
          lastProblem = messageOf(body) ?? `HTTP ${answer.status}`;
        }
      }
      if (this.#now() > attempt.expiresAtMs + GRACE_MS) {
        throw new ApiError('internal', hospitalWords.lostServer(lastProblem));
      }
      await sleep(this.#o.pollEveryMs ?? 1_000, this.#stopping.signal);
    }
    throw new ApiError('internal', hospitalWords.lostServer('the workstation is stopping'));
  }

  async #signIn(screen: AccessScreen, username: string): Promise<ScreenAccess> {
    try {
      return await this.#o.access.signInVouchedFor(screen, username, THROUGH_HOSPITAL);
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== 'not_found' || !this.#o.pullAccounts)
        throw notHereYet(error, username);
    }
    // A user the server has but this workstation has not pulled yet.
    await this.#o.pullAccounts().catch((error: unknown) => {
      this.#o.log?.(`hospital sign-in: pulling the accounts failed: ${String(error)}`);
    });
    try {
      return await this.#o.access.signInVouchedFor(screen, username, THROUGH_HOSPITAL);
    } catch (error) {
      throw notHereYet(error, username);
    }
  }

  #call(link: HospitalLink, method: 'GET' | 'POST', path: string, body?: unknown) {
    return exchange(
      { serverUrl: link.serverUrl, caPem: link.ca ?? null },
      {
        method,
        path,
        headers: {
          authorization: `Bearer ${link.credential}`,
          [SYNC_PROTOCOL_HEADER]: String(SYNC_PROTOCOL),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: new TextEncoder().encode(JSON.stringify(body)) }),
        connectTimeoutMs: 5_000,
        idleTimeoutMs: 10_000,
        maxResponseBytes: 64 * 1024,
        signal: this.#stopping.signal,
      },
    );
  }

  #forgetExpired(): void {
    const now = this.#now();
    for (const [id, attempt] of this.#attempts) {
      if (now > attempt.expiresAtMs + 2 * GRACE_MS) this.#attempts.delete(id);
    }
  }
}

/** A sign-in refused here for want of the account: said so; any other refusal as it was. */
function notHereYet(error: unknown, username: string): unknown {
  return error instanceof ApiError && error.code === 'not_found'
    ? new ApiError('not_found', hospitalWords.accountNotHereYet(username))
    : error;
}

function jsonOf(answer: SyncAnswer): unknown {
  try {
    return JSON.parse(answer.body.toString('utf8'));
  } catch {
    return null;
  }
}

function messageOf(body: unknown): string | null {
  const message = (body as { message?: unknown } | null)?.message;
  return typeof message === 'string' && message.trim() !== '' ? message.slice(0, 500) : null;
}

function linkWords(error: unknown): string {
  return error instanceof SyncLinkError ? error.message : String(error);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
