// The audit trail, in the store worker: who did what (an export, an action with no other row to
// carry it), one append-only row per event, synced to the central server like the rest. Every
// entry is written here, by appendAuditEntry, which gives it its place in the workstation's hash
// chain (shared/security/audit-chain.ts); patients, imports and the census call it inside their
// own transactions.
import { createHash } from 'node:crypto';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import { uuidv7 } from '../../../shared/ids';
import {
  nextAuditLink,
  type AuditChainEntry,
  type AuditChainTail,
  type AuditHash,
} from '../../../shared/security/audit-chain';
import { sealText } from './encryption/field-cipher';

/** One event of the audit trail: who, what (a short action name), to what, and the details. */
export interface AuditEventToStore {
  atMs: number;
  actor: string;
  action: string;
  subject: string;
  detail: string;
}

/** What the appender writes: as an event, with no subject or details where there are none. */
export type AuditEntryToWrite = Omit<AuditEventToStore, 'subject' | 'detail'> & {
  subject: string | null;
  detail: string | null;
};

export const sha256Hex: AuditHash = (text) =>
  createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * The chain's tail as each open transaction last wrote it: read from the table on a transaction's
 * first entry, then kept in memory for its next ones (the worker runs one transaction at a time,
 * so no one else appends meanwhile). Not kept across transactions: one that rolls back would
 * leave a remembered tail past the stored chain, and every later entry would look like a deletion.
 */
const tails = new WeakMap<Transaction, AuditChainTail | null>();

/** Writes one audit entry as the next link of the chain, inside the caller's transaction. */
export async function appendAuditEntry(
  tx: Transaction,
  workstationId: string,
  event: AuditEntryToWrite,
): Promise<AuditChainEntry> {
  const tail = tails.has(tx) ? tails.get(tx)! : await readAuditTail(tx, workstationId);
  const entry = nextAuditLink(
    tail,
    {
      workstationId,
      id: uuidv7(),
      atMs: Math.round(event.atMs),
      actor: event.actor,
      action: event.action,
      subject: event.subject,
      detail: event.detail,
    },
    sha256Hex,
  );
  await tx.query(
    `INSERT INTO audit_events (id, workstation_id, at_ms, actor, action, subject, detail, seq,
       prev_hash, entry_hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      entry.id,
      workstationId,
      entry.atMs,
      entry.actor,
      entry.action,
      entry.subject,
      // Sealed (it names patients); the chain's hash is of the plain text, as the server has it.
      sealText(entry.detail),
      entry.seq,
      entry.prevHash,
      entry.entryHash,
    ],
  );
  tails.set(tx, { seq: entry.seq, entryHash: entry.entryHash });
  return entry;
}

/** The last entry of this workstation's chain, or null before its first. */
export async function readAuditTail(
  db: Pick<PGlite, 'query'>,
  workstationId: string,
): Promise<AuditChainTail | null> {
  const { rows } = await db.query<{ seq: number; entry_hash: string }>(
    `SELECT seq, entry_hash FROM audit_events
     WHERE workstation_id = $1 AND seq IS NOT NULL ORDER BY seq DESC LIMIT 1`,
    [workstationId],
  );
  const row = rows[0];
  return row === undefined ? null : { seq: Number(row.seq), entryHash: row.entry_hash };
}

/** One audit event on its own (the api's recordAuditEvent): its own transaction. */
export async function insertAuditEvent(
  db: PGlite,
  workstationId: string,
  event: AuditEventToStore,
): Promise<void> {
  await db.transaction((tx) => appendAuditEntry(tx, workstationId, event));
}
