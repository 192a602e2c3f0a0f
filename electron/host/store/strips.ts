// ECG strips in the store worker: one row per strip, its PDF kept as it was made.
import type { PGlite } from '@electric-sql/pglite';
import { uuidv7 } from '../../../shared/ids';
import { openBytes, sealBytes } from './encryption/field-cipher';
import type { StoredStrip, StoredStripWithPdf, StripToStore } from './protocol';

interface StripRow {
  id: string;
  bed_id: string;
  kind: 'alarm' | 'manual';
  alarm_id: string | null;
  alarm_message: string | null;
  from_ms: number | bigint;
  to_ms: number | bigint;
  created_at_ms: number | bigint;
  actor: string;
}

const METADATA_COLUMNS =
  'id, bed_id, kind, alarm_id, alarm_message, from_ms, to_ms, created_at_ms, actor';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Stores the strip; an alarm strip for an alarm that has one already is not stored again. */
export async function insertStrip(
  db: PGlite,
  workstationId: string,
  strip: StripToStore,
): Promise<StoredStrip | null> {
  const id = uuidv7();
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO strips (id, workstation_id, bed_id, kind, alarm_id, alarm_message, from_ms, to_ms,
       created_at_ms, actor, pdf)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (alarm_id) WHERE alarm_id IS NOT NULL DO NOTHING
     RETURNING id`,
    [
      id,
      workstationId,
      strip.bedId,
      strip.kind,
      strip.alarmId,
      strip.alarmMessage,
      Math.round(strip.fromMs),
      Math.round(strip.toMs),
      Math.round(strip.createdAtMs),
      strip.actor,
      sealBytes(strip.pdf),
    ],
  );
  if (rows.length === 0) return null;
  const { pdf: _pdf, ...metadata } = strip;
  return { ...metadata, id };
}

/** The bed's strips, newest first, without their PDF. */
export async function listStrips(db: PGlite, bedId: string): Promise<StoredStrip[]> {
  const { rows } = await db.query<StripRow>(
    `SELECT ${METADATA_COLUMNS} FROM strips WHERE bed_id = $1 ORDER BY created_at_ms DESC, id DESC`,
    [bedId],
  );
  return rows.map(metadataOf);
}

/** One strip with its PDF, or null when there is none with that id. */
export async function readStrip(db: PGlite, id: string): Promise<StoredStripWithPdf | null> {
  if (!UUID.test(id)) return null;
  const { rows } = await db.query<StripRow & { pdf: Uint8Array }>(
    `SELECT ${METADATA_COLUMNS}, pdf FROM strips WHERE id = $1`,
    [id],
  );
  const row = rows[0];
  // A copy of its own, so that its buffer can be transferred to the main thread.
  return row ? { ...metadataOf(row), pdf: openBytes(row.pdf).slice() } : null;
}

function metadataOf(row: StripRow): StoredStrip {
  return {
    id: row.id,
    bedId: row.bed_id,
    kind: row.kind,
    alarmId: row.alarm_id,
    alarmMessage: row.alarm_message,
    fromMs: Number(row.from_ms),
    toMs: Number(row.to_ms),
    createdAtMs: Number(row.created_at_ms),
    actor: row.actor,
  };
}
