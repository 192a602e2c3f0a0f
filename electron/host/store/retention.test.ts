import { PGlite } from '@electric-sql/pglite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyMigrations } from './migrate';
import { migrations } from './migrations/index';
import { DEFAULT_RETENTION, pruneStep } from './retention';
import { encodeStoredChunk } from '../../../shared/codec/waveform-codec';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = 1_740_000_000_000;

let db: PGlite;
let nextId = 0;
const uuid = () => `00000000-0000-7000-8000-${String(nextId++).padStart(12, '0')}`;

beforeEach(async () => {
  db = await PGlite.create();
  await applyMigrations(db, migrations);
});
afterEach(async () => {
  await db.close();
});

async function count(table: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0]!.n;
}

async function addChunk(bedId: string, t0Ms: number) {
  const data = encodeStoredChunk({ channel: 'ECG', rateHz: 500, t0Ms }, [1, 2, 3]);
  await db.query(
    `INSERT INTO waveform_chunks (id, workstation_id, bed_id, device_id, channel, rate_hz, t0_ms,
       sample_count, encoding, data) VALUES ($1, 'ws', $2, 'dev', 'ECG', 500, $3, 3, 'wfrc1', $4)`,
    [uuid(), bedId, t0Ms, data],
  );
}

async function addNumeric(bedId: string, code: string, atMs: number) {
  await db.query(
    `INSERT INTO numerics (id, workstation_id, bed_id, device_id, code, value, unit, at_ms)
     VALUES ($1, 'ws', $2, 'dev', $3, 1, 'x', $4)`,
    [uuid(), bedId, code, atMs],
  );
  await db.query(
    `INSERT INTO numeric_rollups VALUES ($1, $2, floor($3 / 60000.0) * 60000, 1, 1, 1, 1, 1, $3)
     ON CONFLICT DO NOTHING`,
    [bedId, code, atMs],
  );
}

async function addAlarm(atMs: number): Promise<string> {
  const id = uuid();
  await db.query(
    `INSERT INTO alarm_events (id, workstation_id, bed_id, alarm_id, event, kind, priority, code,
       message, actor, at_ms) VALUES ($1, 'ws', 'bed-1', 'a', 'raised', 'physiological', 'high',
       'HR', 'HR high', 'dev', $2)`,
    [id, atMs],
  );
  return id;
}

const synced = (ids: string[]) =>
  db.query(`DELETE FROM sync_outbox WHERE row_id = ANY($1::uuid[])`, [ids]);

describe('pruneStep', () => {
  it('deletes waveforms older than the policy, oldest first across beds, in steps', async () => {
    const old = NOW - DEFAULT_RETENTION.waveformsMs;
    for (const bed of ['bed-1', 'bed-2', 'bed-3']) {
      for (let k = 1; k <= 4; k++) await addChunk(bed, old - k * 1000 - Number(bed.at(-1)));
      await addChunk(bed, old + 1000);
    }
    expect(await count('sync_outbox')).toBe(15);

    const first = await pruneStep(db, DEFAULT_RETENTION, NOW, 5);
    expect(first).toEqual({
      deleted: expect.objectContaining({ waveform_chunks: 5 }),
      more: true,
    });
    // The 5 oldest of the 12 expired: every bed's k = 4 and k = 3 bar the youngest of those.
    const { rows } = await db.query<{ t0_ms: number }>(
      `SELECT t0_ms FROM waveform_chunks WHERE t0_ms < $1 ORDER BY t0_ms`,
      [old],
    );
    expect(Math.min(...rows.map((r) => Number(r.t0_ms)))).toBe(old - 3000 - 1);
    // Their outbox entries went with them.
    expect(await count('sync_outbox')).toBe(10);

    expect((await pruneStep(db, DEFAULT_RETENTION, NOW, 5)).more).toBe(true);
    const last = await pruneStep(db, DEFAULT_RETENTION, NOW, 5);
    expect(last).toEqual({ deleted: expect.objectContaining({ waveform_chunks: 2 }), more: false });
    expect(await count('waveform_chunks')).toBe(3);
    expect(await count('sync_outbox')).toBe(3);
  });

  it('deletes numerics and their rollups by the trends policy, unsynced or not', async () => {
    const now = NOW + 30_000; // so the cut falls mid-minute
    const old = now - DEFAULT_RETENTION.trendsMs;
    await addNumeric('bed-1', 'HR', old - 2 * 60_000);
    await addNumeric('bed-1', 'SPO2', old - 1);
    await addNumeric('bed-2', 'HR', old + 1);
    const result = await pruneStep(db, DEFAULT_RETENTION, now);
    expect(result.deleted).toMatchObject({ numerics: 2, numeric_rollups: 1 });
    expect(result.more).toBe(false);
    expect(await count('numerics')).toBe(1);
    // The minute holding old - 1 also holds kept time, so its rollup stays.
    expect(await count('numeric_rollups')).toBe(2);
    expect(await count('sync_outbox')).toBe(1);
  });

  it('keeps events still waiting in sync_outbox, however old', async () => {
    const old = NOW - DEFAULT_RETENTION.eventsMs;
    const unsent = await addAlarm(old - 10 * DAY);
    const sent = await addAlarm(old - 1);
    const young = await addAlarm(old + 1);
    await synced([sent, young]);
    await db.query(
      `INSERT INTO annotations (id, workstation_id, bed_id, at_ms, kind, text, actor)
       VALUES ($1, 'ws', 'bed-1', $2, 'note', 'turned', 'rn')`,
      [uuid(), old - DAY],
    );
    await db.query(
      `INSERT INTO audit_events (id, workstation_id, at_ms, actor, action) VALUES ($1, 'ws', $2, 'rn', 'export')`,
      [uuid(), old - DAY],
    );
    await db.exec(`DELETE FROM sync_outbox WHERE table_name = 'audit_events'`);

    const result = await pruneStep(db, DEFAULT_RETENTION, NOW);
    expect(result.deleted).toMatchObject({ alarm_events: 1, annotations: 0, audit_events: 1 });
    const { rows } = await db.query<{ id: string }>(`SELECT id FROM alarm_events ORDER BY at_ms`);
    expect(rows.map((r) => r.id)).toEqual([unsent, young]);

    await synced([unsent]);
    expect((await pruneStep(db, DEFAULT_RETENTION, NOW)).deleted.alarm_events).toBe(1);
  });

  it('deletes printed strips with the events they document', async () => {
    const old = NOW - DEFAULT_RETENTION.eventsMs;
    const strip = (toMs: number) =>
      db.query(
        `INSERT INTO strips (id, workstation_id, bed_id, kind, from_ms, to_ms, created_at_ms,
           actor, pdf) VALUES ($1, 'ws', 'bed-1', 'manual', $2, $3, $3, 'rn', '\\x25504446')`,
        [uuid(), toMs - 20_000, toMs],
      );
    await strip(old - 1);
    await strip(old + 1);
    // Queued for the central server (migration 015): kept until sent, like the events.
    expect((await pruneStep(db, DEFAULT_RETENTION, NOW)).deleted.strips).toBe(0);
    await db.exec(`DELETE FROM sync_outbox WHERE table_name = 'strips'`);
    expect((await pruneStep(db, DEFAULT_RETENTION, NOW)).deleted.strips).toBe(1);
    expect(await count('strips')).toBe(1);
  });

  it('keeps unsent waveforms and numerics while they wait for sync (an enrolled workstation)', async () => {
    const policy = { ...DEFAULT_RETENTION, signalsWaitForSync: true };
    const old = NOW - DEFAULT_RETENTION.waveformsMs;
    await addChunk('bed-1', old - 2000);
    await addChunk('bed-1', old - 1000);
    await addNumeric('bed-1', 'HR', NOW - DEFAULT_RETENTION.trendsMs - 60_000);
    expect((await pruneStep(db, policy, NOW)).deleted).toMatchObject({
      waveform_chunks: 0,
      numerics: 0,
    });
    // Once the server has the older chunk, it goes; the one still queued stays.
    const { rows } = await db.query<{ row_id: string }>(
      `SELECT row_id FROM sync_outbox WHERE table_name = 'waveform_chunks' ORDER BY seq LIMIT 1`,
    );
    await synced([rows[0]!.row_id]);
    expect((await pruneStep(db, policy, NOW)).deleted.waveform_chunks).toBe(1);
    expect(await count('waveform_chunks')).toBe(1);
    // Not enrolled: by age alone, as before.
    expect((await pruneStep(db, DEFAULT_RETENTION, NOW)).deleted).toMatchObject({
      waveform_chunks: 1,
      numerics: 1,
    });
  });

  it('reports every table, with zero on an empty store', async () => {
    expect(await pruneStep(db, DEFAULT_RETENTION, NOW)).toEqual({
      deleted: {
        waveform_chunks: 0,
        waveform_staging: 0,
        numerics: 0,
        numeric_rollups: 0,
        alarm_events: 0,
        annotations: 0,
        audit_events: 0,
        strips: 0,
      },
      more: false,
    });
  });
});
