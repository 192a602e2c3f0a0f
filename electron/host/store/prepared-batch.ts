// A write batch made ready to store: every row has its id, every chunk its encoded bytes. The
// same bytes go into the journal and into the database, so a replayed batch is the same rows.
import { uuidv7 } from '../../../shared/ids';
import type { WaveformChunk, WriteBatch } from './protocol';
import type { AlarmEventToStore, NumericToStore } from './store-input';
import { encodeStoredChunk } from '../../../shared/codec/waveform-codec';

export interface PreparedChunk {
  id: string;
  bedId: string;
  deviceId: string;
  channel: string;
  rateHz: number;
  t0Ms: number;
  sampleCount: number;
  data: Uint8Array;
}

export interface PreparedBatch {
  chunks: PreparedChunk[];
  numerics: (NumericToStore & { id: string })[];
  alarmEvents: (AlarmEventToStore & { id: string })[];
}

// Event times are stored as whole UTC milliseconds (bigint columns); sub-ms parts are rounded.
export function wholeMs(ms: number): number {
  return Math.round(ms);
}

/** Throws RangeError naming the chunk when a sample cannot be stored. */
export function prepareBatch(batch: WriteBatch): PreparedBatch {
  return {
    chunks: batch.chunks.map(prepareChunk),
    numerics: batch.numerics.map((row) => ({ ...row, id: uuidv7() })),
    alarmEvents: batch.alarmEvents.map((row) => ({ ...row, id: uuidv7() })),
  };
}

/** As prepareBatch, but a chunk that cannot be encoded is left out and named, not thrown. */
export function prepareRows(batch: WriteBatch): { batch: PreparedBatch; refused: string[] } {
  const refused: string[] = [];
  const chunks: PreparedChunk[] = [];
  for (const chunk of batch.chunks) {
    try {
      chunks.push(prepareChunk(chunk));
    } catch (error) {
      refused.push(error instanceof Error ? error.message : String(error));
    }
  }
  return { batch: { ...prepareBatch({ ...batch, chunks: [] }), chunks }, refused };
}

function prepareChunk(chunk: WaveformChunk): PreparedChunk {
  const t0Ms = wholeMs(chunk.t0Ms);
  let data: Uint8Array;
  try {
    data = encodeStoredChunk({ channel: chunk.channel, rateHz: chunk.rateHz, t0Ms }, chunk.values);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new RangeError(
      `samples of bed ${chunk.bedId} device ${chunk.deviceId} channel ${chunk.channel} from t0 ${chunk.t0Ms} cannot be stored: ${reason}`,
      { cause: error },
    );
  }
  return {
    id: uuidv7(),
    bedId: chunk.bedId,
    deviceId: chunk.deviceId,
    channel: chunk.channel,
    rateHz: chunk.rateHz,
    t0Ms,
    sampleCount: chunk.values.length,
    data,
  };
}

/** How many rows a prepared batch holds. */
export function rowCount(batch: PreparedBatch): number {
  return batch.chunks.length + batch.numerics.length + batch.alarmEvents.length;
}

/** The batch cut in two halves of about the same number of rows, kinds kept in order. */
export function halves(batch: PreparedBatch): [PreparedBatch, PreparedBatch] {
  const rows = [
    ...batch.chunks.map((row) => ({ kind: 'chunks' as const, row })),
    ...batch.numerics.map((row) => ({ kind: 'numerics' as const, row })),
    ...batch.alarmEvents.map((row) => ({ kind: 'alarmEvents' as const, row })),
  ];
  const middle = Math.ceil(rows.length / 2);
  const batchOf = (part: typeof rows): PreparedBatch => ({
    chunks: part.flatMap((item) => (item.kind === 'chunks' ? [item.row] : [])),
    numerics: part.flatMap((item) => (item.kind === 'numerics' ? [item.row] : [])),
    alarmEvents: part.flatMap((item) => (item.kind === 'alarmEvents' ? [item.row] : [])),
  });
  return [batchOf(rows.slice(0, middle)), batchOf(rows.slice(middle))];
}

/** The one row of a single-row batch, in words for a log: what, which bed and device, when. */
export function describeRow(batch: PreparedBatch): string {
  const chunk = batch.chunks[0];
  if (chunk) {
    return `${chunk.sampleCount} samples of bed ${chunk.bedId} device ${chunk.deviceId} channel ${chunk.channel} from t0 ${chunk.t0Ms}`;
  }
  const numeric = batch.numerics[0];
  if (numeric) {
    return `numeric ${numeric.refId} of bed ${numeric.bedId} device ${numeric.deviceId} at ${numeric.at}`;
  }
  const event = batch.alarmEvents[0];
  if (event) {
    return `alarm event ${event.event} of ${event.code} (alarm ${event.alarmId}, bed ${event.bedId}, ${event.actor}) at ${event.at}`;
  }
  return 'an empty batch';
}

/** u32 LE length of the JSON part | JSON (rows, chunk metadata) | chunk bytes, in order. */
export function serializeBatch(batch: PreparedBatch): Uint8Array {
  const json = new TextEncoder().encode(
    JSON.stringify({
      chunks: batch.chunks.map(({ data, ...meta }) => ({ ...meta, bytes: data.length })),
      numerics: batch.numerics,
      alarmEvents: batch.alarmEvents,
    }),
  );
  const dataBytes = batch.chunks.reduce((sum, chunk) => sum + chunk.data.length, 0);
  const out = new Uint8Array(4 + json.length + dataBytes);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 4);
  let at = 4 + json.length;
  for (const chunk of batch.chunks) {
    out.set(chunk.data, at);
    at += chunk.data.length;
  }
  return out;
}

export function deserializeBatch(bytes: Uint8Array): PreparedBatch {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonLength = view.getUint32(0, true);
  const parsed = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + jsonLength))) as {
    chunks: (Omit<PreparedChunk, 'data'> & { bytes: number })[];
    numerics: PreparedBatch['numerics'];
    alarmEvents: PreparedBatch['alarmEvents'];
  };
  let at = 4 + jsonLength;
  const chunks = parsed.chunks.map(({ bytes: length, ...meta }) => {
    const data = bytes.slice(at, at + length);
    if (data.length !== length) throw new Error('a journal record ends inside its chunk data');
    at += length;
    return { ...meta, data };
  });
  return { chunks, numerics: parsed.numerics, alarmEvents: parsed.alarmEvents };
}
