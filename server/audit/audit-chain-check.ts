// Checks one workstation's audit chain (shared/security/audit-chain.ts) from the server's copy,
// which keeps every entry the workstation sent: so the chain is checked whole, from its first
// entry against the genesis hash. Read in pages by seq, so a chain of millions fits in memory.
// Entries still on their way (a workstation offline, or mid-sync: the newest are sent first)
// look like a gap until they arrive; the report says when the last one arrived.
import { createHash } from 'node:crypto';
import {
  AuditChainChecker,
  type AuditChainVerdict,
  type AuditHash,
} from '../../shared/security/audit-chain';
import type { Database } from '../db/database';

const PAGE_ROWS = 10_000;

const sha256Hex: AuditHash = (text) => createHash('sha256').update(text, 'utf8').digest('hex');

export interface WorkstationAuditChainReport {
  ok: boolean;
  workstationId: string;
  verdict: AuditChainVerdict;
  /** Entries the workstation wrote before its chain began (or sent before the server had one). */
  preChainCount: number;
  /** When the newest of this workstation's audit entries reached the server (null: none did). */
  lastReceivedAt: string | null;
  message: string;
}

interface ChainRow {
  id: string;
  seq: string;
  at_ms: string;
  actor: string;
  action: string;
  subject: string | null;
  detail: string | null;
  prev_hash: string;
  entry_hash: string;
}

export async function checkWorkstationAuditChain(
  db: Database,
  workstationId: string,
  pageRows = PAGE_ROWS,
): Promise<WorkstationAuditChainReport> {
  const checker = new AuditChainChecker(sha256Hex, 'genesis');
  // Pages by (seq, id), so that a seq stored twice is read twice and named. Ordered by the bigint
  // column, not its text alias ("10" < "2").
  let after = { seq: '0', id: '00000000-0000-0000-0000-000000000000' };
  for (;;) {
    const { rows } = await db.query<ChainRow>(
      `SELECT e.id, e.seq::text AS seq, e.at_ms::text AS at_ms, e.actor, e.action, e.subject,
         e.detail, e.prev_hash, e.entry_hash
       FROM audit_events e
       WHERE e.workstation_id = $1 AND e.seq IS NOT NULL AND (e.seq, e.id) > ($2::bigint, $3::uuid)
       ORDER BY e.seq, e.id LIMIT $4`,
      [workstationId, after.seq, after.id, pageRows],
    );
    let going = true;
    for (const row of rows) {
      going = checker.add({
        workstationId,
        seq: Number(row.seq),
        id: row.id,
        atMs: Number(row.at_ms),
        actor: row.actor,
        action: row.action,
        subject: row.subject,
        detail: row.detail,
        prevHash: row.prev_hash,
        entryHash: row.entry_hash,
      });
      if (!going) break;
    }
    if (!going || rows.length < pageRows) break;
    const last = rows.at(-1)!;
    after = { seq: last.seq, id: last.id };
  }
  const counts = await db.query<{ pre_chain: number; last_received_at: Date | null }>(
    `SELECT count(*) FILTER (WHERE seq IS NULL)::int AS pre_chain,
       max(received_at) AS last_received_at
     FROM audit_events WHERE workstation_id = $1`,
    [workstationId],
  );
  const preChainCount = counts.rows[0]?.pre_chain ?? 0;
  const lastReceived = counts.rows[0]?.last_received_at ?? null;
  const lastReceivedAt = lastReceived === null ? null : new Date(lastReceived).toISOString();
  const verdict = checker.verdict();
  const sentences = [verdict.message];
  if (!verdict.ok && (verdict.problem === 'deleted' || verdict.problem === 'missing-start')) {
    sentences.push(
      `If the workstation has not finished sending its audit trail (its newest entry arrived ${lastReceivedAt ?? 'never'}), check again once it has synced.`,
    );
  }
  if (preChainCount > 0) {
    sentences.push(
      `${preChainCount} older ${preChainCount === 1 ? 'entry predates' : 'entries predate'} the chain and cannot be checked.`,
    );
  }
  return {
    ok: verdict.ok,
    workstationId,
    verdict,
    preChainCount,
    lastReceivedAt,
    message: sentences.join(' '),
  };
}
