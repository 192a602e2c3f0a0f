// Patients' details sealed field by field in the store worker: AES-256-GCM under a key derived
// from the data key (HKDF-SHA256), each value with its own random 96-bit nonce. A sealed text is
// `enc1:` + base64(nonce | tag | ciphertext); sealed bytes start with an 8-byte marker, then the
// same. Anything without the prefix is a plain value from before sealing, read as it is (a store
// made before this is sealed on its first open: seal-store.ts). MRNs are found by a blind index:
// HMAC-SHA256 of the MRN as compared (trimmed, lower case) under another derived key, so equal
// MRNs meet in an index without the MRN being on disk.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

export const DATA_KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** The prefix of a sealed text value (version 1). */
export const SEALED_TEXT_PREFIX = 'enc1:';
/** The first bytes of a sealed binary value (version 1): NUL, "WSEAL", 1, NUL. */
export const SEALED_BYTES_MARKER = Uint8Array.from([
  0x00, 0x57, 0x53, 0x45, 0x41, 0x4c, 0x01, 0x00,
]);

function derive(dataKey: Uint8Array, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', dataKey, new Uint8Array(0), `workstation ${purpose}`, 32));
}

export class FieldCipher {
  readonly #fieldKey: Buffer;
  readonly #indexKey: Buffer;
  /** Shows that a key is this store's without sealing anything (store_key.key_check). */
  readonly keyCheck: string;

  constructor(dataKey: Uint8Array) {
    if (dataKey.byteLength !== DATA_KEY_BYTES) throw new Error('a data key is 32 bytes');
    this.#fieldKey = derive(dataKey, 'field sealing v1');
    this.#indexKey = derive(dataKey, 'mrn blind index v1');
    this.keyCheck = createHmac('sha256', derive(dataKey, 'key check v1'))
      .update('this is the data key of this store')
      .digest('hex');
  }

  #seal(plain: Uint8Array): Buffer {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#fieldKey, nonce);
    const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([nonce, cipher.getAuthTag(), sealed]);
  }

  #open(sealed: Uint8Array): Buffer {
    if (sealed.byteLength < NONCE_BYTES + TAG_BYTES) throw new Error('a sealed value is cut short');
    const decipher = createDecipheriv(
      'aes-256-gcm',
      this.#fieldKey,
      sealed.subarray(0, NONCE_BYTES),
    );
    decipher.setAuthTag(sealed.subarray(NONCE_BYTES, NONCE_BYTES + TAG_BYTES));
    return Buffer.concat([
      decipher.update(sealed.subarray(NONCE_BYTES + TAG_BYTES)),
      decipher.final(),
    ]);
  }

  sealText(plain: string): string {
    return SEALED_TEXT_PREFIX + this.#seal(Buffer.from(plain, 'utf8')).toString('base64');
  }

  openText(value: string): string {
    if (!value.startsWith(SEALED_TEXT_PREFIX)) return value;
    return this.#open(Buffer.from(value.slice(SEALED_TEXT_PREFIX.length), 'base64')).toString(
      'utf8',
    );
  }

  sealBytes(plain: Uint8Array): Uint8Array {
    const sealed = this.#seal(plain);
    const out = new Uint8Array(SEALED_BYTES_MARKER.byteLength + sealed.byteLength);
    out.set(SEALED_BYTES_MARKER, 0);
    out.set(sealed, SEALED_BYTES_MARKER.byteLength);
    return out;
  }

  openBytes(value: Uint8Array): Uint8Array {
    if (!isSealedBytes(value)) return value;
    return new Uint8Array(this.#open(value.subarray(SEALED_BYTES_MARKER.byteLength)));
  }

  /** The MRN's blind index: equal for MRNs equal in any case and without surrounding spaces. */
  mrnIndex(mrn: string): string {
    return createHmac('sha256', this.#indexKey)
      .update(mrn.trim().toLowerCase(), 'utf8')
      .digest('base64url');
  }
}

export function isSealedText(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith(SEALED_TEXT_PREFIX);
}

export function isSealedBytes(value: Uint8Array): boolean {
  if (value.byteLength < SEALED_BYTES_MARKER.byteLength) return false;
  for (let i = 0; i < SEALED_BYTES_MARKER.byteLength; i += 1) {
    if (value[i] !== SEALED_BYTES_MARKER[i]) return false;
  }
  return true;
}

/**
 * The worker's cipher, set once at start (worker.ts). Without one (a test that drives the store's
 * functions on a bare PGlite), values are kept and read as they are, and the MRN's index is the
 * MRN as compared: such a store is never a workstation's (openStore always gives a key).
 */
let current: FieldCipher | null = null;

export function useFieldCipher(cipher: FieldCipher | null): void {
  current = cipher;
}

export function fieldCipher(): FieldCipher | null {
  return current;
}

export function sealText(plain: string): string;
export function sealText(plain: string | null): string | null;
export function sealText(plain: string | null): string | null {
  return plain === null || current === null ? plain : current.sealText(plain);
}

export function openText(value: string): string;
export function openText(value: string | null): string | null;
export function openText(value: string | null): string | null {
  return value === null || current === null ? value : current.openText(value);
}

export function sealBytes(plain: Uint8Array): Uint8Array {
  return current === null ? plain : current.sealBytes(plain);
}

export function openBytes(value: Uint8Array): Uint8Array {
  return current === null ? value : current.openBytes(value);
}

export function mrnIndex(mrn: string): string {
  return current === null ? mrn.trim().toLowerCase() : current.mrnIndex(mrn);
}
