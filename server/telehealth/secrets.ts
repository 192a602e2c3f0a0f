// The secrets of a telehealth link, made and checked here and kept nowhere in the clear: the link's
// token (32 random bytes; the database holds its SHA-256), the code read over the phone (8 random
// digits; held as an HMAC keyed by a salt of its own invitation, compared in constant time), and
// the viewer's session cookie (32 random bytes; held as its SHA-256).
import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { CODE_DIGITS, normaliseCode } from '../../shared/telehealth/invitation';

/** 256 bits, base64url (43 characters): the link's #t=… and the session cookie alike. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** CODE_DIGITS digits, each drawn uniformly (leading zeros kept). */
export function newCode(): string {
  let code = '';
  for (let i = 0; i < CODE_DIGITS; i += 1) code += String(randomInt(10));
  return code;
}

export function newCodeSalt(): Buffer {
  return randomBytes(16);
}

export function hashCode(code: string, salt: Buffer): Buffer {
  return createHmac('sha256', salt).update(normaliseCode(code), 'utf8').digest();
}

/** Whether the typed code is the invitation's, in time that does not depend on where it differs. */
export function codeMatches(typed: string, salt: Buffer, expected: Buffer): boolean {
  const presented = hashCode(typed, salt);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}
