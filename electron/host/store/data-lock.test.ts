// The lock of one process per store, with real processes: a pid reused by another process, a
// holder killed a moment ago, a live holder, and one on another host that only its refreshes
// vouch for.
import { spawn, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireDataLock, StoreLockedError } from './data-lock';

const FAST = { refreshMs: 100, staleMs: 1_000, graceMs: 1_000 };
// The lock tells a reused pid from its owner by the process's start time in /proc (Linux only):
// without /proc these two run nowhere, and their names say so.
const hasProc = existsSync('/proc/self/stat');

/** A process holding the lock, in the lock's own code, until it is killed. */
function holder(file: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `import { acquireDataLock } from ${JSON.stringify(join(import.meta.dirname, 'data-lock.ts'))};
       await acquireDataLock(${JSON.stringify(file)}, 'the store');
       console.log('locked');
       setInterval(() => {}, 1000);`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('locked')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`the holder exited (${code})`)));
  });
}

describe('the data lock', () => {
  let dir: string;
  let file: string;
  const children: ChildProcess[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ws-lock-'));
    file = join(dir, 'pgdata.lock');
  });
  afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!hasProc)(
    'takes over at once a lock whose pid now belongs to another process (pid 1 after a container restart; needs /proc)',
    async () => {
      const stat = readFileSync('/proc/self/stat', 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      writeFileSync(
        file,
        JSON.stringify({
          pid: 1, // alive: this machine's init, started long before the lock's holder
          host: hostname(),
          since: '2026-12-01T00:00:00Z',
          startTime: String(Number(fields[19]) + 1),
          pidNamespace: readlinkSync('/proc/self/ns/pid'),
          bootId: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(),
        }),
      );
      const startedAt = Date.now();
      const lock = await acquireDataLock(file, 'the store');
      expect(lock.tookOverStale).toBe(true);
      expect(Date.now() - startedAt).toBeLessThan(500);
      lock.release();
      expect(existsSync(file)).toBe(false);
    },
  );

  it.skipIf(!hasProc)(
    'takes over the lock of a process killed a moment ago (kill -9, then restart; needs /proc)',
    async () => {
      const child = await holder(file);
      children.push(child);
      child.kill('SIGKILL');
      // At once: the killed holder is still a zombie (or being torn down) when this asks.
      const lock = await acquireDataLock(file, 'the store', FAST);
      expect(lock.tookOverStale).toBe(true);
      lock.release();
    },
    30_000,
  );

  it('refuses while the holder lives, naming it and saying what to do', async () => {
    const child = await holder(file);
    children.push(child);
    await expect(acquireDataLock(file, 'The data store X', FAST)).rejects.toThrow(
      new RegExp(
        `X is in use by another workstation process \\(pid ${child.pid} on .*delete ${file}`,
      ),
    );
    await expect(acquireDataLock(file, 'X', FAST)).rejects.toBeInstanceOf(StoreLockedError);
  }, 30_000);

  it('waits for a holder it cannot check (another host) while it refreshes its lock, then takes it once it stops', async () => {
    writeFileSync(file, JSON.stringify({ pid: 4242, host: 'another-host', since: 'earlier' }));
    const refreshing = setInterval(() => utimesSync(file, new Date(), new Date()), 100);
    try {
      await expect(acquireDataLock(file, 'X', FAST)).rejects.toThrow(/pid 4242 on another-host/);
    } finally {
      clearInterval(refreshing);
    }
    const stoppedAt = Date.now();
    const lock = await acquireDataLock(file, 'X', FAST);
    expect(lock.tookOverStale).toBe(true);
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(FAST.staleMs - 200);
    lock.release();
  }, 30_000);

  it('keeps its own lock fresh while it holds it', async () => {
    const lock = await acquireDataLock(file, 'X', FAST);
    utimesSync(file, new Date(0), new Date(0));
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(Date.now() - (await import('node:fs')).statSync(file).mtimeMs).toBeLessThan(1_000);
    lock.release();
  });
});
