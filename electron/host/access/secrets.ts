// Passwords and PINs as argon2id hashes (the `argon2` package: native, off the main thread on
// libuv's pool). Each hash carries its own parameters, so stronger ones later still verify the old.
import argon2 from 'argon2';
import { ApiError } from '../../../shared/api/errors';

export interface HashCost {
  /** KiB of memory per hash. */
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/**
 * A password is checked once a shift: 64 MiB, 2 passes (measured on the 2-core test machine:
 * ~130 ms to verify). A PIN unlocks within the 300 ms goal of "unlock to first action": OWASP's
 * minimum for argon2id, 19 MiB, 2 passes (~35 ms). A PIN has few digits whatever the cost; what
 * protects it is MAX_PIN_FAILURES, after which only the password unlocks.
 */
export const PASSWORD_COST: HashCost = { memoryCost: 65_536, timeCost: 2, parallelism: 1 };
export const PIN_COST: HashCost = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/**
 * At most `running` tasks at once and `waiting` in line; one more is refused at once. argon2
 * runs on libuv's pool (4 threads), which the workstation's file work shares, and a password
 * check takes 64 MiB: a flood of sign-ins from anything holding the page's token must neither
 * hold up the files nor take the memory. A person never meets the limit.
 */
export class TaskGate {
  #running = 0;
  readonly #queue: Array<() => void> = [];
  constructor(
    private readonly running: number,
    private readonly waiting: number,
    private readonly busy: () => Error,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running >= this.running) {
      if (this.#queue.length >= this.waiting) throw this.busy();
      await new Promise<void>((resolve) => this.#queue.push(resolve));
    } else {
      this.#running += 1;
    }
    try {
      return await task();
    } finally {
      const next = this.#queue.shift();
      if (next)
        next(); // the slot passes on
      else this.#running -= 1;
    }
  }
}

const SECRETS = new TaskGate(
  2,
  16,
  () =>
    new ApiError(
      'unauthorized',
      'Too many sign-ins are being checked at this workstation at once: try again in a moment.',
    ),
);

export function hashSecret(secret: string, cost: HashCost): Promise<string> {
  return SECRETS.run(() => argon2.hash(secret, { type: argon2.argon2id, ...cost }));
}

/** Whether the secret matches; a hash that cannot be read matches nothing. */
export async function verifySecret(hash: string, secret: string): Promise<boolean> {
  return SECRETS.run(async () => {
    try {
      return await argon2.verify(hash, secret);
    } catch {
      return false;
    }
  });
}

/**
 * A hash to check a password against when the user name is unknown, so that a wrong name takes
 * as long as a wrong password and does not tell that the name is free.
 */
export class DecoyHash {
  #hash: Promise<string> | null = null;
  constructor(private readonly cost: HashCost) {}

  async verify(secret: string): Promise<false> {
    this.#hash ??= hashSecret('no account has this password', this.cost);
    await verifySecret(await this.#hash, secret);
    return false;
  }
}
