// For tests: real Ed25519 keys and releases signed with them, as `server release sign` makes them.
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  manifestBytes,
  RELEASE_PRODUCT,
  type ReleaseManifest,
  type SignedRelease,
  type UpdatePlatform,
} from '../../../shared/update/release';
import { keyIdOf } from './signature';

export interface SigningKey {
  privateKey: KeyObject;
  publicPem: string;
  keyId: string;
}

export function makeSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return {
    privateKey,
    publicPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    keyId: keyIdOf(der.subarray(der.byteLength - 32)),
  };
}

export function writePublicKey(folder: string, key: SigningKey, name = 'it.pub'): void {
  writeFileSync(join(folder, name), key.publicPem);
}

export function sha512Of(bytes: Uint8Array): string {
  return createHash('sha512').update(bytes).digest('base64');
}

export function signRelease(
  key: SigningKey,
  version: string,
  platform: UpdatePlatform,
  files: Record<string, Uint8Array>,
): SignedRelease {
  const manifest: ReleaseManifest = {
    product: RELEASE_PRODUCT,
    version,
    platform,
    files: Object.entries(files).map(([name, bytes]) => ({
      name,
      sha512: sha512Of(bytes),
      size: bytes.byteLength,
    })),
    releaseDate: '2026-12-01T10:00:00.000Z',
  };
  const signature = sign(null, manifestBytes(manifest), key.privateKey).toString('base64');
  return { manifest, keyId: key.keyId, signature };
}
