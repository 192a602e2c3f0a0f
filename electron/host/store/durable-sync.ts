// Makes the database's files durable. PGlite never fsyncs (its fd_sync is a no-op), so before the
// journal segments that a checkpoint covers are deleted, the files PGlite wrote are flushed here,
// file by file: only this store's files, never the whole file system (a syncfs would also wait
// for every other program's writes), and off the worker's thread (libuv's pool does the fsyncs).
// On the way, a file or folder PGlite made open to others (it makes files 0666) is made private.
import { chmod, open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './private-files';

const HAS_MODES = process.platform !== 'win32';

/** A file PostgreSQL removed since the folder was listed (a recycled WAL segment) needs nothing. */
function gone(error: NodeJS.ErrnoException): null {
  if (error.code === 'ENOENT') return null;
  throw error;
}

async function fsyncTree(path: string): Promise<void> {
  if (HAS_MODES && ((await stat(path)).mode & 0o077) !== 0) await chmod(path, PRIVATE_DIR_MODE);
  for (const entry of await readdir(path, { withFileTypes: true })) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) {
      await fsyncTree(full);
    } else if (entry.isFile()) {
      // fsync needs write access on Windows only (FlushFileBuffers).
      const handle = await open(full, process.platform === 'win32' ? 'r+' : 'r').catch(gone);
      if (handle === null) continue;
      try {
        if (HAS_MODES && ((await handle.stat()).mode & 0o077) !== 0) {
          await handle.chmod(PRIVATE_FILE_MODE);
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
  }
}

/** Resolves once every file under `dir` is on stable storage (and private to this user). */
export async function makeDurable(dir: string): Promise<void> {
  await fsyncTree(dir);
}
