// The workstation killed (SIGKILL) while a push is in flight: its outbox is intact when the store
// is opened again, and every row then reaches the server exactly once.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../electron/host/store/client';
import { freshStoreDir } from '../../electron/host/store/store-template.test-support';
import { Uploader } from '../../electron/host/sync/uploader';
import { CentralStandIn } from '../support/central-stand-in';

const CHILD = join(import.meta.dirname, '..', 'support', 'sync-push-child.ts');
let central: CentralStandIn;
let folder: string;
let dataDir: string;

beforeAll(async () => {
  ({ folder, dataDir } = await freshStoreDir('ws-sync-crash-'));
  central = await CentralStandIn.start();
});
afterAll(async () => {
  await central.close();
  rmSync(folder, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the workstation killed during a push', () => {
  it('keeps its outbox intact; after a restart every row reaches the server once', async () => {
    // The server reads the first batch and never answers: the push is in flight when the kill comes.
    central.faults.push({ kind: 'hang' });
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--import',
        './test/support/raw-import.mjs',
        CHILD,
        dataDir,
        central.url,
        central.credential,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    );
    const deadline = Date.now() + 40_000;
    while (central.hung === 0 && Date.now() < deadline && child.exitCode === null) await sleep(20);
    expect(central.hung, output).toBe(1);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const written = Number(/written (\d+)/.exec(output)?.[1]);
    expect(written).toBe(1_540);
    expect(central.rows.size).toBe(0);

    const store = await openStore({ dataDir, workstationId: 'ws-crash' });
    try {
      expect((await store.outbox.backlog()).rows).toBe(written);
      const uploader = new Uploader({
        outbox: store.outbox,
        link: () => ({
          endpoint: { serverUrl: central.url, caPem: null },
          credential: central.credential,
          workstationId: 'ws-crash',
        }),
        log: () => {},
        idleMs: 100,
      }).start();
      const until = Date.now() + 15_000;
      while ((await store.outbox.backlog()).rows > 0 && Date.now() < until) await sleep(50);
      await uploader.stop();
      expect((await store.outbox.backlog()).rows).toBe(0);
      expect(central.rows.size).toBe(written);
    } finally {
      await store.close();
    }
  });
});
