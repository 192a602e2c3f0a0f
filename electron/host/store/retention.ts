// How long the workstation keeps what it stored, and the pruning that enforces it in small steps
// the caller interleaves with ingest, so one long DELETE never stalls the store.
import type { PGlite } from '@electric-sql/pglite';
import { minuteOf } from './rollups';
import { PRUNE_AUDIT_SQL } from './audit-retention';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface RetentionPolicy {
  /** waveform_chunks and waveform_staging, by t0_ms. */
  waveformsMs: number;
  /** numerics and numeric_rollups. */
  trendsMs: number;
  /** alarm_events, annotations, audit_events and strips; never before they have left sync_outbox. */
  eventsMs: number;
  /**
   * Waveforms and numerics too are kept until they have left sync_outbox, however old: set while
   * the workstation is enrolled with a central server (sync/), so unsent data are never pruned
   * (a disk that fills with them is a technical alarm instead). Unset, they go by age alone.
   */
  signalsWaitForSync?: boolean;
}

/** The policy's lengths of time. */
type RetentionSpan = 'waveformsMs' | 'trendsMs' | 'eventsMs';

export const DEFAULT_RETENTION: RetentionPolicy = {
  waveformsMs: 72 * HOUR_MS,
  trendsMs: 30 * DAY_MS,
  eventsMs: 30 * DAY_MS,
};

export const DEFAULT_PRUNE_ROWS = 5000;

interface PrunedTable {
  table: string;
  timeColumn: string;
  /** Leading columns of an index ending in timeColumn: pruned per group, by index range. */
  groupColumns: readonly string[];
  keyColumns: readonly string[];
  keepFor: RetentionSpan;
  /** Event rows stay until the central server has them; signals are kept only for a while. */
  waitForSync: boolean;
  /** Whether sync_outbox may point at rows of this table. */
  synced: boolean;
}

const PRUNED_TABLES: readonly PrunedTable[] = [
  signalTable('waveform_chunks', 't0_ms', ['bed_id'], 'waveformsMs'),
  // Chunks not packed yet (a minute with a damaged chunk): never synced.
  { ...signalTable('waveform_staging', 't0_ms', ['bed_id'], 'waveformsMs'), synced: false },
  signalTable('numerics', 'at_ms', ['bed_id', 'code'], 'trendsMs'),
  {
    table: 'numeric_rollups',
    timeColumn: 'minute_ms',
    groupColumns: ['bed_id', 'code'],
    keyColumns: ['bed_id', 'code', 'minute_ms'],
    keepFor: 'trendsMs',
    waitForSync: false,
    synced: false,
  },
  // Event tables are small: one scan that skips what is still queued is cheaper than per bed.
  eventTable('alarm_events'),
  eventTable('annotations'),
  eventTable('audit_events'),
  // Printed strips go with the events they document.
  { ...eventTable('strips'), timeColumn: 'to_ms' },
];

/**
 * Deletes, oldest first, at most maxRows rows of each table that the policy no longer keeps.
 * `more` says some table hit maxRows, so another step may find more to delete.
 */
export async function pruneStep(
  db: PGlite,
  policy: RetentionPolicy,
  nowMs: number,
  maxRows = DEFAULT_PRUNE_ROWS,
): Promise<{ deleted: Record<string, number>; more: boolean }> {
  if (!(maxRows >= 1)) throw new RangeError(`maxRows must be at least 1, not ${maxRows}`);
  const deleted: Record<string, number> = {};
  let more = false;
  for (const table of PRUNED_TABLES) {
    let beforeMs = Math.floor(nowMs - policy[table.keepFor]);
    // A rollup minute goes only once every numeric in it could have gone.
    if (table.table === 'numeric_rollups') beforeMs = minuteOf(beforeMs);
    const waits = table.waitForSync || (table.synced && policy.signalsWaitForSync === true);
    // Audit entries go only from the start of their hash chain (audit-retention.ts).
    const sql =
      table.table === 'audit_events' ? PRUNE_AUDIT_SQL : pruneSql({ ...table, waitForSync: waits });
    const { rows } = await db.query<{ n: number }>(sql, [beforeMs, Math.floor(maxRows)]);
    const n = Number(rows[0]?.n ?? 0);
    deleted[table.table] = n;
    if (n >= maxRows) more = true;
  }
  return { deleted, more };
}

/** One statement: pick the oldest expired rows ($1 = before ms, $2 = row limit), delete them. */
function pruneSql(t: PrunedTable): string {
  const picked = [...new Set([...t.keyColumns, t.timeColumn])];
  const stillQueued = `EXISTS (SELECT 1 FROM sync_outbox o
      WHERE o.table_name = '${t.table}' AND o.row_id = x.id)`;
  const expired = `x.${t.timeColumn} < $1${t.waitForSync ? ` AND NOT ${stillQueued}` : ''}`;
  const oldest = (where: string) =>
    `SELECT ${picked.map((c) => `x.${c}`).join(', ')} FROM ${t.table} x
     WHERE ${where} ORDER BY x.${t.timeColumn} LIMIT $2`;
  const groups = t.groupColumns;
  const doomed =
    groups.length === 0
      ? oldest(expired)
      : // A loose index scan over the groups, then each group's oldest rows by index range.
        `WITH RECURSIVE grp AS (
           (SELECT ${groups.join(', ')} FROM ${t.table} ORDER BY ${groups.join(', ')} LIMIT 1)
           UNION ALL
           SELECT nxt.* FROM grp, LATERAL (
             SELECT ${groups.map((c) => `x.${c}`).join(', ')} FROM ${t.table} x
             WHERE (${groups.map((c) => `x.${c}`).join(', ')}) > (${groups.map((c) => `grp.${c}`).join(', ')})
             ORDER BY ${groups.map((c) => `x.${c}`).join(', ')} LIMIT 1) nxt
         )
         SELECT c.* FROM grp, LATERAL (
           ${oldest(`${groups.map((c) => `x.${c} = grp.${c}`).join(' AND ')} AND ${expired}`)}
         ) c ORDER BY c.${t.timeColumn} LIMIT $2`;
  const keys = t.keyColumns.join(', ');
  const unqueue = t.synced
    ? `, unqueued AS (DELETE FROM sync_outbox
         WHERE table_name = '${t.table}' AND row_id IN (SELECT id FROM gone))`
    : '';
  return `WITH doomed AS (${doomed}),
    gone AS (DELETE FROM ${t.table} WHERE (${keys}) IN (SELECT ${keys} FROM doomed)
             RETURNING ${t.synced ? 'id' : '1'})${unqueue}
    SELECT count(*)::int AS n FROM gone`;
}

function signalTable(
  table: string,
  timeColumn: string,
  groupColumns: readonly string[],
  keepFor: RetentionSpan,
): PrunedTable {
  return {
    table,
    timeColumn,
    groupColumns,
    keyColumns: ['id'],
    keepFor,
    waitForSync: false,
    synced: true,
  };
}

function eventTable(table: string): PrunedTable {
  return {
    table,
    timeColumn: 'at_ms',
    groupColumns: [],
    keyColumns: ['id'],
    keepFor: 'eventsMs',
    waitForSync: true,
    synced: true,
  };
}
