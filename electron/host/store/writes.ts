// Writes one batch of clinical rows in one transaction, as multi-row INSERTs.
import type { PGlite, Transaction } from '@electric-sql/pglite';
import { uuidv7 } from '../../../shared/ids';
import type { WaveformChunk, WriteBatch } from './protocol';
import { encodeInt32le, WAVEFORM_ENCODING } from './waveform-codec';

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
];

export async function insertBatch(
  db: PGlite,
  workstationId: string,
  batch: WriteBatch,
): Promise<void> {
  // Encoded before the transaction starts, so a bad sample fails the batch without touching disk.
  const waveformRows = batch.chunks.map((chunk) => [
    uuidv7(),
    workstationId,
    chunk.bedId,
    chunk.deviceId,
    chunk.channel,
    chunk.rateHz,
    wholeMs(chunk.t0Ms),
    chunk.values.length,
    WAVEFORM_ENCODING,
    encodeChunk(chunk),
  ]);
  const numericRows = batch.numerics.map((row) => [
    uuidv7(),
    workstationId,
    row.bedId,
    row.deviceId,
    row.refId,
    row.value,
    row.unit,
    wholeMs(row.at),
  ]);
  const alarmEventRows = batch.alarmEvents.map((row) => [
    uuidv7(),
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
  ]);
  await db.transaction(async (tx) => {
    await insertRows(tx, 'waveform_chunks', WAVEFORM_COLUMNS, waveformRows);
    await insertRows(tx, 'numerics', NUMERIC_COLUMNS, numericRows);
    await insertRows(tx, 'alarm_events', ALARM_EVENT_COLUMNS, alarmEventRows);
  });
}

async function insertRows(
  tx: Transaction,
  table: string,
  columns: readonly string[],
  rows: readonly unknown[][],
): Promise<void> {
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
    await tx.query(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`,
      params,
    );
  }
}

function encodeChunk(chunk: WaveformChunk): Uint8Array {
  try {
    return encodeInt32le(chunk.values);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new RangeError(
      `samples of device ${chunk.deviceId} channel ${chunk.channel} from t0 ${chunk.t0Ms} cannot be stored as ${WAVEFORM_ENCODING}: ${reason}`,
      { cause: error },
    );
  }
}

// Event times are stored as whole UTC milliseconds (bigint columns); sub-ms parts are rounded.
function wholeMs(ms: number): number {
  return Math.round(ms);
}
