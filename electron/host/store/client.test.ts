import { existsSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SampleBlock } from '../../../shared/model/schemas';
import {
  type AlarmEventToStore,
  type BatchTimers,
  openStore,
  type Store,
  type StoreOptions,
} from './client';
import { migrations } from './migrations/index';
import { freshStoreDir } from './store-template.test-support';
import { Journal, segmentsIn } from './journal';
import { prepareBatch, serializeBatch } from './prepared-batch';

const T0 = 1_700_000_000_000;
const RATE_HZ = 500;
const BLOCK_SAMPLES = 50; // 100 ms per block, as a typical device frame group
const INT32_EXTREMES = [-2_147_483_648, 2_147_483_647, -1, 0, 1];

/** Timers that only tick when the test says so, so batching is deterministic. */
function manualTimers(): BatchTimers & { tick(): void } {
  let tick: () => void = () => undefined;
  return {
    now: () => 0,
    setInterval: (fn) => (tick = fn),
    clearInterval: () => undefined,
    tick: () => tick(),
  };
}

/** Reproducible int32 samples, negative ones included. */
function samples(seed: number, count: number): number[] {
  let state = seed >>> 0 || 1;
  return Array.from({ length: count }, () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state | 0;
  });
}

function blocksOf(deviceId: string, channel: string, seconds: number, seed: number): SampleBlock[] {
  const count = (seconds * RATE_HZ) / BLOCK_SAMPLES;
  return Array.from({ length: count }, (_, i) => ({
    bedId: 'bed-1',
    deviceId,
    channel,
    rateHz: RATE_HZ,
    t0: T0 + (i * BLOCK_SAMPLES * 1000) / RATE_HZ,
    values:
      i === 0
        ? [...INT32_EXTREMES, ...samples(seed, BLOCK_SAMPLES - 5)]
        : samples(seed + i, BLOCK_SAMPLES),
  }));
}

/** 2 s of ECG and one numeric, prepared as the worker journals them. */
function journalBatch() {
  return prepareBatch({
    chunks: blocksOf('ecg-1', 'II', 2, 5).map((block) => ({
      bedId: block.bedId,
      deviceId: block.deviceId,
      channel: block.channel,
      rateHz: block.rateHz,
      t0Ms: block.t0,
      values: Float64Array.from(block.values),
    })),
    numerics: [{ bedId: 'bed-1', deviceId: 'ecg-1', refId: 'MDC_X', value: 1, unit: '%', at: T0 }],
    alarmEvents: [],
  });
}

function interleave<T>(lists: T[][]): T[] {
  const longest = Math.max(...lists.map((list) => list.length));
  return Array.from({ length: longest }, (_, i) => lists.flatMap((list) => list[i] ?? [])).flat();
}

describe('the store', () => {
  let dataDir: string;
  let errors: Error[];
  const openedStores: Store[] = [];

  async function open(extra: Partial<StoreOptions> = {}): Promise<Store> {
    const store = await openStore({
      dataDir,
      workstationId: 'ws-test',
      onError: (error) => errors.push(error),
      timers: manualTimers(),
      ...extra,
    });
    openedStores.push(store);
    return store;
  }

  beforeEach(async () => {
    ({ dataDir } = await freshStoreDir());
    errors = [];
  }, 60_000);
  afterEach(async () => {
    await Promise.allSettled(openedStores.splice(0).map((store) => store.close()));
    rmSync(join(dataDir, '..'), { recursive: true, force: true });
  });

  it('reads back every channel bit-exact and in order, merged into ~2 s chunks', async () => {
    const store = await open();
    const channels = [
      ['ecg-1', 'I'],
      ['ecg-1', 'II'],
      ['ecg-1', 'V'],
      ['spo2-1', 'pleth'],
    ] as const;
    const perChannel = channels.map(([device, channel], n) =>
      blocksOf(device, channel, 10, n * 1000),
    );
    for (const block of interleave(perChannel)) store.appendSamples(block);
    await store.flush();
    expect(errors).toEqual([]);

    for (const [n, [deviceId, channel]] of channels.entries()) {
      const stored = await store.readSamples({ deviceId, channel });
      expect(stored.map((chunk) => chunk.t0)).toEqual([0, 2, 4, 6, 8].map((s) => T0 + s * 1000));
      expect(stored.every((chunk) => chunk.rateHz === RATE_HZ)).toBe(true);
      expect(stored.flatMap((chunk) => chunk.values)).toEqual(
        perChannel[n]!.flatMap((b) => b.values),
      );
    }
    expect(
      (await store.readSamples({ deviceId: 'ecg-1', channel: 'I' }))[0]!.values.slice(0, 5),
    ).toEqual(INT32_EXTREMES);
    // Staged as written: packing waits for the minute to be complete (packing.test.ts).
    expect(await store.counts()).toEqual({
      waveformChunks: 0,
      stagedChunks: 20,
      samples: 4 * 10 * RATE_HZ,
      numerics: 0,
      alarmEvents: 0,
    });
    expect(errors).toEqual([]);
  });

  it('reads the chunks that overlap a time range', async () => {
    const store = await open();
    for (const block of blocksOf('ecg-1', 'II', 10, 7)) store.appendSamples(block);
    await store.flush();
    const window = await store.readSamples({
      deviceId: 'ecg-1',
      channel: 'II',
      fromMs: T0 + 3_999, // the last sample of the 2–4 s chunk is at 3.998 s: not included
      toMs: T0 + 6_000, // the 6–8 s chunk starts exactly here: included
    });
    expect(window.map((chunk) => chunk.t0)).toEqual([T0 + 4_000, T0 + 6_000]);
  });

  it('sends queued rows on the batch timer without a flush', async () => {
    const timers = manualTimers();
    const store = await open({ timers, maxChunkMs: 100 });
    for (const block of blocksOf('ecg-1', 'II', 1, 3)) store.appendSamples(block);
    timers.tick();
    await expect.poll(() => store.counts().then((c) => c.samples)).toBe(RATE_HZ);
  });

  it('sends early, without the timer, once the queue passes its threshold', async () => {
    const store = await open({ maxChunkMs: 100, sendThreshold: 100 });
    for (const block of blocksOf('ecg-1', 'II', 1, 3).slice(0, 3)) store.appendSamples(block);
    await expect.poll(() => store.counts().then((c) => c.samples)).toBe(100);
  });

  it('stores numerics and alarm events', async () => {
    const store = await open();
    store.appendNumeric({
      bedId: 'bed-1',
      deviceId: 'spo2-1',
      refId: 'MDC_PULS_OXIM_SAT_O2',
      value: 97,
      unit: '%',
      at: T0,
    });
    store.appendAlarmEvent({
      bedId: 'bed-1',
      alarmId: 'alarm-1',
      event: 'raised',
      kind: 'physiological',
      priority: 'high',
      code: 'MDC_EVT_LO',
      message: 'SpO2 low',
      value: 84,
      limit: 85,
      actor: 'spo2-1',
      at: T0 + 1,
    });
    // More rows than fit in one INSERT's 65535 bind parameters, so the insert must be split.
    for (let i = 0; i < 9_000; i++) {
      store.appendNumeric({
        bedId: 'bed-1',
        deviceId: 'ecg-1',
        refId: 'MDC_ECG_HEART_RATE',
        value: 60 + (i % 40) + 0.1,
        unit: '/min',
        at: T0 + i,
      });
    }
    await store.flush();
    expect(await store.counts()).toMatchObject({ numerics: 9_001, alarmEvents: 1 });
  });

  it('keeps everything after close and reopen, without applying migrations again', async () => {
    const first = await open();
    const blocks = blocksOf('ecg-1', 'II', 4, 11);
    for (const block of blocks) first.appendSamples(block);
    await first.close();
    await first.close(); // idempotent
    await expect(first.counts()).rejects.toThrow(/The data store stopped: it was closed/);

    const reopenedAt = new Date();
    const second = await open();
    // Their minute long complete, the two chunks left staged were packed into one row at open.
    expect(await second.counts()).toMatchObject({
      waveformChunks: 1,
      stagedChunks: 0,
      samples: 4 * RATE_HZ,
    });
    const stored = await second.readSamples({ deviceId: 'ecg-1', channel: 'II' });
    expect(stored.flatMap((chunk) => chunk.values)).toEqual(blocks.flatMap((b) => b.values));
    await second.close();

    const db = await PGlite.create(dataDir);
    const { rows } = await db.query<{ version: number; applied_at: Date }>(
      'SELECT version, applied_at FROM schema_migrations',
    );
    await db.close();
    expect(rows).toHaveLength(migrations.length);
    expect(rows[0]!.applied_at.getTime()).toBeLessThan(reopenedAt.getTime());
  });

  it('stores downloaded readings once: the same reading downloaded again is not stored twice', async () => {
    const store = await open();
    const reading = (refId: string, value: number, sourceKey: string) => ({
      bedId: 'bed-1',
      deviceId: 'omron-hem790it',
      refId,
      value,
      unit: 'mm[Hg]',
      at: T0,
      sourceKey,
    });
    const first = [
      reading('MDC_PRESS_BLD_NONINV_SYS', 128, 'a'),
      reading('MDC_PRESS_BLD_NONINV_DIA', 82, 'a'),
    ];
    expect(await store.importNumerics(first)).toEqual([true, true]);
    const again = [...first, reading('MDC_PRESS_BLD_NONINV_SYS', 131, 'b')];
    expect(await store.importNumerics(again)).toEqual([false, false, true]);
    await store.close();
    expect(await (await open()).counts()).toMatchObject({ numerics: 3 });
  });

  it('reports a block with a non-integer sample and stores every other row', async () => {
    const store = await open();
    const blocks = blocksOf('ecg-1', 'II', 1, 5);
    const bad = { ...blocks[3]!, values: [...blocks[3]!.values] };
    bad.values[7] = 1.5;
    for (const block of blocks) store.appendSamples(block === blocks[3] ? bad : block);
    store.appendSamples({ ...blocks[0]!, channel: 'V', values: [2 ** 31] });
    store.appendNumeric({
      bedId: 'bed-1',
      deviceId: 'ecg-1',
      refId: 'MDC_ECG_HEART_RATE',
      value: 72,
      unit: '/min',
      at: T0,
    });
    await store.flush();

    expect(errors.map((error) => error.message)).toEqual([
      expect.stringMatching(/device ecg-1 channel II at t0 1700000000300 .*sample 7 is 1\.5/),
      expect.stringMatching(/device ecg-1 channel V .*sample 0 is 2147483648/),
    ]);
    const stored = await store.readSamples({ deviceId: 'ecg-1', channel: 'II' });
    const good = blocks.filter((block) => block !== blocks[3]);
    expect(stored.flatMap((chunk) => chunk.values)).toEqual(good.flatMap((b) => b.values));
    expect(stored.map((chunk) => chunk.t0)).toEqual([T0, T0 + 400]); // the gap starts a new chunk
    expect(await store.counts()).toMatchObject({ samples: 9 * BLOCK_SAMPLES, numerics: 1 });
  });

  it('reports an alarm event it cannot store, naming it', async () => {
    const store = await open();
    const event: Omit<AlarmEventToStore, 'event'> = {
      bedId: 'bed-1',
      alarmId: 'a',
      kind: 'technical',
      priority: 'low',
      code: 'LEAD_OFF',
      message: 'Lead off',
      value: null,
      limit: null,
      actor: 'ecg-1',
      at: T0,
    };
    store.appendAlarmEvent({ ...event, event: 'snoozed' as 'raised' });
    await store.flush();
    expect(errors[0]?.message).toMatch(
      /Alarm event snoozed of LEAD_OFF .* was not stored: .*event/,
    );
    expect(await store.counts()).toMatchObject({ alarmEvents: 0 });
  });

  it('replays journaled rows the database lost (as after a power cut), and only once', async () => {
    await (await open()).close();
    // What a power cut can leave: batches in the fsync'd journal that never reached the database.
    const journal = new Journal(`${dataDir}.journal`);
    journal.append(serializeBatch(journalBatch()));
    journal.close();
    const recovered = await open();
    expect(await recovered.counts()).toMatchObject({ numerics: 1, samples: 2 * RATE_HZ });
    await recovered.close();
    expect(segmentsIn(`${dataDir}.journal`)).toEqual([]);
    // The journal is gone once its rows are durable; opening again stores nothing twice.
    const again = await open();
    expect(await again.counts()).toMatchObject({ numerics: 1, samples: 2 * RATE_HZ });
  });

  it('answers trends from per-minute rollups and strips cut to the window, and prunes by policy', async () => {
    const store = await open({ retention: { waveformsMs: 60_000 } });
    for (let s = 0; s < 180; s++) {
      store.appendNumeric({
        bedId: 'bed-1',
        deviceId: 'ox',
        refId: 'MDC_PULS_OXIM_SAT_O2',
        value: s < 60 ? 96 : 98,
        unit: '%',
        at: T0 + s * 1000,
      });
    }
    for (const block of blocksOf('ecg-1', 'II', 4, 3)) store.appendSamples(block);
    await store.flush();
    const [trend] = await store.readTrend({
      bedId: 'bed-1',
      codes: ['MDC_PULS_OXIM_SAT_O2'],
      fromMs: T0 - 60_000,
      toMs: T0 + 180_000,
    });
    // 180 s from T0 span four calendar minutes: 96 % first, 98 % last, each minute its mean.
    const means = trend!.points.map((p) => p.mean);
    expect(means).toHaveLength(4);
    expect(means[0]).toBe(96);
    expect(means.at(-1)).toBe(98);
    const [segment] = await store.readWaveformWindow({
      bedId: 'bed-1',
      fromMs: T0 + 1000,
      toMs: T0 + 2000,
    });
    const all = blocksOf('ecg-1', 'II', 4, 3).flatMap((b) => b.values);
    expect(segment).toMatchObject({ channel: 'II', rateHz: RATE_HZ, t0Ms: T0 + 1000 });
    expect([...segment!.values]).toEqual(all.slice(RATE_HZ, 2 * RATE_HZ));
    // Waveforms older than a minute go; numerics (kept 30 days) stay.
    const deleted = await store.prune(T0 + 10 * 60_000);
    expect(deleted.waveform_staging).toBeGreaterThan(0);
    expect(await store.counts()).toMatchObject({ samples: 0, numerics: 180 });
  });

  it('refuses a second opener of the same store while the first has it, naming the holder', async () => {
    const first = await open();
    await expect(open()).rejects.toThrow(
      new RegExp(`in use by another workstation process \\(pid ${process.pid}`),
    );
    await first.close();
    await (await open()).close();
  });

  it('keeps a damaged store aside, starts a new one with the journal’s rows, and says so', async () => {
    const first = await open();
    await first.close();
    // What a crash leaves: acknowledged rows in the journal, not yet in the database.
    const journal = new Journal(`${dataDir}.journal`);
    journal.append(serializeBatch(journalBatch()));
    journal.close();
    truncateSync(join(dataDir, 'global', 'pg_control'), 10);
    const second = await open();
    expect(second.notices).toHaveLength(1);
    expect(second.notices[0]).toMatch(
      /The data store .* the database cannot be opened .* kept as .*\.damaged-.* a new store was started/,
    );
    const keptAs = /kept as (\S+) and/.exec(second.notices[0]!)![1]!;
    expect(existsSync(join(keptAs, 'PG_VERSION'))).toBe(true);
    // The new store has the journal's rows, and every bed is told (store-health.ts).
    expect(await second.counts()).toMatchObject({ numerics: 1, samples: 2 * RATE_HZ });
    expect(second.health).toMatchObject({ recording: 'damaged' });
    expect(second.health.conditions.map((c) => c.code)).toEqual(['STORE_DAMAGED']);
  }, 120_000);

  it('refuses a row with an impossible time when it is queued, and keeps the rest of its batch', async () => {
    // importRecord with startMs -9007199254740991 once failed the shared batch: every bed lost it.
    const store = await open();
    store.appendSamples({
      ...blocksOf('ecg-1', 'II', 1, 3)[0]!,
      bedId: 'bed-9',
      t0: -9007199254740991,
    });
    store.appendSamples({ ...blocksOf('ecg-2', 'II', 1, 4)[0]!, bedId: 'bed-8', t0: 8.64e15 });
    for (const block of blocksOf('ecg-1', 'II', 1, 5)) store.appendSamples(block);
    store.appendNumeric({
      bedId: 'bed-2',
      deviceId: 'ox',
      refId: 'MDC_X',
      value: 1,
      unit: '%',
      at: T0,
    });
    store.appendNumeric({
      bedId: 'bed-3',
      deviceId: 'ox',
      refId: 'MDC_X',
      value: 1,
      unit: '%',
      at: -1e18,
    });
    store.appendAlarmEvent({
      bedId: 'bed-2',
      alarmId: 'a',
      event: 'raised',
      kind: 'technical',
      priority: 'low',
      code: 'LEAD\u0000OFF',
      message: 'Lead off',
      value: null,
      limit: null,
      actor: 'ecg-1',
      at: T0,
    });
    await store.flush();
    expect(errors.map((error) => error.message)).toEqual([
      expect.stringMatching(
        /bed bed-9 device ecg-1 channel II at t0 -9007199254740991 .*not a time the store keeps/,
      ),
      expect.stringMatching(/bed bed-8 device ecg-2 .*t0 8640000000000000 is not a time/),
      expect.stringMatching(
        /Numeric MDC_X of bed bed-3 device ox at -1000000000000000000 .*not a time/,
      ),
      expect.stringMatching(
        /Alarm event raised of LEAD.OFF .*bed bed-2.* code contains a NUL character/,
      ),
    ]);
    expect(await store.counts()).toMatchObject({ samples: RATE_HZ, numerics: 1, alarmEvents: 0 });
  });

  it('opens over a journal record the database refuses, storing the rest of it and naming the row', async () => {
    await (await open()).close();
    // A row that slipped past the checks (written by an older version): it must not keep the
    // store from opening, nor cost the other beds' rows recorded with it.
    const batch = journalBatch();
    batch.numerics.push({
      ...batch.numerics[0]!,
      id: '01900000-0000-7000-8000-000000000000',
      bedId: 'bed-\u00007',
      unit: '%',
    });
    const journal = new Journal(`${dataDir}.journal`);
    journal.append(serializeBatch(batch));
    journal.close();
    const store = await open();
    expect(await store.counts()).toMatchObject({ numerics: 1, samples: 2 * RATE_HZ });
    expect(errors.map((error) => error.message)).toEqual([
      expect.stringMatching(
        /replaying the journal: numeric MDC_X of bed bed-.7 device ecg-1 at .* was not stored: /,
      ),
    ]);
  });

  it('a store that was there and is gone is not taken for a new one', async () => {
    await (await open()).close();
    rmSync(dataDir, { recursive: true, force: true });
    const reopened = await open();
    expect(reopened.notices).toEqual([expect.stringMatching(/was missing .* new, empty one/)]);
  });

  it('fails to open with a message that names the data directory', async () => {
    const notADirectory = join(dataDir, '..', 'file');
    writeFileSync(notADirectory, 'x');
    await expect(openStore({ dataDir: notADirectory, workstationId: 'ws' })).rejects.toThrow(
      /The data store could not start: .*file/,
    );
  });

  it('closes within its time limit when the worker hangs, so shutdown never hangs', async () => {
    // As PGlite did after a checkpoint failed on a full disk: the worker spins and never answers.
    const script = join(dataDir, '..', 'spins-on-first-request.mjs');
    writeFileSync(
      script,
      `import { parentPort } from 'node:worker_threads';
       parentPort.postMessage({ type: 'ready', notices: [] });
       parentPort.on('message', () => { for (;;) {} });`,
    );
    const store = await open({
      workerScript: { path: script, execArgv: [] },
      closeTimeoutMs: 1_000,
    });
    store.appendNumeric({ bedId: 'b', deviceId: 'd', refId: 'MDC_X', value: 1, unit: '%', at: T0 });
    const startedAt = Date.now();
    await expect(store.close()).rejects.toThrow(/did not close within 1 s: its worker was stopped/);
    expect(Date.now() - startedAt).toBeLessThan(10_000);
    expect(errors.map((error) => error.message)).toContainEqual(
      expect.stringMatching(/did not close within 1 s: its worker was stopped/),
    );
    // The lock went with it: the store can be opened again at once.
    await (await open()).close();
  });

  it('rejects pending and later calls, and reports queued rows, when the worker dies', async () => {
    const script = join(dataDir, '..', 'dies-on-first-request.mjs');
    writeFileSync(
      script,
      `import { parentPort } from 'node:worker_threads';
       parentPort.postMessage({ type: 'ready' });
       parentPort.on('message', () => process.exit(3));`,
    );
    const store = await open({ workerScript: { path: script, execArgv: [] } });
    store.appendNumeric({ bedId: 'b', deviceId: 'd', refId: 'MDC_X', value: 1, unit: '%', at: T0 });
    const counting = store.counts();
    store.appendNumeric({ bedId: 'b', deviceId: 'd', refId: 'MDC_Y', value: 2, unit: '%', at: T0 });
    await expect(counting).rejects.toThrow('The data store stopped: the worker exited with code 3');
    await expect(store.flush()).rejects.toThrow(
      'The data store stopped: the worker exited with code 3',
    );
    store.appendNumeric({ bedId: 'b', deviceId: 'd', refId: 'MDC_Z', value: 3, unit: '%', at: T0 });
    expect(errors.map((error) => error.message)).toEqual([
      expect.stringMatching(
        /2 numerics \(d\/MDC_X, d\/MDC_Y\) could not be stored: the worker exited/,
      ),
      expect.stringMatching(/Numeric MDC_Z .* was not stored: the data store stopped/),
    ]);
    await store.close();
  });
});
