// One process per data store: a lock file beside the database, made with O_EXCL, naming the
// process that holds it. A lock left by a process that died (kill -9, power cut) is taken over.
import { hostname } from 'node:os';
import { openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';

export class StoreLockedError extends Error {
  override readonly name = 'StoreLockedError';
}

interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(file: string): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockOwner>;
    if (typeof owner.pid !== 'number' || typeof owner.host !== 'string') return null;
    return { pid: owner.pid, host: owner.host, since: String(owner.since ?? 'unknown') };
  } catch {
    return null; // unreadable: written by a process that died mid-write
  }
}

export interface DataLock {
  /** True when a lock left by a process that is gone was taken over. */
  tookOverStale: boolean;
  release(): void;
}

/** Takes the lock or throws StoreLockedError naming who holds it. `what` names the store. */
export function acquireDataLock(file: string, what: string): DataLock {
  let tookOverStale = false;
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readOwner(file);
      if (owner && (owner.host !== hostname() || isAlive(owner.pid))) {
        throw new StoreLockedError(
          `${what} is in use by another workstation process (pid ${owner.pid} on ${owner.host},` +
            ` since ${owner.since}). Close that one first: two processes writing one store would` +
            ` damage it. If that process is surely gone, delete ${file}.`,
        );
      }
      rmSync(file, { force: true });
      tookOverStale = true;
      continue;
    }
    const owner: LockOwner = {
      pid: process.pid,
      host: hostname(),
      since: new Date().toISOString(),
    };
    writeSync(fd, JSON.stringify(owner) + '\n');
    closeSync(fd);
    let released = false;
    return {
      tookOverStale,
      release() {
        if (released) return;
        released = true;
        if (readOwner(file)?.pid === process.pid) rmSync(file, { force: true });
      },
    };
  }
  throw new StoreLockedError(`${what}: the lock file ${file} could not be taken.`);
}
