// Our signature on a release, checked before anything is installed: the manifest (version,
// platform, each file's sha512 and size) signed with IT's Ed25519 key, against the public keys
// built into this workstation (resources/update-keys/*.pub|*.pem). With no key there, nothing installs.
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { createReadStream, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  compareVersions,
  manifestBytes,
  SignedRelease,
  type ReleaseFile,
  type UpdatePlatform,
} from '../../../shared/update/release';
import { NO_SIGNING_KEY } from './policy';

export interface TrustedKey {
  keyId: string;
  key: KeyObject;
  /** Where it was read from, for the log. */
  source: string;
}

export type RefusalReason =
  | 'no-key'
  | 'malformed'
  | 'unknown-key'
  | 'bad-signature'
  | 'wrong-version'
  | 'wrong-platform'
  | 'not-newer'
  | 'file-mismatch';

/** A release or a file that is not installed, and why, in words for the status line and IT. */
export class ReleaseRefusedError extends Error {
  override readonly name = 'ReleaseRefusedError';
  constructor(
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message);
  }
}

/** The first 16 hex digits of SHA-256 over the key's 32 raw public bytes. */
export function keyIdOf(rawPublicKey: Uint8Array): string {
  return createHash('sha256').update(rawPublicKey).digest('hex').slice(0, 16);
}

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** An Ed25519 public key from a PEM (SPKI), or from its 32 raw bytes in base64 or hex. */
export function trustedKeyFrom(text: string, source: string): TrustedKey {
  const trimmed = text.trim();
  let key: KeyObject;
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(trimmed)) {
    throw new Error(`${source} is a private key: it must never be built in; give its .pub.pem`);
  }
  if (trimmed.startsWith('-----BEGIN')) {
    key = createPublicKey(trimmed);
  } else {
    const raw = /^[0-9a-f]{64}$/i.test(trimmed)
      ? Buffer.from(trimmed, 'hex')
      : Buffer.from(trimmed, 'base64');
    if (raw.byteLength !== 32) throw new Error(`${source} is not an Ed25519 public key`);
    key = createPublicKey({
      key: Buffer.concat([ED25519_SPKI_PREFIX, raw]),
      format: 'der',
      type: 'spki',
    });
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${source} is not an Ed25519 key`);
  const der = key.export({ format: 'der', type: 'spki' });
  return { keyId: keyIdOf(der.subarray(der.byteLength - 32)), key, source };
}

/**
 * Every `*.pub` and `*.pem` (`server release keygen` writes `release-signing-key.pub.pem`) in the folder the build put them in; a missing folder is no key. A file that is
 * not a key is named in `problems` (and left out), never a reason to trust anything else less.
 */
export function loadTrustedKeys(folder: string): { keys: TrustedKey[]; problems: string[] } {
  const keys: TrustedKey[] = [];
  const problems: string[] = [];
  let names: string[];
  try {
    names = readdirSync(folder).filter((name) => /\.(pub|pem)$/.test(name));
  } catch {
    return { keys, problems };
  }
  for (const name of names.sort()) {
    const path = join(folder, name);
    try {
      keys.push(trustedKeyFrom(readFileSync(path, 'utf8'), path));
    } catch (error) {
      problems.push(`${path}: ${(error as Error).message}`);
    }
  }
  return { keys, problems };
}

export interface ReleaseExpectation {
  keys: readonly TrustedKey[];
  platform: UpdatePlatform;
  runningVersion: string;
  /** The version the feed offers (null for a bundle brought on a stick: no feed to agree with). */
  feedVersion: string | null;
}

/** The signed release, checked: throws ReleaseRefusedError for anything that does not hold. */
export function verifySignedRelease(
  json: string | unknown,
  expect: ReleaseExpectation,
): SignedRelease {
  if (expect.keys.length === 0) throw new ReleaseRefusedError('no-key', NO_SIGNING_KEY);
  let value: unknown = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch {
      throw new ReleaseRefusedError('malformed', 'the signed release is not JSON');
    }
  }
  const parsed = SignedRelease.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ReleaseRefusedError(
      'malformed',
      `the signed release is not one (${issue ? `${issue.path.join('.') || 'top'}: ${issue.message}` : 'invalid'})`,
    );
  }
  const release = parsed.data;
  const trusted = expect.keys.find((k) => k.keyId === release.keyId);
  if (!trusted) {
    throw new ReleaseRefusedError(
      'unknown-key',
      `the release is signed with key ${release.keyId}, which this workstation does not trust`,
    );
  }
  const signature = Buffer.from(release.signature, 'base64');
  if (!verify(null, manifestBytes(release.manifest), trusted.key, signature)) {
    throw new ReleaseRefusedError(
      'bad-signature',
      `the signature of release ${release.manifest.version} does not match its contents`,
    );
  }
  const { version, platform } = release.manifest;
  if (expect.feedVersion !== null && version !== expect.feedVersion) {
    throw new ReleaseRefusedError(
      'wrong-version',
      `the feed offers ${expect.feedVersion} but the signed release is for ${version}`,
    );
  }
  if (platform !== expect.platform) {
    throw new ReleaseRefusedError(
      'wrong-platform',
      `the release is for ${platform}; this workstation runs on ${expect.platform}`,
    );
  }
  if (compareVersions(version, expect.runningVersion) <= 0) {
    throw new ReleaseRefusedError(
      'not-newer',
      `release ${version} is not newer than the running ${expect.runningVersion}; it is never installed automatically`,
    );
  }
  return release;
}

/** The release's entry for this file name; refused when it is not in what was signed. */
export function signedFile(release: SignedRelease, name: string): ReleaseFile {
  const file = release.manifest.files.find((f) => f.name === name);
  if (!file) {
    throw new ReleaseRefusedError(
      'file-mismatch',
      `${name} is not one of the files signed for release ${release.manifest.version}`,
    );
  }
  return file;
}

/** base64 SHA-512 and size of a file on disk (read as a stream). */
export async function digestOfFile(path: string): Promise<{ sha512: string; size: number }> {
  const hash = createHash('sha512');
  let size = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.byteLength;
  }
  return { sha512: hash.digest('base64'), size };
}

/** The file is byte for byte the one signed: its size and its sha512. */
export function checkFileDigest(file: ReleaseFile, actual: { sha512: string; size: number }): void {
  if (actual.size !== file.size) {
    throw new ReleaseRefusedError(
      'file-mismatch',
      `${file.name} is ${actual.size} bytes; the signed release says ${file.size}`,
    );
  }
  if (actual.sha512 !== file.sha512) {
    throw new ReleaseRefusedError(
      'file-mismatch',
      `${file.name} does not match its signed sha512: it was changed or damaged`,
    );
  }
}

export async function verifyFileOnDisk(file: ReleaseFile, path: string): Promise<void> {
  checkFileDigest(file, await digestOfFile(path));
}
