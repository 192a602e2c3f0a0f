// The uploader through a TCP proxy on loopback that drops, stalls, cuts and delays the link
// (test/support/fault-proxy.ts), to a stand-in for the central server, while rows keep being
// written: every row reaches the server exactly once, and after each fault ends sending resumes
// within 10 s with the uploader's own probe and backoff settings (only the answer timeout is
// shortened, from 30 s to 5 s, to keep the file short).
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../electron/host/store/client';
import { freshStoreDir } from '../../electron/host/store/store-template.test-support';
import { Uploader, type UploaderState } from '../../electron/host/sync/uploader';
import { CentralStandIn } from '../support/central-stand-in';
import { FaultProxy, type FaultMode } from '../support/fault-proxy';

let store: Store;
let folder: string;
let central: CentralStandIn;
let proxy: FaultProxy;

beforeAll(async () => {
  const fresh = await freshStoreDir('ws-sync-faults-');
  folder = fresh.folder;
  store = await openStore({ dataDir: fresh.dataDir, workstationId: 'ws-faults' });
  central = await CentralStandIn.start();
  proxy = await FaultProxy.start({ host: '127.0.0.1', port: central.port });
});
afterAll(async () => {
  await proxy.close();
  await central.close();
  await store.close();
  rmSync(folder, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('sync through a faulty link', () => {
  it('sends every row exactly once, and resumes within 10 s of each fault ending', async () => {
    let written = 0;
    let at = 1_760_000_000_000;
    let writing = true;
    // A bed's alarm log and numerics keep coming while the link fails.
    const writer = (async () => {
      while (writing) {
        store.appendAlarmEvent({
          bedId: 'bed-1',
          alarmId: `a-${at}`,
          event: 'raised',
          kind: 'technical',
          priority: 'low',
          code: 'LEAD_OFF',
          message: 'Lead off',
          value: null,
          limit: null,
          actor: 'ecg-1',
          at: at++,
        });
        for (let i = 0; i < 20; i++) {
          store.appendNumeric({
            bedId: 'bed-1',
            deviceId: 'ecg-1',
            refId: 'MDC_ECG_HEART_RATE',
            value: 70,
            unit: '/min',
            at: at++,
          });
        }
        written += 21;
        await store.flush();
        await sleep(100);
      }
    })();
    const states: UploaderState['kind'][] = [];
    const uploader = new Uploader({
      outbox: store.outbox,
      link: () => ({
        endpoint: { serverUrl: proxy.url, caPem: null },
        credential: central.credential,
        workstationId: 'ws-faults',
      }),
      log: () => {},
      onState: (state) => states.push(state.kind),
      answerTimeoutMs: 5_000,
    }).start();

    const recoveries: { fault: string; seconds: number }[] = [];
    const faults: [FaultMode, number][] = [
      [{ kind: 'drop' }, 3_000],
      [{ kind: 'stall' }, 3_000],
      [{ kind: 'cut-request', afterBytes: 600 }, 1_000],
      [{ kind: 'cut-response', afterBytes: 40 }, 1_000],
      [{ kind: 'delay', ms: 300 }, 1_500],
    ];
    try {
      await sleep(1_000);
      for (const [mode, lastsMs] of faults) {
        const cutBefore = proxy.cut;
        proxy.setMode(mode);
        await sleep(lastsMs);
        // A fault that cuts must have cut something the uploader sent before it ends.
        if (mode.kind === 'drop' || mode.kind.startsWith('cut')) {
          const until = Date.now() + 8_000;
          while (proxy.cut === cutBefore && Date.now() < until) await sleep(50);
          expect(proxy.cut, mode.kind).toBeGreaterThan(cutBefore);
        }
        proxy.setMode({ kind: 'pass' });
        const restoredAt = Date.now();
        const seen = central.pushes.length;
        // Rows are waiting (the writer goes on): a push arrives once the uploader has recovered.
        while (central.pushes.length === seen && Date.now() - restoredAt < 12_000) await sleep(50);
        recoveries.push({ fault: mode.kind, seconds: (Date.now() - restoredAt) / 1000 });
      }
    } finally {
      writing = false;
      await writer;
    }
    const deadline = Date.now() + 15_000;
    while ((await store.outbox.backlog()).rows > 0 && Date.now() < deadline) await sleep(100);
    await uploader.stop();

    console.log(
      `sync faults: sending resumed after ${recoveries.map((r) => `${r.fault} ${r.seconds.toFixed(1)} s`).join(', ')}; ${written} rows, ${central.pushes.length} pushes`,
    );
    for (const recovery of recoveries) expect(recovery.seconds, recovery.fault).toBeLessThan(10);
    expect((await store.outbox.backlog()).rows).toBe(0);
    // Exactly once: every row written is kept by the server, none twice (ids are unique there).
    expect(central.rows.size).toBe(written);
    expect(proxy.cut).toBeGreaterThan(0);
    expect(states).toContain('unreachable');
  });
});
