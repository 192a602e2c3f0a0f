// Passwords and PINs as argon2id hashes (the `argon2` package: native, off the main thread on
// libuv's pool). Each hash carries its own parameters, so stronger ones later still verify the old.
import argon2 from 'argon2';

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

export function hashSecret(secret: string, cost: HashCost): Promise<string> {
  return argon2.hash(secret, { type: argon2.argon2id, ...cost });
}

/** Whether the secret matches; a hash that cannot be read matches nothing. */
export async function verifySecret(hash: string, secret: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, secret);
  } catch {
    return false;
  }
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
