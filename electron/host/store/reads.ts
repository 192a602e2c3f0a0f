// Reads answered by the store worker: waveform chunks of one channel, and row counts.
import type { PGlite } from '@electric-sql/pglite';
import type { SampleQuery, StoreCounts, StoredWaveformBlock } from './protocol';
import { decodeStoredChunk, WAVEFORM_ENCODING } from '../../../shared/codec/waveform-codec';
import { CHUNK_BYTES } from './queries';

interface WaveformChunkRow {
  t0_ms: number;
  rate_hz: number;
  sample_count: number;
  encoding: string;
  data: Uint8Array;
}

/** Whole chunks whose samples fall at least partly within [fromMs, toMs], ordered by t0. */
export async function readSamples(db: PGlite, query: SampleQuery): Promise<StoredWaveformBlock[]> {
  const params: unknown[] = [query.deviceId, query.channel];
  const conditions = ['device_id = $1', 'channel = $2'];
  if (query.toMs !== undefined) {
    // t0_ms is whole ms, so flooring keeps the index range exact.
    conditions.push(`t0_ms <= $${params.push(Math.floor(query.toMs))}`);
  }
  if (query.fromMs !== undefined) {
    conditions.push(
      `t0_ms + (sample_count - 1) * (1000 / rate_hz) >= $${params.push(query.fromMs)}::float8`,
    );
  }
  const where = conditions.join(' AND ');
  // Packed rows and chunks still staged (packing.ts), alike.
  const { rows } = await db.query<WaveformChunkRow>(
    `SELECT t0_ms, rate_hz, sample_count, encoding, data FROM (
       SELECT id, t0_ms, rate_hz, sample_count, encoding, data FROM waveform_chunks WHERE ${where}
       UNION ALL
       SELECT id, t0_ms, rate_hz, sample_count, '${WAVEFORM_ENCODING}', data
       FROM waveform_staging WHERE ${where}) c
     ORDER BY t0_ms, id`,
    params,
    CHUNK_BYTES,
  );
  return rows.map((row) => {
    let values: Int32Array;
    try {
      values = decodeStoredChunk(row.encoding, row.data, row.sample_count);
    } catch (error) {
      throw new Error(`The waveform chunk at t0 ${row.t0_ms} cannot be read: ${String(error)}`, {
        cause: error,
      });
    }
    return { t0: Number(row.t0_ms), rateHz: row.rate_hz, values };
  });
}

export async function countRows(db: PGlite): Promise<StoreCounts> {
  const { rows } = await db.query<Record<string, number | bigint>>(
    `SELECT (SELECT count(*) FROM waveform_chunks) AS waveform_chunks,
            (SELECT count(*) FROM waveform_staging) AS staged_chunks,
            (SELECT coalesce(sum(sample_count), 0) FROM waveform_chunks)
              + (SELECT coalesce(sum(sample_count), 0) FROM waveform_staging) AS samples,
            (SELECT count(*) FROM numerics) AS numerics,
            (SELECT count(*) FROM alarm_events) AS alarm_events`,
  );
  const row = rows[0] ?? {};
  return {
    waveformChunks: Number(row.waveform_chunks ?? 0),
    stagedChunks: Number(row.staged_chunks ?? 0),
    samples: Number(row.samples ?? 0),
    numerics: Number(row.numerics ?? 0),
    alarmEvents: Number(row.alarm_events ?? 0),
  };
}
