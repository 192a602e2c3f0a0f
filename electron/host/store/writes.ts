// Writes one prepared batch of clinical rows in one transaction, as multi-row INSERTs.
import type { PGlite, Transaction } from '@electric-sql/pglite';
import { wholeMs, type PreparedBatch } from './prepared-batch';
import { WAVEFORM_ENCODING } from './waveform-codec';
import { rollupsOf, upsertRollups, type RollupRow } from './rollups';

// PostgreSQL's wire protocol counts bind parameters in an unsigned 16-bit field.
const MAX_BIND_PARAMETERS = 65_535;
// Keeps each statement's payload to a few megabytes even when chunks are long.
const MAX_ROWS_PER_STATEMENT = 1_000;

const WAVEFORM_COLUMNS = [
  'id',
  'workstation_id',
  'bed_id',
  'device_id',
  'channel',
  'rate_hz',
  't0_ms',
  'sample_count',
  'encoding',
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
  const waveformRows = batch.chunks.map((chunk) => [
    chunk.id,
    workstationId,
    chunk.bedId,
    chunk.deviceId,
    chunk.channel,
    chunk.rateHz,
    chunk.t0Ms,
    chunk.sampleCount,
    WAVEFORM_ENCODING,
    chunk.data,
  ]);
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
    await insertRows(tx, 'waveform_chunks', WAVEFORM_COLUMNS, waveformRows, skipExisting);
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
