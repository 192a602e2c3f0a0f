// The uploader against a stand-in for the central server (test/support/central-stand-in.ts) over
// real HTTP on loopback, with a real store on disk: lanes in order, every row kept once whatever
// the server answers (5xx, garbage, nothing at all), refused rows set aside without holding the
// rest back, and a version mismatch or a revocation keeping every row. The end-to-end test with
// the real server (server/) comes once both sides have landed.
import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../electron/host/store/client';
import { freshStoreDir } from '../../electron/host/store/store-template.test-support';
import { Uploader, type UploaderState } from '../../electron/host/sync/uploader';
import { CentralStandIn } from '../support/central-stand-in';

const T0 = 1_760_000_000_000;
let store: Store;
let folder: string;
let central: CentralStandIn;
let uploader: Uploader | null = null;
let states: UploaderState['kind'][] = [];
let at = T0;

beforeAll(async () => {
  const fresh = await freshStoreDir('ws-sync-upload-');
  folder = fresh.folder;
  store = await openStore({ dataDir: fresh.dataDir, workstationId: 'ws-upload' });
});
afterAll(async () => {
  await store.close();
  rmSync(folder, { recursive: true, force: true });
});

beforeEach(async () => {
  central = await CentralStandIn.start();
  states = [];
  // Each test starts from an empty outbox (what an earlier one left is acknowledged).
  for (const lane of [0, 1, 2] as const) {
    for (;;) {
      const batch = await store.outbox.readBatch(lane, 64 << 20, 10_000);
      const seqs = [...batch.rows.map((r) => r.seq), ...batch.orphanSeqs];
      if (seqs.length === 0) break;
      await store.outbox.acknowledge(seqs);
    }
  }
});
afterEach(async () => {
  await uploader?.stop();
  uploader = null;
  await central.close();
});

function startUploader(
  extra: { answerTimeoutMs?: number; outbox?: Store['outbox'] } = {},
): Uploader {
  uploader = new Uploader({
    outbox: extra.outbox ?? store.outbox,
    link: () => ({
      endpoint: { serverUrl: central.url, caPem: null },
      credential: central.credential,
      workstationId: 'ws-upload',
    }),
    log: () => {},
    onState: (state) => states.push(state.kind),
    retryMs: { first: 100, max: 1_000 },
    probeEveryMs: 300,
    idleMs: 100,
    connectTimeoutMs: 1_000,
    answerTimeoutMs: extra.answerTimeoutMs ?? 5_000,
    mismatchRecheckMs: 60_000,
  });
  return uploader.start();
}

async function writeRows(alarms: number, numerics: number, minutes = 0): Promise<number> {
  for (let i = 0; i < alarms; i++) {
    store.appendAlarmEvent({
      bedId: 'bed-1',
      alarmId: `a-${at}`,
      event: 'raised',
      kind: 'physiological',
      priority: 'high',
      code: 'HR_HIGH',
      message: `HR high ${i}`,
      value: 150,
      limit: 120,
      actor: 'ecg-1',
      at: at++,
    });
  }
  for (let i = 0; i < numerics; i++) {
    store.appendNumeric({
      bedId: 'bed-1',
      deviceId: 'ecg-1',
      refId: 'MDC_ECG_HEART_RATE',
      value: 60 + (i % 40),
      unit: '/min',
      at: at++,
    });
  }
  await store.flush();
  for (let m = 0; m < minutes; m++) {
    await store.storeWaveform({
      bedId: 'bed-1',
      deviceId: 'ecg-1',
      channel: 'II',
      rateHz: 250,
      t0: (at += 60_000),
      values: Array.from({ length: 15_000 }, (_, k) => Math.round(800 * Math.sin(k / 9 + m))),
    });
  }
  return alarms + numerics + minutes;
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const outboxEmpty = async () => (await store.outbox.backlog()).rows === 0;

function expectEachKeptOnce(count: number) {
  expect(central.rows.size).toBe(count);
}

describe('the uploader', () => {
  it('sends lane 0 wholly before numerics before waveforms, every row kept once', async () => {
    const written = await writeRows(20, 12_500, 3);
    startUploader();
    await until('the outbox to empty', outboxEmpty, 20_000);
    expectEachKeptOnce(written);
    expect([...central.rows.values()].every((r) => r.arrivals === 1)).toBe(true);
    const order = central.pushes.map((p) => p.tables.join('+'));
    const firstNumerics = order.indexOf('numerics');
    const firstWaves = order.indexOf('waveform_chunks');
    expect(order.slice(0, firstNumerics).every((t) => t === 'alarm_events')).toBe(true);
    expect(firstNumerics).toBeGreaterThan(0);
    expect(firstWaves).toBeGreaterThan(firstNumerics);
    // Numerics went in batches of at most 5,000 rows (encoded on the store's thread).
    expect(central.pushes.filter((p) => p.tables[0] === 'numerics').map((p) => p.rows)).toEqual([
      5_000, 5_000, 2_500,
    ]);
    expect(states.at(-1)).toBe('connected');
  });

  it('keeps two batches in flight while a backlog drains, never more, every row once', async () => {
    const written = await writeRows(0, 20_000);
    let answering = 0;
    let most = 0;
    central.beforeAnswer = async () => {
      answering++;
      most = Math.max(most, answering);
      // The server's transaction, slow: the next batch is on its way meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 150));
      answering--;
    };
    startUploader();
    await until('the outbox to empty', outboxEmpty, 20_000);
    central.beforeAnswer = null;
    expectEachKeptOnce(written);
    expect([...central.rows.values()].every((r) => r.arrivals === 1)).toBe(true);
    expect(most).toBe(2);
  });

  it('a store that cannot acknowledge while two are in flight: a failure, said; nothing lost', async () => {
    const written = await writeRows(0, 20_000);
    let failures = 2;
    const outbox: Store['outbox'] = {
      ...store.outbox,
      acknowledge: async (seqs) => {
        if (failures-- > 0) throw new Error('the disk is full (test)');
        return store.outbox.acknowledge(seqs);
      },
    };
    central.beforeAnswer = () => new Promise((resolve) => setTimeout(resolve, 100));
    startUploader({ outbox });
    await until('the outbox to empty', outboxEmpty, 30_000);
    central.beforeAnswer = null;
    expectEachKeptOnce(written);
    expect(states).toContain('failing');
    expect(states.at(-1)).toBe('connected');
  });

  it('an alarm written while numerics are on the wire goes before the batch read ahead', async () => {
    const written = await writeRows(0, 15_000);
    let alarmWritten = false;
    central.beforeAnswer = async (tables) => {
      if (alarmWritten || tables[0] !== 'numerics') return;
      alarmWritten = true;
      // The next numerics batch is being read ahead now; the alarm must still go first.
      await writeRows(1, 0);
    };
    startUploader();
    await until('the outbox to empty', outboxEmpty, 20_000);
    central.beforeAnswer = null;
    expectEachKeptOnce(written + 1);
    expect([...central.rows.values()].every((r) => r.arrivals === 1)).toBe(true);
    expect(central.pushes.map((p) => p.tables.join('+'))).toEqual([
      'numerics',
      'alarm_events',
      'numerics',
      'numerics',
    ]);
  });

  it('sends waveforms while numerics keep coming: no lane waits for ever behind another', async () => {
    await writeRows(0, 10, 2);
    let writing = true;
    const writer = (async () => {
      while (writing) {
        await writeRows(0, 5);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    try {
      startUploader();
      await until(
        'the waveforms on the server',
        () => central.kept('waveform_chunks').length === 2,
        10_000,
      );
    } finally {
      writing = false;
      await writer;
    }
    expect(states).not.toContain('failing');
  });

  it('5xx answers, then OK: nothing lost, nothing kept twice', async () => {
    const written = await writeRows(30, 300);
    central.faults.push(
      { kind: 'status', status: 503, body: { error: 'unavailable', message: 'restarting' } },
      { kind: 'status', status: 500, body: 'Internal Server Error' },
      { kind: 'status', status: 502 },
    );
    startUploader();
    await until('the outbox to empty', outboxEmpty, 20_000);
    expect(central.faults).toEqual([]);
    expectEachKeptOnce(written);
    expect(states).toContain('failing');
    expect(states.at(-1)).toBe('connected');
  });

  it('an answer that is not one (after the server kept the rows): sent again, kept once', async () => {
    const written = await writeRows(10, 0);
    central.faults.push({ kind: 'garbage-after-commit' });
    startUploader();
    await until('the outbox to empty', outboxEmpty, 20_000);
    expectEachKeptOnce(written);
    // The first batch arrived twice: its answer could not be read, so it was not acknowledged.
    expect([...central.rows.values()].filter((r) => r.arrivals === 2)).toHaveLength(10);
  });

  it('a server that accepts and never answers: given up after the timeout, then sent again', async () => {
    const written = await writeRows(5, 0);
    central.faults.push({ kind: 'hang' });
    const started = Date.now();
    startUploader({ answerTimeoutMs: 1_500 });
    await until('the outbox to empty', outboxEmpty, 20_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
    expect(states).toContain('unreachable');
    expectEachKeptOnce(written);
  });

  it('a row the server refuses is set aside with its reason; the rows behind it are sent', async () => {
    const before = (await store.outbox.backlog()).setAside.count;
    central.refuse = (table, row) =>
      table === 'alarm_events' && row.message === 'HR high 3' ? 'code HR_HIGH unknown here' : null;
    const written = await writeRows(8, 50);
    startUploader();
    await until('the outbox to empty', outboxEmpty, 20_000);
    expectEachKeptOnce(written - 1);
    const { setAside } = await store.outbox.backlog();
    expect(setAside.count).toBe(before + 1);
    expect(setAside.lastReason).toBe('code HR_HIGH unknown here');
  });

  it('a refusal that names no row is narrowed down to its row, never acknowledged blindly', async () => {
    const before = (await store.outbox.backlog()).setAside.count;
    central.unnamed = true;
    central.refuse = (table, row) =>
      table === 'alarm_events' && row.message === 'HR high 5' ? 'unreadable' : null;
    const written = await writeRows(12, 0);
    startUploader();
    await until('the outbox to empty', outboxEmpty, 20_000);
    expectEachKeptOnce(written - 1);
    const { setAside } = await store.outbox.backlog();
    expect(setAside).toMatchObject({ count: before + 1, lastReason: 'alarm_events: unreadable' });
  });

  it('a frame refused whole (400) is halved until the row it cannot read is alone', async () => {
    const before = (await store.outbox.backlog()).setAside.count;
    central.poison = (table, row) => table === 'alarm_events' && row.message === 'HR high 17';
    const written = await writeRows(40, 0);
    startUploader();
    await until('the outbox to empty', outboxEmpty, 20_000);
    expectEachKeptOnce(written - 1);
    expect((await store.outbox.backlog()).setAside.count).toBe(before + 1);
  });

  it('426 and a revoked credential: said in the state, every row kept', async () => {
    await writeRows(5, 5);
    central.faults.push({
      kind: 'status',
      status: 426,
      body: {
        error: 'protocol-too-old',
        message: 'This workstation speaks sync protocol 1; the central server needs 2 or newer.',
      },
    });
    const running = startUploader();
    await until('version-mismatch', () => running.state.kind === 'version-mismatch', 10_000);
    expect(running.state).toMatchObject({ message: expect.stringContaining('needs 2 or newer') });
    expect((await store.outbox.backlog()).rows).toBe(10);
    await running.stop();

    central.revoked = true;
    const revoked = startUploader();
    await until('revoked', () => revoked.state.kind === 'revoked', 10_000);
    expect(revoked.state).toMatchObject({ message: expect.stringContaining('revoked by IT') });
    expect((await store.outbox.backlog()).rows).toBe(10);
    expect(central.rows.size).toBe(0);
  });
});
