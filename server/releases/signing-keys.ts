// IT's Ed25519 release keys at the server's edges: the key id everyone names a key by, reading the
// public keys the server trusts (--update-public-key), and making a keypair (`server release keygen`).
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';

/** The first 16 hex digits of SHA-256 over the key's 32 raw public bytes. */
export function keyIdOf(publicKey: KeyObject): string {
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
  if (raw.byteLength !== 32) throw new Error('not an Ed25519 public key');
  return createHash('sha256').update(raw).digest('hex').slice(0, 16);
}

/** The public key of a PEM (SPKI), or of a private key's PEM; only Ed25519 is accepted. */
export function ed25519PublicKey(pem: string | Buffer, from: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (error) {
    throw new Error(
      `${from} is not a PEM key (${(error as Error).message}). Give the public key that ` +
        '`server release keygen` wrote (release-signing-key.pub.pem).',
      { cause: error },
    );
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(
      `${from} is a ${key.asymmetricKeyType ?? 'unknown'} key; releases are signed with Ed25519 ` +
        'keys only (`server release keygen` makes one).',
    );
  }
  return key;
}

export type TrustedKeys = ReadonlyMap<string, KeyObject>;

/** The keys of --update-public-key FILE (repeatable), by key id. */
export async function readTrustedKeys(paths: readonly string[]): Promise<TrustedKeys> {
  const keys = new Map<string, KeyObject>();
  for (const path of paths) {
    const pem = await readFile(path).catch((error: Error) => {
      throw new Error(`Cannot read the update public key file ${path}: ${error.message}`);
    });
    const key = ed25519PublicKey(pem, `The update public key file ${path}`);
    keys.set(keyIdOf(key), key);
  }
  return keys;
}

export function newSigningKeyPair(): { privatePem: string; publicPem: string; keyId: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    keyId: keyIdOf(publicKey),
  };
}
