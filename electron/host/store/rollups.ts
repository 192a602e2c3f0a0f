// Per-minute trends of numerics (numeric_rollups): accumulated in memory while ingesting, merged
// into the table by upsert, and rebuilt from the numerics themselves when they need repair.
import type { PGlite, Transaction } from '@electric-sql/pglite';

export const ROLLUP_MINUTE_MS = 60_000;

/** One row of numeric_rollups: the numerics of one code on one bed within one UTC minute. */
export interface RollupRow {
  bedId: string;
  code: string;
  /** Start of the minute, UTC ms, a multiple of ROLLUP_MINUTE_MS. */
  minuteMs: number;
  n: number;
  sum: number;
  min: number;
  max: number;
  last: number;
  lastAtMs: number;
}

export const minuteOf = (atMs: number): number =>
  Math.floor(atMs / ROLLUP_MINUTE_MS) * ROLLUP_MINUTE_MS;

/** Folds numerics into per-minute rollups until drained; pure, no I/O. */
export class RollupAccumulator {
  private readonly rows = new Map<string, RollupRow>();

  /** Skips values that are not finite (a device's "no reading"), which a mean cannot hold. */
  add(bedId: string, code: string, value: number, atMs: number): void {
    if (!Number.isFinite(value) || !Number.isFinite(atMs)) return;
    const minuteMs = minuteOf(atMs);
    const key = rollupKey(bedId, code, minuteMs);
    const row = this.rows.get(key);
    if (row) mergeInto(row, { bedId, code, minuteMs, ...single(value, atMs) });
    else this.rows.set(key, { bedId, code, minuteMs, ...single(value, atMs) });
  }

  get size(): number {
    return this.rows.size;
  }

  /** Returns every rollup accumulated since the last drain and forgets them. */
  drain(): RollupRow[] {
    const rows = [...this.rows.values()];
    this.rows.clear();
    return rows;
  }
}

/** The per-minute rollups of some numerics (times rounded to whole ms, as they are stored). */
export function rollupsOf(
  numerics: Iterable<{ bedId: string; refId: string; value: number; at: number }>,
): RollupRow[] {
  const accumulator = new RollupAccumulator();
  for (const n of numerics) accumulator.add(n.bedId, n.refId, n.value, Math.round(n.at));
  return accumulator.drain();
}

/** Merges rows into numeric_rollups; a minute already stored is combined, not replaced. */
export async function upsertRollups(
  tx: Transaction | PGlite,
  rows: readonly RollupRow[],
): Promise<void> {
  // One statement may not touch a key twice (ON CONFLICT), so merge duplicates first.
  const merged = mergeRollupRows(rows);
  for (let start = 0; start < merged.length; start += ROWS_PER_STATEMENT) {
    const params: unknown[] = [];
    const tuples = merged.slice(start, start + ROWS_PER_STATEMENT).map((row) => {
      const values = [
        row.bedId,
        row.code,
        row.minuteMs,
        row.n,
        row.sum,
        row.min,
        row.max,
        row.last,
        row.lastAtMs,
      ];
      return `(${values.map((value) => `$${params.push(value)}`).join(', ')})`;
    });
    await tx.query(
      `INSERT INTO numeric_rollups AS r (bed_id, code, minute_ms, n, sum, min, max, last, last_at_ms)
       VALUES ${tuples.join(', ')}
       ON CONFLICT (bed_id, code, minute_ms) DO UPDATE SET
         n = r.n + EXCLUDED.n,
         sum = r.sum + EXCLUDED.sum,
         min = least(r.min, EXCLUDED.min),
         max = greatest(r.max, EXCLUDED.max),
         last = CASE WHEN EXCLUDED.last_at_ms >= r.last_at_ms THEN EXCLUDED.last ELSE r.last END,
         last_at_ms = greatest(r.last_at_ms, EXCLUDED.last_at_ms)`,
      params,
    );
  }
}

// 9 parameters per row, well under PostgreSQL's 65535 bind parameters.
const ROWS_PER_STATEMENT = 1000;

/** Rewrites the rollups of one bed for the whole minutes covering [fromMs, toMs) from numerics. */
export async function rebuildRollups(
  db: PGlite,
  bedId: string,
  fromMs: number,
  toMs: number,
): Promise<{ rows: number }> {
  const firstMinuteMs = minuteOf(fromMs);
  const endMinuteMs = Math.ceil(toMs / ROLLUP_MINUTE_MS) * ROLLUP_MINUTE_MS;
  return db.transaction(async (tx) => {
    await tx.query(
      `DELETE FROM numeric_rollups WHERE bed_id = $1 AND minute_ms >= $2 AND minute_ms < $3`,
      [bedId, firstMinuteMs, endMinuteMs],
    );
    // Later writes win ties on at_ms, as in the accumulator; ids are UUIDv7, so in write order.
    const result = await tx.query(
      `INSERT INTO numeric_rollups (bed_id, code, minute_ms, n, sum, min, max, last, last_at_ms)
       SELECT bed_id, code, floor(at_ms / ${ROLLUP_MINUTE_MS}.0)::bigint * ${ROLLUP_MINUTE_MS},
              count(*), sum(value), min(value), max(value),
              (array_agg(value ORDER BY at_ms DESC, created_at DESC, id DESC))[1], max(at_ms)
       FROM numerics
       WHERE bed_id = $1 AND at_ms >= $2 AND at_ms < $3
         AND value NOT IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8)
       GROUP BY bed_id, code, 3`,
      [bedId, firstMinuteMs, endMinuteMs],
    );
    return { rows: result.affectedRows ?? 0 };
  });
}

/** Combines rows of the same bed, code and minute into one. */
export function mergeRollupRows(rows: readonly RollupRow[]): RollupRow[] {
  const merged = new Map<string, RollupRow>();
  for (const row of rows) {
    const key = rollupKey(row.bedId, row.code, row.minuteMs);
    const existing = merged.get(key);
    if (existing) mergeInto(existing, row);
    else merged.set(key, { ...row });
  }
  return [...merged.values()];
}

export function mergeInto(into: RollupRow, row: RollupRow): void {
  into.n += row.n;
  into.sum += row.sum;
  into.min = Math.min(into.min, row.min);
  into.max = Math.max(into.max, row.max);
  if (row.lastAtMs >= into.lastAtMs) {
    into.last = row.last;
    into.lastAtMs = row.lastAtMs;
  }
}

const single = (value: number, atMs: number) => ({
  n: 1,
  sum: value,
  min: value,
  max: value,
  last: value,
  lastAtMs: atMs,
});

const rollupKey = (bedId: string, code: string, minuteMs: number) =>
  `${bedId}\u0000${code}\u0000${minuteMs}`;
