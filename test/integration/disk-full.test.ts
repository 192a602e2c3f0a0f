// A full disk, for real: the data directory is a small tmpfs the test mounts (root only), filled
// with a file until the kernel says ENOSPC, then freed. The workstation must say so on every bed
// within 2 s, keep what it is given in memory, write it all when space returns, end the alarm by
// itself, and never leave PGlite spinning or shutdown hanging. Real PGlite on disk, a real
// HealthyPi 5 simulator over a real pseudo-terminal.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPtyPair, type PtyPair } from '../../electron/host/devices/simulators/pty-pair';
import {
  Healthypi5Simulator,
  syntheticSource,
  type Healthypi5Sample,
} from '../../electron/host/devices/simulators/healthypi5';
import { openSerial } from '../../electron/host/devices/transports/serial';
import { healthypi5 } from '../../electron/host/devices/drivers/healthypi5';
import { startWorkstation, type Workstation } from '../../electron/host/workstation';
import { openStore, type CheckpointPhase, type Store } from '../../electron/host/store/client';
import type { Alarm, Status } from '../../shared/model/schemas';
import { sleep, waitFor } from '../support/wait-for';
import { canMountTmpfs, fillDisk, mountTmpfs, unmountTmpfs } from '../support/small-disk';

/** As waitFor, for a check that must ask the workstation (a promise). */
async function waitUntil<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

/** Only root may mount the tmpfs. */
const isRoot = canMountTmpfs;
const T0 = 1_700_000_000_000;

async function runSimulator(path: string) {
  const sent: Healthypi5Sample[] = [];
  const port = await openSerial(path, healthypi5.descriptor.serial!, {
    onData: () => {},
    onLost: () => {},
  });
  const simulator = new Healthypi5Simulator({
    source: syntheticSource({ hr: 72 }),
    vitals: { hr: 72, spo2: 97, rr: 15, tempC: 36.6 },
    write: (bytes) => void port.write(bytes).catch(() => {}),
    onFrame: (_index, sample) => sent.push(sample),
  });
  simulator.start();
  return { simulator, sent, port };
}

const diskFullAlarm = (status: Status, bedId: string): Alarm | undefined =>
  status.beds.find((bed) => bed.id === bedId)?.alarms.find((a) => a.code === 'STORE_DISK_FULL');

describe.skipIf(!isRoot)('a full disk (skipped unless root: the test mounts a tmpfs)', () => {
  let dir: string;
  let mount: string;
  const cleanups: Array<() => Promise<unknown> | unknown> = [];

  /**
   * A numeric (and with `samples`, 50 ECG samples) per step, `perTick` steps every 50 ms until the
   * test stops it, as a bed keeps sending; `ingest.appended()` says how many steps so far.
   */
  function keepAppending(store: Store, perTick: number, { samples = false } = {}) {
    let appended = 0;
    const ingest = setInterval(() => {
      for (let i = 0; i < perTick; i++) {
        store.appendNumeric({
          bedId: 'bed-1',
          deviceId: 'ox',
          refId: 'MDC_X',
          value: appended,
          unit: '%',
          at: T0 + appended,
        });
        if (samples) {
          store.appendSamples({
            bedId: 'bed-1',
            deviceId: 'ecg',
            channel: 'II',
            rateHz: 500,
            t0: T0 + appended * 100,
            values: Array.from({ length: 50 }, (_, k) => appended * 1000 + k),
          });
        }
        appended += 1;
      }
    }, 50);
    const stop = () => clearInterval(ingest);
    cleanups.push(stop);
    return { appended: () => appended, stop };
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ws-disk-full-'));
    mount = join(dir, 'disk');
  });
  afterEach(async () => {
    // Every cleanup runs, whatever failed before it: a tmpfs is never left mounted.
    const failures: unknown[] = [];
    for (const cleanup of cleanups.splice(0).reverse()) {
      await Promise.resolve()
        .then(cleanup)
        .catch((error: unknown) => failures.push(error));
    }
    rmSync(dir, { recursive: true, force: true });
    if (failures.length > 0) throw failures[0];
  });

  function mounted(sizeMb: number): string {
    mountTmpfs(mount, sizeMb);
    cleanups.push(() => unmountTmpfs(mount));
    return mount;
  }

  it('raises a technical alarm on every bed within 2 s, keeps every sample, and recovers by itself', async () => {
    const data = join(mounted(160), 'data');
    const pairs: PtyPair[] = [await openPtyPair(dir, 'hp5'), await openPtyPair(dir, 'hp5b')];
    cleanups.push(() => Promise.all(pairs.map((pair) => pair.close())));
    const log: string[] = [];
    const workstation: Workstation = await startWorkstation({
      dataDir: data,
      devices: [{ driver: 'healthypi5', path: pairs[0]!.devicePath }],
      log: (message) => log.push(message),
    });
    cleanups.push(() => workstation.stop());
    const status = async () =>
      (await workstation.router.request('getStatus', {}, { actor: 'test' })) as Status;
    await waitFor(
      'the host to open the port',
      () => [...workstation.sessions.values()].find((s) => s.status().state === 'connecting'),
      10_000,
    );
    const run = await runSimulator(pairs[0]!.simulatorPath);
    cleanups.push(() => run.port.close());
    await sleep(1500);

    const filler = fillDisk(mount);
    const fullAt = Date.now();
    await waitUntil(
      'the disk-full alarm on bed 1',
      async () => diskFullAlarm(await status(), 'bed-1'),
      2_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${log.join('\n')}`);
    });
    const raisedAfterMs = Date.now() - fullAt;
    const firstFailureMs = workstation.store.health.since - fullAt;
    console.log(
      `disk-full alarm on every bed ${raisedAfterMs} ms after the disk filled (first failed write at ${firstFailureMs} ms)`,
    );
    const alarm = diskFullAlarm(await status(), 'bed-1')!;
    expect(alarm).toMatchObject({ kind: 'technical', priority: 'medium', state: 'active' });
    expect(alarm.message).toMatch(
      /^Recording stopped: disk full — monitoring continues, data since \d\d:\d\d are not being kept$/,
    );
    expect(workstation.store.health.recording).toBe('disk-full');
    // A bed made while the disk is full shows it too.
    workstation.addDevice({ driver: 'healthypi5', path: pairs[1]!.devicePath, bed: 'Bed 2' });
    expect(diskFullAlarm(await status(), 'bed-2')).toBeDefined();
    // Nothing is claimed stored that is only in memory.
    await expect(workstation.store.flush()).rejects.toThrow(
      /held in memory, not stored: .*disk is full/,
    );
    await sleep(3000);

    rmSync(filler);
    await waitUntil(
      'the alarm to end by itself on every bed',
      async () => {
        const now = await status();
        return !diskFullAlarm(now, 'bed-1') && !diskFullAlarm(now, 'bed-2');
      },
      15_000,
    );
    expect(workstation.store.health.recording).toBe('ok');
    run.simulator.stop();
    await sleep(300);
    await workstation.store.flush();

    // Every sample the device sent, the 4.5 s of full disk included, is stored, bit-exact.
    const deviceId = `healthypi5@${pairs[0]!.devicePath}`;
    const ecg = await workstation.store.readSamples({ deviceId, channel: 'MDC_ECG_ELEC_POTL' });
    expect(run.sent.length).toBeGreaterThan(5 * 128);
    expect(ecg.flatMap((block) => block.values)).toEqual(run.sent.map((s) => s.ecg));
    // The alarm's own log entries were held and written as well.
    const entries = await workstation.store.readAlarmLog('bed-1', fullAt - 60_000, Date.now());
    const events = entries.filter((e) => e.code === 'STORE_DISK_FULL').map((e) => e.event);
    expect(events).toEqual(['raised', 'ended']);
    expect(raisedAfterMs).toBeLessThan(2_000);
  }, 180_000);

  it('puts off checkpoints while the disk is full, then checkpoints and answers once space returns', async () => {
    const disk = mounted(160);
    const phases: Array<{ phase: CheckpointPhase; at: number }> = [];
    const store: Store = await openStore({
      dataDir: join(disk, 'pgdata'),
      workstationId: 'ws-disk',
      onError: () => {},
      checkpointEveryMs: 300,
      onCheckpointPhase: (phase) => phases.push({ phase, at: Date.now() }),
    });
    cleanups.push(() => store.close());
    const ingest = keepAppending(store, 10);
    await sleep(1000);
    const filler = fillDisk(disk);
    await waitFor(
      'the store to find the disk full',
      () => store.health.recording === 'disk-full',
      5_000,
    );
    const fullAt = Date.now();
    await sleep(2_000); // six checkpoints due
    // A checkpoint under way when the disk filled may finish; none starts while it is full.
    const started = phases.filter((p) => p.at > fullAt && p.phase === 'starting');
    expect(started).toEqual([]);
    rmSync(filler);
    const freedAt = Date.now();
    await waitFor('recording to resume', () => store.health.recording === 'ok', 10_000);
    await waitFor(
      'a checkpoint once space returned',
      () => phases.some((p) => p.phase === 'sealing' && p.at > freedAt),
      10_000,
    );
    ingest.stop();
    await store.flush();
    // PGlite answers at once, with every row: none was lost, none is stuck.
    const askedAt = Date.now();
    expect((await store.counts()).numerics).toBe(ingest.appended());
    expect(Date.now() - askedAt).toBeLessThan(5_000);
    const closedAt = Date.now();
    await store.close();
    expect(Date.now() - closedAt).toBeLessThan(15_000);
  }, 120_000);

  it('replaces a worker a checkpoint on a full disk left stuck, and keeps every row', async () => {
    // No reserve, checkpoints every 300 ms: a CHECKPOINT meets the full disk, which leaves PGlite
    // spinning at 100 % CPU for good. The store must end that worker and open the files again.
    const disk = mounted(160);
    const errors: string[] = [];
    const store = await openStore({
      dataDir: join(disk, 'pgdata'),
      workstationId: 'ws-disk',
      onError: (error) => errors.push(error.message),
      diskReserveBytes: 0,
      checkpointEveryMs: 300,
    });
    cleanups.push(() => store.close().catch(() => undefined));
    const ingest = keepAppending(store, 10);
    await sleep(1000);
    const filler = fillDisk(disk);
    await waitFor(
      'the stuck worker to be replaced',
      () => errors.some((e) => /stopped answering after a failed write .* being restarted/.test(e)),
      10_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${errors.join('\n')}`);
    });
    rmSync(filler);
    await waitFor('recording to resume', () => store.health.recording === 'ok', 30_000);
    ingest.stop();
    await store.flush();
    const askedAt = Date.now();
    expect((await store.counts()).numerics).toBe(ingest.appended());
    expect(Date.now() - askedAt).toBeLessThan(5_000);
    expect(errors.filter((e) => /was not stored|could not be stored|lost/.test(e))).toEqual([]);
  }, 120_000);

  it('holds a batch whose own write meets the full disk, and keeps the journal readable', async () => {
    // No reserve: the journal's append and PGlite's insert meet ENOSPC themselves, as when another
    // program fills the disk between the store's check and its write. No checkpoint is due.
    const disk = mounted(160);
    const dataDir = join(disk, 'pgdata');
    const errors: string[] = [];
    const options = {
      dataDir,
      workstationId: 'ws-disk',
      onError: (error: Error) => errors.push(error.message),
      diskReserveBytes: 0,
      checkpointEveryMs: 3_600_000,
    };
    const store = await openStore(options);
    let stored: Store | null = store;
    cleanups.push(() => stored?.close());
    const ingest = keepAppending(store, 20, { samples: true });
    await sleep(1000);
    const filler = fillDisk(disk);
    await waitFor(
      'the store to find the disk full',
      () => store.health.recording === 'disk-full',
      10_000,
    );
    await sleep(1500);
    rmSync(filler);
    await waitFor('recording to resume', () => store.health.recording === 'ok', 10_000);
    ingest.stop();
    await store.flush();
    const counts = await store.counts();
    expect(counts).toMatchObject({
      numerics: ingest.appended(),
      samples: ingest.appended() * 50,
    });
    expect(errors.filter((e) => /was not stored|could not be stored|lost/.test(e))).toEqual([]);
    await store.close();
    // Opened again: the journal, written across the full disk, reads whole; nothing is twice.
    stored = await openStore(options);
    expect(stored.notices).toEqual([]);
    expect(await stored.counts()).toMatchObject({
      numerics: ingest.appended(),
      samples: ingest.appended() * 50,
    });
  }, 120_000);
});
