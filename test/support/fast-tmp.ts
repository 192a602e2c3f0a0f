// The tests' temporary files on a RAM file system where the machine has one (/dev/shm): the
// store tests copy, open, sync and remove a 40 MB PGlite folder of ~1,100 files per test, and on
// this machine's ext4 disk (mounted with discard) that cost about as much again as the tests
// themselves (`electron/host/store/client.test.ts` alone: 111 s on /tmp, 55 s on /dev/shm).
// Nothing here depends on a real disk's durability: a "power cut" in the tests is a killed process,
// and the full-disk tests mount a small tmpfs of their own.
//
// Used by vitest.config.ts and playwright.config.ts. The first process to load it makes one folder
// for the run, points TMPDIR at it (os.tmpdir() reads TMPDIR on every call, and the runners'
// workers inherit it) and removes it when it exits; workers see WS_TEST_TMP and reuse it. An
// explicit TMPDIR is left alone, as is a machine without /dev/shm or with less than 2 GiB free there.
import { mkdtempSync, readdirSync, rmSync, statfsSync } from 'node:fs';
import { join } from 'node:path';

const RAM_DISK = '/dev/shm';
const NEEDED_BYTES = 2 * 1024 ** 3;
const MARK = 'WS_TEST_TMP';
const PREFIX = 'workstation-tests-';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Folders left by runs that were killed before they could remove their own (it is RAM). */
function removeLeftovers(): void {
  let names: string[];
  try {
    names = readdirSync(RAM_DISK);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(/^workstation-tests-(\d+)-/.exec(name)?.[1]);
    if (pid && !alive(pid)) rmSync(join(RAM_DISK, name), { recursive: true, force: true });
  }
}

function freeBytes(path: string): number {
  try {
    const stats = statfsSync(path);
    return stats.bavail * stats.bsize;
  } catch {
    return 0;
  }
}

/** Points TMPDIR at a folder on /dev/shm for this run; returns it, or null when left as it was. */
export function useFastTmp(): string | null {
  if (process.env[MARK]) return process.env[MARK];
  if (process.env.TMPDIR || process.platform !== 'linux') return null;
  if (freeBytes(RAM_DISK) < NEEDED_BYTES) return null;
  removeLeftovers();
  let dir: string;
  try {
    dir = mkdtempSync(join(RAM_DISK, `${PREFIX}${process.pid}-`));
  } catch {
    return null;
  }
  process.env[MARK] = dir;
  process.env.TMPDIR = dir;
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
