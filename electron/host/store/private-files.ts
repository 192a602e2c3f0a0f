// Patients' names, MRNs and signals are readable and writable by this user only: folders 0700,
// files 0600, set explicitly, so the umask (which may be 0) decides nothing. PGlite makes its
// files 0666 whatever the umask, so its folder being private is what keeps them private; they
// are also set to 0600 at open and at every checkpoint.
import {
  chmodSync,
  closeSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Modes mean little on Windows: its folders inherit the user profile's access rules. */
const HAS_MODES = process.platform !== 'win32';

/** A folder (and its parents) made if missing, then private whatever the umask. */
export function makePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (HAS_MODES) chmodSync(dir, PRIVATE_DIR_MODE);
}

/**
 * Makes everything under `dir` (and `dir`) private: folders 0700, files 0600. Returns how many
 * had been open to others. Throws when one cannot be changed (another user's file).
 */
export function makeTreePrivate(dir: string): number {
  if (!HAS_MODES) return 0;
  let fixed = 0;
  const visit = (path: string) => {
    try {
      const stats = lstatSync(path);
      if (stats.isSymbolicLink()) return; // its target is not ours to change
      const wanted = stats.isDirectory() ? PRIVATE_DIR_MODE : PRIVATE_FILE_MODE;
      if ((stats.mode & 0o777 & ~wanted) !== 0) {
        chmodSync(path, wanted);
        fixed += 1;
      }
      if (stats.isDirectory()) {
        for (const name of readdirSync(path)) visit(join(path, name));
      }
    } catch (error) {
      // Removed since its folder was listed (PGlite recycles files while it runs): nothing to do.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || path === dir) throw error;
    }
  };
  visit(dir);
  return fixed;
}

/** Replaces `file` with `text` so that a crash leaves either the old or the new, never half. */
export function writeFileDurably(file: string, text: string): void {
  const temporary = `${file}.tmp`;
  const fd = openSync(temporary, 'w', PRIVATE_FILE_MODE);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  if (HAS_MODES) chmodSync(temporary, PRIVATE_FILE_MODE);
  renameSync(temporary, file);
}
