// What each workstation pulls (pull_feed): its own record when it changes, and the versions of
// its patients that other workstations recorded (a patient is matched by MRN, in any case). Rows
// are added inside the transaction that caused them, under an advisory lock held to commit, so
// seq grows in commit order and a cursor never passes a row that commits later.
import type { PullResponse } from '../../shared/sync/messages';
import { SYNC_PROTOCOL } from '../../shared/sync/protocol';
import type { Database, Session } from '../db/database';

const FEED_LOCK_KEY = 7_310_025_102;
export const PULL_PAGE_ROWS = 500;

async function lockFeed(session: Session): Promise<void> {
  await session.query('SELECT pg_advisory_xact_lock($1)', [FEED_LOCK_KEY]);
}

/** The workstation's name and unit as the server holds them, for its next pull. */
export async function feedWorkstationRecord(
  session: Session,
  workstation: { id: string; name: string; unit: string | null },
): Promise<void> {
  await lockFeed(session);
  await session.query('INSERT INTO pull_feed (workstation_id, change) VALUES ($1, $2)', [
    workstation.id,
    JSON.stringify({ kind: 'workstation', name: workstation.name, unit: workstation.unit }),
  ]);
}

/**
 * After `workstationId` stored the patient rows `ids`: those rows go to every other workstation
 * with a patient under the same MRN, and those workstations' versions come to this one.
 */
export async function feedPatientVersions(
  session: Session,
  workstationId: string,
  ids: string[],
): Promise<void> {
  if (ids.length === 0) return;
  await lockFeed(session);
  const change = (alias: string) =>
    `jsonb_build_object('kind', 'row', 'table', 'patients', 'row', patient_as_synced(${alias}))`;
  // Checked after taking the lock: a workstation storing the same MRN at the same moment either
  // committed before (and is seen here) or waits and sees these rows.
  await session.query(
    `INSERT INTO pull_feed (workstation_id, row_table, source_workstation_id, row_id, change)
     SELECT DISTINCT ON (o.workstation_id, n.id) o.workstation_id, 'patients', n.workstation_id, n.id, ${change('n')}
     FROM patients n
     JOIN patients o ON mrn_key(o.mrn) = mrn_key(n.mrn) AND o.workstation_id <> n.workstation_id
     WHERE n.workstation_id = $1 AND n.id = ANY($2::uuid[])
     ON CONFLICT DO NOTHING`,
    [workstationId, ids],
  );
  await session.query(
    `INSERT INTO pull_feed (workstation_id, row_table, source_workstation_id, row_id, change)
     SELECT $1, 'patients', o.workstation_id, o.id, ${change('o')}
     FROM patients o
     WHERE o.workstation_id <> $1 AND mrn_key(o.mrn) IN (
       SELECT mrn_key(mrn) FROM patients WHERE workstation_id = $1 AND id = ANY($2::uuid[]))
     ORDER BY o.workstation_id, o.id
     ON CONFLICT DO NOTHING`,
    [workstationId, ids],
  );
}

export async function readPullFeed(
  db: Database,
  workstationId: string,
  cursor: number,
  pageRows = PULL_PAGE_ROWS,
): Promise<PullResponse> {
  const { rows } = await db.query<{ seq: string; change: PullResponse['changes'][number] }>(
    `SELECT seq, change FROM pull_feed WHERE workstation_id = $1 AND seq > $2
     ORDER BY seq LIMIT $3`,
    [workstationId, cursor, pageRows + 1],
  );
  const page = rows.slice(0, pageRows);
  return {
    protocol: SYNC_PROTOCOL,
    cursor: page.length > 0 ? Number(page[page.length - 1]!.seq) : cursor,
    changes: page.map((row) => row.change),
    more: rows.length > pageRows,
  };
}
