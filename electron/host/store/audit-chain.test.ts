// The audit chain in a real store (PGlite on disk): entries from each writer (the api's events,
// imports, admissions) form one chain that survives a reopen; someone with the disk who deletes,
// edits or reorders entries with SQL (the append-only trigger dropped first) is found; a rolled
// back transaction and retention leave no false alarm.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appendAuditEntry, insertAuditEvent } from './audit';
import { checkAuditChain } from './audit-chain-check';
import { importNumerics } from './imports';
import { applyMigrations } from './migrate';
import { migrations } from './migrations/index';
import { recordAdmissionEvent } from './patients';
import { pruneStep, DEFAULT_RETENTION } from './retention';
import { readOutboxBatch } from './sync-outbox';
import { syncedRowSchemas } from '../../../shared/sync/tables';

const WS = 'ws-audit-test';
const PATIENT = '01900000-0000-7000-8000-0000000000aa';
const DAY_MS = 86_400_000;
const NOW = Date.UTC(2026, 10, 20, 12);

// An initdb costs seconds: each test starts from a copy of one empty and one migrated cluster.
const templates = mkdtempSync(join(tmpdir(), 'audit-chain-templates-'));
const EMPTY = join(templates, 'empty');
const MIGRATED = join(templates, 'migrated');
beforeAll(async () => {
  await (await PGlite.create(EMPTY)).close();
  cpSync(EMPTY, MIGRATED, { recursive: true });
  const migrated = await PGlite.create(MIGRATED);
  await applyMigrations(migrated, migrations);
  await migrated.close();
});
afterAll(() => rmSync(templates, { recursive: true, force: true }));

let folder: string;
let db: PGlite;

beforeEach(async () => {
  folder = mkdtempSync(join(tmpdir(), 'audit-chain-'));
  cpSync(MIGRATED, join(folder, 'pgdata'), { recursive: true });
  db = await PGlite.create(join(folder, 'pgdata'));
});
afterEach(async () => {
  if (!db.closed) await db.close();
  rmSync(folder, { recursive: true, force: true });
});

async function reopen(): Promise<void> {
  await db.close();
  db = await PGlite.create(join(folder, 'pgdata'));
}

/** One entry from each of the store's writers, then a few more from the api's. */
async function writeFromEveryWriter(atMs = NOW): Promise<void> {
  await insertAuditEvent(db, WS, {
    atMs,
    actor: 'nurse.demo',
    action: 'export',
    subject: 'bed-1',
    detail: 'csv of 2 hours',
  });
  await importNumerics(
    db,
    WS,
    [
      {
        bedId: 'bed-1',
        deviceId: 'dev-1',
        refId: 'MDC_PULS_OXIM_SAT_O2',
        value: 97,
        unit: '%',
        at: atMs - 60_000,
        sourceKey: 'mem-1',
        patientId: null,
      },
    ],
    [
      { atMs, actor: 'nurse.demo', action: 'import-kept', subject: PATIENT, detail: '1 reading' },
      { atMs, actor: 'nurse.demo', action: 'import-dropped', subject: PATIENT, detail: 'none' },
    ],
  );
  await db.query(
    `INSERT INTO patients (id, workstation_id, family_name, given_name, category, actor)
     VALUES ($1, $2, 'Testperson', 'Demo', 'adult', 'nurse.demo') ON CONFLICT DO NOTHING`,
    [PATIENT, WS],
  );
  await recordAdmissionEvent(
    db,
    WS,
    {
      patientId: PATIENT,
      bedId: 'bed-1',
      bedLabel: 'Bed 1',
      event: 'admitted',
      atMs,
      actor: 'nurse.demo',
      detail: 'admitted to Bed 1',
    },
    () => `${String(atMs).padStart(15, '0')}-0000-${WS}`,
  );
  for (let i = 0; i < 4; i++) {
    await insertAuditEvent(db, WS, {
      atMs: atMs + i,
      actor: 'physician.demo',
      action: 'bed-opened',
      subject: 'bed-1',
      detail: `view ${i}`,
    });
  }
}

/** What someone holding the disk can do: the append-only trigger is in their way only briefly. */
async function tamper(sql: string): Promise<void> {
  await db.exec(`DROP TRIGGER audit_events_append_only ON audit_events; ${sql}`);
}

describe('the audit chain in the store', () => {
  it('links the entries of every writer in the order written, and holds after a reopen', async () => {
    await writeFromEveryWriter();
    await reopen();
    const { rows } = await db.query<{ seq: number; action: string; prev_hash: string }>(
      'SELECT seq, action, prev_hash FROM audit_events ORDER BY seq',
    );
    expect(rows.map((r) => [r.seq, r.action])).toEqual([
      [1, 'export'],
      [2, 'import-kept'],
      [3, 'import-dropped'],
      [4, 'patient-admitted'],
      [5, 'bed-opened'],
      [6, 'bed-opened'],
      [7, 'bed-opened'],
      [8, 'bed-opened'],
    ]);
    expect(rows[0]!.prev_hash).toBe('0'.repeat(64));
    const report = await checkAuditChain(db, WS);
    expect(report).toMatchObject({ ok: true, preChainCount: 0, unchainedSinceStart: 0 });
    expect(report.verdict).toMatchObject({ ok: true, checkedCount: 8, fromSeq: 1, toSeq: 8 });
    expect(report.verdict).toMatchObject({ start: 'genesis' });
    expect((await checkAuditChain(db, WS, 3)).verdict).toEqual(report.verdict);

    // The appender reads the tail again after the reopen and carries on.
    await insertAuditEvent(db, WS, {
      atMs: NOW + 10,
      actor: 'nurse.demo',
      action: 'strip-printed',
      subject: 'bed-1',
      detail: '',
    });
    expect((await checkAuditChain(db, WS)).verdict).toMatchObject({ ok: true, toSeq: 9 });
  });

  it('sends the chain columns to the central server with each entry', async () => {
    await writeFromEveryWriter();
    const batch = await readOutboxBatch(db, { lane: 0, maxBytes: 1e6, maxRows: 100 });
    const audit = batch.rows.filter((r) => r.table === 'audit_events').map((r) => r.row);
    expect(audit.map((row) => row.seq).sort((a, b) => Number(a) - Number(b))).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8,
    ]);
    for (const row of audit) {
      const wire = syncedRowSchemas.audit_events.parse(row);
      expect(wire.entry_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(wire.prev_hash).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('finds a deleted entry', async () => {
    await writeFromEveryWriter();
    await reopen();
    await tamper('DELETE FROM audit_events WHERE seq = 4');
    // Read in pages of two, so the hole falls between pages.
    const report = await checkAuditChain(db, WS, 2);
    expect(report.ok).toBe(false);
    expect(report.verdict).toMatchObject({ problem: 'deleted', atSeq: 4 });
    expect(report.message).toBe('Audit entry 4 was deleted (entry 5 follows entry 3).');
  });

  it('finds a changed entry', async () => {
    await writeFromEveryWriter();
    await tamper(`UPDATE audit_events SET actor = 'someone.else' WHERE seq = 2`);
    const report = await checkAuditChain(db, WS);
    expect(report.verdict).toMatchObject({ ok: false, problem: 'changed', atSeq: 2 });
  });

  it('finds a changed entry whose hash was recomputed, at the entry after it', async () => {
    await writeFromEveryWriter();
    // The attacker recomputes the edited row's own hash in SQL, with the same encoding.
    await tamper(`UPDATE audit_events SET detail = 'csv of 1 hour' WHERE seq = 1`);
    const { rows } = await db.query<{ id: string; at_ms: number; prev_hash: string }>(
      'SELECT id, at_ms, prev_hash FROM audit_events WHERE seq = 1',
    );
    const { auditEntryHash } = await import('../../../shared/security/audit-chain');
    const { sha256Hex } = await import('./audit');
    const forged = auditEntryHash(
      {
        workstationId: WS,
        seq: 1,
        id: rows[0]!.id,
        atMs: Number(rows[0]!.at_ms),
        actor: 'nurse.demo',
        action: 'export',
        subject: 'bed-1',
        detail: 'csv of 1 hour',
        prevHash: rows[0]!.prev_hash,
      },
      sha256Hex,
    );
    await db.query('UPDATE audit_events SET entry_hash = $1 WHERE seq = 1', [forged]);
    expect((await checkAuditChain(db, WS)).verdict).toMatchObject({
      ok: false,
      problem: 'broken-link',
      atSeq: 2,
    });
  });

  it('finds reordered entries', async () => {
    await writeFromEveryWriter();
    await tamper(`
      UPDATE audit_events SET seq = -1 WHERE seq = 6;
      UPDATE audit_events SET seq = 6 WHERE seq = 7;
      UPDATE audit_events SET seq = 7 WHERE seq = -1;`);
    const report = await checkAuditChain(db, WS);
    expect(report.verdict).toMatchObject({ ok: false, problem: 'reordered', atSeq: 6 });
    expect(report.message).toBe(
      'The audit trail was reordered: the entry stored as 6 was written as entry 7.',
    );
  });

  it('names an entry added without a place in the chain', async () => {
    await writeFromEveryWriter();
    await db.query(
      `INSERT INTO audit_events (id, workstation_id, at_ms, actor, action)
       VALUES ('01900000-0000-7000-8000-0000000000ff', $1, $2, 'nobody', 'export')`,
      [WS, NOW],
    );
    const report = await checkAuditChain(db, WS);
    expect(report).toMatchObject({ ok: false, unchainedSinceStart: 1 });
    expect(report.verdict.ok).toBe(true);
    expect(report.message).toMatch(/1 audit entry was added without a place in the chain/);
  });

  it('leaves no hole when a transaction that appended rolls back', async () => {
    await writeFromEveryWriter();
    await expect(
      db.transaction(async (tx) => {
        await appendAuditEntry(tx, WS, {
          atMs: NOW,
          actor: 'nurse.demo',
          action: 'export',
          subject: null,
          detail: null,
        });
        throw new Error('the export failed');
      }),
    ).rejects.toThrow('the export failed');
    await insertAuditEvent(db, WS, {
      atMs: NOW,
      actor: 'nurse.demo',
      action: 'export',
      subject: 'bed-1',
      detail: 'again',
    });
    expect((await checkAuditChain(db, WS)).verdict).toMatchObject({ ok: true, toSeq: 9 });
  });

  it('after retention, checks from the oldest entry kept and still finds a deletion', async () => {
    const old = NOW - DEFAULT_RETENTION.eventsMs - DAY_MS;
    await writeFromEveryWriter(old);
    await writeFromEveryWriter(NOW);
    // Entry 2 (an old one) has not reached the server: it and everything after it stay.
    await db.query(
      `DELETE FROM sync_outbox WHERE table_name = 'audit_events'
       AND row_id NOT IN (SELECT id FROM audit_events WHERE seq = 2)`,
    );
    expect((await pruneStep(db, DEFAULT_RETENTION, NOW)).deleted.audit_events).toBe(1);
    expect((await checkAuditChain(db, WS)).verdict).toMatchObject({
      ok: true,
      start: 'oldest-kept',
      fromSeq: 2,
    });
    await db.exec(`DELETE FROM sync_outbox WHERE table_name = 'audit_events'`);
    expect((await pruneStep(db, DEFAULT_RETENTION, NOW)).deleted.audit_events).toBe(7);
    const report = await checkAuditChain(db, WS);
    expect(report.verdict).toMatchObject({ ok: true, fromSeq: 9, toSeq: 16, checkedCount: 8 });
    expect(report.message).toBe(
      'The audit trail is intact: 8 entries checked, from entry 9 (the oldest kept) to entry 16.',
    );

    await tamper('DELETE FROM audit_events WHERE seq = 12');
    expect((await checkAuditChain(db, WS)).verdict).toMatchObject({
      ok: false,
      problem: 'deleted',
      atSeq: 12,
    });
  });

  it('counts entries from before the chain began and checks the rest', async () => {
    cpSync(EMPTY, join(folder, 'before'), { recursive: true });
    const fresh = await PGlite.create(join(folder, 'before'));
    try {
      await applyMigrations(
        fresh,
        migrations.filter((m) => m.version < 19),
      );
      await fresh.query(
        `INSERT INTO audit_events (id, workstation_id, at_ms, actor, action)
         VALUES ('01900000-0000-7000-8000-0000000000b1', $1, $2, 'nurse.demo', 'export')`,
        [WS, NOW],
      );
      await applyMigrations(fresh, migrations);
      await insertAuditEvent(fresh, WS, {
        atMs: NOW,
        actor: 'nurse.demo',
        action: 'export',
        subject: 'bed-1',
        detail: 'after the upgrade',
      });
      const report = await checkAuditChain(fresh, WS);
      expect(report).toMatchObject({ ok: true, preChainCount: 1, unchainedSinceStart: 0 });
      expect(report.message).toMatch(/1 older entry predates the chain and cannot be checked/);
    } finally {
      await fresh.close();
    }
  });
});
