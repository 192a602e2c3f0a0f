// The sync outbox as the uploader sees it (store worker side): the next batch of one lane, newest
// first, bounded in bytes and rows, as wire rows (shared/sync/tables.ts); acknowledging what the
// server committed; setting aside what it refused; and what waits, from totals kept by triggers
// (migration 015), so a status poll never counts a large outbox. Only reads and short writes:
// the network is the host's business, never a transaction's.
import type { PGlite, Transaction } from '@electric-sql/pglite';
import {
  BLOB_COLUMNS,
  SYNC_LANE,
  SYNC_LANES,
  SYNCED_TABLES,
  syncedColumns,
  type SyncedTable,
} from '../../../shared/sync/tables';
import { CHUNK_BYTES } from './queries';
import { encodePushBlocks } from '../../../shared/sync/push-frame';
import { pushCodec } from '../sync/push-codec';
import { openWireRow, openWireRowsJson, SEALED_WIRE_BLOB } from './encryption/sealed-columns';
import { openBytes } from './encryption/field-cipher';

export type SyncLane = (typeof SYNC_LANES)[number];

/** One queued row, as it travels: columns as syncedColumns names them, bytes as bytes. */
export interface OutboxRow {
  seq: number;
  table: SyncedTable;
  row: Record<string, unknown>;
}

export interface OutboxBatch {
  lane: SyncLane;
  rows: OutboxRow[];
  /** Queued rows whose row is gone (pruned before it was sent): nothing to send, acknowledge. */
  orphanSeqs: number[];
  /** Bytes of the batch's binary columns, plus an estimate for the rest. */
  bytes: number;
}

export interface LaneBacklog {
  lane: SyncLane;
  rows: number;
  /** Stored bytes waiting: binary columns exactly, other rows estimated (ROW_BYTES). */
  bytes: number;
  /** When the oldest row of the lane was queued (UTC ms), null when none waits. */
  oldestAtMs: number | null;
}

export interface OutboxBacklog {
  rows: number;
  bytes: number;
  oldestAtMs: number | null;
  byLane: LaneBacklog[];
  setAside: { count: number; lastReason: string | null; lastAtMs: number | null };
}

/** A row without stored bytes, as the store keeps it (about pg_column_size of a typical row). */
export const ROW_BYTES: Record<SyncedTable, number> = {
  alarm_events: 220,
  audit_events: 200,
  admissions: 180,
  patients: 200,
  alarm_settings: 600,
  annotations: 160,
  news2_observations: 150,
  device_sessions: 200,
  channels: 180,
  numerics: 130,
  waveform_chunks: 160,
  strips: 200,
  sound_recordings: 200,
};

const TIME_COLUMNS = new Set([
  'at_ms',
  't0_ms',
  'from_ms',
  'to_ms',
  'created_at_ms',
  'started_at_ms',
]);
const ISO_MS = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/** A table's wire columns as SQL expressions (times as numbers, dates and instants as text). */
function wireExpressions(table: SyncedTable, prefix = ''): { column: string; sql: string }[] {
  return syncedColumns(table).map((column) => {
    const c = `${prefix}${column}`;
    if (column === 'created_at') {
      // A strip keeps only created_at_ms: its instant is that.
      const at = table === 'strips' ? `to_timestamp(${prefix}created_at_ms / 1000.0)` : c;
      return { column, sql: `to_char(${at} AT TIME ZONE 'UTC', ${ISO_MS})` };
    }
    // Text here (sealed, migration 021), 'YYYY-MM-DD' once opened.
    if (column === 'birth_date') return { column, sql: c };
    if (TIME_COLUMNS.has(column) || column === 'heart_rate_bpm') {
      return { column, sql: `${c}::float8` };
    }
    return { column, sql: c };
  });
}

/** The SELECT list of a table's wire row, each expression named as its column. */
function wireColumns(table: SyncedTable): string {
  return wireExpressions(table)
    .map(({ column, sql }) => (sql === column ? column : `${sql} AS ${column}`))
    .join(', ');
}

const lanesTables = (lane: SyncLane) => SYNCED_TABLES.filter((t) => SYNC_LANE[t] === lane);

/**
 * Runs `work` with the planner held to index scans. PGlite runs no autovacuum, so the outbox has
 * no statistics: on a 300,000-row outbox the planner took a bitmap scan and a sort of every row
 * of the table (255 ms) over the (table_name, seq) index read backwards (4 ms).
 */
async function byIndex<T>(db: PGlite, work: (tx: Transaction) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.exec('SET LOCAL enable_bitmapscan = off; SET LOCAL enable_seqscan = off');
    return work(tx);
  });
}

/**
 * The lane's newest queued rows (ORDER BY seq DESC), at most `maxRows` and, past the first row,
 * at most `maxBytes` (binary columns exactly, others by ROW_BYTES). Binary columns come back as
 * Uint8Arrays that own their buffers. The uploader sends readOutboxFrame's batches, which the
 * database writes as JSON; these rows as values are what that frame is checked against in the
 * tests, and what a tool that wants to look at the outbox reads.
 */
export async function readOutboxBatch(
  db: PGlite,
  {
    lane,
    maxBytes,
    maxRows,
    beforeSeq,
  }: { lane: SyncLane; maxBytes: number; maxRows: number; beforeSeq?: number | undefined },
): Promise<OutboxBatch> {
  return byIndex(db, (tx) =>
    readBatch(tx, lane, maxBytes, Math.max(1, Math.floor(maxRows)), beforeSeq ?? null),
  );
}

async function readBatch(
  db: Transaction,
  lane: SyncLane,
  maxBytes: number,
  limit: number,
  /** Only rows queued before this one (the batch after one still in flight). */
  beforeSeq: number | null,
): Promise<OutboxBatch> {
  const tables = lanesTables(lane);
  // One index range per table (table_name, seq), merged: the lane's newest rows.
  const { rows: queued } = await db.query<{
    seq: number;
    table_name: SyncedTable;
    row_id: string;
    bytes: number | null;
  }>(
    `SELECT seq::float8 AS seq, table_name, row_id, bytes FROM (
       ${tables
         .map(
           (t) =>
             `(SELECT seq, table_name, row_id, bytes FROM sync_outbox WHERE table_name = '${t}'
                 AND ($2::bigint IS NULL OR seq < $2::bigint)
               ORDER BY seq DESC LIMIT $1)`,
         )
         .join(' UNION ALL ')}
     ) q ORDER BY seq DESC LIMIT $1`,
    [limit, beforeSeq],
  );
  const chosen: typeof queued = [];
  let bytes = 0;
  for (const entry of queued) {
    const size = (entry.bytes ?? 0) + ROW_BYTES[entry.table_name];
    if (chosen.length > 0 && bytes + size > maxBytes) break;
    chosen.push(entry);
    bytes += size;
  }
  const byTable = new Map<SyncedTable, string[]>();
  for (const entry of chosen) {
    const ids = byTable.get(entry.table_name) ?? [];
    ids.push(entry.row_id);
    byTable.set(entry.table_name, ids);
  }
  const found = new Map<string, Record<string, unknown>>();
  for (const [table, ids] of byTable) {
    const { rows } = await db.query<Record<string, unknown>>(
      `SELECT ${wireColumns(table)} FROM ${table} WHERE id = ANY($1::uuid[])`,
      [ids],
      CHUNK_BYTES,
    );
    const blobColumn = BLOB_COLUMNS[table];
    for (const row of rows) {
      if (blobColumn) row[blobColumn] = ownBytes(row[blobColumn] as Uint8Array);
      // Sent plain, as before sealing: the server keeps its own data.
      openWireRow(table, row, blobColumn);
      found.set(`${table}/${String(row.id)}`, row);
    }
  }
  const out: OutboxRow[] = [];
  const orphanSeqs: number[] = [];
  for (const entry of chosen) {
    const row = found.get(`${entry.table_name}/${entry.row_id}`);
    if (row) out.push({ seq: entry.seq, table: entry.table_name, row });
    else orphanSeqs.push(entry.seq);
  }
  return { lane, rows: out, orphanSeqs, bytes };
}

/** A batch as it goes on the wire: encoded here, on the store's thread, not the host's. */
export interface OutboxFrame {
  lane: SyncLane;
  /** The push frame (push-frame.ts), in a buffer of its own, to be transferred. */
  frame: Uint8Array;
  /** What the frame holds, in order: to acknowledge, and to match a refusal to its row. */
  entries: { seq: number; table: SyncedTable; id: string }[];
  orphanSeqs: number[];
  bytes: number;
}

/**
 * The lane's next batch (readOutboxBatch), encoded as a push frame. Encoding costs ~3 µs a row:
 * here it is taken from the store's worker, never from the host's main thread that draws and
 * alarms, so batches of thousands of numerics cost live monitoring nothing. Lanes without bytes
 * (alarms and the like, numerics) have their rows written as JSON by the database itself
 * (readJsonFrame); lanes with bytes read rows and bytes as values (few rows, many bytes).
 */
export async function readOutboxFrame(
  db: PGlite,
  options: {
    lane: SyncLane;
    maxBytes: number;
    maxRows: number;
    meta: { protocol: number; workstationId: string; batchId: string };
    beforeSeq?: number | undefined;
  },
): Promise<OutboxFrame> {
  return byIndex(db, (tx) =>
    readJsonFrame(tx, {
      ...options,
      maxRows: Math.max(1, Math.floor(options.maxRows)),
      beforeSeq: options.beforeSeq ?? null,
    }),
  );
}

/** ROW_BYTES as SQL, for the byte bound of a lane read in one query. */
const ROW_BYTES_SQL = `CASE table_name ${SYNCED_TABLES.map(
  (t) => `WHEN '${t}' THEN ${ROW_BYTES[t]}`,
).join(' ')} ELSE 200 END`;

/** A whole number for SQL text (COPY takes no parameters): anything else is refused. */
function sqlInteger(value: number): string {
  if (!Number.isSafeInteger(value)) throw new Error(`not a whole number: ${value}`);
  return String(value);
}

/**
 * A lane's batch, read and written as JSON by the database: which rows (newest first, bounded
 * as readOutboxBatch bounds them), and per table their seqs, ids and wire rows as JSON text that
 * goes into the frame's header as it is. PGlite hands a result to JavaScript one value at a time
 * (~20 µs a row of numerics here); one text per table costs ~10 µs a row. A binary column's
 * value in the rows is its attachment's number; the bytes come in a second statement, a binary
 * COPY in attachment order (~9 ms for 2 MiB of waveform rows, against ~40 ms as bytea's hex).
 */
async function readJsonFrame(
  tx: Transaction,
  options: {
    lane: SyncLane;
    maxBytes: number;
    maxRows: number;
    beforeSeq: number | null;
    meta: { protocol: number; workstationId: string; batchId: string };
  },
): Promise<OutboxFrame> {
  const tables = lanesTables(options.lane);
  const limit = sqlInteger(options.maxRows);
  const before = options.beforeSeq === null ? '' : `AND seq < ${sqlInteger(options.beforeSeq)}`;
  const maxBytes = sqlInteger(Math.max(0, Math.floor(options.maxBytes)));
  const blobTables = tables.filter((t) => BLOB_COLUMNS[t]);
  // Which rows; for binary tables, each present row's attachment number (table by table in lane
  // order, newest first), the order the COPY below gives the bytes in.
  const ctes = `WITH queued AS (
       SELECT seq, table_name, row_id, bytes FROM (
         ${tables
           .map(
             (t) =>
               `(SELECT seq, table_name, row_id, bytes FROM sync_outbox
                 WHERE table_name = '${t}' ${before} ORDER BY seq DESC LIMIT ${limit})`,
           )
           .join(' UNION ALL ')}
       ) q ORDER BY seq DESC LIMIT ${limit}
     ), sized AS (
       SELECT *, sum(coalesce(bytes, 0) + ${ROW_BYTES_SQL}) OVER (ORDER BY seq DESC) AS upto,
              row_number() OVER (ORDER BY seq DESC) AS n
       FROM queued
     ), chosen AS (SELECT * FROM sized WHERE n = 1 OR upto <= ${maxBytes})${
       blobTables.length === 0
         ? ''
         : `, present AS (${blobTables
             .map(
               (t, rank) =>
                 `SELECT c.seq, c.table_name, c.row_id, ${rank} AS rank FROM chosen c
                  JOIN ${t} t ON t.id = c.row_id WHERE c.table_name = '${t}'`,
             )
             .join(' UNION ALL ')}
           ), attached AS (
             SELECT seq, table_name, row_id,
                    row_number() OVER (ORDER BY rank, seq DESC) - 1 AS blob FROM present)`
     }`;
  // One aggregate per table (a lateral join each): its seqs, ids and rows, each JSON text.
  const perTable = tables.map((t, i) => {
    const blobColumn = BLOB_COLUMNS[t];
    const values = wireExpressions(t, 't.')
      .map(({ column, sql }) => (column === blobColumn ? `json_build_object('blob', c.blob)` : sql))
      .join(', ');
    return {
      select: `b${i}.seqs AS "${t}.seqs", b${i}.ids AS "${t}.ids", b${i}.rows AS "${t}.rows"`,
      join: `LEFT JOIN LATERAL (SELECT json_agg(c.seq ORDER BY c.seq DESC)::text AS seqs,
                 json_agg(t.id ORDER BY c.seq DESC)::text AS ids,
                 json_agg(json_build_array(${values}) ORDER BY c.seq DESC)::text AS rows
               FROM ${blobColumn ? 'attached' : 'chosen'} c JOIN ${t} t ON t.id = c.row_id
               WHERE c.table_name = '${t}') b${i} ON true`,
    };
  });
  const { rows } = await tx.query<Record<string, string | number | null>>(
    `${ctes}
     SELECT (SELECT json_agg(seq ORDER BY seq DESC) FROM chosen)::text AS chosen,
            (SELECT coalesce(max(upto), 0) FROM chosen)::float8 AS bytes,
            ${perTable.map((p) => p.select).join(', ')}
     FROM (SELECT 1) one ${perTable.map((p) => p.join).join('\n')}`,
  );
  const result = rows[0]!;
  const chosen = JSON.parse(String(result.chosen ?? '[]')) as number[];
  const blocks: { table: SyncedTable; rowsJson: string }[] = [];
  const entries: OutboxFrame['entries'] = [];
  const sent = new Set<number>();
  for (const table of tables) {
    const rowsJson = result[`${table}.rows`];
    if (typeof rowsJson !== 'string') continue; // none of this table in the batch
    const seqs = JSON.parse(String(result[`${table}.seqs`])) as number[];
    const ids = JSON.parse(String(result[`${table}.ids`])) as string[];
    seqs.forEach((seq, i) => {
      entries.push({ seq, table, id: ids[i]! });
      sent.add(seq);
    });
    blocks.push({ table, rowsJson: openWireRowsJson(table, rowsJson) });
  }
  let blobs: Uint8Array[] = [];
  if (blobTables.length > 0 && entries.length > 0) {
    const copied = await tx.query(
      `COPY (${ctes}
         SELECT CASE a.table_name ${blobTables
           .map((t) => `WHEN '${t}' THEN (SELECT ${BLOB_COLUMNS[t]} FROM ${t} WHERE id = a.row_id)`)
           .join(' ')} END
         FROM attached a ORDER BY a.blob) TO '/dev/blob' WITH (FORMAT binary)`,
    );
    if (!copied.blob) throw new Error('the store gave no bytes for the batch');
    blobs = readBinaryCopyColumn(new Uint8Array(await copied.blob.arrayBuffer()));
    const attached = entries.filter((e) => BLOB_COLUMNS[e.table]).length;
    if (blobs.length !== attached) {
      throw new Error(`the store gave ${blobs.length} attachments for ${attached} rows`);
    }
    // Attachments come table by table in blobTables' order: those kept sealed are opened.
    let first = 0;
    for (const table of blobTables) {
      const count = entries.filter((e) => e.table === table).length;
      if (SEALED_WIRE_BLOB.has(table)) {
        for (let i = first; i < first + count; i += 1) blobs[i] = openBytes(blobs[i]!);
      }
      first += count;
    }
  }
  return {
    lane: options.lane,
    frame:
      entries.length === 0
        ? new Uint8Array(0)
        : encodePushBlocks(options.meta, blocks, blobs, pushCodec),
    entries,
    orphanSeqs: chosen.filter((seq) => !sent.has(seq)),
    bytes: Number(result.bytes ?? 0),
  };
}

const COPY_SIGNATURE = [0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00];

/**
 * The values of a one-column binary COPY (PostgreSQL's documented format: signature, flags,
 * header extension, then per row a field count and each field's length and bytes, -1 at the
 * end), as views of `bytes`. A NULL, a second column or a cut is an error, never a short list.
 */
export function readBinaryCopyColumn(bytes: Uint8Array): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (why: string): never => {
    throw new Error(`the store's binary copy is not as expected: ${why}`);
  };
  if (bytes.byteLength < 19 || COPY_SIGNATURE.some((b, i) => bytes[i] !== b)) fail('signature');
  let at = 15 + 4 + view.getUint32(15);
  const values: Uint8Array[] = [];
  for (;;) {
    if (at + 2 > bytes.byteLength) fail('cut short');
    const fields = view.getInt16(at);
    at += 2;
    if (fields === -1) break;
    if (fields !== 1) fail(`${fields} columns`);
    if (at + 4 > bytes.byteLength) fail('cut short');
    const length = view.getInt32(at);
    at += 4;
    if (length < 0) fail('a NULL value');
    if (at + length > bytes.byteLength) fail('cut short');
    values.push(bytes.subarray(at, at + length));
    at += length;
  }
  return values;
}

/** Bytes in a buffer of their own (Node's hex parser may hand out a slice of a shared pool). */
function ownBytes(bytes: Uint8Array): Uint8Array {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) {
    return new Uint8Array(bytes.buffer, 0, bytes.byteLength);
  }
  return new Uint8Array(bytes);
}

/** Removes rows the server has committed (or that had nothing to send); how many went. */
export async function acknowledgeOutbox(db: PGlite, seqs: readonly number[]): Promise<number> {
  if (seqs.length === 0) return 0;
  const { rows } = await byIndex(db, (tx) =>
    tx.query<{ n: number }>(
      `WITH gone AS (DELETE FROM sync_outbox WHERE seq = ANY($1::bigint[]) RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [seqs],
    ),
  );
  return rows[0]?.n ?? 0;
}

/** Moves refused rows out of the outbox, with the server's reason; how many were moved. */
export async function setOutboxRowsAside(
  db: PGlite,
  refused: readonly { seq: number; reason: string }[],
  atMs: number,
): Promise<number> {
  if (refused.length === 0) return 0;
  const { rows } = await byIndex(db, (tx) =>
    tx.query<{ n: number }>(
      `WITH r AS (SELECT * FROM unnest($1::bigint[], $2::text[]) AS r(seq, reason)),
       moved AS (DELETE FROM sync_outbox o USING r WHERE o.seq = r.seq
                 RETURNING o.seq, o.table_name, o.row_id, r.reason),
       kept AS (INSERT INTO sync_set_aside (seq, table_name, row_id, reason, at_ms)
                SELECT seq, table_name, row_id, left(reason, 2000), $3 FROM moved
                ON CONFLICT (seq) DO NOTHING RETURNING 1)
     SELECT count(*)::int AS n FROM kept`,
      [refused.map((r) => r.seq), refused.map((r) => r.reason), Math.round(atMs)],
    ),
  );
  return rows[0]?.n ?? 0;
}

/**
 * Puts every row set aside back in the outbox under its own seq, so it goes in its place in its
 * lane (an administrator's "send again", once the central server takes what it refused); how
 * many. One whose row was pruned meanwhile is read as nothing to send, like any such queued row.
 */
export async function requeueSetAside(db: PGlite): Promise<number> {
  const sized = SYNCED_TABLES.filter((t) => BLOB_COLUMNS[t])
    .map(
      (t) =>
        `WHEN '${t}' THEN (SELECT octet_length(${BLOB_COLUMNS[t]}) FROM ${t} WHERE id = m.row_id)`,
    )
    .join(' ');
  const { rows } = await db.query<{ n: number }>(
    `WITH moved AS (DELETE FROM sync_set_aside RETURNING seq, table_name, row_id),
     queued AS (INSERT INTO sync_outbox (seq, table_name, row_id, bytes)
                SELECT m.seq, m.table_name, m.row_id, CASE m.table_name ${sized} END FROM moved m
                ON CONFLICT (seq) DO NOTHING RETURNING 1)
     SELECT count(*)::int AS n FROM queued`,
  );
  return rows[0]?.n ?? 0;
}

/** What waits, per lane, from the totals and one index probe per table. */
export async function readOutboxBacklog(db: PGlite): Promise<OutboxBacklog> {
  const { rows: totals } = await db.query<{
    table_name: string;
    rows: number;
    bytes: number;
    oldest_ms: number | null;
  }>(
    `SELECT t.table_name, t.rows::float8 AS rows, t.bytes::float8 AS bytes,
       (SELECT extract(epoch FROM o.created_at) * 1000 FROM sync_outbox o
         WHERE o.table_name = t.table_name ORDER BY o.seq LIMIT 1)::float8 AS oldest_ms
     FROM sync_outbox_totals t WHERE t.rows > 0`,
  );
  const byLane: LaneBacklog[] = SYNC_LANES.map((lane) => ({
    lane,
    rows: 0,
    bytes: 0,
    oldestAtMs: null,
  }));
  for (const total of totals) {
    const table = total.table_name as SyncedTable;
    const lane = byLane[SYNC_LANE[table] ?? 2]!;
    lane.rows += total.rows;
    lane.bytes += total.bytes + total.rows * (ROW_BYTES[table] ?? 200);
    if (total.oldest_ms !== null) {
      const at = Math.round(total.oldest_ms);
      lane.oldestAtMs = lane.oldestAtMs === null ? at : Math.min(lane.oldestAtMs, at);
    }
  }
  const { rows: aside } = await db.query<{
    n: number;
    reason: string | null;
    at_ms: number | null;
  }>(
    `SELECT (SELECT count(*)::int FROM sync_set_aside) AS n, s.reason, s.at_ms::float8 AS at_ms
     FROM (SELECT 1) one LEFT JOIN LATERAL (
       SELECT reason, at_ms FROM sync_set_aside ORDER BY at_ms DESC, seq DESC LIMIT 1) s ON true`,
  );
  const oldest = byLane.flatMap((l) => (l.oldestAtMs === null ? [] : [l.oldestAtMs]));
  return {
    rows: byLane.reduce((n, l) => n + l.rows, 0),
    bytes: byLane.reduce((n, l) => n + l.bytes, 0),
    oldestAtMs: oldest.length > 0 ? Math.min(...oldest) : null,
    byLane,
    setAside: {
      count: aside[0]?.n ?? 0,
      lastReason: aside[0]?.reason ?? null,
      lastAtMs: aside[0]?.at_ms ?? null,
    },
  };
}

/** A small value the sync client keeps (pull cursor, the name IT gave), or null. */
export async function readSyncState(db: PGlite, key: string): Promise<unknown> {
  const { rows } = await db.query<{ value: unknown }>(
    'SELECT value FROM sync_state WHERE key = $1',
    [key],
  );
  return rows[0]?.value ?? null;
}

export async function writeSyncState(db: PGlite, key: string, value: unknown): Promise<void> {
  await db.query(
    `INSERT INTO sync_state (key, value) VALUES ($1, $2)
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [key, JSON.stringify(value)],
  );
}
