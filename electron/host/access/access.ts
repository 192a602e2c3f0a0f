// Access at this workstation (one per workstation): its accounts, and the screens signed in to
// them. Signing in, the PIN that unlocks, locking, signing out and the accounts themselves are
// done here, each written to the audit trail (never a password or a PIN). The router asks each
// screen (screen-session.ts) whether a call may go ahead; the api handlers (access-handlers.ts)
// call the methods below for the screen that called.
import { createHash } from 'node:crypto';
import type { AccountSummary, ScreenAccess } from '../../../shared/api/contract-access';
import { ApiError } from '../../../shared/api/errors';
import { SCRIPT_PERMISSIONS, UNIDENTIFIED_ACTOR } from '../../../shared/security/access';
import type {
  AuditEventToStore,
  StoreAccounts,
  StoredAccount,
  StoredSignInTries,
} from '../store/client';
import type { AccessScreen } from './access-screen';
import { accessWords, actorName } from './access-words';
import {
  Accounts,
  DEFAULT_COSTS,
  disabledSentence,
  summaryOf,
  type HashCosts,
  type NewAccount,
  type ServerAccountChangeSeen,
} from './accounts';
import {
  ScreenSession,
  SYSTEM_TIMERS,
  type AccessTimers,
  type ResumableSignIn,
  type ScreenContext,
  type ScreenKind,
} from './screen-session';
import {
  SignInLimit,
  waitWords,
  WRONG_PASSWORD_WINDOW_MS,
  type SignInTicket,
} from './sign-in-limit';

export const DEFAULT_IDLE_LOCK_MS = 5 * 60_000;
/** How long a closed screen's sign-in waits for its tab to come back (a reload, a reconnect). */
export const RESUME_GRACE_MS = 2 * 60_000;

export interface AccessOptions {
  /** The data store (its accounts; the workstation's Store will do). */
  store: { readonly accounts: StoreAccounts };
  /** Keeps one audit event; must not throw (the workstation logs a failure to keep one). */
  audit: (event: AuditEventToStore) => void;
  /** A signed-in screen locks after this long without input. Default 5 min. */
  idleLockMs?: number;
  now?: () => number;
  timers?: AccessTimers;
  log?: (message: string) => void;
  /** argon2id costs (secrets.ts); tests and the benchmark use the defaults. */
  costs?: HashCosts;
  /** How long a closed screen's sign-in may be resumed. Default RESUME_GRACE_MS. */
  resumeGraceMs?: number;
}

/** Who made an account change, for the audit trail: a person at a screen, or the command line. */
export interface ChangedBy {
  actor: string;
  /** "browser tab 3", "the command line". */
  from: string;
}

/** A screen's access when no screen is given: trusted in-process code (tests, the command line). */
export function scriptAccess(idleLockMs: number): ScreenAccess {
  return {
    setUp: true,
    principal: 'script',
    user: null,
    locked: false,
    permissions: [...SCRIPT_PERMISSIONS],
    idleLockS: Math.max(1, Math.round(idleLockMs / 1000)),
    locksAtMs: null,
  };
}

export class Access {
  readonly idleLockMs: number;
  readonly #accounts: Accounts;
  readonly #sessions = new Set<ScreenSession>();
  readonly #context: ScreenContext;
  readonly #audit: (event: AuditEventToStore) => void;
  readonly #now: () => number;
  readonly #log: (message: string) => void;
  readonly #limit: SignInLimit;
  readonly #resumeGraceMs: number;
  /**
   * Sign-ins of closed screens, waiting for their tab to come back, by the SHA-256 of their
   * token (the token itself is kept nowhere once its screen is gone), with when they are forgotten.
   */
  readonly #parked = new Map<string, { held: ResumableSignIn; forgetAtMs: number }>();

  private constructor(
    accounts: Accounts,
    options: AccessOptions,
    remembered: readonly StoredSignInTries[],
  ) {
    this.#accounts = accounts;
    this.idleLockMs = options.idleLockMs ?? DEFAULT_IDLE_LOCK_MS;
    if (!(this.idleLockMs >= 1000))
      throw new Error(`The idle lock must be at least a second, not ${this.idleLockMs} ms.`);
    this.#audit = options.audit;
    this.#now = options.now ?? Date.now;
    this.#log = options.log ?? console.error;
    this.#context = {
      idleLockMs: this.idleLockMs,
      now: this.#now,
      timers: options.timers ?? SYSTEM_TIMERS,
      isSetUp: () => this.isSetUp(),
      account: (userId) => this.#accounts.byId(userId),
      audit: (event) => this.#write(event),
      closed: (session, held) => {
        this.#sessions.delete(session);
        this.#forgetExpired();
        if (held && session.kind === 'page')
          this.#parked.set(tokenKey(held.resumeToken), {
            held: {
              userId: held.userId,
              locked: held.locked,
              lastActionMs: held.lastActionMs,
              label: held.label,
            },
            forgetAtMs: this.#now() + this.#resumeGraceMs,
          });
      },
    };
    // Wrong passwords outlive a restart: read back from the store, and kept there as they change.
    const tries = options.store.accounts;
    this.#limit = new SignInLimit({
      now: this.#now,
      remembered,
      keep: (kept) => tries.keepSignInTries(kept),
      log: this.#log,
    });
    this.#resumeGraceMs = options.resumeGraceMs ?? RESUME_GRACE_MS;
    accounts.onServerChange((changes) => this.#serverAccountsChanged(changes));
  }

  /** Reads the accounts from the store. */
  static async open(options: AccessOptions): Promise<Access> {
    const accounts = await Accounts.open(
      options.store.accounts,
      options.now ?? Date.now,
      options.costs ?? DEFAULT_COSTS,
      options.log ?? console.error,
    );
    const since = (options.now ?? Date.now)() - WRONG_PASSWORD_WINDOW_MS;
    const remembered = await options.store.accounts.readSignInTries(since);
    return new Access(accounts, options, remembered);
  }

  /** Whether any account exists: access control is on. */
  isSetUp(): boolean {
    return !this.#accounts.isEmpty;
  }

  /**
   * A screen for one connection: 'page' for a window or a browser tab (signs in on its own),
   * 'script' for a connection holding the browser shell's token. Close it when it goes.
   */
  openScreen(kind: ScreenKind, label: string): ScreenSession {
    const session = new ScreenSession(kind, label, this.#context);
    this.#sessions.add(session);
    return session;
  }

  /** Stops every screen's idle timer (the workstation is stopping); audits nothing. */
  close(): void {
    for (const session of [...this.#sessions]) session.dispose();
    this.#sessions.clear();
    this.#parked.clear();
  }

  /** The screen's access; without a screen, trusted code's. */
  access(screen: AccessScreen | undefined): ScreenAccess {
    return screen ? screen.access() : scriptAccess(this.idleLockMs);
  }

  /** The first start: the IT administrator, signed in at this screen. */
  async createAdministrator(
    screen: AccessScreen | undefined,
    input: Omit<NewAccount, 'role'>,
  ): Promise<ScreenAccess> {
    // A script (or trusted code) may set a workstation up; only a page is signed in.
    const isScript = screen instanceof ScreenSession && screen.kind === 'script';
    const session = screen && !isScript ? this.#page(screen) : null;
    if (this.isSetUp()) throw new ApiError('conflict', accessWords.alreadySetUp);
    const by = screen?.actor() ?? UNIDENTIFIED_ACTOR;
    const account = await this.#accounts.add({ ...input, role: 'it-administrator' }, by, true);
    this.#accountAudit(
      { actor: by, from: screen?.label ?? 'the workstation' },
      'account-added',
      account,
      'the first IT administrator',
    );
    if (session) {
      session.signedIn(account);
      this.#userAudit(account, 'sign-in', session, 'the first start');
    }
    this.#refreshAll();
    return this.access(screen);
  }

  async signIn(
    screen: AccessScreen | undefined,
    username: string,
    password: string,
  ): Promise<ScreenAccess> {
    const session = this.#page(screen);
    const ticket = this.#startTry(username, session, 'sign-in-refused');
    const { account, opens } = await this.#checked(ticket, username, password);
    if (!account || !opens) {
      // An unknown name is not written down: it may be a password typed in the wrong field.
      this.#write({
        actor: UNIDENTIFIED_ACTOR,
        action: 'sign-in-refused',
        subject: account ? `user=${account.username}` : '',
        detail: `from ${session.label} (wrong ${account ? 'password' : 'user name'})`,
      });
      throw new ApiError('unauthorized', accessWords.wrongCredentials);
    }
    const refusal = account.disabled
      ? { code: 'unauthorized' as const, ...disabledSentence(account) }
      : account.role === 'remote-clinician'
        ? {
            code: 'forbidden' as const,
            sentence: accessWords.remoteClinician,
            why: 'a remote clinician works through telehealth only',
          }
        : null;
    if (refusal) {
      this.#userAudit(account, 'sign-in-refused', session, refusal.why, UNIDENTIFIED_ACTOR);
      throw new ApiError(refusal.code, refusal.sentence);
    }
    await this.#accounts.passwordGiven(account.id);
    // Disabled while the password was checked: the sign-out has been done, this is refused.
    const current = this.#accounts.byId(account.id);
    if (!current || current.disabled)
      throw new ApiError('unauthorized', disabledSentence(account).sentence);
    const before = session.userId() === null ? undefined : this.#accounts.byId(session.userId()!);
    const wasLocked = session.locked;
    session.signedIn(current);
    if (before?.id === account.id) {
      this.#userAudit(account, wasLocked ? 'unlock' : 'sign-in', session, 'with the password');
    } else if (before) {
      const how = wasLocked ? 'whose screen was locked' : 'who was signed in';
      this.#userAudit(account, 'sign-in', session, `replacing ${before.username}, ${how}`);
    } else {
      this.#userAudit(account, 'sign-in', session, 'with the password');
    }
    return session.access();
  }

  /**
   * Signs this screen in as the account with this user name, which someone other than this
   * workstation has checked (the hospital's sign-in, through the central server: `how` says so in
   * the audit trail). No password here; refused as a password sign-in is for a disabled account or
   * a remote clinician. An account this workstation does not know is 'not_found'.
   */
  async signInVouchedFor(
    screen: AccessScreen | undefined,
    username: string,
    how: string,
  ): Promise<ScreenAccess> {
    const session = this.#page(screen);
    // The hospital vouches for its own accounts only: never a local one that shares the name.
    const account = this.#accounts.serverAccountByUsername(username);
    if (!account) throw new ApiError('not_found', accessWords.noSuchAccount);
    if (account.disabled || account.role === 'remote-clinician') {
      const why = account.disabled ? disabledSentence(account).why : 'a remote clinician';
      this.#userAudit(account, 'sign-in-refused', session, `${how}; ${why}`, UNIDENTIFIED_ACTOR);
      throw account.disabled
        ? new ApiError('unauthorized', disabledSentence(account).sentence)
        : new ApiError('forbidden', accessWords.remoteClinician);
    }
    await this.#accounts.passwordGiven(account.id);
    const current = this.#accounts.byId(account.id);
    if (!current || current.disabled)
      throw new ApiError('unauthorized', disabledSentence(account).sentence);
    const before = session.userId() === null ? undefined : this.#accounts.byId(session.userId()!);
    const wasLocked = session.locked;
    session.signedIn(current);
    const replacing =
      before && before.id !== current.id
        ? `, replacing ${before.username}, ${wasLocked ? 'whose screen was locked' : 'who was signed in'}`
        : '';
    const action = before?.id === current.id && wasLocked ? 'unlock' : 'sign-in';
    this.#userAudit(current, action, session, `${how}${replacing}`);
    return session.access();
  }

  /**
   * Takes over the sign-in that held this resume token (a reloaded tab, a reconnected socket):
   * the same user, locked or not, the idle lock's clock where it was. The token is spent; the
   * screen that held it, if still open, is signed out. A token unknown, spent or past the grace
   * period leaves this screen as it is (nobody signed in, for a new one), audited, not explained.
   */
  resumeScreen(screen: AccessScreen | undefined, token: string): ScreenAccess {
    const session = this.#page(screen);
    this.#forgetExpired();
    const found = this.#takeHeld(token);
    const account = found ? this.#accounts.byId(found.held.userId) : undefined;
    if (!found || !account || account.disabled || account.role === 'remote-clinician') {
      const why = found ? 'the account cannot sign in now' : 'an unknown, spent or expired token';
      this.#write({
        actor: UNIDENTIFIED_ACTOR,
        action: 'resume-refused',
        subject: account ? `user=${account.username}` : '',
        detail: `from ${session.label} (${why})`,
      });
      return session.access();
    }
    const { held, from } = found;
    if (from && from !== session) {
      const by = held.locked ? UNIDENTIFIED_ACTOR : actorName(account);
      this.#userAudit(account, 'sign-out', from, `resumed at ${session.label}`, by);
      from.signedOut();
    }
    session.resumed(held);
    const where = from === session ? 'this screen again' : held.label;
    const state = session.locked ? ', locked' : '';
    this.#userAudit(
      account,
      'resume',
      session,
      `the sign-in of ${where}${state}`,
      session.locked ? UNIDENTIFIED_ACTOR : actorName(account),
    );
    return session.access();
  }

  async unlockWithPin(screen: AccessScreen | undefined, pin: string): Promise<ScreenAccess> {
    const session = this.#page(screen);
    const userId = session.userId();
    if (userId === null)
      throw new ApiError('sign_in_required', accessWords.nobodySignedIn, { locked: false });
    if (!session.locked) return session.access();
    const account = this.#accounts.byId(userId);
    if (!account) throw new ApiError('not_found', accessWords.noSuchAccount);
    if (account.pinHash === null) throw new ApiError('invalid_request', accessWords.noPin);
    const check = await this.#accounts.checkPin(userId, pin);
    if (!check.ok) {
      const why = check.blocked ? 'PIN blocked' : 'wrong PIN';
      this.#userAudit(account, 'unlock-refused', session, why, UNIDENTIFIED_ACTOR);
      throw new ApiError(
        'unauthorized',
        check.blocked ? accessWords.pinBlocked : accessWords.wrongPin(check.left),
      );
    }
    // Signed out or replaced while the PIN was checked: nothing to unlock for this user.
    if (session.userId() !== userId) return session.access();
    session.unlocked();
    this.#userAudit(account, 'unlock', session, 'with the PIN');
    return session.access();
  }

  lockScreen(screen: AccessScreen | undefined): ScreenAccess {
    const session = this.#page(screen);
    session.lock('locked at the screen');
    return session.access();
  }

  signOut(screen: AccessScreen | undefined): ScreenAccess {
    const session = this.#page(screen);
    const userId = session.userId();
    const account = userId === null ? undefined : this.#accounts.byId(userId);
    if (account) {
      const by = session.locked ? UNIDENTIFIED_ACTOR : actorName(account);
      this.#userAudit(account, 'sign-out', session, 'signed out', by);
    }
    session.signedOut();
    return session.access();
  }

  noteActivity(screen: AccessScreen | undefined): { locksAtMs: number | null } {
    if (!screen) return { locksAtMs: null };
    screen.noteAction();
    return { locksAtMs: screen.access().locksAtMs };
  }

  /** The signed-in user's own PIN, the password given again to prove it is them. */
  async setOwnPin(
    screen: AccessScreen | undefined,
    password: string,
    pin: string,
  ): Promise<ScreenAccess> {
    const session = this.#page(screen);
    const userId = session.userId();
    if (userId === null)
      throw new ApiError('sign_in_required', accessWords.nobodySignedIn, { locked: false });
    if (session.locked)
      throw new ApiError('sign_in_required', accessWords.locked, { locked: true });
    const account = this.#accounts.byId(userId);
    if (!account) throw new ApiError('not_found', accessWords.noSuchAccount);
    const ticket = this.#startTry(account.username, session, 'pin-refused');
    const checked = await this.#checked(ticket, account.username, password);
    if (!checked.opens || checked.account?.id !== userId) {
      this.#userAudit(account, 'pin-refused', session, 'wrong password');
      throw new ApiError('unauthorized', accessWords.wrongPasswordForPin);
    }
    const changed = await this.#accounts.setPin(userId, pin);
    this.#userAudit(changed, 'pin-set', session, 'set by the user');
    this.#refreshUser(userId);
    return session.access();
  }

  listAccounts(): AccountSummary[] {
    return this.#accounts.list();
  }

  /** Adds an account (the first must be an IT administrator). */
  async addAccount(input: NewAccount, by: ChangedBy): Promise<AccountSummary> {
    const wasSetUp = this.isSetUp();
    const account = await this.#accounts.add(input, by.actor, false);
    this.#accountAudit(by, 'account-added', account, `role ${account.role}`);
    if (!wasSetUp) this.#refreshAll();
    return summaryOf(account);
  }

  /** Disables (or enables) an account; a disabled user's screens are signed out at once. */
  async setAccountDisabled(
    userId: string,
    disabled: boolean,
    by: ChangedBy,
  ): Promise<AccountSummary> {
    const before = this.#accounts.byId(userId);
    const account = await this.#accounts.setDisabled(userId, disabled);
    if (before?.disabled !== account.disabled)
      this.#accountAudit(by, disabled ? 'account-disabled' : 'account-enabled', account, '');
    if (disabled) {
      for (const session of this.#sessions) {
        if (session.userId() !== userId) continue;
        this.#userAudit(account, 'sign-out', session, `account disabled by ${by.actor}`, by.actor);
        session.signedOut();
      }
      for (const [key, parked] of this.#parked)
        if (parked.held.userId === userId) this.#parked.delete(key);
    }
    return summaryOf(account);
  }

  /**
   * A pull from the central server changed its accounts: a user disabled there (or no longer
   * known: another server) is signed out of every screen at once, as a local disable does; a
   * changed role or name shows at once; the first accounts make the workstation set up.
   */
  #serverAccountsChanged(changes: ServerAccountChangeSeen[]): void {
    const by = 'the central server';
    for (const { before, after } of changes) {
      const account = after ?? before!;
      if (before && after && before.disabled !== after.disabled)
        this.#accountAudit(
          { actor: by, from: 'a sync' },
          after.disabled ? 'account-disabled' : 'account-enabled',
          after,
          'a hospital account, changed on the central server',
        );
      const remote = after?.role === 'remote-clinician' && before?.role !== 'remote-clinician';
      const gone = after === undefined || (after.disabled && before?.disabled !== true) || remote;
      if (!gone) continue;
      const why = !after
        ? 'account no longer on the central server'
        : after.disabled
          ? 'account disabled at the central server'
          : 'now a remote clinician, who works through telehealth only';
      for (const session of this.#sessions) {
        if (session.userId() !== account.id) continue;
        this.#userAudit(account, 'sign-out', session, why, by);
        session.signedOut();
      }
      for (const [key, parked] of this.#parked)
        if (parked.held.userId === account.id) this.#parked.delete(key);
    }
    this.#refreshAll();
  }

  /** The screen as a page this service opened; a script screen does not sign in. */
  #page(screen: AccessScreen | undefined): ScreenSession {
    if (!(screen instanceof ScreenSession) || !this.#sessions.has(screen) || screen.kind !== 'page')
      throw new ApiError('invalid_request', accessWords.noScreen);
    return screen;
  }

  /**
   * A password try for this name, or a refusal if the name waits after too many wrong ones;
   * said the same for a name that exists and one that does not.
   */
  #startTry(username: string, session: ScreenSession, action: string): SignInTicket {
    const start = this.#limit.begin(username);
    if (start.ok) return start.ticket;
    const account = this.#accounts.byUsername(username);
    this.#write({
      actor: UNIDENTIFIED_ACTOR,
      action,
      subject: account ? `user=${account.username}` : '',
      detail: `from ${session.label} (waiting after too many wrong passwords)`,
    });
    throw new ApiError(
      'unauthorized',
      accessWords.tooManyWrongPasswords(waitWords(start.untilMs - this.#now())),
      { retryAtMs: start.untilMs },
    );
  }

  /** Checks the password and tells the ticket how it went. */
  async #checked(ticket: SignInTicket, username: string, password: string) {
    let checked: Awaited<ReturnType<Accounts['checkPassword']>>;
    try {
      checked = await this.#accounts.checkPassword(username, password);
    } catch (error) {
      ticket.abandoned();
      throw error;
    }
    if (checked.opens && checked.account) ticket.succeeded();
    else await ticket.failed();
    return checked;
  }

  /** The sign-in this token resumes: an open screen's, or a closed one's within the grace. */
  #takeHeld(token: string): { held: ResumableSignIn; from: ScreenSession | null } | null {
    for (const session of this.#sessions) {
      if (!session.holdsToken(token)) continue;
      const held = session.heldSignIn();
      return held ? { held, from: session } : null;
    }
    const key = tokenKey(token);
    const parked = this.#parked.get(key);
    if (!parked) return null;
    this.#parked.delete(key);
    return { held: parked.held, from: null };
  }

  #forgetExpired(): void {
    const now = this.#now();
    for (const [key, parked] of this.#parked)
      if (now >= parked.forgetAtMs) this.#parked.delete(key);
  }

  #refreshAll(): void {
    for (const session of this.#sessions) session.refresh();
  }

  #refreshUser(userId: string): void {
    for (const session of this.#sessions) if (session.userId() === userId) session.refresh();
  }

  #userAudit(
    account: StoredAccount,
    action: string,
    session: ScreenSession,
    why: string,
    actor: string = actorName(account),
  ): void {
    this.#write({
      actor,
      action,
      subject: `user=${account.username}`,
      detail: `from ${session.label} (${why})`,
    });
  }

  #accountAudit(by: ChangedBy, action: string, account: StoredAccount, why: string): void {
    this.#write({
      actor: by.actor,
      action,
      subject: `user=${account.username}`,
      detail: `from ${by.from}${why ? ` (${why})` : ''}`,
    });
  }

  #write(event: Omit<AuditEventToStore, 'atMs'>): void {
    try {
      this.#audit({ atMs: this.#now(), ...event });
    } catch (error) {
      this.#log(
        `access: "${event.action}" by ${event.actor} could not be audited: ${String(error)}`,
      );
    }
  }
}

/** How a closed screen's token is looked up: its hash, so the token is not kept in clear. */
function tokenKey(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
