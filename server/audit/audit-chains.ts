// Each enrolled workstation's audit chain as the report shows it: intact, broken at its first
// problem, or with entries missing that may still be on their way (a chain checks whole only
// once the workstation has sent everything; the newest entries are sent first).
import type { Database } from '../db/database';
import { checkWorkstationAuditChain } from './audit-chain-check';

export type AuditChainState = 'intact' | 'broken' | 'incomplete' | 'empty';

export interface WorkstationChainState {
  workstationId: string;
  workstationName: string;
  state: AuditChainState;
  checkedCount: number;
  /** The seq where the chain stops holding (broken or incomplete). */
  atSeq: number | null;
  lastReceivedAt: string | null;
  message: string;
}

export async function auditChainStates(db: Database): Promise<WorkstationChainState[]> {
  const { rows } = await db.query<{ id: string; name: string }>(
    `SELECT id, name FROM workstations ORDER BY name, id`,
  );
  const states: WorkstationChainState[] = [];
  // One at a time: each reads its whole chain, and the report must not take every connection.
  for (const w of rows) {
    const report = await checkWorkstationAuditChain(db, w.id);
    const v = report.verdict;
    const state: AuditChainState = v.ok
      ? v.checkedCount === 0 && report.preChainCount === 0
        ? 'empty'
        : 'intact'
      : v.problem === 'deleted' || v.problem === 'missing-start'
        ? 'incomplete'
        : 'broken';
    states.push({
      workstationId: w.id,
      workstationName: w.name,
      state,
      checkedCount: v.checkedCount,
      atSeq: v.ok ? null : v.atSeq,
      lastReceivedAt: report.lastReceivedAt,
      message: report.message,
    });
  }
  return states;
}
