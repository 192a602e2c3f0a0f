// The central server's admin api of releases: IT uploads a signed release and its files, publishes
// a version to a channel with a staged rollout and a minimum version, and sees which workstation
// runs which version. The server answers with these; the admin page parses what it receives.
// Pure: no Node.
import { z } from 'zod';
import { parseMaintenanceWindow } from './maintenance-window';
import { SEMVER, SignedRelease, UpdateChannel, UpdatePlatform, UpdateReport } from './release';

export const RELEASE_ADMIN_PATHS = {
  /** GET → ReleaseOverview; POST SignedRelease → ReleaseSummary. */
  releases: '/api/admin/releases',
  /** PUT the file's bytes (raw body) → ReleaseSummary. */
  file: (platform: UpdatePlatform, version: string, name: string) =>
    `/api/admin/releases/${platform}/${encodeURIComponent(version)}/files/${encodeURIComponent(name)}`,
  /** POST PublishRequest → ChannelAssignment. */
  publish: '/api/admin/release-channels/publish',
  /** POST ChannelSettingsRequest → ChannelAssignment. */
  channelSettings: '/api/admin/release-channels/settings',
  /** GET → WorkstationUpdateList. */
  workstationUpdates: '/api/admin/workstation-updates',
} as const;

/**
 * Why `text` is not a maintenance window as the workstation's update policy reads them ("Sun
 * 02:00–04:00", "Daily 03:00-03:30", in the workstation's local time), or null when it is one.
 */
export function maintenanceWindowProblem(text: string): string | null {
  const parsed = parseMaintenanceWindow(text);
  return typeof parsed === 'string' ? parsed : null;
}

const MaintenanceWindows = z
  .array(
    z
      .string()
      .max(40)
      .superRefine((text, ctx) => {
        const problem = maintenanceWindowProblem(text);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
  )
  .max(14);

export const ReleaseFileState = z.object({
  name: z.string(),
  size: z.number(),
  sha512: z.string(),
  /** Every byte is stored and matched the signed sha512 and size. */
  complete: z.boolean(),
});
export type ReleaseFileState = z.infer<typeof ReleaseFileState>;

export const ReleaseSummary = z.object({
  version: z.string(),
  platform: UpdatePlatform,
  keyId: z.string(),
  releaseDate: z.string(),
  uploadedAt: z.string(),
  uploadedBy: z.string(),
  files: z.array(ReleaseFileState),
  /** Every file is complete: the release can be published. */
  complete: z.boolean(),
  signed: SignedRelease,
});
export type ReleaseSummary = z.infer<typeof ReleaseSummary>;

export const ChannelAssignment = z.object({
  channel: UpdateChannel,
  platform: UpdatePlatform,
  version: z.string(),
  rolloutPercent: z.number(),
  minimumVersion: z.string().nullable(),
  /** When a workstation may install with no bed monitored, besides when it is quit. */
  maintenanceWindows: z.array(z.string()),
  changedAt: z.string(),
  changedBy: z.string(),
});
export type ChannelAssignment = z.infer<typeof ChannelAssignment>;

export const ReleaseOverview = z.object({
  releases: z.array(ReleaseSummary),
  channels: z.array(ChannelAssignment),
  /** The key ids of the public keys this server checks signatures with; empty: cannot publish. */
  trustedKeyIds: z.array(z.string()),
});
export type ReleaseOverview = z.infer<typeof ReleaseOverview>;

const Percent = z.number().min(0).max(100);

export const PublishRequest = z.strictObject({
  channel: UpdateChannel,
  platform: UpdatePlatform,
  version: z.string().regex(SEMVER),
  rolloutPercent: Percent,
  minimumVersion: z.string().regex(SEMVER).nullable().optional(),
  maintenanceWindows: MaintenanceWindows.optional(),
});
export type PublishRequest = z.infer<typeof PublishRequest>;

/** Only what is given changes; minimumVersion null clears it. */
export const ChannelSettingsRequest = z.strictObject({
  channel: UpdateChannel,
  platform: UpdatePlatform,
  rolloutPercent: Percent.optional(),
  minimumVersion: z.string().regex(SEMVER).nullable().optional(),
  maintenanceWindows: MaintenanceWindows.optional(),
});
export type ChannelSettingsRequest = z.infer<typeof ChannelSettingsRequest>;

export const StoredUpdateReport = UpdateReport.extend({ reportedAt: z.string() });
export type StoredUpdateReport = z.infer<typeof StoredUpdateReport>;

export const WorkstationUpdate = z.object({
  id: z.string(),
  name: z.string(),
  unit: z.string().nullable(),
  revokedAt: z.string().nullable(),
  lastSeenAt: z.string().nullable(),
  /** What it last said it runs (its report, else what it enrolled with). */
  appVersion: z.string(),
  lastReport: StoredUpdateReport.nullable(),
  /** The few reports before the last, newest first. */
  history: z.array(StoredUpdateReport),
});
export type WorkstationUpdate = z.infer<typeof WorkstationUpdate>;

export const WorkstationUpdateList = z.object({ workstations: z.array(WorkstationUpdate) });
export type WorkstationUpdateList = z.infer<typeof WorkstationUpdateList>;
