import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyMigrations } from './migrate';
import { migrations } from './migrations/index';
import { readTrend, readWaveformExtent, readWaveformWindow, trendBucketMs } from './queries';
import { RollupAccumulator, upsertRollups } from './rollups';
import { encodeInt32le, encodeStoredChunk } from '../../../shared/codec/waveform-codec';

const T0 = 1_735_689_600_000; // a whole minute
const MINUTE = 60_000;

let db: PGlite;
beforeAll(async () => {
  db = await PGlite.create();
  await applyMigrations(db, migrations);
});
afterAll(async () => {
  await db.close();
});

describe('readTrend', () => {
  beforeAll(async () => {
    const acc = new RollupAccumulator();
    // HR: minute m holds values m and m + 10, the later one last.
    for (let m = 0; m < 120; m++) {
      acc.add('bed-1', 'HR', m + 10, T0 + m * MINUTE + 50_000);
      acc.add('bed-1', 'HR', m, T0 + m * MINUTE + 10_000);
    }
    acc.add('bed-2', 'HR', 500, T0);
    await upsertRollups(db, acc.drain());
  });

  it('returns one point per minute, and empty points for codes without data', async () => {
    const trends = await readTrend(db, {
      bedId: 'bed-1',
      codes: ['SPO2', 'HR'],
      fromMs: T0 + 30_000,
      toMs: T0 + 3 * MINUTE,
    });
    expect(trends.map((t) => t.code)).toEqual(['SPO2', 'HR']);
    expect(trends[0]!.points).toEqual([]);
    expect(trends[1]!.points).toEqual(
      [0, 1, 2].map((m) => ({
        t: T0 + m * MINUTE,
        mean: m + 5,
        min: m,
        max: m + 10,
        last: m + 10,
      })),
    );
  });

  it('averages into wider buckets when the range holds more minutes than maxPoints', async () => {
    const [hr] = await readTrend(db, {
      bedId: 'bed-1',
      codes: ['HR'],
      fromMs: T0,
      toMs: T0 + 120 * MINUTE,
      maxPoints: 13,
    });
    expect(trendBucketMs(T0, T0 + 120 * MINUTE, 13)).toBe(10 * MINUTE);
    expect(hr!.points).toHaveLength(12);
    expect(hr!.points[1]).toEqual({ t: T0 + 10 * MINUTE, mean: 19.5, min: 10, max: 29, last: 29 });
  });

  it('never returns more than maxPoints, wherever the range starts', () => {
    for (const maxPoints of [1, 2, 7, 1500]) {
      for (const fromMs of [T0, T0 + 17_000, T0 + 59 * MINUTE + 1]) {
        for (const spanMinutes of [1, 59, 1440, 43_200]) {
          const toMs = fromMs + spanMinutes * MINUTE;
          const bucket = trendBucketMs(fromMs, toMs, maxPoints);
          const buckets =
            Math.floor((toMs - 1) / bucket) -
            Math.floor((Math.floor(fromMs / MINUTE) * MINUTE) / bucket) +
            1;
          expect(buckets).toBeLessThanOrEqual(Math.max(maxPoints, 2));
        }
      }
    }
  });

  it('returns nothing for an empty range', async () => {
    expect(await readTrend(db, { bedId: 'bed-1', codes: ['HR'], fromMs: T0, toMs: T0 })).toEqual([
      { code: 'HR', points: [] },
    ]);
  });
});

describe('readWaveformWindow', () => {
  let nextId = 0;
  async function storeChunk(
    chunk: { bedId?: string; channel: string; rateHz: number; t0Ms: number; values: number[] },
    encoding: 'wfrc1' | 'i32le' = 'wfrc1',
  ) {
    const identity = { channel: chunk.channel, rateHz: chunk.rateHz, t0Ms: chunk.t0Ms };
    const data =
      encoding === 'wfrc1'
        ? encodeStoredChunk(identity, chunk.values)
        : encodeInt32le(chunk.values);
    await db.query(
      `INSERT INTO waveform_chunks (id, workstation_id, bed_id, device_id, channel, rate_hz, t0_ms,
         sample_count, encoding, data) VALUES ($1, 'ws', $2, 'dev-1', $3, $4, $5, $6, $7, $8)`,
      [
        `00000000-0000-7000-8000-${String(nextId++).padStart(12, '0')}`,
        chunk.bedId ?? 'bed-w',
        chunk.channel,
        chunk.rateHz,
        chunk.t0Ms,
        chunk.values.length,
        encoding,
        data,
      ],
    );
  }
  const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

  beforeEach(async () => {
    await db.exec(`DELETE FROM waveform_chunks`);
  });

  it('joins consecutive chunks and cuts them exactly to [fromMs, toMs)', async () => {
    // 62.5 Hz: 16 ms per sample; chunk t0s are whole ms, as stored.
    for (let c = 0; c < 4; c++) {
      await storeChunk({
        channel: 'RESP',
        rateHz: 62.5,
        t0Ms: T0 + c * 2000,
        values: range(c * 125, 125),
      });
    }
    await storeChunk({ channel: 'ECG', rateHz: 500, t0Ms: T0, values: range(0, 1000) }, 'i32le');
    await storeChunk({ bedId: 'bed-other', channel: 'RESP', rateHz: 62.5, t0Ms: T0, values: [1] });
    const segments = await readWaveformWindow(db, {
      bedId: 'bed-w',
      fromMs: T0 + 1990,
      toMs: T0 + 6001,
    });
    expect(segments.map((s) => s.channel)).toEqual(['ECG', 'RESP']);
    const [, resp] = segments;
    // Chunk 0 ends at 1984 ms, so the first sample at or after 1990 ms is chunk 1's at 2000
    // (index 125); the last before 6001 is 6000 (index 375).
    expect(resp).toMatchObject({ deviceId: 'dev-1', rateHz: 62.5, t0Ms: T0 + 2000 });
    expect(Array.from(resp!.values)).toEqual(range(125, 251));
    expect(Array.from(segments[0]!.values)).toEqual(range(995, 5));
    expect(segments[0]!.t0Ms).toBe(T0 + 1990);
  });

  it('returns separate segments around a gap and invents no samples', async () => {
    await storeChunk({ channel: 'ECG', rateHz: 500, t0Ms: T0, values: range(0, 1000) });
    await storeChunk({ channel: 'ECG', rateHz: 500, t0Ms: T0 + 2000, values: range(1000, 1000) });
    await storeChunk({ channel: 'ECG', rateHz: 500, t0Ms: T0 + 5000, values: range(2500, 1000) });
    const segments = await readWaveformWindow(db, {
      bedId: 'bed-w',
      fromMs: T0 + 1000,
      toMs: T0 + 5500,
      channels: ['ECG'],
    });
    expect(segments.map((s) => [s.t0Ms - T0, s.values.length, s.values[0]])).toEqual([
      [1000, 1500, 500],
      [5000, 250, 2500],
    ]);
  });

  it('keeps the earlier samples where a chunk overlaps the one before', async () => {
    await storeChunk({ channel: 'ECG', rateHz: 500, t0Ms: T0, values: range(0, 1000) });
    await storeChunk({ channel: 'ECG', rateHz: 500, t0Ms: T0 + 1000, values: range(500, 1000) });
    const [ecg, ...rest] = await readWaveformWindow(db, {
      bedId: 'bed-w',
      fromMs: T0,
      toMs: T0 + 4000,
    });
    expect(rest).toEqual([]);
    expect(Array.from(ecg!.values)).toEqual(range(0, 1500));
  });

  it('keeps every sample where the device clock stepped back and the next chunk overlaps with new ones', async () => {
    // 128 Hz: the second chunk is stamped 5 ms (0.64 sample) before the first one's end.
    await storeChunk({ channel: 'ECG', rateHz: 128, t0Ms: T0, values: range(0, 128) });
    await storeChunk({ channel: 'ECG', rateHz: 128, t0Ms: T0 + 995, values: range(128, 128) });
    const [ecg, ...rest] = await readWaveformWindow(db, {
      bedId: 'bed-w',
      fromMs: T0,
      toMs: T0 + 4000,
    });
    expect(rest).toEqual([]);
    expect(Array.from(ecg!.values)).toEqual(range(0, 256));
  });

  it('finds a chunk that started up to 60 s before the window', async () => {
    await storeChunk({ channel: 'ECG', rateHz: 500, t0Ms: T0, values: range(0, 30_000) });
    const [ecg] = await readWaveformWindow(db, {
      bedId: 'bed-w',
      fromMs: T0 + 59_000,
      toMs: T0 + 59_010,
    });
    expect(Array.from(ecg!.values)).toEqual(range(29_500, 5));
  });

  it('returns nothing outside the stored time, or for a channel not asked for', async () => {
    await storeChunk({ channel: 'ECG', rateHz: 500, t0Ms: T0, values: range(0, 1000) });
    expect(
      await readWaveformWindow(db, { bedId: 'bed-w', fromMs: T0 + 2000, toMs: T0 + 3000 }),
    ).toEqual([]);
    expect(await readWaveformWindow(db, { bedId: 'bed-w', fromMs: T0 - 1000, toMs: T0 })).toEqual(
      [],
    );
    expect(
      await readWaveformWindow(db, {
        bedId: 'bed-w',
        fromMs: T0,
        toMs: T0 + 1000,
        channels: ['PLETH'],
      }),
    ).toEqual([]);
  });

  it('names the bed, channel and t0 of a damaged chunk', async () => {
    const data = encodeStoredChunk({ channel: 'ECG', rateHz: 500, t0Ms: T0 }, range(0, 100));
    data[data.length - 10] = data[data.length - 10]! ^ 0xff;
    await db.query(
      `INSERT INTO waveform_chunks (id, workstation_id, bed_id, device_id, channel, rate_hz, t0_ms,
         sample_count, encoding, data) VALUES (gen_random_uuid(), 'ws', 'bed-w', 'dev-1', 'ECG', 500, $1, 100, 'wfrc1', $2)`,
      [T0, data],
    );
    await expect(
      readWaveformWindow(db, { bedId: 'bed-w', fromMs: T0, toMs: T0 + 100 }),
    ).rejects.toThrow(`bed bed-w device dev-1 channel ECG at t0 ${T0}`);
  });

  it('reads chunks by an index range on (bed_id, t0_ms)', async () => {
    await db.exec('SET enable_seqscan = off');
    const { rows } = await db.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT device_id FROM waveform_chunks
       WHERE bed_id = 'bed-w' AND t0_ms < 2 AND t0_ms >= 1 AND t0_ms + sample_count * 1000.0 / rate_hz > 1::float8`,
    );
    await db.exec('RESET enable_seqscan');
    expect(rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/waveform_chunks_bed_t0/);
  });
});

describe('readWaveformExtent', () => {
  const insert = (table: string, bed: string, t0: number, count: number, rateHz = 250) => {
    const data = encodeStoredChunk(
      { channel: 'ECG', rateHz, t0Ms: t0 },
      Array.from({ length: count }, (_, i) => i),
    );
    return table === 'waveform_chunks'
      ? db.query(
          `INSERT INTO waveform_chunks (id, workstation_id, bed_id, device_id, channel, rate_hz,
             t0_ms, sample_count, encoding, data)
           VALUES (gen_random_uuid(), 'ws', $1, 'dev-1', 'ECG', $2, $3, $4, 'wfrc1', $5)`,
          [bed, rateHz, t0, count, data],
        )
      : db.query(
          `INSERT INTO waveform_staging (id, bed_id, device_id, channel, rate_hz, t0_ms,
             sample_count, data)
           VALUES (gen_random_uuid(), $1, 'dev-1', 'ECG', $2, $3, $4, $5)`,
          [bed, rateHz, t0, count, data],
        );
  };

  it('is the first sample and the end of the last, over packed rows and staged chunks', async () => {
    // Packed minutes 10 h ago and 1 h ago, then chunks still staged up to now.
    await insert('waveform_chunks', 'bed-x', T0 - 10 * 60 * MINUTE, 250 * 60);
    await insert('waveform_chunks', 'bed-x', T0 - 60 * MINUTE, 250 * 60);
    await insert('waveform_staging', 'bed-x', T0 - 2000, 500);
    await insert('waveform_staging', 'bed-x', T0, 250); // ends at T0 + 1 s
    // A long row that starts earlier but ends later than a shorter last one still counts.
    await insert('waveform_chunks', 'bed-y', T0, 250 * 60); // ends at T0 + 60 s
    await insert('waveform_staging', 'bed-y', T0 + 30_000, 250); // ends at T0 + 31 s
    expect(await readWaveformExtent(db, 'bed-x')).toEqual({
      oldestMs: T0 - 10 * 60 * MINUTE,
      newestMs: T0 + 1000,
    });
    expect(await readWaveformExtent(db, 'bed-y')).toEqual({
      oldestMs: T0,
      newestMs: T0 + 60_000,
    });
    expect(await readWaveformExtent(db, 'bed-nothing')).toBeNull();
  });
});
