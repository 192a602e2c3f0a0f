// The record around the signals, in the store worker: which channels a bed's devices produce
// (with the scale that makes raw counts physical), its alarm log and its annotations, for review
// and export.
import type { PGlite } from '@electric-sql/pglite';
import { uuidv7 } from '../../../shared/ids';
import { openText, sealText } from './encryption/field-cipher';
import { BEAT_MARK_KIND } from './beat-marks';

export interface ChannelRecord {
  bedId: string;
  deviceId: string;
  channel: string;
  label: string;
  unit: string;
  rateHz: number;
  /** Physical units per raw count, or null when the device's scale is not public. */
  scale: number | null;
}

export interface AnnotationRecord {
  bedId: string;
  atMs: number;
  kind: string;
  text: string;
  actor: string;
}

export interface AlarmLogRecord {
  atMs: number;
  event: string;
  /** Null, with alarmId and priority, for a change of the bed's alarm settings or audio. */
  alarmId: string | null;
  kind: string | null;
  priority: string | null;
  code: string;
  message: string;
  value: number | null;
  limit: number | null;
  actor: string;
  reason: string | null;
  origin: string | null;
}

/** Records channels not recorded before (same bed, device, channel, rate and unit). */
export async function recordChannels(
  db: PGlite,
  workstationId: string,
  channels: readonly ChannelRecord[],
): Promise<void> {
  for (const c of channels) {
    await db.query(
      `INSERT INTO channels (id, workstation_id, bed_id, device_id, channel, label, unit, rate_hz,
         scale)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (bed_id, device_id, channel, rate_hz, unit) DO NOTHING`,
      [uuidv7(), workstationId, c.bedId, c.deviceId, c.channel, c.label, c.unit, c.rateHz, c.scale],
    );
  }
}

export async function readChannels(db: PGlite, bedId: string): Promise<ChannelRecord[]> {
  const { rows } = await db.query<{
    device_id: string;
    channel: string;
    label: string;
    unit: string;
    rate_hz: number;
    scale: number | null;
  }>(
    `SELECT device_id, channel, label, unit, rate_hz, scale FROM channels
     WHERE bed_id = $1 ORDER BY created_at, id`,
    [bedId],
  );
  return rows.map((row) => ({
    bedId,
    deviceId: row.device_id,
    channel: row.channel,
    label: row.label,
    unit: row.unit,
    rateHz: row.rate_hz,
    scale: row.scale,
  }));
}

export async function appendAnnotations(
  db: PGlite,
  workstationId: string,
  annotations: readonly AnnotationRecord[],
): Promise<void> {
  await db.transaction(async (tx) => {
    for (const a of annotations) {
      await tx.query(
        `INSERT INTO annotations (id, workstation_id, bed_id, at_ms, kind, text, actor)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          uuidv7(),
          workstationId,
          a.bedId,
          Math.round(a.atMs),
          a.kind,
          // A note is sealed; a beat's class (S, V, F, Q) is not a patient's detail and is searched.
          a.kind === BEAT_MARK_KIND ? a.text : sealText(a.text),
          a.actor,
        ],
      );
    }
  });
}

export async function readAnnotations(
  db: PGlite,
  bedId: string,
  fromMs: number,
  toMs: number,
  /** Only annotations of this kind (by index); all kinds when absent. */
  kind?: string,
): Promise<AnnotationRecord[]> {
  const { rows } = await db.query<{
    at_ms: number | bigint;
    kind: string;
    text: string;
    actor: string;
  }>(
    `SELECT at_ms, kind, text, actor FROM annotations
     WHERE bed_id = $1 AND at_ms >= $2 AND at_ms < $3 AND ($4::text IS NULL OR kind = $4)
     ORDER BY at_ms, id`,
    [bedId, Math.floor(fromMs), Math.ceil(toMs), kind ?? null],
  );
  return rows.map((row) => ({
    bedId,
    atMs: Number(row.at_ms),
    kind: row.kind,
    text: openText(row.text),
    actor: row.actor,
  }));
}

export async function readAlarmLog(
  db: PGlite,
  bedId: string,
  fromMs: number,
  toMs: number,
): Promise<AlarmLogRecord[]> {
  const { rows } = await db.query<{
    at_ms: number | bigint;
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
     FROM alarm_events WHERE bed_id = $1 AND at_ms >= $2 AND at_ms < $3 ORDER BY at_ms, id`,
    [bedId, Math.floor(fromMs), Math.ceil(toMs)],
  );
  return rows.map(({ at_ms, alarm_id, limit_value, ...row }) => ({
    ...row,
    atMs: Number(at_ms),
    alarmId: alarm_id,
    limit: limit_value,
  }));
}
