// Checks the workstation's audit chain as stored (shared/security/audit-chain.ts), in the store
// worker or on a store opened by the CLI. Retention deletes the oldest entries once the central
// server has them, so the check starts from the oldest entry kept (taken as given, and said so);
// the server checks the whole chain from its copy.
import type { PGlite } from '@electric-sql/pglite';
import {
  AuditChainChecker,
  type AuditChainEntry,
  type AuditChainVerdict,
} from '../../../shared/security/audit-chain';
import { sha256Hex } from './audit';
import { openText } from './encryption/field-cipher';

/** The migration that began the chain (019_audit_chain.sql): entries before it have no place. */
const CHAIN_MIGRATION = 19;
const PAGE_ROWS = 5_000;

export interface AuditChainReport {
  ok: boolean;
  workstationId: string;
  verdict: AuditChainVerdict;
  /** Entries written before the chain began: kept, but not covered by it. */
  preChainCount: number;
  /** Entries with no place in the chain added after it began: not written by the appender. */
  unchainedSinceStart: number;
  /** The verdict and the rest, in sentences an IT administrator can act on. */
  message: string;
}

interface AuditRow {
  id: string;
  workstation_id: string;
  seq: number;
  at_ms: number;
  actor: string;
  action: string;
  subject: string | null;
  detail: string | null;
  prev_hash: string;
  entry_hash: string;
}

export async function checkAuditChain(
  db: PGlite,
  workstationId: string,
  pageRows = PAGE_ROWS,
): Promise<AuditChainReport> {
  const oldest = await db.query<{ seq: number }>(
    `SELECT seq FROM audit_events WHERE workstation_id = $1 AND seq IS NOT NULL
     ORDER BY seq LIMIT 1`,
    [workstationId],
  );
  // A chain still whole from entry 1 is checked against the genesis hash too.
  const oldestSeq = oldest.rows[0] === undefined ? null : Number(oldest.rows[0].seq);
  const checker = new AuditChainChecker(sha256Hex, oldestSeq === 1 ? 'genesis' : 'oldest-kept');
  // Pages by (seq, id), so that a seq stored twice is read twice and named.
  let after = { seq: 0, id: '00000000-0000-0000-0000-000000000000' };
  for (;;) {
    const { rows } = await db.query<AuditRow>(
      `SELECT id, workstation_id, seq, at_ms, actor, action, subject, detail, prev_hash, entry_hash
       FROM audit_events WHERE workstation_id = $1 AND (seq, id) > ($2::bigint, $3::uuid)
       ORDER BY seq, id LIMIT $4`,
      [workstationId, after.seq, after.id, pageRows],
    );
    let going = true;
    for (const row of rows) if (!(going = checker.add(entryOf(row)))) break;
    if (!going || rows.length < pageRows) break;
    const last = rows.at(-1)!;
    after = { seq: Number(last.seq), id: last.id };
  }
  const counts = await db.query<{ pre_chain: number; since_start: number }>(
    `SELECT count(*)::int AS pre_chain,
       count(*) FILTER (WHERE created_at > (
         SELECT applied_at FROM schema_migrations WHERE version = $2))::int AS since_start
     FROM audit_events WHERE workstation_id = $1 AND seq IS NULL`,
    [workstationId, CHAIN_MIGRATION],
  );
  const unchainedSinceStart = Number(counts.rows[0]?.since_start ?? 0);
  const preChainCount = Number(counts.rows[0]?.pre_chain ?? 0) - unchainedSinceStart;
  const verdict = checker.verdict();
  const sentences = [verdict.message];
  if (unchainedSinceStart > 0) {
    sentences.push(
      `${unchainedSinceStart} audit ${unchainedSinceStart === 1 ? 'entry was' : 'entries were'} added without a place in the chain after it began: not written by the workstation.`,
    );
  }
  if (preChainCount > 0) {
    sentences.push(
      `${preChainCount} older ${preChainCount === 1 ? 'entry predates' : 'entries predate'} the chain and cannot be checked.`,
    );
  }
  return {
    ok: verdict.ok && unchainedSinceStart === 0,
    workstationId,
    verdict,
    preChainCount,
    unchainedSinceStart,
    message: sentences.join(' '),
  };
}

function entryOf(row: AuditRow): AuditChainEntry {
  return {
    workstationId: row.workstation_id,
    seq: Number(row.seq),
    id: row.id,
    atMs: Number(row.at_ms),
    actor: row.actor,
    action: row.action,
    subject: row.subject,
    detail: openText(row.detail),
    prevHash: row.prev_hash,
    entryHash: row.entry_hash,
  };
}
