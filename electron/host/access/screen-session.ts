// One screen's access (an Electron window, a browser tab, a script): who is signed in, whether
// it is locked, what it may do now, and the idle lock. The workstation-wide service (access.ts)
// signs people in and out; this holds the state, answers the router, and tells the `access`
// stream of every change. Time comes from an injected clock, so the idle lock is tested exactly;
// a timer makes a lock happen (and be told) even when nobody asks.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { ScreenAccess } from '../../../shared/api/contract-access';
import { ApiError } from '../../../shared/api/errors';
import {
  MONITORING_ONLY,
  Permission,
  ROLE_PERMISSIONS,
  SCRIPT_ACTOR,
  SCRIPT_PERMISSIONS,
  UNIDENTIFIED_ACTOR,
} from '../../../shared/security/access';
import type { AuditEventToStore, StoredAccount } from '../store/client';
import type { AccessScreen } from './access-screen';
import { accessWords, actorName } from './access-words';

export type ScreenKind = 'page' | 'script';

/**
 * A sign-in a screen held, for another screen to take over with its resume token (a reloaded
 * tab, a socket that reconnected): who, whether locked, and when the idle lock's clock started.
 */
export interface ResumableSignIn {
  userId: string;
  locked: boolean;
  lastActionMs: number;
  /** The screen that held it, for the audit trail. */
  label: string;
}

/** An open screen's sign-in with its token (a closed screen's is kept by the token's hash). */
export interface HeldSignIn extends ResumableSignIn {
  resumeToken: string;
}

/** 32 random bytes, base64url (43 characters): never guessed, never logged. */
export function newResumeToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Whether a presented token is this one, in time that does not depend on where they differ. */
export function sameToken(held: string, presented: string): boolean {
  const a = Buffer.from(held);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The timers the idle lock uses; injectable so tests drive them. */
export interface AccessTimers {
  setTimeout(fire: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const SYSTEM_TIMERS: AccessTimers = {
  // Unref'd: a screen's idle lock never keeps the process alive.
  setTimeout: (fire, delayMs) => setTimeout(fire, delayMs).unref(),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** What a screen needs of the workstation around it. */
export interface ScreenContext {
  readonly idleLockMs: number;
  now(): number;
  readonly timers: AccessTimers;
  /** Whether any account exists (else every screen is 'open'). */
  isSetUp(): boolean;
  /** The account as it is now (its name, PIN, role may have changed since sign-in). */
  account(userId: string): StoredAccount | undefined;
  audit(event: Omit<AuditEventToStore, 'atMs'>): void;
  /** The screen closed; `held` is its sign-in, which another screen may resume for a while. */
  closed(screen: ScreenSession, held: HeldSignIn | null): void;
}

const ALL_BUT_USERS: readonly Permission[] = Permission.options.filter((p) => p !== 'users');

export class ScreenSession implements AccessScreen {
  readonly kind: ScreenKind;
  readonly label: string;
  readonly #context: ScreenContext;
  #userId: string | null = null;
  #locked = false;
  #lastActionMs = 0;
  /** Set while a user is signed in at a page: another screen may resume with it, once. */
  #resumeToken: string | null = null;
  #timer: unknown = null;
  #closed = false;
  /** Each listener with what it was last told (without locksAtMs: activity is not news). */
  readonly #listeners = new Map<(access: ScreenAccess) => void, string>();

  constructor(kind: ScreenKind, label: string, context: ScreenContext) {
    this.kind = kind;
    this.label = label;
    this.#context = context;
  }

  actor(): string {
    this.#lockIfIdle();
    if (this.kind === 'script') return SCRIPT_ACTOR;
    const user = this.#user();
    return user && !this.#locked ? actorName(user) : UNIDENTIFIED_ACTOR;
  }

  /** The signed-in user's id, locked or not (the actor says who acts: unidentified if locked). */
  userId(): string | null {
    return this.#userId;
  }

  get locked(): boolean {
    this.#lockIfIdle();
    return this.#locked;
  }

  authorize(permission: Permission, what: string): void {
    const permissions = this.#permissions();
    if (permissions.includes(permission)) return;
    const user = this.#user();
    if (!user) {
      if (!this.#context.isSetUp())
        throw new ApiError('forbidden', accessWords.notSetUpUsers, { permission, request: what });
      throw new ApiError('sign_in_required', accessWords.signInFirst(permission), {
        locked: false,
      });
    }
    if (this.#locked) throw new ApiError('sign_in_required', accessWords.locked, { locked: true });
    throw new ApiError('forbidden', accessWords.forbidden(user.role, permission), {
      permission,
      request: what,
    });
  }

  noteAction(): void {
    if (this.#closed || this.#locksAtMs() === null) return;
    this.#lockIfIdle();
    if (this.#locked) return;
    this.#lastActionMs = this.#context.now();
    this.#armTimer();
  }

  access(): ScreenAccess {
    this.#lockIfIdle();
    const user = this.#user();
    return {
      setUp: this.#context.isSetUp(),
      principal:
        this.kind === 'script'
          ? 'script'
          : user
            ? 'user'
            : this.#context.isSetUp()
              ? 'unidentified'
              : 'open',
      user: user
        ? {
            userId: user.id,
            username: user.username,
            displayName: user.displayName,
            role: user.role,
            hasPin: user.pinHash !== null,
          }
        : null,
      locked: this.#locked,
      permissions: [...this.#permissions()],
      idleLockS: Math.max(1, Math.round(this.#context.idleLockMs / 1000)),
      locksAtMs: this.#locksAtMs(),
      ...(user && this.#resumeToken !== null ? { resumeToken: this.#resumeToken } : {}),
    };
  }

  subscribe(listener: (access: ScreenAccess) => void): () => void {
    const now = this.access();
    this.#listeners.set(listener, keyOf(now));
    listener(now);
    return () => this.#listeners.delete(listener);
  }

  close(): void {
    if (this.#closed) return;
    const user = this.#user();
    const held = user ? this.#held() : null;
    if (user) this.#audit(user, 'sign-out', 'the screen was closed');
    this.#closed = true;
    this.#userId = null;
    this.#resumeToken = null;
    this.#stopTimer();
    this.#listeners.clear();
    this.#context.closed(this, held);
  }

  /** Whether this open screen's sign-in is the one the token resumes. */
  holdsToken(presented: string): boolean {
    return !this.#closed && this.#resumeToken !== null && sameToken(this.#resumeToken, presented);
  }

  /** The sign-in as another screen would take it over (null with nobody signed in). */
  #held(): HeldSignIn | null {
    if (this.#userId === null || this.#resumeToken === null) return null;
    return {
      userId: this.#userId,
      locked: this.locked,
      lastActionMs: this.#lastActionMs,
      resumeToken: this.#resumeToken,
      label: this.label,
    };
  }

  /** What another screen resuming this one takes: the sign-in as it is now. */
  heldSignIn(): HeldSignIn | null {
    return this.#held();
  }

  /** The workstation is stopping: the timer stops, nobody is told or audited. */
  dispose(): void {
    this.#closed = true;
    this.#stopTimer();
    this.#listeners.clear();
  }

  // What the workstation's access service does to this screen.

  /** A user signed in (or the same one again, which unlocks). */
  signedIn(account: StoredAccount): void {
    this.#userId = account.id;
    this.#locked = false;
    this.#lastActionMs = this.#context.now();
    this.#resumeToken = this.kind === 'page' ? newResumeToken() : null;
    this.#armTimer();
    this.refresh();
  }

  /**
   * Takes over a sign-in another screen held: the same user, locked or not, and the idle lock's
   * clock where it was (a reload is not input). A new token: the one presented is spent.
   */
  resumed(held: ResumableSignIn): void {
    this.#stopTimer();
    this.#userId = held.userId;
    this.#locked = held.locked;
    this.#lastActionMs = held.lastActionMs;
    this.#resumeToken = newResumeToken();
    this.#armTimer();
    this.refresh();
  }

  unlocked(): void {
    if (!this.#userId) return;
    this.#locked = false;
    this.#lastActionMs = this.#context.now();
    this.#armTimer();
    this.refresh();
  }

  /** Locks now (monitoring goes on), audited with why. */
  lock(why: string): void {
    const user = this.#user();
    if (!user || this.#locked) return;
    this.#locked = true;
    this.#stopTimer();
    this.#audit(user, 'lock', why);
    this.refresh();
  }

  signedOut(): void {
    this.#userId = null;
    this.#locked = false;
    this.#resumeToken = null;
    this.#stopTimer();
    this.refresh();
  }

  /** Tells every listener the access now, if it changed for them. */
  refresh(): void {
    if (this.#listeners.size === 0) return;
    const now = this.access();
    const key = keyOf(now);
    for (const [listener, told] of this.#listeners) {
      if (told === key) continue;
      this.#listeners.set(listener, key);
      try {
        listener(now);
      } catch {
        // A listener's transport failing is its own (the router isolates and logs it).
      }
    }
  }

  #user(): StoredAccount | undefined {
    return this.#userId === null ? undefined : this.#context.account(this.#userId);
  }

  #permissions(): readonly Permission[] {
    this.#lockIfIdle();
    if (this.kind === 'script') return SCRIPT_PERMISSIONS;
    const user = this.#user();
    if (user) return this.#locked ? MONITORING_ONLY : ROLE_PERMISSIONS[user.role];
    return this.#context.isSetUp() ? MONITORING_ONLY : ALL_BUT_USERS;
  }

  #locksAtMs(): number | null {
    if (this.kind === 'script' || this.#userId === null || this.#locked) return null;
    return this.#lastActionMs + this.#context.idleLockMs;
  }

  #lockIfIdle(): void {
    const at = this.#locksAtMs();
    if (at !== null && this.#context.now() >= at) {
      const minutes = Math.round(this.#context.idleLockMs / 60_000);
      this.lock(
        `no input for ${minutes >= 1 ? `${minutes} min` : `${this.#context.idleLockMs / 1000} s`}`,
      );
    }
  }

  /**
   * One timer at a time, for the deadline when it was set: activity since only moves the
   * deadline, and the timer, when it fires, sets itself again for what is left.
   */
  #armTimer(): void {
    if (this.#timer !== null) return;
    const at = this.#locksAtMs();
    if (at === null) return;
    this.#timer = this.#context.timers.setTimeout(
      () => {
        this.#timer = null;
        if (this.#closed) return;
        this.#lockIfIdle();
        this.#armTimer();
      },
      Math.max(0, at - this.#context.now()),
    );
  }

  #stopTimer(): void {
    if (this.#timer === null) return;
    this.#context.timers.clearTimeout(this.#timer);
    this.#timer = null;
  }

  #audit(user: StoredAccount, action: string, why: string): void {
    this.#context.audit({
      actor: actorName(user),
      action,
      subject: `user=${user.username}`,
      detail: `from ${this.label} (${why})`,
    });
  }
}

function keyOf(access: ScreenAccess): string {
  return JSON.stringify({ ...access, locksAtMs: null });
}
