// Remote consults (electron/host/telehealth/), in the store worker: the bedside's working copy of
// each consult (migration 022), its state one sealed JSON value, so that a restart goes on where it
// was; and, in the same transaction, the consult notes the remote clinician wrote, kept as the
// stay's annotations (synced like every annotation) and audited, each exactly once: a note's row
// id follows from the note's id, so a note polled a hundred times, or again after a crash, is one
// row and one audit entry.
import { createHash } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import { appendAuditEntry, type AuditEventToStore } from './audit';
import { openText, sealText } from './encryption/field-cipher';

import { CONSULT_NOTE_KIND } from '../../../shared/telehealth/invitation';

export { CONSULT_NOTE_KIND };

/** One consult as kept: its ids in columns, the rest (names, consent, notes) sealed. */
export interface StoredTelehealthConsult {
  id: string;
  bedId: string;
  patientId: string;
  ended: boolean;
  /** The service's own record of the consult (telehealth/consult-record.ts checks it on reading). */
  state: unknown;
}

/** A note to keep as an annotation of the bed during the stay, with its audit entry. */
export interface ConsultNoteToKeep {
  noteId: string;
  bedId: string;
  atMs: number;
  text: string;
  actor: string;
  audit: AuditEventToStore;
}

export interface TelehealthConsultChange {
  /** The consult as it is now; null: only `forget` (or notes and audits). */
  consult: StoredTelehealthConsult | null;
  /** A consult no longer shown anywhere: its row goes. */
  forget?: string;
  notes: ConsultNoteToKeep[];
  /** Written in the same transaction (invited, viewer opened, ended, auscultation shared). */
  audits: AuditEventToStore[];
}

/** The annotation's id for a note: a UUID made from the note's id (the same note, the same row). */
export function consultNoteRowId(noteId: string): string {
  const hex = createHash('sha256').update(`consult-note:${noteId}`, 'utf8').digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export async function readTelehealthConsults(db: PGlite): Promise<StoredTelehealthConsult[]> {
  const { rows } = await db.query<{
    id: string;
    bed_id: string;
    patient_id: string;
    ended: boolean;
    state: string;
  }>('SELECT id, bed_id, patient_id, ended, state FROM telehealth_consults ORDER BY id');
  const kept: StoredTelehealthConsult[] = [];
  for (const row of rows) {
    let state: unknown;
    try {
      state = JSON.parse(openText(row.state));
    } catch {
      state = null; // the service says it cannot read it, and leaves it
    }
    kept.push({
      id: row.id,
      bedId: row.bed_id,
      patientId: row.patient_id,
      ended: row.ended,
      state,
    });
  }
  return kept;
}

/** Keeps the change in one transaction; answers the ids of the notes kept now (not before). */
export async function keepTelehealthConsult(
  db: PGlite,
  workstationId: string,
  change: TelehealthConsultChange,
): Promise<string[]> {
  return db.transaction(async (tx) => {
    const kept: string[] = [];
    for (const note of change.notes) {
      const inserted = await tx.query(
        `INSERT INTO annotations (id, workstation_id, bed_id, at_ms, kind, text, actor)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
        [
          consultNoteRowId(note.noteId),
          workstationId,
          note.bedId,
          Math.round(note.atMs),
          CONSULT_NOTE_KIND,
          sealText(note.text),
          note.actor,
        ],
      );
      if ((inserted.affectedRows ?? 0) === 0) continue;
      kept.push(note.noteId);
      await appendAuditEntry(tx, workstationId, note.audit);
    }
    for (const audit of change.audits) await appendAuditEntry(tx, workstationId, audit);
    const c = change.consult;
    if (c) {
      await tx.query(
        `INSERT INTO telehealth_consults (id, bed_id, patient_id, ended, state)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO UPDATE SET ended = EXCLUDED.ended, state = EXCLUDED.state,
           updated_at = now()`,
        [c.id, c.bedId, c.patientId, c.ended, sealText(JSON.stringify(c.state))],
      );
    }
    if (change.forget) {
      await tx.query('DELETE FROM telehealth_consults WHERE id = $1', [change.forget]);
    }
    return kept;
  });
}
