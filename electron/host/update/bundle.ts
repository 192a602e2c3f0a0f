// A release brought on a USB stick (`workstation update --from FILE`): a folder, or a .tar made
// with `tar -cf` of that folder, holding release-<platform>.json and the files it signs. It is
// checked exactly as a downloaded one, copied (sha512 checked as it is copied) into
// <dataDir>/updates/ and kept there as the offline release, which the updater then treats as an
// offer like any other: same signature, same monitored-beds rule. Nothing in it is executed.
import { createHash } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  signedReleaseFileName,
  type ReleaseFile,
  type SignedRelease,
  type UpdatePlatform,
} from '../../../shared/update/release';
import {
  checkFileDigest,
  ReleaseRefusedError,
  signedFile,
  verifyFileOnDisk,
  verifySignedRelease,
  type ReleaseExpectation,
} from './signature';

/** Kept beside the copied file: the signed release brought offline. */
export const OFFLINE_RELEASE_FILE = 'offline-release.json';

/** The file each platform's updater installs from (electron-updater: NSIS, zip, AppImage). */
const INSTALLER_EXTENSION: Record<UpdatePlatform, string> = {
  win: '.exe',
  mac: '.zip',
  linux: '.AppImage',
};

/** A bundle that cannot be read (not a release's damaged or wrong contents: those are refused). */
export class BundleError extends Error {
  override readonly name = 'BundleError';
}

interface Member {
  size: number;
  open(): NodeJS.ReadableStream;
}

function cString(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? length : end).toString('utf8');
}

/** The regular files of a ustar/GNU/pax tar, by their base name; their bytes are read on demand. */
async function tarMembers(path: string): Promise<Map<string, Member>> {
  const members = new Map<string, Member>();
  const handle = await open(path, 'r');
  try {
    const total = (await handle.stat()).size;
    const block = Buffer.alloc(512);
    let position = 0;
    let longName: string | null = null;
    while (position + 512 <= total) {
      await handle.read(block, 0, 512, position);
      if (block.every((byte) => byte === 0)) break;
      const stored = parseInt(cString(block, 148, 8).trim() || 'x', 8);
      let sum = 0;
      for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : block[i]!;
      if (stored !== sum) throw new BundleError(`${path} is not a tar archive (or it is damaged)`);
      const size = parseInt(cString(block, 124, 12).trim() || '0', 8);
      const type = String.fromCharCode(block[156]!);
      const dataAt = position + 512;
      position = dataAt + Math.ceil(size / 512) * 512;
      if (!Number.isSafeInteger(size) || position > total + 512) {
        throw new BundleError(`${path} is cut short or damaged`);
      }
      if (type === 'L' || type === 'x') {
        const data = Buffer.alloc(Math.min(size, 64 * 1024));
        await handle.read(data, 0, data.byteLength, dataAt);
        longName =
          type === 'L'
            ? cString(data, 0, data.byteLength)
            : (/(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString('utf8'))?.[1] ?? longName);
        continue;
      }
      const prefix =
        block.subarray(257, 262).toString() === 'ustar' ? cString(block, 345, 155) : '';
      const name =
        longName ?? (prefix ? `${prefix}/${cString(block, 0, 100)}` : cString(block, 0, 100));
      longName = null;
      if (type !== '0' && type !== '\0') continue; // folders, links: never followed
      const base = basename(name);
      if (base.startsWith('._')) continue; // macOS resource forks
      if (members.has(base)) throw new BundleError(`${path} holds two files named ${base}`);
      members.set(base, {
        size,
        open: () =>
          size === 0
            ? Readable.from([])
            : createReadStream(path, { start: dataAt, end: dataAt + size - 1 }),
      });
    }
  } finally {
    await handle.close();
  }
  return members;
}

function folderMembers(folder: string): Map<string, Member> {
  const members = new Map<string, Member>();
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    const stats = statSync(path);
    if (stats.isFile()) members.set(name, { size: stats.size, open: () => createReadStream(path) });
  }
  return members;
}

async function membersOf(path: string): Promise<Map<string, Member>> {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    throw new BundleError(`${path} cannot be found: give the release folder or its .tar`);
  }
  if (stats.isDirectory()) return folderMembers(path);
  if (path.toLowerCase().endsWith('.tar')) return tarMembers(path);
  throw new BundleError(`${path} is neither a release folder nor a .tar of one`);
}

async function readAll(member: Member, limit: number): Promise<string> {
  if (member.size > limit) throw new BundleError('the signed release is too large to be one');
  const chunks: Buffer[] = [];
  for await (const chunk of member.open() as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** The file this platform installs from, among those signed. */
export function installerFileOf(release: SignedRelease): ReleaseFile {
  const extension = INSTALLER_EXTENSION[release.manifest.platform];
  const file =
    release.manifest.files.find((f) => f.name.endsWith(extension)) ?? release.manifest.files[0]!;
  return file;
}

export interface StagedRelease {
  release: SignedRelease;
  file: ReleaseFile;
  path: string;
}

/**
 * Checks the bundle (signature, platform, newer than running) and copies its installer into the
 * updates folder, sha512 checked while copying. Throws ReleaseRefusedError or BundleError.
 */
export async function stageBundle(
  bundlePath: string,
  expect: Omit<ReleaseExpectation, 'feedVersion'>,
  updatesFolder: string,
): Promise<StagedRelease> {
  const members = await membersOf(bundlePath);
  const releaseName = signedReleaseFileName(expect.platform);
  const releaseMember = members.get(releaseName);
  if (!releaseMember) {
    throw new BundleError(
      `${bundlePath} has no ${releaseName}: is it a release for this platform (${expect.platform})?`,
    );
  }
  const releaseJson = await readAll(releaseMember, 256 * 1024);
  const release = verifySignedRelease(releaseJson, { ...expect, feedVersion: null });
  const file = installerFileOf(release);
  const member = members.get(file.name);
  if (!member) {
    throw new BundleError(`${bundlePath} does not hold ${file.name}, which its release signs`);
  }
  mkdirSync(updatesFolder, { recursive: true, mode: 0o700 });
  const target = join(updatesFolder, file.name);
  const partial = `${target}.partial`;
  const hash = createHash('sha512');
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.byteLength;
      if (size > file.size) {
        done(new ReleaseRefusedError('file-mismatch', `${file.name} is longer than signed`));
        return;
      }
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(member.open(), counter, createWriteStream(partial, { mode: 0o600 }));
    checkFileDigest(file, { sha512: hash.digest('base64'), size });
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
  renameSync(partial, target);
  writeFileSync(join(updatesFolder, OFFLINE_RELEASE_FILE), releaseJson, { mode: 0o600 });
  return { release, file, path: target };
}

/** The offline release staged before, checked again (key, version, file); null when none holds. */
export async function readStagedRelease(
  updatesFolder: string,
  expect: Omit<ReleaseExpectation, 'feedVersion'>,
): Promise<StagedRelease | null> {
  let json: string;
  try {
    json = readFileSync(join(updatesFolder, OFFLINE_RELEASE_FILE), 'utf8');
  } catch {
    return null;
  }
  const release = verifySignedRelease(json, { ...expect, feedVersion: null });
  const file = installerFileOf(release);
  const path = join(updatesFolder, signedFile(release, file.name).name);
  try {
    await verifyFileOnDisk(file, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null; // removed since
    throw error;
  }
  return { release, file, path };
}

/** Forgets the offline release (installed, or older than what runs now). */
export function forgetStagedRelease(updatesFolder: string): void {
  rmSync(join(updatesFolder, OFFLINE_RELEASE_FILE), { force: true });
}
