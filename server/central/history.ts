// What the hospital central station reads from the server's copy in PostgreSQL: trends (per-minute
// rollups computed by SQL from the numerics), full disclosure (the workstations' waveform rows,
// decoded and cut with the store's own codec), where a bed's signal begins and ends, the alarm
// log, and the beds of workstations that are not live now. Every read names the workstation and
// its bed: the keys of every synced table start with the workstation.
import type { RequestOutput } from '../../shared/api/contract';
import type { AlarmLogItem } from '../../shared/api/contract';
import type { BeatMark, MarkedBeatClass } from '../../shared/api/contract-beats';
import { decodeStoredChunk } from '../../shared/codec/waveform-codec';
import { cutWaveformWindow, MAX_CHUNK_SPAN_MS } from '../../shared/codec/waveform-window';
import { CONSULT_NOTE_KIND, consultNoteLogItem } from '../../shared/telehealth/invitation';
import type { Database } from '../db/database';

/** A bed on the central server: its workstation and the workstation's own bed id. */
export interface BedRef {
  workstationId: string;
  bedId: string;
}

/** A bed the server has data of, with its workstation as IT enrolled it. */
export interface StoredBed extends BedRef {
  label: string;
  workstationName: string;
  unit: string | null;
  /** When the workstation was last heard from (push or live), UTC ms. */
  lastSeenMs: number | null;
  /** The newest numeric or waveform of the bed, UTC ms. */
  lastDataMs: number | null;
}

export interface TrendQuery extends BedRef {
  codes: readonly string[];
  fromMs: number;
  toMs: number;
  maxPoints?: number;
}

export interface WindowQuery extends BedRef {
  fromMs: number;
  toMs: number;
  channels?: readonly string[];
}

export interface AlarmLogQuery extends BedRef {
  fromMs: number;
  toMs: number;
  limit: number;
}

/** The reads behind the central station's review screens (one repository; no HTTP here). */
export interface CentralHistory {
  storedBeds(): Promise<StoredBed[]>;
  trend(query: TrendQuery): Promise<RequestOutput<'getTrend'>>;
  waveformWindow(query: WindowQuery): Promise<RequestOutput<'getWaveformWindow'>>;
  waveformExtent(bed: BedRef): Promise<RequestOutput<'getWaveformExtent'>>;
  alarmLog(query: AlarmLogQuery): Promise<AlarmLogItem[]>;
  /** The beats the workstation's classifier did not call normal, kept as `beat` annotations. */
  beatMarks(query: BedRef & { fromMs: number; toMs: number }): Promise<BeatMark[]>;
  findBeatMark(
    query: BedRef & { beatClass: MarkedBeatClass; fromMs: number; direction: 'next' | 'previous' },
  ): Promise<BeatMark | null>;
}

const MINUTE_MS = 60_000;
/** The annotation kind the workstation keeps beat marks as (electron/host/store/beat-marks.ts). */
const BEAT_MARK_KIND = 'beat';
/** A mark's text is its class; anything else a workstation sent is not shown as one. */
const MARKED_CLASSES = new Map<string, MarkedBeatClass>(
  (['S', 'V', 'F', 'Q'] as const).map((c) => [c, c]),
);
const DEFAULT_TREND_MAX_POINTS = 1500;

/** Width of a trend bucket: one minute, or whole minutes wide enough for maxPoints (as the store). */
export function trendBucketMs(fromMs: number, toMs: number, maxPoints = DEFAULT_TREND_MAX_POINTS) {
  const minutes = Math.ceil(toMs / MINUTE_MS) - Math.floor(fromMs / MINUTE_MS);
  if (minutes <= maxPoints) return MINUTE_MS;
  return Math.ceil(minutes / Math.max(1, Math.floor(maxPoints) - 1)) * MINUTE_MS;
}

/** "bed-3" → "Bed 3": the label a bed id was made from, where no admission names the bed. */
export function labelFromBedId(bedId: string): string {
  const words = bedId.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function postgresHistory(db: Database): CentralHistory {
  return {
    async storedBeds() {
      // The beds a workstation has sent anything about; their labels from the latest admission.
      const { rows } = await db.query<{
        workstation_id: string;
        bed_id: string;
        name: string;
        unit: string | null;
        last_seen_at: Date | null;
        label: string | null;
      }>(
        `WITH beds AS (
           SELECT workstation_id, bed_id FROM channels
           UNION SELECT workstation_id, bed_id FROM admissions
           UNION SELECT workstation_id, bed_id FROM device_sessions
         )
         SELECT b.workstation_id, b.bed_id, w.name, w.unit, w.last_seen_at,
           (SELECT a.bed_label FROM admissions a
            WHERE a.workstation_id = b.workstation_id AND a.bed_id = b.bed_id
              AND a.bed_label IS NOT NULL
            ORDER BY a.at_ms DESC LIMIT 1) AS label
         FROM beds b JOIN workstations w ON w.id = b.workstation_id
         WHERE w.revoked_at IS NULL
         ORDER BY w.unit NULLS LAST, w.name, b.bed_id`,
      );
      return Promise.all(
        rows.map(async (row) => ({
          workstationId: row.workstation_id,
          bedId: row.bed_id,
          label: row.label ?? labelFromBedId(row.bed_id),
          workstationName: row.name,
          unit: row.unit,
          lastSeenMs: row.last_seen_at?.getTime() ?? null,
          lastDataMs: await lastDataMs(db, {
            workstationId: row.workstation_id,
            bedId: row.bed_id,
          }),
        })),
      );
    },

    async trend({ workstationId, bedId, codes, fromMs, toMs, maxPoints }) {
      const bucketMs = trendBucketMs(fromMs, toMs, maxPoints);
      const unique = [...new Set(codes)];
      const origin = Math.floor(fromMs / MINUTE_MS) * MINUTE_MS;
      const { rows } = await db.query<{
        code: string;
        t: number;
        mean: number;
        min: number;
        max: number;
        last: number;
      }>(
        `SELECT code, floor(at_ms / $6::float8) * $6::float8 AS t,
                avg(value) AS mean, min(value) AS min, max(value) AS max,
                (array_agg(value ORDER BY at_ms DESC))[1] AS last
         FROM numerics
         WHERE workstation_id = $1 AND bed_id = $2 AND code = ANY($3::text[])
           AND at_ms >= $4 AND at_ms < $5
         GROUP BY code, 2 ORDER BY code, 2`,
        [workstationId, bedId, unique, origin, toMs, bucketMs],
      );
      const byCode = new Map<string, RequestOutput<'getTrend'>[number]['points']>();
      for (const row of rows) {
        const points = byCode.get(row.code) ?? [];
        points.push({
          t: Number(row.t),
          mean: Number(row.mean),
          min: Number(row.min),
          max: Number(row.max),
          last: Number(row.last),
        });
        byCode.set(row.code, points);
      }
      return unique.map((code) => ({ code, points: byCode.get(code) ?? [] }));
    },

    async waveformWindow({ workstationId, bedId, fromMs, toMs, channels }) {
      if (!(toMs > fromMs)) return [];
      const params: unknown[] = [
        workstationId,
        bedId,
        Math.ceil(toMs),
        Math.floor(fromMs - MAX_CHUNK_SPAN_MS),
        fromMs,
      ];
      const channelFilter = channels
        ? `AND channel = ANY($${params.push([...channels])}::text[])`
        : '';
      const [chunks, known] = await Promise.all([
        db.query<{
          device_id: string;
          channel: string;
          rate_hz: number;
          t0_ms: string;
          sample_count: number;
          encoding: string;
          data: Buffer;
        }>(
          `SELECT device_id, channel, rate_hz, t0_ms, sample_count, encoding, data
           FROM waveform_chunks
           WHERE workstation_id = $1 AND bed_id = $2 AND t0_ms < $3 AND t0_ms >= $4
             AND t0_ms + sample_count * 1000.0 / rate_hz > $5::float8 ${channelFilter}
           ORDER BY device_id, channel, rate_hz, t0_ms, id`,
          params,
        ),
        db.query<{
          device_id: string;
          channel: string;
          label: string;
          unit: string;
          rate_hz: number;
          scale: number | null;
        }>(
          `SELECT device_id, channel, label, unit, rate_hz, scale FROM channels
           WHERE workstation_id = $1 AND bed_id = $2 ORDER BY created_at, id`,
          [workstationId, bedId],
        ),
      ]);
      const segments = cutWaveformWindow(
        chunks.rows.map((row) => ({
          deviceId: row.device_id,
          channel: row.channel,
          rateHz: row.rate_hz,
          t0Ms: Number(row.t0_ms),
          sampleCount: row.sample_count,
          decode: () => {
            try {
              return decodeStoredChunk(row.encoding, row.data, row.sample_count);
            } catch (error) {
              throw new Error(
                `The waveform row of ${workstationId}/${bedId} ${row.device_id} ${row.channel} ` +
                  `at t0 ${row.t0_ms} cannot be read: ${(error as Error).message}`,
                { cause: error },
              );
            }
          },
        })),
        fromMs,
        toMs,
      );
      return segments.map((segment) => {
        // The channel as recorded, so a review can scale signals of devices since removed.
        const channel = known.rows.find(
          (c) =>
            c.device_id === segment.deviceId &&
            c.channel === segment.channel &&
            c.rate_hz === segment.rateHz,
        );
        return {
          ...segment,
          values: Array.from(segment.values),
          ...(channel ? { label: channel.label, unit: channel.unit, scale: channel.scale } : {}),
        };
      });
    },

    async waveformExtent({ workstationId, bedId }) {
      const { rows } = await db.query<{ oldest: number | null; newest: number | null }>(
        `WITH bounds AS (
           SELECT
             (SELECT min(t0_ms) FROM waveform_chunks
              WHERE workstation_id = $1 AND bed_id = $2) AS first_t0,
             (SELECT max(t0_ms) FROM waveform_chunks
              WHERE workstation_id = $1 AND bed_id = $2) AS last_t0)
         SELECT bounds.first_t0::float8 AS oldest,
           (SELECT max(t0_ms + sample_count * 1000.0 / rate_hz) FROM waveform_chunks
            WHERE workstation_id = $1 AND bed_id = $2
              AND t0_ms >= bounds.last_t0 - $3)::float8 AS newest
         FROM bounds`,
        [workstationId, bedId, MAX_CHUNK_SPAN_MS],
      );
      const row = rows[0];
      if (!row || row.oldest === null || row.newest === null) return null;
      return { oldestMs: Number(row.oldest), newestMs: Number(row.newest) };
    },

    async beatMarks({ workstationId, bedId, fromMs, toMs }) {
      const { rows } = await db.query<{ at_ms: string; text: string }>(
        `SELECT at_ms, text FROM annotations
         WHERE workstation_id = $1 AND bed_id = $2 AND kind = $3 AND at_ms >= $4 AND at_ms < $5
         ORDER BY at_ms, id`,
        [workstationId, bedId, BEAT_MARK_KIND, Math.floor(fromMs), Math.ceil(toMs)],
      );
      return rows.flatMap((row) => {
        const beatClass = MARKED_CLASSES.get(row.text);
        return beatClass ? [{ atMs: Number(row.at_ms), beatClass }] : [];
      });
    },

    async findBeatMark({ workstationId, bedId, beatClass, fromMs, direction }) {
      const next = direction === 'next';
      const { rows } = await db.query<{ at_ms: string }>(
        `SELECT at_ms FROM annotations
         WHERE workstation_id = $1 AND bed_id = $2 AND kind = $3 AND text = $4
           AND at_ms ${next ? '>' : '<'} $5
         ORDER BY at_ms ${next ? 'ASC' : 'DESC'} LIMIT 1`,
        [
          workstationId,
          bedId,
          BEAT_MARK_KIND,
          beatClass,
          next ? Math.floor(fromMs) : Math.ceil(fromMs),
        ],
      );
      return rows[0] ? { atMs: Number(rows[0].at_ms), beatClass } : null;
    },

    async alarmLog({ workstationId, bedId, fromMs, toMs, limit }) {
      const { rows } = await db.query<{
        at_ms: string;
        event: string;
        alarm_id: string | null;
        kind: string | null;
        priority: string | null;
        code: string;
        message: string;
        value: number | null;
        limit_value: number | null;
        actor: string;
        reason: string | null;
        origin: string | null;
      }>(
        `SELECT at_ms, event, alarm_id, kind, priority, code, message, value, limit_value, actor,
                reason, origin
         FROM alarm_events
         WHERE workstation_id = $1 AND bed_id = $2 AND at_ms >= $3 AND at_ms < $4
         ORDER BY at_ms DESC, id DESC LIMIT $5`,
        [workstationId, bedId, fromMs, toMs, limit],
      );
      // Remote clinicians' consult notes are events of the stay too (by the annotations' index).
      const { rows: notes } = await db.query<{ at_ms: string; text: string; actor: string }>(
        `SELECT at_ms, text, actor FROM annotations
         WHERE workstation_id = $1 AND bed_id = $2 AND kind = $3 AND at_ms >= $4 AND at_ms < $5
         ORDER BY at_ms DESC LIMIT $6`,
        [workstationId, bedId, CONSULT_NOTE_KIND, fromMs, toMs, limit],
      );
      const logged = rows.map((row) => ({
        atMs: Number(row.at_ms),
        event: row.event,
        alarmId: row.alarm_id,
        kind: row.kind,
        priority: row.priority,
        code: row.code,
        message: row.message,
        value: row.value,
        limit: row.limit_value,
        actor: row.actor,
        reason: row.reason,
        origin: row.origin,
      }));
      return [...logged, ...notes.map((n) => consultNoteLogItem({ ...n, atMs: Number(n.at_ms) }))]
        .sort((a, b) => b.atMs - a.atMs)
        .slice(0, limit);
    },
  };
}

/**
 * The bed's newest data: its last waveform row's end, or its newest numeric, whichever is later.
 * Both through their indexes (numerics: the newest of each code, the codes skipped through).
 */
async function lastDataMs(db: Database, { workstationId, bedId }: BedRef): Promise<number | null> {
  const { rows } = await db.query<{ last_ms: number | null }>(
    `WITH RECURSIVE codes (code) AS (
       (SELECT code FROM numerics WHERE workstation_id = $1 AND bed_id = $2 ORDER BY code LIMIT 1)
       UNION ALL
       SELECT (SELECT n.code FROM numerics n
               WHERE n.workstation_id = $1 AND n.bed_id = $2 AND n.code > c.code
               ORDER BY n.code LIMIT 1)
       FROM codes c WHERE c.code IS NOT NULL
     )
     SELECT greatest(
       (SELECT max((SELECT n.at_ms FROM numerics n
                    WHERE n.workstation_id = $1 AND n.bed_id = $2 AND n.code = codes.code
                    ORDER BY n.at_ms DESC LIMIT 1))
        FROM codes WHERE code IS NOT NULL),
       (SELECT t0_ms + sample_count * 1000.0 / rate_hz FROM waveform_chunks
        WHERE workstation_id = $1 AND bed_id = $2 ORDER BY t0_ms DESC LIMIT 1)
     )::float8 AS last_ms`,
    [workstationId, bedId],
  );
  const last = rows[0]?.last_ms;
  return last === null || last === undefined ? null : Number(last);
}
