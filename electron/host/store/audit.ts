// The audit trail, in the store worker: who did what (an export, an action with no other row to
// carry it), one append-only row per event, synced to the central server like the rest.
import type { PGlite } from '@electric-sql/pglite';
import { uuidv7 } from '../../../shared/ids';

/** One event of the audit trail: who, what (a short action name), to what, and the details. */
export interface AuditEventToStore {
  atMs: number;
  actor: string;
  action: string;
  subject: string;
  detail: string;
}

export async function insertAuditEvent(
  db: PGlite,
  workstationId: string,
  event: AuditEventToStore,
): Promise<void> {
  await db.query(
    `INSERT INTO audit_events (id, workstation_id, at_ms, actor, action, subject, detail)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      uuidv7(),
      workstationId,
      Math.round(event.atMs),
      event.actor,
      event.action,
      event.subject,
      event.detail,
    ],
  );
}
