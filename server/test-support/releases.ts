// Test support: IT's release key made in a temp dir, release files of random bytes signed with it,
// and the admin calls that upload and publish them on a test central server.
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SignedRelease, UpdateChannel, UpdatePlatform } from '../../shared/update/release';
import { RELEASE_ADMIN_PATHS } from '../../shared/update/release-admin';
import { signRelease, writeSigningKeyPair } from '../releases/release-signing';
import { readTrustedKeys } from '../releases/signing-keys';
import type { TrustedKeys } from '../releases/signing-keys';
import { ADMIN_TOKEN } from './central';
import { bearer, call } from './http-client';

export interface ReleaseKit {
  dir: string;
  keyPath: string;
  trustedKeys: TrustedKeys;
  /** Writes `name` with `bytes` random bytes (or the given bytes) and returns its path. */
  file(name: string, bytes: number | Buffer): Promise<string>;
  sign(version: string, platform: UpdatePlatform, paths: string[]): Promise<SignedRelease>;
  remove(): Promise<void>;
}

export async function releaseKit(): Promise<ReleaseKit> {
  const dir = await mkdtemp(join(tmpdir(), 'release-kit-'));
  const keys = await writeSigningKeyPair(join(dir, 'keys'));
  return {
    dir,
    keyPath: keys.privatePath,
    trustedKeys: await readTrustedKeys([keys.publicPath]),
    async file(name, bytes) {
      const path = join(dir, name);
      await writeFile(path, typeof bytes === 'number' ? randomBytes(bytes) : bytes);
      return path;
    },
    sign: (version, platform, paths) =>
      signRelease({ keyPath: keys.privatePath, version, platform, files: paths }),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

const admin = bearer(ADMIN_TOKEN);

/** Uploads the signed release, then each of its files from `paths`. */
export async function uploadRelease(url: string, signed: SignedRelease, paths: string[]) {
  const answer = await call(url, RELEASE_ADMIN_PATHS.releases, { headers: admin, body: signed });
  if (answer.status !== 200) throw new Error(`release: ${answer.status} ${answer.text}`);
  for (const path of paths) {
    const name = path.split('/').pop()!;
    const put = await call(
      url,
      RELEASE_ADMIN_PATHS.file(signed.manifest.platform, signed.manifest.version, name),
      { method: 'PUT', headers: admin, body: await readFile(path) },
    );
    if (put.status !== 200) throw new Error(`file ${name}: ${put.status} ${put.text}`);
  }
}

export async function publish(
  url: string,
  channel: UpdateChannel,
  platform: UpdatePlatform,
  version: string,
  rolloutPercent = 100,
  minimumVersion: string | null = null,
) {
  return call(url, RELEASE_ADMIN_PATHS.publish, {
    headers: admin,
    body: { channel, platform, version, rolloutPercent, minimumVersion },
  });
}

export interface Download {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A GET read as bytes; `stopAfter` cuts the connection once that many body bytes arrived. */
export function download(
  url: string,
  path: string,
  headers: OutgoingHttpHeaders = {},
  stopAfter?: number,
): Promise<Download> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(path, url), { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      res.on('data', (chunk: Buffer) => {
        if (stopAfter !== undefined && size + chunk.byteLength >= stopAfter) {
          chunks.push(chunk.subarray(0, stopAfter - size));
          size = stopAfter;
          res.destroy();
          done();
          return;
        }
        chunks.push(chunk);
        size += chunk.byteLength;
      });
      res.on('end', done);
      res.on('error', (error) => (stopAfter === undefined ? reject(error) : done()));
    });
    req.on('error', reject);
    req.end();
  });
}
