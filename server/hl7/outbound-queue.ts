// The outbound HL7 queue in PostgreSQL (table hl7_outbound): messages are added with their
// control ids in one transaction with what they are about, sent in seq order, marked sent when
// the receiver accepts them, and set aside (kept, with the reason) when it refuses one too often.
// A restart resumes from the first message not yet accepted.
import type { Database, Session } from '../db/database';

export interface QueuedMessage {
  seq: number;
  controlId: string;
  messageType: string;
  message: string;
  /** Refusals so far (AE/AR/CE/CR); silence and lost connections are not counted. */
  attempts: number;
}

export interface NewMessage {
  controlId: string;
  messageType: string;
  workstationId: string | null;
  bedId: string | null;
  aboutMs: number | null;
  message: string;
}

export interface QueueCounts {
  queued: number;
  sent: number;
  setAside: number;
}

/** Control ids: this server's prefix (from its id) and a number from the queue's sequence. */
export async function controlIdPrefix(db: Database): Promise<string> {
  const { rows } = await db.query<{ value: string }>(
    `SELECT value FROM server_settings WHERE key = 'server_id'`,
  );
  return `${(rows[0]?.value ?? 'central').replace(/-/g, '').slice(0, 8).toUpperCase()}-`;
}

/** n control ids, in the order their messages are to go. */
export async function newControlIds(session: Session, prefix: string, n: number) {
  if (n === 0) return [];
  const { rows } = await session.query<{ seq: string }>(
    `SELECT nextval('hl7_outbound_seq_seq') AS seq FROM generate_series(1, $1) ORDER BY 1`,
    [n],
  );
  return rows.map((row) => ({ seq: Number(row.seq), controlId: `${prefix}${row.seq}` }));
}

/** Adds messages whose seq was drawn by newControlIds (inside the caller's transaction). */
export async function addMessages(
  session: Session,
  messages: readonly (NewMessage & { seq: number })[],
): Promise<void> {
  if (messages.length === 0) return;
  await session.query(
    `INSERT INTO hl7_outbound (seq, control_id, message_type, workstation_id, bed_id, about_ms, message)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[],
                          $6::bigint[], $7::text[])`,
    [
      messages.map((m) => m.seq),
      messages.map((m) => m.controlId),
      messages.map((m) => m.messageType),
      messages.map((m) => m.workstationId),
      messages.map((m) => m.bedId),
      messages.map((m) => m.aboutMs),
      messages.map((m) => m.message),
    ],
  );
}

/** The store the MLLP sender works from. */
export interface OutboundStore {
  /** The first messages not yet accepted, in order (at most limit). */
  pending(limit: number): Promise<QueuedMessage[]>;
  accepted(seq: number): Promise<void>;
  /** The receiver refused it: counted, with the reason. */
  refused(seq: number, problem: string): Promise<void>;
  setAside(seq: number, problem: string): Promise<void>;
}

export function postgresOutbox(db: Database): OutboundStore & {
  counts(): Promise<QueueCounts>;
  prune(keepSentMs: number): Promise<number>;
} {
  return {
    async pending(limit) {
      const { rows } = await db.query<{
        seq: string;
        control_id: string;
        message_type: string;
        message: string;
        attempts: number;
      }>(
        `SELECT seq, control_id, message_type, message, attempts FROM hl7_outbound
         WHERE state = 'queued' ORDER BY seq LIMIT $1`,
        [limit],
      );
      return rows.map((row) => ({
        seq: Number(row.seq),
        controlId: row.control_id,
        messageType: row.message_type,
        message: row.message,
        attempts: row.attempts,
      }));
    },
    async accepted(seq) {
      await db.query(`UPDATE hl7_outbound SET state = 'sent', sent_at = now() WHERE seq = $1`, [
        seq,
      ]);
    },
    async refused(seq, problem) {
      await db.query(
        `UPDATE hl7_outbound SET attempts = attempts + 1, last_problem = $2 WHERE seq = $1`,
        [seq, problem],
      );
    },
    async setAside(seq, problem) {
      await db.query(
        `UPDATE hl7_outbound SET state = 'set-aside', set_aside_at = now(), last_problem = $2,
           attempts = attempts + 1
         WHERE seq = $1`,
        [seq, problem],
      );
    },
    async counts() {
      const { rows } = await db.query<{ state: string; n: string }>(
        `SELECT state, count(*) AS n FROM hl7_outbound GROUP BY state`,
      );
      const n = (state: string) => Number(rows.find((r) => r.state === state)?.n ?? 0);
      return { queued: n('queued'), sent: n('sent'), setAside: n('set-aside') };
    },
    /** Forgets accepted messages older than keepSentMs (set-aside ones are kept for a person). */
    async prune(keepSentMs) {
      const result = await db.query(
        `DELETE FROM hl7_outbound WHERE state = 'sent'
           AND created_at < now() - make_interval(secs => $1::float8 / 1000)`,
        [keepSentMs],
      );
      return result.rowCount ?? 0;
    },
  };
}
