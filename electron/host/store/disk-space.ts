// Room on the disk under the store. PGlite must never meet a full disk: a CHECKPOINT that fails
// for want of space leaves its WebAssembly engine spinning at 100 % CPU on the next query (seen
// here with PGlite 0.5). So the store keeps a reserve: below it, nothing more is written to the
// database or the journal (rows wait in memory) and no checkpoint runs, until space returns.
import { statfsSync } from 'node:fs';

/** Free space kept in hand: a WAL segment (16 MiB), a checkpoint and the journal fit in it. */
export const DEFAULT_DISK_RESERVE_BYTES = 64 * 1024 * 1024;

/** WASI's errno for "no space left on device", as PGlite's file system throws it. */
const WASI_ENOSPC = 51;

/** Bytes an unprivileged process may still write on the file system holding `path`. */
export function freeBytes(path: string): number {
  const stats = statfsSync(path);
  return stats.bavail * stats.bsize;
}

/** The store's disk was too full to write: nothing was written, so nothing is half-done. */
export class DiskFullError extends Error {
  override readonly name = 'DiskFullError';
}

/** True when an error says a write failed because the disk (or the user's quota) is full. */
export function isDiskFull(error: unknown): boolean {
  if (error instanceof DiskFullError) return true;
  if (typeof error !== 'object' || error === null) return false;
  const { code, errno, message } = error as { code?: unknown; errno?: unknown; message?: unknown };
  if (code === 'ENOSPC' || code === 'EDQUOT') return true;
  if ((error as { name?: unknown }).name === 'ErrnoError' && errno === WASI_ENOSPC) return true;
  return (
    typeof message === 'string' && /no space left on device|disk quota exceeded/i.test(message)
  );
}

export function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

/**
 * Whether there is room to write under every one of `paths` (the store and its journal). Once
 * short, writing resumes only with half the reserve again to spare, so a disk hovering at the
 * limit does not start and stop recording every few seconds.
 */
export class DiskRoom {
  readonly #paths: readonly string[];
  readonly #reserveBytes: number;
  #short = false;

  constructor(paths: readonly string[], reserveBytes: number) {
    this.#paths = paths;
    this.#reserveBytes = reserveBytes;
  }

  /** null while there is room; otherwise why not, in words for a log and a message. */
  shortage(): string | null {
    const neededBytes = this.#short ? this.#reserveBytes * 1.5 : this.#reserveBytes;
    for (const path of this.#paths) {
      let free: number;
      try {
        free = freeBytes(path);
      } catch {
        continue; // not made yet: its parent is checked too
      }
      if (free < neededBytes) {
        this.#short = true;
        return `the workstation's disk is full (${megabytes(free)} free under ${path}; ${megabytes(neededBytes)} are needed to write)`;
      }
    }
    this.#short = false;
    return null;
  }

  /** Throws DiskFullError, saying what to do, when there is no room. */
  assertRoom(): void {
    const shortage = this.shortage();
    if (shortage !== null) throw new DiskFullError(`${shortage}; free space on it, then try again`);
  }
}
