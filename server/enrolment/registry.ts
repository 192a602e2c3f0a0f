// The enrolled workstations and the one-time codes that let them join: making a code, enrolling
// with it (once, before it expires), knowing a workstation by its credential, revoking it.
import type { EnrolRequest, EnrolResponse } from '../../shared/sync/messages';
import type { EnrolmentCodeResponse, WorkstationSummary } from '../../shared/sync/admin';
import type { Database } from '../db/database';
import { inTransaction } from '../db/database';
import { SyncRefusal } from '../sync/refusal';
import { feedWorkstationRecord } from '../sync/pull-feed';
import { newEnrolmentCode, newSecret, normaliseEnrolmentCode, sha256 } from './secrets';

export const DEFAULT_CODE_VALID_HOURS = 24;

export interface KnownWorkstation {
  id: string;
  name: string;
  unit: string | null;
  revoked: boolean;
}

export async function createEnrolmentCode(
  db: Database,
  options: {
    unit?: string | null | undefined;
    validHours?: number | undefined;
    /** Re-enrolment of this enrolled workstation (a reinstall); a new workstation otherwise. */
    workstationId?: string | null | undefined;
  },
): Promise<EnrolmentCodeResponse> {
  if (options.workstationId) {
    const known = await db.query('SELECT 1 FROM workstations WHERE id = $1', [
      options.workstationId,
    ]);
    if (known.rows.length === 0) {
      throw new SyncRefusal(
        'not-found',
        `No workstation ${options.workstationId} is enrolled: a new workstation needs a plain code.`,
      );
    }
  }
  const code = newEnrolmentCode();
  const validMs = Math.round((options.validHours ?? DEFAULT_CODE_VALID_HOURS) * 3_600_000);
  const { rows } = await db.query<{ expires_at: Date }>(
    `INSERT INTO enrolment_codes (hash, unit, expires_at, for_workstation)
     VALUES ($1, $2, now() + make_interval(secs => $3::double precision / 1000), $4)
     RETURNING expires_at`,
    [
      sha256(normaliseEnrolmentCode(code)),
      options.unit ?? null,
      validMs,
      options.workstationId ?? null,
    ],
  );
  return {
    code,
    unit: options.unit ?? null,
    expiresAt: rows[0]!.expires_at.toISOString(),
    workstationId: options.workstationId ?? null,
  };
}

/**
 * Uses a code (atomically: two workstations racing with one code, one wins) and gives the
 * workstation a new credential. An already enrolled workstation enrols again (a reinstall) only
 * with a code made for it by id, which replaces its credential; a plain code enrols a new
 * workstation only; a revoked one stays revoked. A refused code is not used up.
 */
export async function enrolWorkstation(
  db: Database,
  request: EnrolRequest,
  serverId: string,
): Promise<EnrolResponse> {
  const credential = newSecret();
  return inTransaction(db, async (session) => {
    const previous = await session.query<{ revoked_at: Date | null }>(
      'SELECT revoked_at FROM workstations WHERE id = $1 FOR UPDATE',
      [request.workstationId],
    );
    if (previous.rows[0]?.revoked_at) {
      throw new SyncRefusal(
        'revoked',
        `Workstation ${request.workstationId} was revoked on the central server ` +
          `(${previous.rows[0].revoked_at.toISOString()}); it cannot enrol again under that id. ` +
          `The code was not used.`,
      );
    }
    const hash = sha256(normaliseEnrolmentCode(request.code));
    const used = await session.query<{ unit: string | null; for_workstation: string | null }>(
      `UPDATE enrolment_codes SET used_at = now(), used_by = $2
       WHERE hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING unit, for_workstation`,
      [hash, request.workstationId],
    );
    if (used.rows.length === 0) throw await codeRefusal(db, hash);
    const { unit: codeUnit, for_workstation: forWorkstation } = used.rows[0]!;
    // Thrown inside the transaction: the code stays unused.
    if (forWorkstation !== null && forWorkstation !== request.workstationId) {
      throw new SyncRefusal(
        'forbidden',
        `This enrolment code was made to enrol workstation ${forWorkstation} again, not ` +
          `${request.workstationId}. The code was not used.`,
      );
    }
    if (forWorkstation === null && previous.rows.length > 0) {
      throw new SyncRefusal(
        'forbidden',
        `A workstation with the id ${request.workstationId} is enrolled already. To enrol it ` +
          `again (after a reinstall), IT makes a code for it: npm run server -- enrolment-code ` +
          `--workstation ${request.workstationId}. The code was not used.`,
      );
    }
    const { rows } = await session.query<{ name: string; unit: string | null }>(
      `INSERT INTO workstations (id, name, unit, credential_hash, app_version, protocol)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name,
         unit = COALESCE(EXCLUDED.unit, workstations.unit),
         credential_hash = EXCLUDED.credential_hash, enrolled_at = now(),
         app_version = EXCLUDED.app_version, protocol = EXCLUDED.protocol
       RETURNING name, unit`,
      [
        request.workstationId,
        request.name,
        codeUnit,
        sha256(credential),
        request.appVersion,
        request.protocol,
      ],
    );
    const record = rows[0]!;
    await feedWorkstationRecord(session, { id: request.workstationId, ...record });
    return { workstationId: request.workstationId, credential, serverId, unit: record.unit };
  });
}

async function codeRefusal(db: Database, hash: Buffer): Promise<SyncRefusal> {
  const { rows } = await db.query<{ used_at: Date | null; expired: boolean }>(
    'SELECT used_at, expires_at <= now() AS expired FROM enrolment_codes WHERE hash = $1',
    [hash],
  );
  const found = rows[0];
  const why = !found
    ? 'is not one this central server made'
    : found.used_at
      ? 'has been used already (each code enrols one workstation once)'
      : 'has expired';
  return new SyncRefusal(
    'enrolment-code-invalid',
    `This enrolment code ${why}. Ask IT for a new code.`,
  );
}

export async function findWorkstationByCredential(
  db: Database,
  credential: string,
): Promise<KnownWorkstation | null> {
  const { rows } = await db.query<{
    id: string;
    name: string;
    unit: string | null;
    revoked: boolean;
  }>(
    `SELECT id, name, unit, revoked_at IS NOT NULL AS revoked FROM workstations
     WHERE credential_hash = $1`,
    [sha256(credential)],
  );
  return rows[0] ?? null;
}

/** Notes that a workstation was heard from (at most once every few seconds per workstation). */
export async function noteSeen(db: Database, workstationId: string): Promise<void> {
  await db.query(
    `UPDATE workstations SET last_seen_at = now()
     WHERE id = $1 AND (last_seen_at IS NULL OR last_seen_at < now() - interval '5 seconds')`,
    [workstationId],
  );
}

export async function revokeWorkstation(
  db: Database,
  workstationId: string,
): Promise<WorkstationSummary | null> {
  const { rows } = await db.query<WorkstationRow>(
    `UPDATE workstations SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1
     RETURNING ${SUMMARY_COLUMNS}`,
    [workstationId],
  );
  return rows[0] ? summaryOf(rows[0]) : null;
}

export async function listWorkstations(db: Database): Promise<WorkstationSummary[]> {
  const { rows } = await db.query<WorkstationRow>(
    `SELECT ${SUMMARY_COLUMNS} FROM workstations ORDER BY unit NULLS LAST, name, id`,
  );
  return rows.map(summaryOf);
}

const SUMMARY_COLUMNS =
  'id, name, unit, enrolled_at, revoked_at, last_seen_at, app_version, protocol';

interface WorkstationRow {
  id: string;
  name: string;
  unit: string | null;
  enrolled_at: Date;
  revoked_at: Date | null;
  last_seen_at: Date | null;
  app_version: string;
  protocol: number;
}

function summaryOf(row: WorkstationRow): WorkstationSummary {
  return {
    id: row.id,
    name: row.name,
    unit: row.unit,
    enrolledAt: row.enrolled_at.toISOString(),
    revokedAt: row.revoked_at?.toISOString() ?? null,
    lastSeenAt: row.last_seen_at?.toISOString() ?? null,
    appVersion: row.app_version,
    protocol: row.protocol,
  };
}
