// A pair of connected pseudo-terminals made by socat: a driver opens one end exactly as it would
// open /dev/ttyACM0, a simulator writes into the other. Used by --demo and by the tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface PtyPair {
  /** The end a driver opens, as if it were the device's port. */
  devicePath: string;
  /** The end the simulator writes to. */
  simulatorPath: string;
  /** Removes both ends, as pulling the cable would. */
  close(): Promise<void>;
}

export async function openPtyPair(dir: string, name = 'device'): Promise<PtyPair> {
  const devicePath = join(dir, `${name}.tty`);
  const simulatorPath = join(dir, `${name}.sim.tty`);
  let socat: ChildProcess;
  try {
    socat = spawn(
      'socat',
      [`pty,raw,echo=0,link=${devicePath}`, `pty,raw,echo=0,link=${simulatorPath}`],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
  } catch (error) {
    throw new Error(`Cannot start socat: ${(error as Error).message}`, { cause: error });
  }
  let stderr = '';
  socat.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => socat.once('exit', () => resolve()));
  const spawnError = new Promise<never>((_, reject) =>
    socat.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === 'ENOENT'
            ? 'The demo needs socat to make a virtual serial cable: install it (Debian/Ubuntu: apt-get install socat).'
            : `Cannot start socat: ${error.message}`,
        ),
      ),
    ),
  );
  const ready = (async () => {
    const deadline = Date.now() + 5000;
    while (!(existsSync(devicePath) && existsSync(simulatorPath))) {
      if (socat.exitCode !== null)
        throw new Error(`socat exited: ${stderr.trim() || `code ${socat.exitCode}`}`);
      if (Date.now() > deadline)
        throw new Error('socat did not create the pseudo-terminals within 5 s');
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  await Promise.race([ready, spawnError]);
  return {
    devicePath,
    simulatorPath,
    async close() {
      if (socat.exitCode === null && socat.signalCode === null) socat.kill('SIGTERM');
      await exited;
    },
  };
}
