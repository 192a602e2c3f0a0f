// Reads for review screens: trends from the per-minute rollups, and waveform strips cut to the
// exact window asked for.
import { types, type PGlite, type QueryOptions } from '@electric-sql/pglite';
import { ROLLUP_MINUTE_MS } from './rollups';
import { decodeStoredChunk, WAVEFORM_ENCODING } from '../../../shared/codec/waveform-codec';
import {
  cutWaveformWindow,
  MAX_CHUNK_SPAN_MS,
  type WaveformSegment,
} from '../../../shared/codec/waveform-window';

// Rows are cut to a window in shared/: the central server keeps the same rows and cuts them alike.
export { MAX_CHUNK_SPAN_MS, type WaveformSegment };

export const DEFAULT_TREND_MAX_POINTS = 1500;

/**
 * Options for queries returning chunk bytes. PGlite's own bytea parser walks the hex text in
 * JavaScript: the ~150 kB of a 10 s strip of minute rows took ~30 ms here; Node's is native (~1).
 */
export const CHUNK_BYTES: QueryOptions = {
  parsers: { [types.BYTEA]: (hex: string) => Buffer.from(hex.slice(2), 'hex') },
};

export interface TrendQuery {
  bedId: string;
  codes: readonly string[];
  fromMs: number;
  toMs: number;
  /** At most this many points per code; longer ranges are averaged into wider buckets. */
  maxPoints?: number;
}

export interface TrendPoint {
  /** Start of the bucket, UTC ms. */
  t: number;
  mean: number;
  min: number;
  max: number;
  /** The newest value within the bucket. */
  last: number;
}

export interface Trend {
  code: string;
  points: TrendPoint[];
}

// One row per code, its buckets as arrays: PGlite parses a few long arrays far faster than
// tens of thousands of rows (24 h × 30 codes: ~90 ms against ~550 ms).
interface TrendRow {
  code: string;
  /** Comma-separated numbers, one per point, in time order. */
  t: string;
  mean: string;
  min: string;
  max: string;
  last: string;
}

const numbers = (text: string): number[] => (text === '' ? [] : text.split(',').map(Number));

/** Trends of the given codes over [fromMs, toMs), one entry per code in the order asked. */
export async function readTrend(db: PGlite, query: TrendQuery): Promise<Trend[]> {
  const bucketMs = trendBucketMs(query.fromMs, query.toMs, query.maxPoints);
  const codes = [...new Set(query.codes)];
  const byCode = new Map<string, TrendPoint[]>();
  if (codes.length > 0 && query.toMs > query.fromMs) {
    const origin = Math.floor(query.fromMs / ROLLUP_MINUTE_MS) * ROLLUP_MINUTE_MS;
    const where = 'bed_id = $1 AND code = ANY($2::text[]) AND minute_ms >= $3 AND minute_ms < $4';
    // One-minute buckets are the rollup rows themselves; wider ones are aggregated, aligned to
    // the epoch so panning a view does not move its points.
    const points =
      bucketMs === ROLLUP_MINUTE_MS
        ? `SELECT code, minute_ms::float8 AS t, sum / n AS mean, min, max, last
           FROM numeric_rollups WHERE ${where}`
        : `SELECT code, floor(minute_ms / $5::float8) * $5::float8 AS t,
                  sum(sum) / sum(n) AS mean, min(min) AS min, max(max) AS max,
                  (array_agg(last ORDER BY last_at_ms DESC))[1] AS last
           FROM numeric_rollups WHERE ${where}
           GROUP BY code, 2`;
    // Each code's points come back as five strings of numbers: turning tens of thousands of rows
    // (or array elements) into JS values is what costs most in PGlite, not the query itself. So
    // times go as whole minutes from the range's first minute, values as float4 (7 significant
    // digits, beyond any monitor's resolution), and the points are sorted once, not per column.
    const column = (expression: string) => `array_to_string(array_agg(${expression}), ',')`;
    const { rows } = await db.query<TrendRow>(
      `SELECT code, ${column('((t - $3) / 60000)::int')} AS t, ${column('mean::float4')} AS mean,
              ${column('min::float4')} AS min, ${column('max::float4')} AS max,
              ${column('last::float4')} AS last
       FROM (${points} ORDER BY code, t) p GROUP BY code`,
      [
        query.bedId,
        codes,
        origin,
        query.toMs,
        ...(bucketMs === ROLLUP_MINUTE_MS ? [] : [bucketMs]),
      ],
    );
    for (const row of rows) {
      const [t, mean, min, max, last] = [row.t, row.mean, row.min, row.max, row.last].map(numbers);
      byCode.set(
        row.code,
        t!.map((minutes, i) => ({
          t: origin + minutes * ROLLUP_MINUTE_MS,
          mean: mean![i]!,
          min: min![i]!,
          max: max![i]!,
          last: last![i]!,
        })),
      );
    }
  }
  return codes.map((code) => ({ code, points: byCode.get(code) ?? [] }));
}

/** Width of a trend bucket: one minute, or whole minutes wide enough for maxPoints. */
export function trendBucketMs(
  fromMs: number,
  toMs: number,
  maxPoints = DEFAULT_TREND_MAX_POINTS,
): number {
  if (!(maxPoints >= 1)) throw new RangeError(`maxPoints must be at least 1, not ${maxPoints}`);
  const minutes = Math.ceil(toMs / ROLLUP_MINUTE_MS) - Math.floor(fromMs / ROLLUP_MINUTE_MS);
  if (minutes <= maxPoints) return ROLLUP_MINUTE_MS;
  // Epoch-aligned buckets can straddle both ends of the range: one more than minutes / width.
  const minutesPerBucket = Math.ceil(minutes / Math.max(1, Math.floor(maxPoints) - 1));
  return minutesPerBucket * ROLLUP_MINUTE_MS;
}

export interface WaveformWindowQuery {
  bedId: string;
  fromMs: number;
  toMs: number;
  /** Only these channels; all of the bed's channels when absent. */
  channels?: readonly string[];
}

interface WindowChunkRow {
  device_id: string;
  channel: string;
  rate_hz: number;
  t0_ms: number | bigint;
  sample_count: number;
  encoding: string;
  data: Uint8Array;
}

/** Where a bed's stored signal begins and ends: its first sample and the end of its last. */
export interface WaveformExtent {
  oldestMs: number;
  newestMs: number;
}

/**
 * The extent of a bed's stored signal, packed rows and staged chunks alike, or null when nothing
 * is stored: the first and last row by the (bed_id, t0_ms) indexes, then the ends of the rows
 * that may reach furthest. A review asks this once instead of probing 72 h window by window.
 */
export async function readWaveformExtent(
  db: PGlite,
  bedId: string,
): Promise<WaveformExtent | null> {
  const { rows } = await db.query<{ oldest: number | null; newest: number | null }>(
    `WITH firsts AS (
       SELECT (SELECT min(t0_ms) FROM waveform_chunks WHERE bed_id = $1) AS first_t0,
              (SELECT max(t0_ms) FROM waveform_chunks WHERE bed_id = $1) AS last_t0
       UNION ALL
       SELECT (SELECT min(t0_ms) FROM waveform_staging WHERE bed_id = $1),
              (SELECT max(t0_ms) FROM waveform_staging WHERE bed_id = $1)
     ), bounds AS (SELECT min(first_t0) AS first_t0, max(last_t0) AS last_t0 FROM firsts)
     SELECT bounds.first_t0::float8 AS oldest,
       (SELECT max(t0_ms + sample_count * 1000.0 / rate_hz) FROM (
          SELECT t0_ms, sample_count, rate_hz FROM waveform_chunks
          WHERE bed_id = $1 AND t0_ms >= bounds.last_t0 - $2
          UNION ALL
          SELECT t0_ms, sample_count, rate_hz FROM waveform_staging
          WHERE bed_id = $1 AND t0_ms >= bounds.last_t0 - $2) last_rows)::float8 AS newest
     FROM bounds`,
    [bedId, MAX_CHUNK_SPAN_MS],
  );
  const row = rows[0];
  if (!row || row.oldest === null || row.newest === null) return null;
  return { oldestMs: Number(row.oldest), newestMs: Number(row.newest) };
}

/**
 * The samples of a bed taken within [fromMs, toMs), per device and channel, ordered by time.
 * Consecutive chunks are joined; where the store has a gap, a new segment starts.
 */
export async function readWaveformWindow(
  db: PGlite,
  query: WaveformWindowQuery,
): Promise<WaveformSegment[]> {
  const { bedId, fromMs, toMs } = query;
  if (!(toMs > fromMs)) return [];
  const params: unknown[] = [
    bedId,
    Math.ceil(toMs),
    Math.floor(fromMs - MAX_CHUNK_SPAN_MS),
    fromMs,
  ];
  const channelFilter = query.channels
    ? `AND channel = ANY($${params.push([...query.channels])}::text[])`
    : '';
  // Packed rows and chunks still staged (packing.ts), alike. t0_ms bounds keep each an index
  // range scan on (bed_id, t0_ms); the end test only filters.
  const where = `bed_id = $1 AND t0_ms < $2 AND t0_ms >= $3
       AND t0_ms + sample_count * 1000.0 / rate_hz > $4::float8 ${channelFilter}`;
  const { rows } = await db.query<WindowChunkRow>(
    `SELECT device_id, channel, rate_hz, t0_ms, sample_count, encoding, data FROM (
       SELECT id, device_id, channel, rate_hz, t0_ms, sample_count, encoding, data
       FROM waveform_chunks WHERE ${where}
       UNION ALL
       SELECT id, device_id, channel, rate_hz, t0_ms, sample_count, '${WAVEFORM_ENCODING}', data
       FROM waveform_staging WHERE ${where}) c
     ORDER BY device_id, channel, rate_hz, t0_ms, id`,
    params,
    CHUNK_BYTES,
  );
  return cutWaveformWindow(
    rows.map((row) => ({
      deviceId: row.device_id,
      channel: row.channel,
      rateHz: row.rate_hz,
      t0Ms: Number(row.t0_ms),
      sampleCount: row.sample_count,
      decode: () => decodeWindowChunk(bedId, row),
    })),
    fromMs,
    toMs,
  );
}

function decodeWindowChunk(bedId: string, row: WindowChunkRow): Int32Array {
  try {
    return decodeStoredChunk(row.encoding, row.data, row.sample_count);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `The waveform chunk of bed ${bedId} device ${row.device_id} channel ${row.channel} at t0 ${Number(row.t0_ms)} cannot be read: ${reason}`,
      { cause: error },
    );
  }
}
