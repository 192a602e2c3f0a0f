// One process per data store: a lock file beside the database, made with O_EXCL, naming the
// process that holds it (pid, its start time, its pid namespace, the machine's boot and host).
// A lock left by a process that died (kill -9, power cut) is taken over:
// - on the same machine, boot and pid namespace, at once, when that pid is gone, is a zombie or
//   dying, or is another process that reused the pid (its start time differs: a container's
//   pid 1 is pid 1 again after every restart);
// - otherwise (another host, another container's namespace, no /proc), once the holder has stopped
//   refreshing the file: a live holder touches it every 2 s, so 15 s without is a dead one, and
//   the opener waits that long rather than give up.
import { hostname } from 'node:os';
import {
  closeSync,
  openSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  utimesSync,
  writeSync,
} from 'node:fs';
import { setInterval as every, clearInterval as stopEvery } from 'node:timers';
import { PRIVATE_FILE_MODE } from './private-files';

export class StoreLockedError extends Error {
  override readonly name = 'StoreLockedError';
}

/** How often a holder shows it is alive, and how long without that makes a lock stale. */
export const LOCK_REFRESH_MS = 2_000;
export const LOCK_STALE_MS = 15_000;
const POLL_MS = 250;

interface LockOwner {
  pid: number;
  host: string;
  since: string;
  /** /proc/<pid>/stat's start time (clock ticks since boot): which process had that pid. */
  startTime?: string;
  /** /proc/self/ns/pid: pids mean something only inside their namespace. */
  pidNamespace?: string;
  /** The kernel's boot id: a lock from before a reboot is stale. */
  bootId?: string;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces). */
function procStat(pid: number): string[] | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** This process, as a lock names it. */
function self(): LockOwner {
  let pidNamespace: string | undefined;
  try {
    pidNamespace = readlinkSync('/proc/self/ns/pid');
  } catch {
    pidNamespace = undefined; // no /proc (macOS, Windows): the refresh decides
  }
  const startTime = procStat(process.pid)?.[19];
  const bootId = readText('/proc/sys/kernel/random/boot_id');
  return {
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
    ...(startTime ? { startTime } : {}),
    ...(pidNamespace ? { pidNamespace } : {}),
    ...(bootId ? { bootId } : {}),
  };
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** PF_EXITING in /proc/<pid>/stat's flags: the process was killed and is being torn down. */
const PF_EXITING = 0x4;
/** SIGKILL's bit in /proc/<pid>/status's pending masks: killed, not yet torn down. */
const SIGKILL_BIT = 1n << 8n;

function killPending(pid: number): boolean {
  const status = readText(`/proc/${pid}/status`) ?? '';
  return [...status.matchAll(/^(?:SigPnd|ShdPnd):\s*([0-9a-f]+)$/gm)].some(
    ([, mask]) => (BigInt(`0x${mask}`) & SIGKILL_BIT) !== 0n,
  );
}

/**
 * Whether the holder is alive: true or false where this process can tell, 'unknown' where only
 * the lock's refreshes can (another host or namespace, no /proc, a lock of an older version).
 */
export function holderAlive(owner: LockOwner, me: LockOwner): boolean | 'unknown' {
  if (owner.bootId && me.bootId && owner.bootId !== me.bootId) return false; // rebooted since
  // A lock of an earlier version names only pid and host (and is not refreshed): judged by pid.
  if (owner.startTime === undefined && owner.host === me.host) {
    return owner.pid !== me.pid && pidExists(owner.pid);
  }
  const sameSpace =
    owner.host === me.host &&
    owner.pidNamespace !== undefined &&
    owner.pidNamespace === me.pidNamespace &&
    owner.startTime !== undefined;
  if (!sameSpace) return 'unknown';
  const stat = procStat(owner.pid);
  if (stat === undefined) return false; // no such process
  const [state, , , , , , flags] = stat;
  if (state === 'Z' || state === 'X' || (Number(flags) & PF_EXITING) !== 0) return false;
  if (stat[19] !== owner.startTime) return false; // the pid was reused by another process
  return !killPending(owner.pid);
}

function readOwner(file: string): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockOwner>;
    if (typeof owner.pid !== 'number' || typeof owner.host !== 'string') return null;
    return { ...owner, pid: owner.pid, host: owner.host, since: String(owner.since ?? 'unknown') };
  } catch {
    return null; // unreadable: written by a process that died mid-write
  }
}

function refreshedMsAgo(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return Infinity;
  }
}

export interface DataLockTimes {
  /** How often the holder touches its lock file. */
  refreshMs: number;
  /** How long without a touch makes the lock of a holder that cannot be checked stale. */
  staleMs: number;
  /** How long a live holder (on this machine) is given to go before the opener gives up. */
  graceMs: number;
}

const DEFAULT_TIMES: DataLockTimes = {
  refreshMs: LOCK_REFRESH_MS,
  staleMs: LOCK_STALE_MS,
  // A holder killed a moment ago is still there until the kernel has torn it down.
  graceMs: 3_000,
};

export interface DataLock {
  /** True when a lock left by a process that is gone was taken over. */
  tookOverStale: boolean;
  release(): void;
}

/**
 * Takes the lock or throws StoreLockedError naming who holds it. `what` names the store. Waits
 * (up to LOCK_STALE_MS) only for a holder whose liveness it cannot check.
 */
export async function acquireDataLock(
  file: string,
  what: string,
  times: DataLockTimes = DEFAULT_TIMES,
): Promise<DataLock> {
  const me = self();
  const startedAt = Date.now();
  let tookOverStale = false;
  for (;;) {
    let fd: number;
    try {
      fd = openSync(file, 'wx', PRIVATE_FILE_MODE);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readOwner(file);
      const alive = owner ? holderAlive(owner, me) : 'unknown';
      const stale =
        alive === false || (alive === 'unknown' && refreshedMsAgo(file) > times.staleMs);
      if (stale) {
        rmSync(file, { force: true });
        tookOverStale = true;
        continue;
      }
      const itIsMe = owner?.pid === me.pid && owner.startTime === me.startTime;
      const waitMs = alive === true ? times.graceMs : times.staleMs + times.refreshMs;
      if (itIsMe || Date.now() - startedAt > waitMs) throw lockedError(file, what, owner);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      continue;
    }
    writeSync(fd, JSON.stringify(me) + '\n');
    closeSync(fd);
    // Unref'd: the lock never keeps the process alive; it only shows that it is.
    const refresh = every(() => {
      const now = new Date();
      try {
        utimesSync(file, now, now);
      } catch {
        // gone (deleted by hand): the next opener takes it, as the message told them to
      }
    }, times.refreshMs).unref();
    let released = false;
    return {
      tookOverStale,
      release() {
        if (released) return;
        released = true;
        stopEvery(refresh);
        const owner = readOwner(file);
        if (owner?.pid === me.pid && owner.startTime === me.startTime)
          rmSync(file, { force: true });
      },
    };
  }
}

function lockedError(file: string, what: string, owner: LockOwner | null): StoreLockedError {
  const holder = owner
    ? `pid ${owner.pid} on ${owner.host}, since ${owner.since}`
    : 'its lock file cannot be read';
  return new StoreLockedError(
    `${what} is in use by another workstation process (${holder}). Close that one first: two` +
      ` processes writing one store would damage it. If that process is surely gone, delete ${file}.`,
  );
}
