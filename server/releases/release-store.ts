// The releases the server holds and what each channel offers: IT's signed releases with the state
// of their files, and the channel assignments (version, staged rollout, minimum version).
import {
  SignedRelease as SignedReleaseSchema,
  compareVersions,
  manifestBytes,
} from '../../shared/update/release';
import type {
  FeedSettings,
  SignedRelease,
  UpdateChannel,
  UpdatePlatform,
} from '../../shared/update/release';
import type {
  ChannelAssignment,
  ChannelSettingsRequest,
  PublishRequest,
  ReleaseSummary,
} from '../../shared/update/release-admin';
import { inTransaction } from '../db/database';
import type { Database } from '../db/database';
import { SyncRefusal } from '../sync/refusal';

interface ReleaseRow {
  version: string;
  platform: UpdatePlatform;
  signed_release: SignedRelease;
  key_id: string;
  uploaded_at: Date;
  uploaded_by: string;
  files: { name: string; sha512: string; size: string; complete: boolean }[];
}

const RELEASE_SELECT = `
  SELECT r.version, r.platform, r.signed_release, r.key_id, r.uploaded_at, r.uploaded_by,
         COALESCE(json_agg(json_build_object('name', f.name, 'sha512', f.sha512,
           'size', f.size::text, 'complete', f.upload_id IS NOT NULL) ORDER BY f.name)
           FILTER (WHERE f.name IS NOT NULL), '[]') AS files
  FROM releases r LEFT JOIN release_files f USING (version, platform)`;

function summaryOf(row: ReleaseRow): ReleaseSummary {
  const files = row.files.map((f) => ({ ...f, size: Number(f.size) }));
  return {
    version: row.version,
    platform: row.platform,
    keyId: row.key_id,
    releaseDate: row.signed_release.manifest.releaseDate,
    uploadedAt: row.uploaded_at.toISOString(),
    uploadedBy: row.uploaded_by,
    files,
    complete: files.length > 0 && files.every((f) => f.complete),
    // jsonb keeps its own key order: parsed back into the schema's.
    signed: SignedReleaseSchema.parse(row.signed_release),
  };
}

export async function findRelease(
  db: Database,
  version: string,
  platform: UpdatePlatform,
): Promise<ReleaseSummary | null> {
  const { rows } = await db.query<ReleaseRow>(
    `${RELEASE_SELECT} WHERE r.version = $1 AND r.platform = $2 GROUP BY r.version, r.platform`,
    [version, platform],
  );
  return rows[0] ? summaryOf(rows[0]) : null;
}

export async function listReleases(db: Database): Promise<ReleaseSummary[]> {
  const { rows } = await db.query<ReleaseRow>(
    `${RELEASE_SELECT} GROUP BY r.version, r.platform ORDER BY r.platform, r.uploaded_at DESC`,
  );
  return rows
    .map(summaryOf)
    .sort((a, b) =>
      a.platform === b.platform
        ? compareVersions(b.version, a.version)
        : a.platform < b.platform
          ? -1
          : 1,
    );
}

/**
 * Keeps a release whose signature was checked. The same release again changes nothing; another
 * release of the same version and platform replaces it only while no channel offers it (a
 * published version's files never change: build a new version instead).
 */
export async function storeSignedRelease(
  db: Database,
  release: SignedRelease,
  uploadedBy: string,
): Promise<ReleaseSummary> {
  const { version, platform } = release.manifest;
  await inTransaction(db, async (session) => {
    await session.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`release ${version}`]);
    const { rows } = await session.query<{ signed_release: SignedRelease; published: boolean }>(
      `SELECT signed_release, EXISTS (SELECT 1 FROM release_channels c
         WHERE c.version = r.version AND c.platform = r.platform) AS published
       FROM releases r WHERE version = $1 AND platform = $2`,
      [version, platform],
    );
    const existing = rows[0];
    if (existing && sameRelease(existing.signed_release, release)) return;
    if (existing?.published) {
      throw new SyncRefusal(
        'forbidden',
        `Version ${version} for ${platform} is published on a channel with other files; a ` +
          'published version never changes. Build and sign a new version.',
        {},
        409,
      );
    }
    if (existing) {
      await session.query(
        `DELETE FROM release_file_chunks WHERE upload_id IN
           (SELECT upload_id FROM release_files WHERE version = $1 AND platform = $2
            AND upload_id IS NOT NULL)`,
        [version, platform],
      );
      await session.query('DELETE FROM releases WHERE version = $1 AND platform = $2', [
        version,
        platform,
      ]);
    }
    await session.query(
      `INSERT INTO releases (version, platform, signed_release, key_id, uploaded_by)
       VALUES ($1, $2, $3, $4, $5)`,
      [version, platform, JSON.stringify(release), release.keyId, uploadedBy],
    );
    for (const file of release.manifest.files) {
      await session.query(
        `INSERT INTO release_files (version, platform, name, sha512, size)
         VALUES ($1, $2, $3, $4, $5)`,
        [version, platform, file.name, file.sha512, file.size],
      );
    }
  });
  return (await findRelease(db, version, platform))!;
}

function sameRelease(a: SignedRelease, b: SignedRelease): boolean {
  return (
    a.keyId === b.keyId &&
    a.signature === b.signature &&
    Buffer.from(manifestBytes(a.manifest)).equals(manifestBytes(b.manifest))
  );
}

interface ChannelRow {
  channel: UpdateChannel;
  platform: UpdatePlatform;
  version: string;
  rollout_percent: number;
  minimum_version: string | null;
  maintenance_windows: string[];
  changed_at: Date;
  changed_by: string;
}

function assignmentOf(row: ChannelRow): ChannelAssignment {
  return {
    channel: row.channel,
    platform: row.platform,
    version: row.version,
    rolloutPercent: row.rollout_percent,
    minimumVersion: row.minimum_version,
    maintenanceWindows: row.maintenance_windows,
    changedAt: row.changed_at.toISOString(),
    changedBy: row.changed_by,
  };
}

export async function listChannels(db: Database): Promise<ChannelAssignment[]> {
  const { rows } = await db.query<ChannelRow>(
    'SELECT * FROM release_channels ORDER BY channel DESC, platform',
  );
  return rows.map(assignmentOf);
}

export async function channelAssignment(
  db: Database,
  channel: UpdateChannel,
  platform: UpdatePlatform,
): Promise<ChannelAssignment | null> {
  const { rows } = await db.query<ChannelRow>(
    'SELECT * FROM release_channels WHERE channel = $1 AND platform = $2',
    [channel, platform],
  );
  return rows[0] ? assignmentOf(rows[0]) : null;
}

export function feedSettingsOf(assignment: ChannelAssignment): FeedSettings {
  return {
    rolloutPercent: assignment.rolloutPercent,
    minimumVersion: assignment.minimumVersion,
    maintenanceWindows: assignment.maintenanceWindows,
  };
}

function refuseMinimum(minimum: string | null, version: string): void {
  if (minimum !== null && compareVersions(minimum, version) > 0) {
    throw new SyncRefusal(
      'bad-request',
      `The minimum version ${minimum} is above the version this channel offers (${version}): ` +
        'no workstation could reach it. Publish a newer version first, or lower the minimum.',
    );
  }
}

/** Offers a complete release on a channel. The caller has checked its signature again. */
export async function publishRelease(
  db: Database,
  request: PublishRequest,
  release: ReleaseSummary,
  changedBy: string,
): Promise<ChannelAssignment> {
  if (!release.complete) {
    const missing = release.files.filter((f) => !f.complete).map((f) => f.name);
    throw new SyncRefusal(
      'forbidden',
      `Version ${release.version} for ${release.platform} cannot be published yet: upload ` +
        `${missing.join(', ')} first.`,
      {},
      409,
    );
  }
  const minimum = request.minimumVersion ?? null;
  refuseMinimum(minimum, request.version);
  const { rows } = await db.query<ChannelRow>(
    `INSERT INTO release_channels
       (channel, platform, version, rollout_percent, minimum_version, maintenance_windows,
        changed_by)
     VALUES ($1, $2, $3, $4, $5, COALESCE($6::text[], '{}'), $7)
     ON CONFLICT (channel, platform) DO UPDATE SET version = EXCLUDED.version,
       rollout_percent = EXCLUDED.rollout_percent, minimum_version = EXCLUDED.minimum_version,
       maintenance_windows = COALESCE($6::text[], release_channels.maintenance_windows),
       changed_at = now(), changed_by = EXCLUDED.changed_by
     RETURNING *`,
    [
      request.channel,
      request.platform,
      request.version,
      request.rolloutPercent,
      minimum,
      request.maintenanceWindows ?? null,
      changedBy,
    ],
  );
  return assignmentOf(rows[0]!);
}

export async function changeChannelSettings(
  db: Database,
  request: ChannelSettingsRequest,
  changedBy: string,
): Promise<ChannelAssignment> {
  const current = await channelAssignment(db, request.channel, request.platform);
  if (!current) {
    throw new SyncRefusal(
      'not-found',
      `Nothing is published on the ${request.channel} channel for ${request.platform} yet: ` +
        'publish a version first.',
    );
  }
  const minimum =
    request.minimumVersion === undefined ? current.minimumVersion : request.minimumVersion;
  refuseMinimum(minimum, current.version);
  const { rows } = await db.query<ChannelRow>(
    `UPDATE release_channels SET rollout_percent = $3, minimum_version = $4,
       maintenance_windows = $5, changed_at = now(), changed_by = $6
     WHERE channel = $1 AND platform = $2 RETURNING *`,
    [
      request.channel,
      request.platform,
      request.rolloutPercent ?? current.rolloutPercent,
      minimum,
      request.maintenanceWindows ?? current.maintenanceWindows,
      changedBy,
    ],
  );
  return assignmentOf(rows[0]!);
}
