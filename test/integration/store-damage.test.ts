// Damage to the store's files is found when it opens, not when a review fails months later: a
// waveform table cut to half its length, 64 KiB of garbage over it, a garbage identity file. Each
// is a notice and a technical alarm on every bed, and what was damaged is kept aside. The real
// PGlite on disk, the files damaged as a disk or a careless hand would.
import {
  openSync,
  readdirSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
  closeSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../electron/host/store/client';
import { freshStoreDir } from '../../electron/host/store/store-template.test-support';
import { openPtyPair, type PtyPair } from '../../electron/host/devices/simulators/pty-pair';
import { startWorkstation, type Workstation } from '../../electron/host/workstation';
import type { Status } from '../../shared/model/schemas';

const T0 = 1_700_000_000_000;
const RATE_HZ = 500;

describe('a damaged store is found at open', () => {
  let dataDir: string;
  let folder: string;
  const stores: Store[] = [];

  beforeEach(async () => {
    ({ dataDir, folder } = await freshStoreDir('ws-damage-'));
  }, 120_000);
  afterEach(async () => {
    await Promise.allSettled(stores.splice(0).map((store) => store.close()));
    rmSync(folder, { recursive: true, force: true });
  });

  async function open(): Promise<Store> {
    const store = await openStore({ dataDir, workstationId: 'ws-damage', onError: () => {} });
    stores.push(store);
    return store;
  }

  /**
   * A minute of four ECG leads, stored and closed: the table of live chunks (packed at the next
   * open) spans many pages. Returns how many samples were stored.
   */
  async function storeAMinute(): Promise<number> {
    const store = await open();
    for (const channel of ['I', 'II', 'III', 'V']) {
      for (let block = 0; block < 600; block++) {
        store.appendSamples({
          bedId: 'bed-1',
          deviceId: 'ecg-1',
          channel,
          rateHz: RATE_HZ,
          t0: T0 + block * 100,
          values: Array.from({ length: 50 }, (_, k) => Math.round(1000 * Math.sin(block + k))),
        });
      }
    }
    await store.flush();
    const { samples } = await store.counts();
    await store.close();
    return samples;
  }

  /** The file of the table live waveform chunks are written to, as PostgreSQL names it. */
  async function waveformFile(): Promise<string> {
    const db = await PGlite.create(dataDir);
    const { rows } = await db.query<{ path: string }>(
      "SELECT pg_relation_filepath('waveform_staging') AS path",
    );
    await db.close();
    return join(dataDir, rows[0]!.path);
  }

  it('opens a store closed as it was without a word of damage', async () => {
    const samples = await storeAMinute();
    const store = await open();
    expect(store.notices).toEqual([]);
    expect(store.health.recording).toBe('ok');
    expect((await store.counts()).samples).toBe(samples);
  });

  it('finds a waveform table cut to half its length, keeps it aside, and says so', async () => {
    await storeAMinute();
    const file = await waveformFile();
    const bytes = statSync(file).size;
    expect(bytes).toBeGreaterThanOrEqual(4 * 8192);
    truncateSync(file, bytes / 2);
    const store = await open();
    expect(store.notices).toEqual([
      expect.stringMatching(
        new RegExp(
          `The data store .*: its file base/\\d+/\\d+ has lost its end: ${bytes / 2} bytes, but ${bytes} were committed at .*\\. It was kept as .*\\.damaged-.* a new store was started`,
        ),
      ),
    ]);
    expect(store.health).toMatchObject({ recording: 'damaged' });
    expect(store.health.conditions).toEqual([
      expect.objectContaining({ code: 'STORE_DAMAGED', priority: 'low' }),
    ]);
    const keptAs = /kept as (\S+) and/.exec(store.notices[0]!)![1]!;
    expect(statSync(join(keptAs, file.slice(dataDir.length))).size).toBe(bytes / 2);
  }, 120_000);

  it('finds 64 KiB of garbage written over the waveform table before any read fails', async () => {
    await storeAMinute();
    const file = await waveformFile();
    const fd = openSync(file, 'r+');
    writeSync(fd, randomBytes(64 * 1024), 0, 64 * 1024, 8192);
    closeSync(fd);
    const store = await open();
    expect(store.notices).toEqual([
      expect.stringMatching(
        /its file base\/\d+\/\d+ is damaged: page 1 has a header no PostgreSQL page has\. It was kept as /,
      ),
    ]);
    expect(store.health.recording).toBe('damaged');
  }, 120_000);
});

describe('a damaged identity at start', () => {
  let pair: PtyPair | null = null;
  let workstation: Workstation | null = null;
  let folder: string;

  afterEach(async () => {
    await workstation?.stop();
    await pair?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('is a notice and a technical alarm on every bed, and the workstation keeps its id', async () => {
    // The data directory holds a store already (a copy of a migrated one): not a first start.
    ({ folder } = await freshStoreDir('ws-identity-'));
    const data = folder;
    pair = await openPtyPair(folder, 'hp5');
    const options = {
      dataDir: data,
      devices: [{ driver: 'healthypi5', path: pair.devicePath }],
      log: () => {},
    };
    workstation = await startWorkstation(options);
    const id = workstation.id;
    await workstation.stop();
    writeFileSync(join(data, 'workstation.json'), '{"id": "');
    workstation = await startWorkstation(options);
    expect(workstation.id).toBe(id);
    const status = (await workstation.router.request('getStatus', {}, { actor: 'test' })) as Status;
    expect(status.notices).toEqual([
      expect.stringMatching(
        /identity file was damaged \(kept as .*\); it was restored from its copy/,
      ),
    ]);
    const alarm = status.beds
      .find((bed) => bed.id === 'bed-1')!
      .alarms.find((a) => a.code === 'STORE_DAMAGED');
    expect(alarm).toMatchObject({ kind: 'technical', priority: 'low', state: 'active' });
    expect(readdirSync(data).some((name) => name.startsWith('workstation.json.damaged-'))).toBe(
      true,
    );
  }, 120_000);
});
