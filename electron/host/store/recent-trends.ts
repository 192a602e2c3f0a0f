// The last 24 h of per-minute trends of the beds someone looks at, kept in the store worker's
// memory: a 24 h trend of 30 parameters is read from here in a few ms instead of ~150 ms of
// PGlite turning rows into JS values. The database stays the truth: a bed's window is loaded from
// it on first use, and afterwards every committed rollup is merged here the way the upsert merges
// it there. Anything outside the window (or wider buckets) is read from the database as before.
import type { PGlite } from '@electric-sql/pglite';
import { readTrend, trendBucketMs, type Trend, type TrendQuery } from './queries';
import { mergeInto, minuteOf, ROLLUP_MINUTE_MS, type RollupRow } from './rollups';

export const RECENT_WINDOW_MS = 24 * 3_600_000;

interface BedWindow {
  /** First minute held; older minutes are read from the database. */
  fromMs: number;
  /** code → minute → rollup */
  codes: Map<string, Map<number, RollupRow>>;
}

interface LoadedRow {
  code: string;
  minute: string;
  n: string;
  sum: string;
  min: string;
  max: string;
  last: string;
  last_at: string;
}

const numbers = (text: string): number[] => (text === '' ? [] : text.split(',').map(Number));

export class RecentTrends {
  readonly #beds = new Map<string, BedWindow>();

  constructor(
    private readonly windowMs = RECENT_WINDOW_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Rollups just committed to the database: merged into the beds held here. */
  apply(rows: readonly RollupRow[]): void {
    for (const row of rows) {
      const bed = this.#beds.get(row.bedId);
      if (!bed || row.minuteMs < bed.fromMs) continue;
      let minutes = bed.codes.get(row.code);
      if (!minutes) bed.codes.set(row.code, (minutes = new Map()));
      const held = minutes.get(row.minuteMs);
      if (held) mergeInto(held, row);
      else minutes.set(row.minuteMs, { ...row });
    }
  }

  /** Forgets a bed (or all): its next read loads it again from the database. */
  invalidate(bedId?: string): void {
    if (bedId === undefined) this.#beds.clear();
    else this.#beds.delete(bedId);
  }

  async read(db: PGlite, query: TrendQuery): Promise<Trend[]> {
    const fromMinute = minuteOf(query.fromMs);
    const oneMinuteBuckets =
      trendBucketMs(query.fromMs, query.toMs, query.maxPoints) === ROLLUP_MINUTE_MS;
    const windowStart = minuteOf(this.now() - this.windowMs);
    if (!oneMinuteBuckets || fromMinute < windowStart) return readTrend(db, query);
    let bed = this.#beds.get(query.bedId);
    if (!bed) {
      bed = await this.#load(db, query.bedId, windowStart);
      this.#beds.set(query.bedId, bed);
    }
    this.#evict(bed, windowStart);
    if (fromMinute < bed.fromMs) return readTrend(db, query);
    return [...new Set(query.codes)].map((code) => {
      const minutes = bed.codes.get(code);
      const rows = minutes
        ? [...minutes.values()].filter((r) => r.minuteMs >= fromMinute && r.minuteMs < query.toMs)
        : [];
      rows.sort((a, b) => a.minuteMs - b.minuteMs);
      return {
        code,
        points: rows.map((r) => ({
          t: r.minuteMs,
          mean: r.sum / r.n,
          min: r.min,
          max: r.max,
          last: r.last,
        })),
      };
    });
  }

  #evict(bed: BedWindow, windowStart: number): void {
    if (windowStart - bed.fromMs < 10 * ROLLUP_MINUTE_MS) return; // now and then, not every read
    for (const minutes of bed.codes.values()) {
      for (const minute of minutes.keys()) if (minute < windowStart) minutes.delete(minute);
    }
    bed.fromMs = windowStart;
  }

  async #load(db: PGlite, bedId: string, fromMs: number): Promise<BedWindow> {
    // One row per code with its columns as strings of numbers (PGlite parses rows slowly).
    const column = (c: string) => `array_to_string(array_agg(${c}), ',')`;
    const { rows } = await db.query<LoadedRow>(
      `SELECT code, ${column('minute_ms')} AS minute, ${column('n')} AS n, ${column('sum')} AS sum,
              ${column('min')} AS min, ${column('max')} AS max, ${column('last')} AS last,
              ${column('last_at_ms')} AS last_at
       FROM numeric_rollups WHERE bed_id = $1 AND minute_ms >= $2 GROUP BY code`,
      [bedId, fromMs],
    );
    const codes = new Map<string, Map<number, RollupRow>>();
    for (const row of rows) {
      const [minute, n, sum, min, max, last, lastAt] = [
        row.minute,
        row.n,
        row.sum,
        row.min,
        row.max,
        row.last,
        row.last_at,
      ].map(numbers);
      const minutes = new Map<number, RollupRow>();
      minute!.forEach((minuteMs, i) =>
        minutes.set(minuteMs, {
          bedId,
          code: row.code,
          minuteMs,
          n: n![i]!,
          sum: sum![i]!,
          min: min![i]!,
          max: max![i]!,
          last: last![i]!,
          lastAtMs: lastAt![i]!,
        }),
      );
      codes.set(row.code, minutes);
    }
    return { fromMs, codes };
  }
}
