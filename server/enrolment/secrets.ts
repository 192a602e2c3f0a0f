// The secrets of enrolment: one-time codes an administrator reads out, the credential a
// workstation then holds, and the admin token. Only their SHA-256 is ever stored.
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/** No 0/O, 1/I/L: a code read over the phone or copied from paper is never misread. */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const CODE_LENGTH = 16;

/** A new one-time enrolment code, XXXX-XXXX-XXXX-XXXX (16 × log2(31) ≈ 79 bits). */
export function newEnrolmentCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code.match(/.{4}/g)!.join('-');
}

/** The form a code is hashed in: upper case, no dashes or spaces (as EnrolmentCode parses it). */
export function normaliseEnrolmentCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

/** 32 random bytes, base64url: a workstation's credential or an admin token. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Compares a presented secret with a stored hash in constant time. */
export function matchesHash(secret: string, hash: Buffer): boolean {
  const presented = sha256(secret);
  return presented.length === hash.length && timingSafeEqual(presented, hash);
}
