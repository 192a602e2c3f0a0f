// A workstation's audit chain on the real PostgreSQL, stored as a push stores it (wire schema,
// then the ingest's INSERT): a whole chain holds; a deleted, changed or reordered entry is named;
// entries from before the chain, sent by a workstation not upgraded yet, are counted, not checked.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextAuditLink, type AuditChainEntry } from '../../shared/security/audit-chain';
import { syncedRowSchemas } from '../../shared/sync/tables';
import { openDatabase, type Database } from '../db/database';
import { migrate } from '../db/migrate';
import { migrations } from '../migrations/index';
import { loadSyncedCatalog } from '../sync/catalog';
import { storeRows } from '../sync/ingest';
import { WaveformPartitions } from '../sync/waveform-partitions';
import { freshDatabase, type TestDatabase } from '../test-support/database';
import { checkWorkstationAuditChain } from './audit-chain-check';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const AT_MS = Date.UTC(2026, 10, 20, 12);

let database: TestDatabase;
let db: Database;
beforeAll(async () => {
  database = await freshDatabase('audit_chain');
  db = openDatabase(database.url);
  await migrate(db, migrations);
});
afterAll(async () => {
  await db?.end();
  await database?.drop();
});

let idCounter = 0;
function chainOf(workstationId: string, length: number): AuditChainEntry[] {
  const entries: AuditChainEntry[] = [];
  for (let i = 0; i < length; i++) {
    idCounter += 1;
    entries.push(
      nextAuditLink(
        entries.at(-1) ?? null,
        {
          workstationId,
          id: `01900000-0000-7000-8000-${idCounter.toString(16).padStart(12, '0')}`,
          atMs: AT_MS + i * 1000,
          actor: 'nurse.demo',
          action: i % 2 ? 'trends-opened' : 'bed-opened',
          subject: 'bed-1',
          detail: i % 3 ? `view ${i}` : null,
        },
        sha256,
      ),
    );
  }
  return entries;
}

/** As the workstation sends them: the wire row, checked by the wire schema, stored by ingest. */
async function receive(workstationId: string, entries: AuditChainEntry[], preChain = 0) {
  const wire: Record<string, unknown>[] = entries.map((e) => ({
    id: e.id,
    workstation_id: e.workstationId,
    created_at: new Date(e.atMs).toISOString(),
    at_ms: e.atMs,
    actor: e.actor,
    action: e.action,
    subject: e.subject,
    detail: e.detail,
    seq: e.seq,
    prev_hash: e.prevHash,
    entry_hash: e.entryHash,
  }));
  for (let i = 0; i < preChain; i++) {
    idCounter += 1;
    // A workstation not upgraded yet sends no chain columns at all.
    wire.push({
      id: `01900000-0000-7000-8000-${idCounter.toString(16).padStart(12, '0')}`,
      workstation_id: workstationId,
      created_at: new Date(AT_MS).toISOString(),
      at_ms: AT_MS - 1000,
      actor: 'nurse.demo',
      action: 'export',
      subject: null,
      detail: null,
    });
  }
  const rows = wire.map((row) => ({
    table: 'audit_events' as const,
    row: syncedRowSchemas.audit_events.parse(row) as Record<string, unknown>,
  }));
  const catalog = await loadSyncedCatalog(db);
  const partitions = new WaveformPartitions(db, { nowMs: () => AT_MS, retentionDays: 30 });
  await storeRows(db, catalog, partitions, workstationId, rows);
}

describe('checkWorkstationAuditChain', () => {
  it('holds for a chain received whole, counting entries from before the chain', async () => {
    await receive('ws-whole', chainOf('ws-whole', 25), 2);
    await receive('ws-neighbour', chainOf('ws-neighbour', 3));
    const report = await checkWorkstationAuditChain(db, 'ws-whole');
    expect(report).toMatchObject({ ok: true, workstationId: 'ws-whole', preChainCount: 2 });
    expect(report.verdict).toMatchObject({ checkedCount: 25, fromSeq: 1, toSeq: 25 });
    expect(report.message).toBe(
      'The audit trail is intact: 25 entries checked, from the first entry to entry 25. ' +
        '2 older entries predate the chain and cannot be checked.',
    );
    expect(report.lastReceivedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    // Read in pages (a page boundary falls on every third entry): the same verdict.
    expect((await checkWorkstationAuditChain(db, 'ws-whole', 3)).verdict).toEqual(report.verdict);
  });

  it('names an entry deleted from the server, and says it may still be on its way', async () => {
    await receive('ws-deleted', chainOf('ws-deleted', 10));
    await db.query(`DELETE FROM audit_events WHERE workstation_id = 'ws-deleted' AND seq = 7`);
    const report = await checkWorkstationAuditChain(db, 'ws-deleted', 4);
    expect(report.ok).toBe(false);
    expect(report.verdict).toMatchObject({ problem: 'deleted', atSeq: 7, checkedCount: 6 });
    expect(report.message).toMatch(
      /^Audit entry 7 was deleted \(entry 8 follows entry 6\)\. If the workstation has not finished sending/,
    );
  });

  it('names a changed entry', async () => {
    await receive('ws-changed', chainOf('ws-changed', 10));
    await db.query(
      `UPDATE audit_events SET subject = 'bed-2' WHERE workstation_id = 'ws-changed' AND seq = 3`,
    );
    expect((await checkWorkstationAuditChain(db, 'ws-changed')).verdict).toMatchObject({
      ok: false,
      problem: 'changed',
      atSeq: 3,
    });
  });

  it('names reordered entries', async () => {
    await receive('ws-reordered', chainOf('ws-reordered', 10));
    await db.query(`UPDATE audit_events SET seq = CASE seq WHEN 4 THEN 5 ELSE 4 END
      WHERE workstation_id = 'ws-reordered' AND seq IN (4, 5)`);
    const report = await checkWorkstationAuditChain(db, 'ws-reordered');
    expect(report.verdict).toMatchObject({ ok: false, problem: 'reordered', atSeq: 4 });
    expect(report.message).toBe(
      'The audit trail was reordered: the entry stored as 4 was written as entry 5.',
    );
  });

  it('finds entries missing from the start of the chain', async () => {
    await receive('ws-late', chainOf('ws-late', 5).slice(2));
    expect((await checkWorkstationAuditChain(db, 'ws-late')).verdict).toMatchObject({
      ok: false,
      problem: 'missing-start',
    });
  });

  it('says so when a workstation has no chained entries', async () => {
    const report = await checkWorkstationAuditChain(db, 'ws-unknown');
    expect(report).toMatchObject({ ok: true, lastReceivedAt: null, preChainCount: 0 });
    expect(report.message).toBe('There are no chained audit entries to check.');
  });
});
