// Wrong passwords, limited per user name: after MAX_WRONG_PASSWORDS wrong ones for a name within
// WRONG_PASSWORD_WINDOW_MS, that name's sign-in waits until the oldest of them is that old. Kept in
// memory (a restart forgets it, as a guesser gains little from restarting a workstation), for
// names that exist and names that do not alike, so the wait tells nothing about which is which.
// The map is bounded: a guesser trying many names cannot grow it without limit.

export const MAX_WRONG_PASSWORDS = 5;
export const WRONG_PASSWORD_WINDOW_MS = 5 * 60_000;
/** User names remembered at most; beyond, the ones whose tries have all expired go first. */
export const MAX_NAMES_REMEMBERED = 10_000;

/** A try may go ahead (then say how it ended), or the name waits until `untilMs`. */
export type TryStart = { ok: true; ticket: SignInTicket } | { ok: false; untilMs: number };

export interface SignInTicket {
  /** The password was right: the name's wrong tries are forgotten. */
  succeeded(): void;
  /** The password was wrong: the try counts (it counted already while it was being checked). */
  failed(): void;
  /** Nothing was decided (an error before the check): the try does not count. */
  abandoned(): void;
}

export interface SignInLimitOptions {
  now: () => number;
  maxWrong?: number;
  windowMs?: number;
  maxNames?: number;
}

export class SignInLimit {
  readonly #now: () => number;
  readonly #maxWrong: number;
  readonly #windowMs: number;
  readonly #maxNames: number;
  /** Per name: when each try in the window began (wrong ones, and ones still being checked). */
  readonly #tries = new Map<string, number[]>();

  constructor(options: SignInLimitOptions) {
    this.#now = options.now;
    this.#maxWrong = options.maxWrong ?? MAX_WRONG_PASSWORDS;
    this.#windowMs = options.windowMs ?? WRONG_PASSWORD_WINDOW_MS;
    this.#maxNames = options.maxNames ?? MAX_NAMES_REMEMBERED;
  }

  /** How many names are remembered now (for tests of the bound). */
  get size(): number {
    return this.#tries.size;
  }

  /**
   * Starts a password check for this name. A try being checked counts as wrong until it is
   * known to be right: tries sent at once cannot get past the limit together.
   */
  begin(username: string): TryStart {
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
        },
        failed: () => {
          settled = true;
        },
        abandoned: () => {
          if (settled) return;
          settled = true;
          drop();
        },
      },
    };
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
