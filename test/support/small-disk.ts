// A small disk, for real: a tmpfs the test mounts (root only), and a file that fills it until the
// kernel says ENOSPC, removed to free the space again.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, statfsSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Whether this process may mount a tmpfs (tests that need one are skipped otherwise). */
export const canMountTmpfs = process.getuid?.() === 0;

/** Mounts a tmpfs of `sizeMb` on `dir` (made if missing). */
export function mountTmpfs(dir: string, sizeMb: number): void {
  mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m,mode=0700`, 'tmpfs', dir]);
}

/** Unmounts it, even while a file on it is still open (lazily). */
export function unmountTmpfs(dir: string): void {
  execFileSync('umount', ['-l', dir]);
}

/**
 * Writes a file until the disk refuses another byte, or until only `leaveBytes` are free;
 * returns its path, to free the space.
 */
export function fillDisk(dir: string, { leaveBytes = 0 } = {}): string {
  const filler = join(dir, 'filler');
  const fd = openSync(filler, 'w');
  try {
    if (leaveBytes > 0) {
      const stats = statfsSync(dir);
      let toWrite = stats.bavail * stats.bsize - leaveBytes;
      const chunk = Buffer.alloc(1 << 20, 0x55);
      while (toWrite > 0) {
        toWrite -= writeSync(fd, chunk, 0, Math.min(chunk.length, toWrite));
      }
      return filler;
    }
    for (const size of [1 << 20, 4096, 1]) {
      const bytes = Buffer.alloc(size, 0x55);
      try {
        for (;;) writeSync(fd, bytes);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      }
    }
  } finally {
    closeSync(fd);
  }
  return filler;
}
