// The store's data key (32 random bytes) and the file that keeps it wrapped, beside the store's
// folder (`<store>.key`, owner-only, replaced durably). The key is wrapped either by a keystore
// (the desktop shell's OS keystore, or the data folder's own key file `credential.key` in the
// browser shell and the CLI), or by a passphrase typed at start (scrypt, its salt and costs in
// the file). Unwrapped here, on the main thread (a keystore is not something a worker thread can
// be given); the worker gets the bytes and checks them against the store (seal-store.ts).
// A missing, wrong or unreadable key is a StoreKeyError: one plain message naming the folder and
// what to do; nothing on disk is changed by a refusal.
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileKeystore, type Keystore } from '../../sync/keystore';
import { makePrivateDir, writeFileDurably } from '../private-files';
import { DATA_KEY_BYTES, FieldCipher } from './field-cipher';

/** scrypt's costs: N (a power of two), r, p. Tests use cheap ones. */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/** About 0.2 s and 64 MiB on a workstation: slow to guess, quick enough once at start. */
export const DEFAULT_SCRYPT_COST: ScryptCost = { N: 2 ** 16, r: 8, p: 1 };

/** What opens the data key: a keystore, or a passphrase typed at start. */
export interface StoreKeySource {
  /** Default: the key file keystore of the data folder (credential.key, owner-only). */
  keystore?: Keystore;
  /** A passphrase: the key is wrapped by it (new stores and rotation) and opened with it. */
  passphrase?: string;
  /** Tests only: cheaper scrypt costs for a new wrapping. */
  scryptCost?: ScryptCost;
}

/** The wrapped-key file as kept on disk. */
interface KeyFile {
  format: 'workstation-data-key';
  version: 1;
  /** The first 16 hex digits of the key's check (FieldCipher.keyCheck): which key this is. */
  keyId: string;
  wrappedBy: 'keystore' | 'passphrase';
  /** For a keystore: which kind (os: the desktop app's OS keystore; file: credential.key). */
  keystore?: 'os' | 'file';
  /** For a passphrase: scrypt's salt (base64) and costs. */
  scrypt?: { salt: string } & ScryptCost;
  /** The data key, sealed: by the keystore (its own format), or AES-256-GCM nonce|tag|bytes. */
  wrapped: string;
  wrappedAt: string;
}

/** A refusal to open the data: the message says which folder and what to do. */
export class StoreKeyError extends Error {}

export const keyFileOf = (storeDir: string) => `${storeDir}.key`;

const WRAP_AAD = Buffer.from('workstation data key v1');

function kekOf(passphrase: string, salt: Buffer, cost: ScryptCost): Buffer {
  return scryptSync(passphrase.normalize('NFC'), salt, 32, {
    ...cost,
    maxmem: 256 * cost.N * cost.r + 16 * 1024 * 1024,
  });
}

function wrapKey(dataKey: Buffer, source: StoreKeySource, storeDir: string): KeyFile {
  const keyId = new FieldCipher(dataKey).keyCheck.slice(0, 16);
  const base = {
    format: 'workstation-data-key' as const,
    version: 1 as const,
    keyId,
    wrappedAt: new Date().toISOString(),
  };
  if (source.passphrase !== undefined) {
    if (source.passphrase.length < 8) {
      throw new StoreKeyError(
        'A passphrase for the data store needs at least 8 characters: nothing was changed.',
      );
    }
    const salt = randomBytes(16);
    const cost = source.scryptCost ?? DEFAULT_SCRYPT_COST;
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', kekOf(source.passphrase, salt, cost), nonce);
    cipher.setAAD(WRAP_AAD);
    const sealed = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return {
      ...base,
      wrappedBy: 'passphrase',
      scrypt: { salt: salt.toString('base64'), ...cost },
      wrapped: Buffer.concat([nonce, cipher.getAuthTag(), sealed]).toString('base64'),
    };
  }
  const keystore = keystoreOf(source, storeDir);
  return {
    ...base,
    wrappedBy: 'keystore',
    keystore: keystore.kind,
    wrapped: keystore.encrypt(dataKey.toString('base64')),
  };
}

function keystoreOf(source: StoreKeySource, storeDir: string): Keystore {
  return source.keystore ?? fileKeystore(dirname(storeDir));
}

function readKeyFile(file: string, storeDir: string): KeyFile {
  let parsed: Partial<KeyFile>;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<KeyFile>;
  } catch (error) {
    throw new StoreKeyError(
      `The key file of the data store in ${dirname(storeDir)} (${file}) cannot be read` +
        ` (${(error as Error).message}). Put back a good copy from a backup of this folder:` +
        ' without it the patients\u2019 data cannot be read. Nothing was changed.',
    );
  }
  if (
    parsed.format !== 'workstation-data-key' ||
    parsed.version !== 1 ||
    typeof parsed.wrapped !== 'string' ||
    (parsed.wrappedBy !== 'keystore' && parsed.wrappedBy !== 'passphrase')
  ) {
    throw new StoreKeyError(
      `${file} is not a key file of this workstation\u2019s data store, or it is damaged. Put back` +
        ` a good copy from a backup of ${dirname(storeDir)}. Nothing was changed.`,
    );
  }
  return parsed as KeyFile;
}

function unwrapKey(file: KeyFile, path: string, source: StoreKeySource, storeDir: string): Buffer {
  const folder = dirname(storeDir);
  let key: Buffer;
  if (file.wrappedBy === 'passphrase') {
    if (source.passphrase === undefined) {
      throw new StoreKeyError(
        `The data store in ${folder} is protected by a passphrase: give --passphrase-stdin` +
          ' (serve, store rotate-key, users, audit verify) and type it, or pipe it in;' +
          ' export, import and update cannot open such a store yet. Nothing was changed.',
      );
    }
    const bytes = Buffer.from(file.wrapped, 'base64');
    try {
      const { salt, N, r, p } = file.scrypt!;
      const kek = kekOf(source.passphrase, Buffer.from(salt, 'base64'), { N, r, p });
      const decipher = createDecipheriv('aes-256-gcm', kek, bytes.subarray(0, 12));
      decipher.setAAD(WRAP_AAD);
      decipher.setAuthTag(bytes.subarray(12, 28));
      key = Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]);
    } catch {
      throw new StoreKeyError(
        `The passphrase does not open the data store in ${folder}: check it and start again.` +
          ' Nothing was changed.',
      );
    }
  } else {
    // Wrapped by the folder's key file while the desktop had no OS keystore: still opened by it.
    const keystore =
      file.keystore === 'file' && source.keystore?.kind === 'os'
        ? fileKeystore(dirname(storeDir))
        : keystoreOf(source, storeDir);
    if (file.keystore === 'os' && keystore.kind !== 'os') {
      throw new StoreKeyError(
        `The key of the data store in ${folder} is kept by the desktop app\u2019s OS keystore` +
          ' (this user\u2019s keychain): open this folder with the desktop app, signed in to the' +
          ' computer as the same user. Nothing was changed.',
      );
    }
    try {
      key = Buffer.from(keystore.decrypt(file.wrapped), 'base64');
    } catch (error) {
      const lostFile =
        file.keystore === 'file' && /missing/.test((error as Error).message)
          ? ` Its key file credential.key in ${folder} is missing: put it back from a backup of` +
            ' this folder.'
          : file.keystore === 'file'
            ? ` Its key file credential.key in ${folder} is not the one it was sealed with: put` +
              ' back the right one from a backup of this folder.'
            : ' The OS keystore of this user does not hold its key: open the folder as the user' +
              ' who made it, on the computer where it was made.';
      throw new StoreKeyError(
        `The key of the data store in ${folder} (${path}) cannot be opened.${lostFile}` +
          ' Without it the patients\u2019 data cannot be read. Nothing was changed.',
      );
    }
  }
  if (
    key.byteLength !== DATA_KEY_BYTES ||
    new FieldCipher(key).keyCheck.slice(0, 16) !== file.keyId
  ) {
    throw new StoreKeyError(
      `The key file ${path} is damaged: put back a good copy from a backup of ${folder}.` +
        ' Nothing was changed.',
    );
  }
  return key;
}

/** The data key, and (for a key made now) the files to write once the store is known new. */
export interface UnlockedKey {
  dataKey: Uint8Array;
  keyFile: string;
  /** Set when there was no key file: written by the worker only if the store holds no sealed data. */
  newKeyFileText: string | null;
  /** The folder's key file credential.key, when it is made now to wrap the new key (same rule). */
  newCredential: { file: string; text: string } | null;
}

/**
 * Opens the store's data key; a new one when it has no key file, wrapped in memory only: nothing
 * is written here (a store whose key file is lost must be refused with nothing changed).
 */
export function unlockDataKey(storeDir: string, source: StoreKeySource = {}): UnlockedKey {
  const keyFile = keyFileOf(storeDir);
  if (existsSync(keyFile)) {
    const dataKey = unwrapKey(readKeyFile(keyFile, storeDir), keyFile, source, storeDir);
    return { dataKey: new Uint8Array(dataKey), keyFile, newKeyFileText: null, newCredential: null };
  }
  const dataKey = randomBytes(DATA_KEY_BYTES);
  // The folder's key file, made now if missing, as fileKeystore makes it (sync/keystore.ts).
  const credentialFile = join(dirname(storeDir), 'credential.key');
  let newCredential: UnlockedKey['newCredential'] = null;
  let wrapping = source;
  if (source.passphrase === undefined && !source.keystore && !existsSync(credentialFile)) {
    const key = randomBytes(DATA_KEY_BYTES);
    newCredential = { file: credentialFile, text: key.toString('base64') + '\n' };
    wrapping = { ...source, keystore: keyInMemoryKeystore(key) };
  }
  const text = JSON.stringify(wrapKey(dataKey, wrapping, storeDir), null, 2) + '\n';
  return { dataKey: new Uint8Array(dataKey), keyFile, newKeyFileText: text, newCredential };
}

/** fileKeystore's format (base64 of nonce | tag | sealed) with its key not yet in its file. */
function keyInMemoryKeystore(key: Buffer): Keystore {
  return {
    kind: 'file',
    encrypt(plain) {
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, nonce);
      const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([nonce, cipher.getAuthTag(), sealed]).toString('base64');
    },
    decrypt() {
      throw new Error('not used');
    },
  };
}

/** Writes the files unlockDataKey made (the worker does, once the store is known unsealed). */
export function writeKeyFiles(
  key: Pick<UnlockedKey, 'keyFile' | 'newKeyFileText' | 'newCredential'>,
): void {
  if (key.newKeyFileText === null) return;
  makePrivateDir(dirname(key.keyFile));
  // The wrapping key first: a key file is never on disk without what opens it.
  if (key.newCredential && !existsSync(key.newCredential.file)) {
    writeFileDurably(key.newCredential.file, key.newCredential.text);
  }
  writeFileDurably(key.keyFile, key.newKeyFileText);
}

/**
 * Re-wraps the data key: opened with `from`, wrapped anew with `to` (a new passphrase, or a
 * keystore), the file replaced durably. The data are not touched. Returns how it is now wrapped.
 */
export function rotateDataKey(
  storeDir: string,
  from: StoreKeySource,
  to: StoreKeySource,
): { wrappedBy: 'keystore' | 'passphrase'; keyFile: string } {
  const keyFile = keyFileOf(storeDir);
  if (!existsSync(keyFile)) {
    throw new StoreKeyError(
      `The data store in ${dirname(storeDir)} has no key file (${keyFile}): start the workstation` +
        ' on it once (that seals it and makes its key), or put the key file back from a backup.',
    );
  }
  const dataKey = unwrapKey(readKeyFile(keyFile, storeDir), keyFile, from, storeDir);
  const wrapped = wrapKey(dataKey, to, storeDir);
  writeFileDurably(keyFile, JSON.stringify(wrapped, null, 2) + '\n');
  return { wrappedBy: wrapped.wrappedBy, keyFile };
}
