// What each workstation says of its updates: its reports kept (the newest few), the version it
// runs noted in the registry, and the list IT reads beside the enrolled workstations.
import type { UpdateReport } from '../../shared/update/release';
import type { StoredUpdateReport, WorkstationUpdate } from '../../shared/update/release-admin';
import { inTransaction } from '../db/database';
import type { Database } from '../db/database';

/** Reports kept per workstation: the latest and a short history before it. */
export const REPORTS_KEPT = 10;

export async function storeUpdateReport(
  db: Database,
  workstationId: string,
  report: UpdateReport,
): Promise<void> {
  await inTransaction(db, async (session) => {
    await session.query(
      `INSERT INTO workstation_update_reports
         (workstation_id, running_version, platform, channel, state, offered_version, detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        workstationId,
        report.runningVersion,
        report.platform,
        report.channel,
        report.state,
        report.offeredVersion,
        report.detail,
      ],
    );
    await session.query(
      `DELETE FROM workstation_update_reports WHERE workstation_id = $1 AND id NOT IN
         (SELECT id FROM workstation_update_reports WHERE workstation_id = $1
          ORDER BY id DESC LIMIT $2)`,
      [workstationId, REPORTS_KEPT],
    );
    // The registry's version is what the workstation runs now, not what it enrolled with.
    await session.query(
      `UPDATE workstations SET app_version = $2, last_seen_at = now() WHERE id = $1`,
      [workstationId, report.runningVersion],
    );
  });
}

interface ReportRow {
  workstation_id: string;
  reported_at: Date;
  running_version: string;
  platform: UpdateReport['platform'];
  channel: UpdateReport['channel'];
  state: UpdateReport['state'];
  offered_version: string | null;
  detail: string | null;
}

function reportOf(row: ReportRow): StoredUpdateReport {
  return {
    runningVersion: row.running_version,
    platform: row.platform,
    channel: row.channel,
    state: row.state,
    offeredVersion: row.offered_version,
    detail: row.detail,
    reportedAt: row.reported_at.toISOString(),
  };
}

export async function listWorkstationUpdates(db: Database): Promise<WorkstationUpdate[]> {
  const [workstations, reports] = await Promise.all([
    db.query<{
      id: string;
      name: string;
      unit: string | null;
      revoked_at: Date | null;
      last_seen_at: Date | null;
      app_version: string;
    }>(
      `SELECT id, name, unit, revoked_at, last_seen_at, app_version FROM workstations
       ORDER BY unit NULLS LAST, name, id`,
    ),
    db.query<ReportRow>('SELECT * FROM workstation_update_reports ORDER BY id DESC'),
  ]);
  const byWorkstation = new Map<string, StoredUpdateReport[]>();
  for (const row of reports.rows) {
    const list = byWorkstation.get(row.workstation_id) ?? [];
    list.push(reportOf(row));
    byWorkstation.set(row.workstation_id, list);
  }
  return workstations.rows.map((w) => {
    const [lastReport = null, ...history] = byWorkstation.get(w.id) ?? [];
    return {
      id: w.id,
      name: w.name,
      unit: w.unit,
      revokedAt: w.revoked_at?.toISOString() ?? null,
      lastSeenAt: w.last_seen_at?.toISOString() ?? null,
      appVersion: w.app_version,
      lastReport,
      history,
    };
  });
}
