// Packing live chunks into one row per channel and minute, on real PGlite stores on disk: reads
// return the same samples before and after, across a minute boundary, a gap, a late chunk and a
// restart in mid-minute; a chunk sent again once packed is not stored twice; retention takes both
// forms; rows written before packing existed stay readable and join the packed ones.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SampleBlock } from '../../../shared/model/schemas';
import { openStore, type Store, type WaveformWindowQuery } from './client';
import { applyMigrations } from './migrate';
import { migrations } from './migrations/index';
import { packAll, PACK_GRACE_MS, PACK_MINUTE_MS } from './packing';
import { prepareBatch } from './prepared-batch';
import { readWaveformWindow, type WaveformSegment } from './queries';
import { DEFAULT_RETENTION, pruneStep } from './retention';
import { insertPrepared } from './writes';

/** A whole minute (2023-11-14T22:14:00Z), so that minute boundaries are easy to aim at. */
const T = 28_333_334 * PACK_MINUTE_MS;
const S = 1000;

/** Contiguous blocks of 100 ms from fromMs to toMs; values a deterministic wandering signal. */
function blocks(channel: string, rateHz: number, fromMs: number, toMs: number): SampleBlock[] {
  const perBlock = rateHz / 10;
  const out: SampleBlock[] = [];
  for (let t0 = fromMs; t0 < toMs; t0 += 100) {
    const first = Math.round(((t0 - T) * rateHz) / 1000);
    const values = Array.from({ length: perBlock }, (_, i) => {
      const n = first + i;
      return Math.round(800 * Math.sin(n / 37) + 90 * Math.sin(n / 5.3) + ((n * 7919) % 23)) | 0;
    });
    out.push({ bedId: 'bed-1', deviceId: 'dev-1', channel, rateHz, t0, values });
  }
  return out;
}

const plain = (segments: WaveformSegment[]) =>
  segments.map((s) => ({ ...s, values: Array.from(s.values) }));

describe('packing live waveforms', () => {
  let dir: string;
  const stores: Store[] = [];
  const open = () =>
    openStore({
      dataDir: join(dir, 'pgdata'),
      workstationId: 'ws-pack',
      onError: (error) => {
        throw error;
      },
    }).then((store) => (stores.push(store), store));
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ws-packing-'));
  });
  afterEach(async () => {
    await Promise.allSettled(stores.splice(0).map((store) => store.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the same samples before and after packing, across minutes, a gap and a late chunk', async () => {
    const store = await open();
    // ECG at 500 Hz and pleth at 250 Hz from 20 s before a minute to 70 s after, with a gap of
    // 3 s in the middle minute that a late chunk partly fills after packing.
    const written = [
      ...blocks('ECG', 500, T - 20 * S, T + 30 * S),
      ...blocks('ECG', 500, T + 33 * S, T + 70 * S),
      ...blocks('PLETH', 250, T - 20 * S, T + 70 * S),
    ];
    for (const block of written) store.appendSamples(block);
    await store.flush();
    const windows: WaveformWindowQuery[] = [
      { bedId: 'bed-1', fromMs: T - 30 * S, toMs: T + 80 * S },
      { bedId: 'bed-1', fromMs: T - 1 * S, toMs: T + 1 * S },
      { bedId: 'bed-1', fromMs: T + 59_900, toMs: T + 60_300 },
      { bedId: 'bed-1', fromMs: T + 29 * S, toMs: T + 35 * S, channels: ['ECG'] },
      { bedId: 'bed-1', fromMs: T + 12_345, toMs: T + 13_501 },
    ];
    const read = async () =>
      Promise.all(windows.map(async (w) => plain(await store.readWaveformWindow(w))));
    const before = await read();
    expect((await store.counts()).stagedChunks).toBeGreaterThan(60);

    // Not yet: the last minute is not complete until PACK_GRACE_MS after it ends.
    const early = await store.pack(T + 2 * PACK_MINUTE_MS + PACK_GRACE_MS - 1);
    expect(early.stagedRows).toBeGreaterThan(0);
    expect((await store.counts()).stagedChunks).toBeGreaterThan(0);
    const done = await store.pack(T + 10 * PACK_MINUTE_MS);
    // ECG: the minute before, the middle minute in two runs (the gap), the minute after; pleth:
    // one row a minute.
    expect(early.packedRows + done.packedRows).toBe(4 + 3);
    expect(await store.counts()).toMatchObject({ waveformChunks: 7, stagedChunks: 0 });
    expect(await read()).toEqual(before);

    // A late chunk for a packed minute is staged, read with the packed rows, and packed apart.
    const late = blocks('ECG', 500, T + 30 * S, T + 31 * S);
    for (const block of late) store.appendSamples(block);
    await store.flush();
    const gap = { bedId: 'bed-1', fromMs: T + 29 * S, toMs: T + 35 * S, channels: ['ECG'] };
    const withLate = plain(await store.readWaveformWindow(gap));
    expect(withLate.map((s) => [s.t0Ms, s.values.length])).toEqual([
      [T + 29 * S, 1000],
      [T + 33 * S, 1000],
    ]);
    expect(withLate[0]!.values).toEqual([
      ...before[3]![0]!.values,
      ...late.flatMap((b) => b.values),
    ]);
    expect(await store.pack(T + 10 * PACK_MINUTE_MS)).toEqual({ packedRows: 1, stagedRows: 1 });
    expect(plain(await store.readWaveformWindow(gap))).toEqual(withLate);
    // Every packed row went to the sync outbox, no staged chunk did.
    expect((await store.counts()).waveformChunks).toBe(8);
  });

  it('packs a minute written across a restart into one row, and reads it the same', async () => {
    // In the future: nothing of it is complete by the clock, so only pack() below packs it.
    const m = Math.ceil((Date.now() + 3_600_000) / PACK_MINUTE_MS) * PACK_MINUTE_MS;
    const shifted = (from: number, to: number) => blocks('ECG', 500, m + from, m + to);
    const first = await open();
    for (const block of shifted(0, 25 * S)) first.appendSamples(block);
    await first.close();
    const second = await open();
    expect(await second.counts()).toMatchObject({ waveformChunks: 0, samples: 25 * 500 });
    for (const block of shifted(25 * S, 75 * S)) second.appendSamples(block);
    await second.flush();
    const window = { bedId: 'bed-1', fromMs: m, toMs: m + 75 * S };
    const before = plain(await second.readWaveformWindow(window));
    expect(before.map((s) => s.values.length)).toEqual([75 * 500]);
    expect(await second.pack(m + PACK_MINUTE_MS + PACK_GRACE_MS)).toMatchObject({ packedRows: 1 });
    expect(plain(await second.readWaveformWindow(window))).toEqual(before);
    await second.close();
    const third = await open();
    expect(await third.counts()).toMatchObject({ waveformChunks: 1, samples: 75 * 500 });
    expect(plain(await third.readWaveformWindow(window))).toEqual(before);
  });
});

describe('packing in the database', () => {
  let dir: string;
  let db: PGlite;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ws-packing-db-'));
    db = await PGlite.create(join(dir, 'pgdata'));
  });
  afterEach(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const batchOf = (from: number, to: number) =>
    prepareBatch({
      chunks: blocks('ECG', 500, from, to)
        .filter((_, i) => i % 20 === 0)
        .map((b) => ({
          bedId: b.bedId,
          deviceId: b.deviceId,
          channel: b.channel,
          rateHz: b.rateHz,
          t0Ms: b.t0,
          // 2 s chunks: 20 blocks of 100 ms.
          values: Float64Array.from(
            blocks('ECG', 500, b.t0, Math.min(b.t0 + 2 * S, to)).flatMap((x) => x.values),
          ),
        })),
      numerics: [],
      alarmEvents: [],
    });
  const count = async (table: string) =>
    Number((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n);
  const window = { bedId: 'bed-1', fromMs: T - 60 * S, toMs: T + 120 * S };

  it('does not stage again a chunk sent again (or replayed) after it was packed', async () => {
    await applyMigrations(db, migrations);
    const batch = batchOf(T, T + 60 * S);
    await insertPrepared(db, 'ws', batch);
    const before = plain(await readWaveformWindow(db, window));
    expect(await packAll(db, 'ws', T + 5 * PACK_MINUTE_MS)).toMatchObject({
      packedRows: 1,
      stagedRows: 30,
    });
    await insertPrepared(db, 'ws', batch, { skipExisting: true });
    expect(await count('waveform_staging')).toBe(0);
    expect(plain(await readWaveformWindow(db, window))).toEqual(before);
    // The outbox holds the packed row only.
    const { rows } = await db.query<{ table_name: string }>('SELECT table_name FROM sync_outbox');
    expect(rows).toEqual([{ table_name: 'waveform_chunks' }]);
  });

  it('prunes packed and staged rows, and the packed rows’ outbox entries', async () => {
    await applyMigrations(db, migrations);
    await insertPrepared(db, 'ws', batchOf(T, T + 90 * S));
    await packAll(db, 'ws', T + PACK_MINUTE_MS + PACK_GRACE_MS);
    expect([await count('waveform_chunks'), await count('waveform_staging')]).toEqual([1, 15]);
    const { deleted } = await pruneStep(db, DEFAULT_RETENTION, T + 73 * 3_600_000);
    expect(deleted).toMatchObject({ waveform_chunks: 1, waveform_staging: 15 });
    expect(await count('sync_outbox')).toBe(0);
    expect(await readWaveformWindow(db, window)).toEqual([]);
  });

  it('keeps rows written before packing readable, joined to what is staged and packed after', async () => {
    await applyMigrations(
      db,
      migrations.filter((m) => m.version < 14),
    );
    // As the previous release stored them: 2 s rows in waveform_chunks, already in the outbox.
    const old = batchOf(T - 10 * S, T);
    for (const chunk of old.chunks) {
      await db.query(
        `INSERT INTO waveform_chunks (id, workstation_id, bed_id, device_id, channel, rate_hz,
           t0_ms, sample_count, encoding, data)
         VALUES ($1, 'ws', $2, $3, $4, $5, $6, $7, 'wfrc1', $8)`,
        [
          chunk.id,
          chunk.bedId,
          chunk.deviceId,
          chunk.channel,
          chunk.rateHz,
          chunk.t0Ms,
          chunk.sampleCount,
          chunk.data,
        ],
      );
    }
    // From packing (14) on: every later migration too.
    expect(await applyMigrations(db, migrations)).toEqual({
      applied: migrations.filter((m) => m.version >= 14).map((m) => m.version),
    });
    await insertPrepared(db, 'ws', batchOf(T, T + 30 * S));
    const expected = blocks('ECG', 500, T - 10 * S, T + 30 * S).flatMap((b) => b.values);
    const read = async () => plain(await readWaveformWindow(db, window));
    expect((await read()).map((s) => [s.t0Ms, s.values])).toEqual([[T - 10 * S, expected]]);
    await packAll(db, 'ws', T + 5 * PACK_MINUTE_MS);
    expect([await count('waveform_chunks'), await count('waveform_staging')]).toEqual([6, 0]);
    expect((await read()).map((s) => [s.t0Ms, s.values])).toEqual([[T - 10 * S, expected]]);
    // Replaying the old rows' journal after the upgrade stores nothing twice.
    await insertPrepared(db, 'ws', old, { skipExisting: true });
    expect(await count('waveform_staging')).toBe(0);
  });
});
