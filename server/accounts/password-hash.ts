// Passwords of the hospital's accounts as argon2id hashes, made on the server; the workstations
// check passwords against them offline (electron/host/access/secrets.ts verifies any argon2id
// hash, whatever its costs within shared/sync/accounts.ts MAX_HASH_COST).
import argon2 from 'argon2';

export interface PasswordCost {
  /** KiB of memory per hash. */
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/** The workstation's own password cost (64 MiB, 2 passes): a check once a shift, ~130 ms. */
export const SERVER_PASSWORD_COST: PasswordCost = {
  memoryCost: 65_536,
  timeCost: 2,
  parallelism: 1,
};

export function hashPassword(
  password: string,
  cost: PasswordCost = SERVER_PASSWORD_COST,
): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id, ...cost });
}
