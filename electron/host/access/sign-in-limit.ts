// Wrong passwords, limited per user name: after MAX_WRONG_PASSWORDS wrong ones for a name within
// WRONG_PASSWORD_WINDOW_MS, that name's sign-in waits until the oldest of them is that old. For
// names that exist and names that do not alike, so the wait tells nothing about which is which.
// Kept in the store too (`keep`, migration 023), so a restart does not reset it: read back at
// start (`remembered`). A name is known by its SHA-256 only, in memory and on disk (a password
// typed into the name field is not kept). The map is bounded: a guesser trying many names cannot
// grow it without limit.
import { createHash } from 'node:crypto';

export const MAX_WRONG_PASSWORDS = 5;
export const WRONG_PASSWORD_WINDOW_MS = 5 * 60_000;
/** User names remembered at most; beyond, the ones whose tries have all expired go first. */
export const MAX_NAMES_REMEMBERED = 10_000;

/** A try may go ahead (then say how it ended), or the name waits until `untilMs`. */
export type TryStart = { ok: true; ticket: SignInTicket } | { ok: false; untilMs: number };

export interface SignInTicket {
  /** The password was right: the name's wrong tries are forgotten. */
  succeeded(): void;
  /**
   * The password was wrong: the try counts (it counted already while it was being checked).
   * Resolves once the store keeps it (never rejects: a failure to keep is logged).
   */
  failed(): Promise<void>;
  /** Nothing was decided (an error before the check): the try does not count. */
  abandoned(): void;
}

export interface SignInLimitOptions {
  now: () => number;
  maxWrong?: number;
  windowMs?: number;
  maxNames?: number;
  /** The tries kept by the store at the last run (name keys), still inside the window. */
  remembered?: readonly { nameKey: string; atMs: readonly number[] }[];
  /** Keeps a name's tries (none: forgotten) where a restart finds them; default nowhere. */
  keep?: (tries: { nameKey: string; atMs: number[] }) => Promise<void>;
  log?: (message: string) => void;
}

/** How a name is known, in memory and on disk: SHA-256 of the name as compared (lower case). */
export function nameKeyOf(username: string): string {
  return createHash('sha256').update(username.normalize('NFC'), 'utf8').digest('hex');
}

export class SignInLimit {
  readonly #now: () => number;
  readonly #maxWrong: number;
  readonly #windowMs: number;
  readonly #maxNames: number;
  /** Per name key: when each try in the window began (wrong ones, and ones being checked). */
  readonly #tries = new Map<string, number[]>();
  readonly #keep: NonNullable<SignInLimitOptions['keep']>;
  readonly #log: (message: string) => void;

  constructor(options: SignInLimitOptions) {
    this.#now = options.now;
    this.#maxWrong = options.maxWrong ?? MAX_WRONG_PASSWORDS;
    this.#windowMs = options.windowMs ?? WRONG_PASSWORD_WINDOW_MS;
    this.#maxNames = options.maxNames ?? MAX_NAMES_REMEMBERED;
    this.#keep = options.keep ?? (async () => {});
    this.#log = options.log ?? console.error;
    const now = this.#now();
    for (const { nameKey, atMs } of options.remembered ?? []) {
      const recent = atMs.filter((at) => now - at < this.#windowMs);
      if (recent.length > 0)
        this.#remember(
          nameKey,
          [...recent].sort((a, b) => a - b),
        );
    }
  }

  /** How many names are remembered now (for tests of the bound). */
  get size(): number {
    return this.#tries.size;
  }

  /**
   * Starts a password check for this name. A try being checked counts as wrong until it is
   * known to be right: tries sent at once cannot get past the limit together.
   */
  begin(name: string): TryStart {
    const username = nameKeyOf(name);
    const now = this.#now();
    const recent = this.#recent(username, now);
    if (recent.length >= this.#maxWrong) {
      return { ok: false, untilMs: recent[recent.length - this.#maxWrong]! + this.#windowMs };
    }
    const startedMs = now;
    recent.push(startedMs);
    this.#remember(username, recent);
    let settled = false;
    const drop = () => {
      const list = this.#tries.get(username);
      if (!list) return;
      const at = list.indexOf(startedMs);
      if (at >= 0) list.splice(at, 1);
      if (list.length === 0) this.#tries.delete(username);
    };
    return {
      ok: true,
      ticket: {
        succeeded: () => {
          if (settled) return;
          settled = true;
          this.#tries.delete(username);
          void this.#kept(username, []);
        },
        failed: () => {
          settled = true;
          return this.#kept(username, this.#recent(username, this.#now()));
        },
        abandoned: () => {
          if (settled) return;
          settled = true;
          drop();
        },
      },
    };
  }

  #kept(nameKey: string, atMs: number[]): Promise<void> {
    return this.#keep({ nameKey, atMs }).catch((error: unknown) =>
      this.#log(`access: the wrong passwords of a name could not be kept: ${String(error)}`),
    );
  }

  /** The name's tries still inside the window (the expired ones dropped). */
  #recent(username: string, now: number): number[] {
    const list = this.#tries.get(username);
    if (!list) return [];
    return list.filter((atMs) => now - atMs < this.#windowMs);
  }

  /** Keeps the name's tries, most recently touched last; over the bound, forgets the stalest. */
  #remember(username: string, tries: number[]): void {
    this.#tries.delete(username);
    this.#tries.set(username, tries);
    if (this.#tries.size <= this.#maxNames) return;
    const now = this.#now();
    for (const [name, list] of this.#tries) {
      if (this.#tries.size <= this.#maxNames) return;
      if (list.every((atMs) => now - atMs >= this.#windowMs)) this.#tries.delete(name);
    }
    // Every name still counts: the one untouched longest goes (a Map keeps insertion order).
    while (this.#tries.size > this.#maxNames) {
      const oldest = this.#tries.keys().next().value as string;
      this.#tries.delete(oldest);
    }
  }
}

/** "in 4 minutes", "in 40 seconds": how long a name waits, rounded up. */
export function waitWords(waitMs: number): string {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  if (seconds < 60) return `${seconds} ${seconds === 1 ? 'second' : 'seconds'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`;
}
