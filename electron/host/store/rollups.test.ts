import { PGlite } from '@electric-sql/pglite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyMigrations } from './migrate';
import { migrations } from './migrations/index';
import {
  mergeRollupRows,
  rebuildRollups,
  RollupAccumulator,
  type RollupRow,
  upsertRollups,
} from './rollups';

const T0 = 1_735_689_600_000; // a whole minute

async function storedRollups(db: PGlite): Promise<RollupRow[]> {
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT * FROM numeric_rollups ORDER BY bed_id, code, minute_ms`,
  );
  return rows.map((row) => ({
    bedId: String(row.bed_id),
    code: String(row.code),
    minuteMs: Number(row.minute_ms),
    n: Number(row.n),
    sum: Number(row.sum),
    min: Number(row.min),
    max: Number(row.max),
    last: Number(row.last),
    lastAtMs: Number(row.last_at_ms),
  }));
}

describe('RollupAccumulator', () => {
  it('folds values per bed, code and minute, and forgets them when drained', () => {
    const acc = new RollupAccumulator();
    acc.add('bed-1', 'HR', 70, T0 + 1000);
    acc.add('bed-1', 'HR', 80, T0 + 59_999);
    acc.add('bed-1', 'HR', 60, T0 + 30_000);
    acc.add('bed-1', 'HR', 90, T0 + 60_000);
    acc.add('bed-2', 'HR', 50, T0);
    acc.add('bed-1', 'SPO2', 97, T0);
    const rows = acc.drain();
    expect(rows).toContainEqual({
      bedId: 'bed-1',
      code: 'HR',
      minuteMs: T0,
      n: 3,
      sum: 210,
      min: 60,
      max: 80,
      last: 80,
      lastAtMs: T0 + 59_999,
    });
    expect(rows.find((r) => r.code === 'HR' && r.minuteMs === T0 + 60_000)?.n).toBe(1);
    expect(rows).toHaveLength(4);
    expect(acc.drain()).toEqual([]);
  });

  it('skips values that are not finite', () => {
    const acc = new RollupAccumulator();
    acc.add('bed-1', 'HR', Number.NaN, T0);
    acc.add('bed-1', 'HR', Number.POSITIVE_INFINITY, T0);
    acc.add('bed-1', 'HR', 72, T0);
    expect(acc.drain()).toMatchObject([{ n: 1, sum: 72, min: 72, max: 72 }]);
  });

  it('puts times before 1970 in the minute they fall in', () => {
    const acc = new RollupAccumulator();
    acc.add('bed-1', 'HR', 1, -1);
    expect(acc.drain()[0]!.minuteMs).toBe(-60_000);
  });
});

describe('upsertRollups and rebuildRollups', () => {
  let db: PGlite;
  beforeEach(async () => {
    db = await PGlite.create();
    await applyMigrations(db, migrations);
  });
  afterEach(async () => {
    await db.close();
  });

  it('merges a minute already stored instead of replacing it', async () => {
    const acc = new RollupAccumulator();
    acc.add('bed-1', 'HR', 70, T0 + 10_000);
    acc.add('bed-1', 'HR', 75, T0 + 20_000);
    await upsertRollups(db, acc.drain());
    acc.add('bed-1', 'HR', 50, T0 + 15_000); // late, older than the stored last
    acc.add('bed-1', 'HR', 90, T0 + 5_000);
    await db.transaction((tx) => upsertRollups(tx, acc.drain()));
    expect(await storedRollups(db)).toEqual([
      {
        bedId: 'bed-1',
        code: 'HR',
        minuteMs: T0,
        n: 4,
        sum: 285,
        min: 50,
        max: 90,
        last: 75,
        lastAtMs: T0 + 20_000,
      },
    ]);
    acc.add('bed-1', 'HR', 65, T0 + 40_000);
    await upsertRollups(db, acc.drain());
    expect(await storedRollups(db)).toMatchObject([{ n: 5, last: 65, lastAtMs: T0 + 40_000 }]);
  });

  it('accepts the same minute twice in one call, and more rows than one statement holds', async () => {
    const row = (minute: number, value: number): RollupRow => ({
      bedId: 'bed-1',
      code: 'HR',
      minuteMs: T0 + minute * 60_000,
      n: 1,
      sum: value,
      min: value,
      max: value,
      last: value,
      lastAtMs: T0 + minute * 60_000 + value,
    });
    const rows = Array.from({ length: 2500 }, (_, i) => row(i, 10));
    rows.push(row(0, 20));
    expect(mergeRollupRows(rows)).toHaveLength(2500);
    await upsertRollups(db, rows);
    const stored = await storedRollups(db);
    expect(stored).toHaveLength(2500);
    expect(stored[0]).toMatchObject({ n: 2, sum: 30, min: 10, max: 20, last: 20 });
  });

  it('rebuilds the minutes of a range from numerics, as the accumulator would', async () => {
    const numerics: Array<[string, number, number]> = [
      ['HR', 70, T0 - 1],
      ['HR', 71, T0 + 1_000],
      ['HR', 73, T0 + 50_000],
      ['HR', 72, T0 + 30_000],
      ['HR', Number.NaN, T0 + 55_000],
      ['HR', 80, T0 + 61_000],
      ['SPO2', 97, T0 + 2_000],
      ['HR', 99, T0 + 180_000], // outside the rebuilt range
    ];
    const acc = new RollupAccumulator();
    for (const [i, [code, value, atMs]] of numerics.entries()) {
      await db.query(
        `INSERT INTO numerics (id, workstation_id, bed_id, device_id, code, value, unit, at_ms)
         VALUES ($1, 'ws', 'bed-1', 'dev-1', $2, $3, 'x', $4)`,
        [`00000000-0000-7000-8000-${String(i).padStart(12, '0')}`, code, value, atMs],
      );
      if (atMs >= T0 && atMs < T0 + 120_000) acc.add('bed-1', code, value, atMs);
    }
    // A damaged rollup in range and one outside it that must stay.
    await upsertRollups(db, [
      {
        bedId: 'bed-1',
        code: 'HR',
        minuteMs: T0,
        n: 99,
        sum: 0,
        min: 0,
        max: 0,
        last: 0,
        lastAtMs: T0,
      },
      {
        bedId: 'bed-1',
        code: 'HR',
        minuteMs: T0 - 60_000,
        n: 1,
        sum: 70,
        min: 70,
        max: 70,
        last: 70,
        lastAtMs: T0 - 1,
      },
    ]);
    expect(await rebuildRollups(db, 'bed-1', T0 + 10_000, T0 + 90_000)).toEqual({ rows: 3 });
    const stored = await storedRollups(db);
    const expected = mergeRollupRows(acc.drain());
    expect(stored.filter((r) => r.minuteMs >= T0)).toEqual(
      expect.arrayContaining(expected.map((r) => expect.objectContaining(r))),
    );
    expect(stored).toHaveLength(4);
    expect(stored.find((r) => r.minuteMs === T0 && r.code === 'HR')).toMatchObject({
      n: 3,
      sum: 216,
      last: 73,
    });
  });
});
