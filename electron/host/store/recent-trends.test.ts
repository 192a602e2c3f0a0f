import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from './migrate';
import { migrations } from './migrations/index';
import { prepareBatch } from './prepared-batch';
import { readTrend, type Trend } from './queries';
import { RecentTrends } from './recent-trends';
import { insertPrepared } from './writes';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const CODES = ['MDC_ECG_HEART_RATE', 'MDC_PULS_OXIM_SAT_O2', 'MDC_RESP_RATE'];

/** A reproducible stream of numerics: irregular times, several per minute, some not finite. */
function numerics(seed: number, fromMs: number, count: number) {
  let state = seed;
  const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: count }, (_, i) => ({
    bedId: i % 5 === 0 ? 'bed-2' : 'bed-1',
    deviceId: 'dev',
    refId: CODES[i % CODES.length]!,
    value: i % 97 === 0 ? Number.NaN : Math.round(600 + random() * 400) / 10,
    unit: '/min',
    at: fromMs + Math.floor(random() * 3 * 3_600_000),
  }));
}

function close(a: Trend[], b: Trend[]): void {
  expect(a.map((t) => t.code)).toEqual(b.map((t) => t.code));
  a.forEach((trend, i) => {
    const other = b[i]!.points;
    expect(trend.points.map((p) => p.t)).toEqual(other.map((p) => p.t));
    trend.points.forEach((p, j) => {
      // The database path returns float4 precision (7 significant digits).
      for (const key of ['mean', 'min', 'max', 'last'] as const) {
        expect(p[key]).toBeCloseTo(other[j]![key], 4);
      }
    });
  });
}

describe('recent trends held in memory', () => {
  let db: PGlite;
  const trends = new RecentTrends(24 * 3_600_000, () => NOW);

  async function ingest(rows: ReturnType<typeof numerics>): Promise<void> {
    const batch = prepareBatch({ chunks: [], numerics: rows, alarmEvents: [] });
    trends.apply(await insertPrepared(db, 'ws', batch));
  }

  beforeAll(async () => {
    db = await PGlite.create();
    await applyMigrations(db, migrations);
    await ingest(numerics(1, NOW - 4 * 3_600_000, 3000));
  });
  afterAll(() => db.close());

  it('answers exactly what the database answers, before and after more data arrives', async () => {
    const last3h = { bedId: 'bed-1', codes: CODES, fromMs: NOW - 3 * 3_600_000, toMs: NOW };
    close(await trends.read(db, last3h), await readTrend(db, last3h));
    // More numerics, some in minutes already held: merged here as the upsert merges them there.
    await ingest(numerics(2, NOW - 3 * 3_600_000, 3000));
    close(await trends.read(db, last3h), await readTrend(db, last3h));
    const odd = { ...last3h, fromMs: NOW - 100 * 60_000 + 17_000, toMs: NOW - 7 * 60_000 + 3 };
    close(await trends.read(db, odd), await readTrend(db, odd));
    const other = { ...last3h, bedId: 'bed-2', codes: [...CODES, 'MDC_NOT_MEASURED'] };
    const fromMemory = await trends.read(db, other);
    close(fromMemory, await readTrend(db, other));
    expect(fromMemory.at(-1)).toEqual({ code: 'MDC_NOT_MEASURED', points: [] });
  });

  it('reads older ranges and wider buckets from the database', async () => {
    const old = { bedId: 'bed-1', codes: CODES, fromMs: NOW - 30 * 3_600_000, toMs: NOW };
    close(await trends.read(db, old), await readTrend(db, old));
    const wide = { ...old, fromMs: NOW - 3 * 3_600_000, maxPoints: 50 };
    close(await trends.read(db, wide), await readTrend(db, wide));
  });
});
