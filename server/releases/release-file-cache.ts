// Each server instance keeps the release files it serves on its own disk, read once from
// PostgreSQL: a hundred workstations fetching a 110 MiB installer is 11 GB, and streamed from the
// chunks every time it is PostgreSQL's CPU that limits the rollout (measured: 162 s for 100; see
// test/bench/update-rollout.ts). Copies are named by their sha512, so one copy serves every
// release that holds the same bytes and two instances sharing a folder cannot disagree; a copy is
// only kept once its size and sha512 match, and a workstation checks them again (with our
// signature) whatever the server sends. Any failure here falls back to the chunks.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import type { Database } from '../db/database';
import { readReleaseBytes } from './release-file-store';

export interface CachedFile {
  uploadId: string;
  /** base64, as in the signed release. */
  sha512: string;
  size: number;
}

/** The default folder: this user's, in the system's temporary folder. */
export function defaultReleaseCacheDir(): string {
  return join(tmpdir(), `clinical-central-releases-${userInfo().uid}`);
}

export class ReleaseFileCache {
  private readonly filling = new Map<string, Promise<string | null>>();
  private usable: Promise<boolean> | null = null;

  constructor(private readonly dir: string) {}

  /** A complete, checked copy of the file on this instance's disk; null: serve from the chunks. */
  async path(
    file: CachedFile,
    db: Database,
    log: (message: string) => void,
  ): Promise<string | null> {
    if (!(await (this.usable ??= this.prepareFolder(log)))) return null;
    const name = Buffer.from(file.sha512, 'base64').toString('hex');
    const path = join(this.dir, name);
    const found = await stat(path).catch(() => null);
    if (found?.isFile() && found.size === file.size) return path;
    let fill = this.filling.get(name);
    if (!fill) {
      fill = this.fill(file, path, db, log).finally(() => this.filling.delete(name));
      this.filling.set(name, fill);
    }
    return fill;
  }

  /** Only a folder of our own that no one else can write to. */
  private async prepareFolder(log: (message: string) => void): Promise<boolean> {
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      const folder = await stat(this.dir);
      const own = folder.uid === userInfo().uid && (folder.mode & 0o022) === 0;
      if (!own) log(`release cache ${this.dir}: not this user's own folder; not used`);
      return own;
    } catch (error) {
      log(
        `release cache ${this.dir}: cannot be used (${String(error)}); files come from the database`,
      );
      return false;
    }
  }

  private async fill(
    file: CachedFile,
    path: string,
    db: Database,
    log: (message: string) => void,
  ): Promise<string | null> {
    const part = `${path}.part-${randomBytes(6).toString('hex')}`;
    try {
      const out = createWriteStream(part, { mode: 0o600 });
      const hash = createHash('sha512');
      let size = 0;
      try {
        for await (const bytes of readReleaseBytes(db, file.uploadId, 0, file.size - 1)) {
          hash.update(bytes);
          size += bytes.byteLength;
          if (!out.write(bytes)) await once(out, 'drain');
        }
      } finally {
        out.end();
        await once(out, 'close');
      }
      if (size !== file.size || hash.digest('base64') !== file.sha512) {
        throw new Error('the copy does not match the release (size or sha512)');
      }
      await rename(part, path);
      return path;
    } catch (error) {
      log(`release cache: ${path} not kept (${String(error)}); served from the database`);
      await rm(part, { force: true });
      return null;
    }
  }
}
