// A write batch made ready to store: every row has its id, every chunk its encoded bytes. The
// same bytes go into the journal and into the database, so a replayed batch is the same rows.
import { uuidv7 } from '../../../shared/ids';
import type { WriteBatch } from './protocol';
import type { AlarmEventToStore, NumericToStore } from './store-input';
import { encodeStoredChunk } from './waveform-codec';

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
    chunks: batch.chunks.map((chunk) => {
      const t0Ms = wholeMs(chunk.t0Ms);
      let data: Uint8Array;
      try {
        data = encodeStoredChunk(
          { channel: chunk.channel, rateHz: chunk.rateHz, t0Ms },
          chunk.values,
        );
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new RangeError(
          `samples of device ${chunk.deviceId} channel ${chunk.channel} from t0 ${chunk.t0Ms} cannot be stored: ${reason}`,
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
    }),
    numerics: batch.numerics.map((row) => ({ ...row, id: uuidv7() })),
    alarmEvents: batch.alarmEvents.map((row) => ({ ...row, id: uuidv7() })),
  };
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
