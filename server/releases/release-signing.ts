// `server release keygen` and `server release sign`: IT makes its Ed25519 keypair once, and signs
// each release's version and files' sha512 on the machine that holds the private key.
import { createHash, createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { z } from 'zod';
import {
  RELEASE_PRODUCT,
  ReleaseManifest,
  SignedRelease,
  manifestBytes,
} from '../../shared/update/release';
import type { ReleaseFile, UpdatePlatform } from '../../shared/update/release';
import { keyIdOf, newSigningKeyPair } from './signing-keys';

export const PRIVATE_KEY_FILE = 'release-signing-key.pem';
export const PUBLIC_KEY_FILE = 'release-signing-key.pub.pem';

/** Writes a new keypair into `outDir`; never overwrites a key already there. */
export async function writeSigningKeyPair(outDir: string) {
  const pair = newSigningKeyPair();
  await mkdir(outDir, { recursive: true });
  const privatePath = join(outDir, PRIVATE_KEY_FILE);
  const publicPath = join(outDir, PUBLIC_KEY_FILE);
  const exists = (error: NodeJS.ErrnoException, path: string) =>
    error.code === 'EEXIST'
      ? new Error(
          `${path} exists already: a release key is never overwritten. Choose another --out.`,
        )
      : error;
  await writeFile(privatePath, pair.privatePem, { mode: 0o600, flag: 'wx' }).catch(
    (error: NodeJS.ErrnoException) => {
      throw exists(error, privatePath);
    },
  );
  await writeFile(publicPath, pair.publicPem, { mode: 0o644, flag: 'wx' }).catch(
    (error: NodeJS.ErrnoException) => {
      throw exists(error, publicPath);
    },
  );
  return { privatePath, publicPath, keyId: pair.keyId };
}

/** A file's name, size and base64 SHA-512, read as a stream. */
export async function describeFile(path: string): Promise<ReleaseFile> {
  const info = await stat(path).catch((error: Error) => {
    throw new Error(`Cannot read the release file ${path}: ${error.message}`);
  });
  if (!info.isFile()) throw new Error(`${path} is not a file.`);
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return { name: basename(path), size: info.size, sha512: hash.digest('base64') };
}

export async function signRelease(options: {
  keyPath: string;
  version: string;
  platform: UpdatePlatform;
  files: string[];
  releaseDate?: Date;
}): Promise<SignedRelease> {
  const pem = await readFile(options.keyPath).catch((error: Error) => {
    throw new Error(`Cannot read the release key ${options.keyPath}: ${error.message}`);
  });
  let privateKey;
  try {
    privateKey = createPrivateKey(pem);
  } catch (error) {
    throw new Error(
      `${options.keyPath} is not a private key (${(error as Error).message}): give the ` +
        `${PRIVATE_KEY_FILE} that \`server release keygen\` wrote.`,
      { cause: error },
    );
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(`${options.keyPath} is not an Ed25519 key: releases are signed with Ed25519.`);
  }
  const files = [];
  for (const path of options.files) files.push(await describeFile(path));
  const candidate = {
    product: RELEASE_PRODUCT,
    version: options.version,
    platform: options.platform,
    files,
    releaseDate: (options.releaseDate ?? new Date()).toISOString(),
  };
  const parsed = ReleaseManifest.safeParse(candidate);
  if (!parsed.success) {
    throw new Error(`These files cannot make a release: ${z.prettifyError(parsed.error)}`);
  }
  const names = files.map((f) => f.name);
  if (new Set(names).size !== names.length) throw new Error('Two release files have one name.');
  const signature = sign(null, manifestBytes(parsed.data), privateKey).toString('base64');
  return SignedRelease.parse({
    manifest: parsed.data,
    keyId: keyIdOf(createPublicKey(privateKey)),
    signature,
  });
}
