// Makes the database's files durable. PGlite never fsyncs (its fd_sync is a no-op), so before the
// journal segments that a checkpoint covers are deleted, the files PGlite wrote are flushed here,
// file by file: only this store's files, never the whole file system (a syncfs would also wait
// for every other program's writes), and off the worker's thread (libuv's pool does the fsyncs).
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';

async function fsyncTree(path: string): Promise<void> {
  for (const entry of await readdir(path, { withFileTypes: true })) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) {
      await fsyncTree(full);
    } else if (entry.isFile()) {
      // fsync needs write access on Windows only (FlushFileBuffers).
      const handle = await open(full, process.platform === 'win32' ? 'r+' : 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
  }
}

/** Resolves once every file under `dir` is on stable storage. */
export async function makeDurable(dir: string): Promise<void> {
  await fsyncTree(dir);
}
