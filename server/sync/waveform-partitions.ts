// waveform_chunks is partitioned by day of t0_ms (UTC). A day's partition is made just before the
// first rows of that day are inserted; rows of days outside the window that retention keeps
// (older, or further ahead than a clock should be) go to the default partition. Retention drops
// whole days, and deletes only the expired rows of the default partition, never the partition.
import type { Database, Session } from '../db/database';
import { inTransaction } from '../db/database';

export const DAY_MS = 86_400_000;
/** Days ahead of today that get a partition of their own (a workstation clock a little fast). */
const DAYS_AHEAD = 2;
/** Serialises partition changes between instances sharing one database. */
const PARTITION_LOCK_KEY = 7_310_025_103;

export interface PartitionPolicy {
  retentionDays: number;
  nowMs: () => number;
}

export interface PartitionBounds {
  name: string;
  fromMs: number;
  toMs: number;
}

export function dayStartMs(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

export function partitionName(dayMs: number): string {
  return `waveform_chunks_p${new Date(dayMs).toISOString().slice(0, 10).replaceAll('-', '')}`;
}

/** The first day retention keeps, and the day after the last one that gets a partition. */
export function partitionWindow(nowMs: number, retentionDays: number) {
  const today = dayStartMs(nowMs);
  return { fromMs: today - retentionDays * DAY_MS, toMs: today + (DAYS_AHEAD + 1) * DAY_MS };
}

export async function listDayPartitions(db: Database | Session): Promise<PartitionBounds[]> {
  const { rows } = await db.query<{ name: string; bound: string }>(
    `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
     FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'waveform_chunks'::regclass`,
  );
  const days: PartitionBounds[] = [];
  for (const { name, bound } of rows) {
    const m = /FROM \('?(-?\d+)'?\) TO \('?(-?\d+)'?\)/.exec(bound);
    if (m) days.push({ name, fromMs: Number(m[1]), toMs: Number(m[2]) });
  }
  return days.sort((a, b) => a.fromMs - b.fromMs);
}

export class WaveformPartitions {
  /** Days known to have their partition (only ever added to between retention runs). */
  readonly #made = new Set<number>();

  constructor(
    private readonly db: Database,
    private readonly policy: PartitionPolicy,
  ) {}

  /** Makes the partitions the given chunk start times need, within the window. */
  async prepareFor(t0sMs: Iterable<number>): Promise<void> {
    const window = partitionWindow(this.policy.nowMs(), this.policy.retentionDays);
    const wanted = new Set<number>();
    for (const t0 of t0sMs) {
      const day = dayStartMs(t0);
      if (day >= window.fromMs && day < window.toMs && !this.#made.has(day)) wanted.add(day);
    }
    if (wanted.size === 0) return;
    for (const p of await listDayPartitions(this.db)) this.#made.add(p.fromMs);
    for (const day of wanted) {
      if (!this.#made.has(day)) await this.#make(day);
      this.#made.add(day);
    }
  }

  /** Drops day partitions older than retention keeps and the default partition's expired rows. */
  async applyRetention(): Promise<{ dropped: string[]; deletedFromDefault: number }> {
    const { fromMs: cutoffMs } = partitionWindow(this.policy.nowMs(), this.policy.retentionDays);
    return inTransaction(this.db, async (session) => {
      await session.query('SELECT pg_advisory_xact_lock($1)', [PARTITION_LOCK_KEY]);
      const dropped: string[] = [];
      for (const p of await listDayPartitions(session)) {
        if (p.toMs > cutoffMs) continue;
        await session.query(`DROP TABLE ${quoteName(p.name)}`);
        this.#made.delete(p.fromMs);
        dropped.push(p.name);
      }
      const deleted = await session.query('DELETE FROM waveform_chunks_default WHERE t0_ms < $1', [
        cutoffMs,
      ]);
      return { dropped, deletedFromDefault: deleted.rowCount ?? 0 };
    });
  }

  async #make(dayMs: number): Promise<void> {
    const name = partitionName(dayMs);
    const endMs = dayMs + DAY_MS;
    await inTransaction(this.db, async (session) => {
      await session.query('SELECT pg_advisory_xact_lock($1)', [PARTITION_LOCK_KEY]);
      const existing = await listDayPartitions(session);
      if (existing.some((p) => p.fromMs === dayMs)) return;
      // Rows of this day that reached the default partition earlier (when the day was beyond the
      // window) move into the new partition, which attaching requires.
      await session.query(
        `CREATE TABLE ${name} (LIKE waveform_chunks INCLUDING DEFAULTS INCLUDING STORAGE)`,
      );
      await session.query(
        `WITH moved AS (DELETE FROM waveform_chunks_default WHERE t0_ms >= $1 AND t0_ms < $2
           RETURNING *)
         INSERT INTO ${name} SELECT * FROM moved`,
        [dayMs, endMs],
      );
      await session.query(
        `ALTER TABLE waveform_chunks ATTACH PARTITION ${name} FOR VALUES FROM (${dayMs}) TO (${endMs})`,
      );
    });
  }
}

function quoteName(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
