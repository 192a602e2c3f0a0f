// Where the key that seals the workstation's sync credential comes from. The desktop shell
// injects one built on the OS keystore (Electron safeStorage: Keychain, DPAPI, libsecret); the
// browser shell and the CLI use a random key in a file of the data directory that only this
// user can read (0600), the same protection the patients' data have there.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makePrivateDir, writeFileDurably } from '../store/private-files';

export interface Keystore {
  /** 'os': the OS keystore (desktop shell); 'file': a key file in the data directory. */
  readonly kind: 'os' | 'file';
  /** Sealed text, as base64. */
  encrypt(plain: string): string;
  /** Throws when the sealed text was not made with this keystore's key. */
  decrypt(sealed: string): string;
}

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The key file's keystore: AES-256-GCM with a random key kept in `<dir>/credential.key` (0600). */
export function fileKeystore(dir: string): Keystore {
  const keyFile = join(dir, 'credential.key');
  const key = (create: boolean): Buffer => {
    if (existsSync(keyFile)) {
      const text = readFileSync(keyFile, 'utf8').trim();
      const bytes = Buffer.from(text, 'base64');
      if (bytes.byteLength !== KEY_BYTES) throw new Error(`${keyFile} is not a key: damaged?`);
      return bytes;
    }
    if (!create) throw new Error(`${keyFile}, the key of the kept credential, is missing`);
    makePrivateDir(dir);
    const made = randomBytes(KEY_BYTES);
    writeFileDurably(keyFile, made.toString('base64') + '\n');
    return made;
  };
  return {
    kind: 'file',
    encrypt(plain) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key(true), iv);
      const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64');
    },
    decrypt(sealed) {
      const bytes = Buffer.from(sealed, 'base64');
      if (bytes.byteLength < IV_BYTES + TAG_BYTES)
        throw new Error('the kept credential is damaged');
      const decipher = createDecipheriv('aes-256-gcm', key(false), bytes.subarray(0, IV_BYTES));
      decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([
        decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    },
  };
}
