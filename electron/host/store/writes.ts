// Writes one prepared batch of clinical rows in one transaction, as multi-row INSERTs. Waveform
// chunks go to waveform_staging, to be packed once their minute is complete (packing.ts).
import type { PGlite, Transaction } from '@electric-sql/pglite';
import { wholeMs, type PreparedBatch, type PreparedChunk } from './prepared-batch';
import { rollupsOf, upsertRollups, type RollupRow } from './rollups';
import { MAX_CHUNK_SPAN_MS } from './queries';

// PostgreSQL's wire protocol counts bind parameters in an unsigned 16-bit field.
const MAX_BIND_PARAMETERS = 65_535;
// Keeps each statement's payload to a few megabytes even when chunks are long.
const MAX_ROWS_PER_STATEMENT = 1_000;

const STAGED_COLUMNS = [
  'id',
  'bed_id',
  'device_id',
  'channel',
  'rate_hz',
  't0_ms',
  'sample_count',
  'data',
];
const NUMERIC_COLUMNS = [
  'id',
  'workstation_id',
  'bed_id',
  'device_id',
  'code',
  'value',
  'unit',
  'at_ms',
];
const ALARM_EVENT_COLUMNS = [
  'id',
  'workstation_id',
  'bed_id',
  'alarm_id',
  'event',
  'kind',
  'priority',
  'code',
  'message',
  'value',
  'limit_value',
  'actor',
  'at_ms',
  'reason',
  'origin',
];

export interface InsertOptions {
  /** Replaying the journal: rows already stored (same id) are skipped, not an error. */
  skipExisting?: boolean;
}

/**
 * Inserts one prepared batch in one transaction, with the per-minute rollups of the numerics
 * actually inserted (all of them, unless replaying rows the database already holds). Returns
 * those rollups, so what is held in memory can follow.
 */
export async function insertPrepared(
  db: PGlite,
  workstationId: string,
  batch: PreparedBatch,
  { skipExisting = false }: InsertOptions = {},
): Promise<RollupRow[]> {
  const stagedRow = (chunk: PreparedChunk) => [
    chunk.id,
    chunk.bedId,
    chunk.deviceId,
    chunk.channel,
    chunk.rateHz,
    chunk.t0Ms,
    chunk.sampleCount,
    chunk.data,
  ];
  const numericRows = batch.numerics.map((row) => [
    row.id,
    workstationId,
    row.bedId,
    row.deviceId,
    row.refId,
    row.value,
    row.unit,
    wholeMs(row.at),
  ]);
  const alarmEventRows = batch.alarmEvents.map((row) => [
    row.id,
    workstationId,
    row.bedId,
    row.alarmId,
    row.event,
    row.kind,
    row.priority,
    row.code,
    row.message,
    row.value,
    row.limit,
    row.actor,
    wholeMs(row.at),
    row.reason ?? null,
    row.origin ?? null,
  ]);
  return db.transaction(async (tx) => {
    // Sent again or replayed, a chunk may have been staged and packed since: not staged twice.
    const chunks = skipExisting ? await notPackedYet(tx, batch.chunks) : batch.chunks;
    await insertRows(tx, 'waveform_staging', STAGED_COLUMNS, chunks.map(stagedRow), skipExisting);
    const inserted = await insertRows(tx, 'numerics', NUMERIC_COLUMNS, numericRows, skipExisting);
    await insertRows(tx, 'alarm_events', ALARM_EVENT_COLUMNS, alarmEventRows, skipExisting);
    const stored = skipExisting
      ? batch.numerics.filter((row) => inserted.has(row.id))
      : batch.numerics;
    // In the same transaction: a replayed numeric is counted in its minute exactly once.
    const rollups = rollupsOf(stored);
    await upsertRollups(tx, rollups);
    return rollups;
  });
}

/** Inserts the rows; with skipExisting, returns the ids actually inserted. */
async function insertRows(
  tx: Transaction,
  table: string,
  columns: readonly string[],
  rows: readonly unknown[][],
  skipExisting: boolean,
): Promise<Set<string>> {
  const inserted = new Set<string>();
  const rowsPerStatement = Math.min(
    MAX_ROWS_PER_STATEMENT,
    Math.floor(MAX_BIND_PARAMETERS / columns.length),
  );
  for (let start = 0; start < rows.length; start += rowsPerStatement) {
    const params: unknown[] = [];
    const tuples = rows.slice(start, start + rowsPerStatement).map((row) => {
      const placeholders = row.map((value) => `$${params.push(value)}`);
      return `(${placeholders.join(', ')})`;
    });
    const sql = `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`;
    if (!skipExisting) {
      await tx.query(sql, params);
      continue;
    }
    const { rows: ids } = await tx.query<{ id: string }>(
      `${sql} ON CONFLICT (id) DO NOTHING RETURNING id`,
      params,
    );
    for (const { id } of ids) inserted.add(id);
  }
  return inserted;
}

/**
 * The chunks no packed row holds yet. Packing joins whole chunks on their row's sample grid (to
 * the ms), so a chunk it packed lies within one packed row of its channel, to half a ms.
 */
async function notPackedYet(
  tx: Transaction,
  chunks: readonly PreparedChunk[],
): Promise<PreparedChunk[]> {
  if (chunks.length === 0) return [];
  const { rows } = await tx.query<{ i: number }>(
    `SELECT v.i::int AS i
     FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::bigint[], $6::int[])
       WITH ORDINALITY AS v(bed_id, device_id, channel, rate_hz, t0_ms, sample_count, i)
     WHERE EXISTS (
       SELECT 1 FROM waveform_chunks p
       WHERE p.bed_id = v.bed_id AND p.t0_ms <= v.t0_ms AND p.t0_ms >= v.t0_ms - ${MAX_CHUNK_SPAN_MS}
         AND p.device_id = v.device_id AND p.channel = v.channel AND p.rate_hz = v.rate_hz
         AND p.t0_ms + p.sample_count * 1000.0 / p.rate_hz
             >= v.t0_ms + v.sample_count * 1000.0 / v.rate_hz - 0.501)`,
    [
      chunks.map((c) => c.bedId),
      chunks.map((c) => c.deviceId),
      chunks.map((c) => c.channel),
      chunks.map((c) => c.rateHz),
      chunks.map((c) => c.t0Ms),
      chunks.map((c) => c.sampleCount),
    ],
  );
  const packed = new Set(rows.map((row) => row.i - 1));
  return chunks.filter((_, i) => !packed.has(i));
}
