// The census in PostgreSQL (migration 009): each ADT message applied in one transaction under an
// advisory lock held to commit, so census seq grows in commit order and a workstation's cursor
// never passes a change committed late; a message already applied (same sender, same control id)
// is answered again and not applied twice. Pages of changes for the workstations' pull.
import type { CensusEntry, CensusPage } from '../../shared/sync/census';
import type { Database, Session } from '../db/database';
import type { AdtMessage } from '../hl7/adt-message';
import { applyAdtEvent } from './census-state';
import type { CensusRecord } from './census-state';

const CENSUS_LOCK_KEY = 7_310_025_109;

export type AdtApplied =
  | { duplicate: false; seq: number; outcome: string }
  /** Sent before and applied then: nothing changed now. */
  | { duplicate: true; outcome: string; firstReceivedAtMs: number };

interface CensusRow {
  mrn: string;
  family_name: string | null;
  given_name: string | null;
  birth_date: string | null;
  sex: string | null;
  status: CensusEntry['status'];
  visit_number: string | null;
  location_unit: string | null;
  location_room: string | null;
  location_bed: string | null;
  location_facility: string | null;
  admitted_at_ms: string | number | null;
  discharged_at_ms: string | number | null;
  updated_at_ms: string | number;
  last_event: string;
  /** bigint: a string from pg, a number from row_to_json. */
  seq: string | number;
}

const COLUMNS = `mrn, family_name, given_name, to_char(birth_date, 'YYYY-MM-DD') AS birth_date, sex,
  status, visit_number, location_unit, location_room, location_bed, location_facility,
  admitted_at_ms, discharged_at_ms, updated_at_ms, last_event, seq`;

const orNull = (v: string | number | null) => (v === null ? null : Number(v));

function entryOf(row: CensusRow): CensusEntry {
  const location = {
    unit: row.location_unit,
    room: row.location_room,
    bed: row.location_bed,
    facility: row.location_facility,
  };
  return {
    seq: Number(row.seq),
    mrn: row.mrn,
    familyName: row.family_name,
    givenName: row.given_name,
    birthDate: row.birth_date,
    sex: row.sex,
    status: row.status,
    visitNumber: row.visit_number,
    location: Object.values(location).some((v) => v !== null) ? location : null,
    admittedAtMs: orNull(row.admitted_at_ms),
    dischargedAtMs: orNull(row.discharged_at_ms),
    updatedAtMs: Number(row.updated_at_ms),
    lastEvent: row.last_event,
  };
}

function recordOf(entry: CensusEntry): CensusRecord {
  const { seq: _seq, updatedAtMs: _at, ...record } = entry;
  return record;
}

async function currentEntry(db: Database, mrn: string): Promise<CensusEntry | null> {
  const { rows } = await db.query<CensusRow>(
    `SELECT ${COLUMNS} FROM census_patients WHERE mrn_key(mrn) = mrn_key($1)`,
    [mrn],
  );
  return rows[0] ? entryOf(rows[0]) : null;
}

/**
 * One transaction holding the census lock from its first statement (BEGIN and the lock in one
 * round trip: a burst of ADT is bound by round trips); committed if `work` returns.
 */
async function inCensusTransaction<T>(db: Database, work: (session: Session) => Promise<T>) {
  const session = await db.connect();
  let broken: Error | undefined;
  try {
    await session.query(`BEGIN; SELECT pg_advisory_xact_lock(${CENSUS_LOCK_KEY})`);
    const result = await work(session);
    await session.query('COMMIT');
    return result;
  } catch (error) {
    await session.query('ROLLBACK').catch((failure: Error) => (broken = failure));
    throw error;
  } finally {
    // A session whose rollback failed is in an unknown state: closed, not reused.
    session.release(broken);
  }
}

/** Applies one ADT message (or finds it applied before); returns after commit. */
export function applyAdtMessage(
  db: Database,
  adt: AdtMessage,
  receivedAtMs: number,
): Promise<AdtApplied> {
  return inCensusTransaction(db, async (session) => {
    // Read after the lock is held (its own statement, so its snapshot sees every earlier commit).
    const { rows } = await session.query<{
      already: { outcome: string; received_ms: number } | null;
      current: CensusRow | null;
    }>(
      `SELECT
         (SELECT json_build_object('outcome', outcome,
            'received_ms', (extract(epoch FROM received_at) * 1000)::bigint)
          FROM adt_messages WHERE sender = $1 AND control_id = $2) AS already,
         (SELECT row_to_json(c) FROM (SELECT ${COLUMNS} FROM census_patients
          WHERE mrn_key(mrn) = mrn_key($3)) c) AS current`,
      [adt.sender, adt.controlId, adt.patient.mrn],
    );
    const { already, current: row } = rows[0]!;
    if (already) {
      return {
        duplicate: true,
        outcome: already.outcome,
        firstReceivedAtMs: Number(already.received_ms),
      };
    }
    const current = row ? entryOf(row) : null;
    const { next, outcome } = applyAdtEvent(current ? recordOf(current) : null, adt);
    // The entry (new, or in place of the one of the same MRN in any case) and the log, at once.
    const written = await session.query<{ seq: string }>(
      `WITH entry AS (
         INSERT INTO census_patients (mrn, family_name, given_name, birth_date, sex, status,
           visit_number, location_unit, location_room, location_bed, location_facility,
           admitted_at_ms, discharged_at_ms, updated_at_ms, last_event, seq)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
           nextval('census_seq'))
         ON CONFLICT (mrn_key(mrn)) DO UPDATE SET mrn = EXCLUDED.mrn,
           family_name = EXCLUDED.family_name, given_name = EXCLUDED.given_name,
           birth_date = EXCLUDED.birth_date, sex = EXCLUDED.sex, status = EXCLUDED.status,
           visit_number = EXCLUDED.visit_number, location_unit = EXCLUDED.location_unit,
           location_room = EXCLUDED.location_room, location_bed = EXCLUDED.location_bed,
           location_facility = EXCLUDED.location_facility,
           admitted_at_ms = EXCLUDED.admitted_at_ms, discharged_at_ms = EXCLUDED.discharged_at_ms,
           updated_at_ms = EXCLUDED.updated_at_ms, last_event = EXCLUDED.last_event,
           seq = EXCLUDED.seq
         RETURNING seq)
       INSERT INTO adt_messages (sender, control_id, event, mrn, received_at, outcome, census_seq)
       SELECT $16, $17, $15, $1, to_timestamp($14 / 1000.0), $18, seq FROM entry
       RETURNING census_seq AS seq`,
      [
        next.mrn,
        next.familyName,
        next.givenName,
        next.birthDate,
        next.sex,
        next.status,
        next.visitNumber,
        next.location?.unit ?? null,
        next.location?.room ?? null,
        next.location?.bed ?? null,
        next.location?.facility ?? null,
        next.admittedAtMs,
        next.dischargedAtMs,
        receivedAtMs,
        next.lastEvent,
        adt.sender,
        adt.controlId,
        outcome,
      ],
    );
    return { duplicate: false, seq: Number(written.rows[0]!.seq), outcome };
  });
}

/** The census entry of an MRN (in any case), or null. */
export function readCensusEntry(db: Database, mrn: string): Promise<CensusEntry | null> {
  return currentEntry(db, mrn);
}

/** The entries changed after `after`, in change order, `limit` at most. */
export async function readCensusPage(
  db: Database,
  after: number,
  limit: number,
): Promise<CensusPage> {
  const { rows } = await db.query<CensusRow>(
    `SELECT ${COLUMNS} FROM census_patients WHERE seq > $1 ORDER BY seq LIMIT $2`,
    [after, limit + 1],
  );
  const entries = rows.slice(0, limit).map(entryOf);
  return {
    entries,
    cursor: entries.at(-1)?.seq ?? after,
    more: rows.length > limit,
  };
}

/** How long the log of applied ADT messages is kept: long past any resend, not for ever. */
export const ADT_LOG_KEEP_DAYS = 30;

/**
 * Forgets the applied ADT messages older than the keep (they hold MRNs: kept only as long as a
 * resend could come). A message resent after that would be applied again, as a new one.
 */
export async function pruneAdtLog(db: Database, nowMs: number): Promise<number> {
  const { rowCount } = await db.query(`DELETE FROM adt_messages WHERE received_at < $1`, [
    new Date(nowMs - ADT_LOG_KEEP_DAYS * 86_400_000),
  ]);
  return rowCount ?? 0;
}
