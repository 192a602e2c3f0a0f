// A release as the hospital's central server publishes it and a workstation checks it before it
// installs anything: the version and each file's sha512, signed with an Ed25519 key that IT holds
// (`server release sign`). The OS's code signature is checked too, by the OS and electron-updater;
// ours covers what theirs does not (Linux, and more than the signer's name on Windows).
// Pure: the bytes to sign are made here; signing and checking (node:crypto) are at each edge.
import { z } from 'zod';

export const RELEASE_PRODUCT = 'clinical-workstation';

/** The platforms electron-updater's generic provider has a feed file for. */
export const UpdatePlatform = z.enum(['win', 'mac', 'linux']);
export type UpdatePlatform = z.infer<typeof UpdatePlatform>;

/** The feed file electron-updater's generic provider reads, per platform. */
export const FEED_FILE: Record<UpdatePlatform, string> = {
  win: 'latest.yml',
  mac: 'latest-mac.yml',
  linux: 'latest-linux.yml',
};

/** Beside the feed file, our signed release for the same version: `release-<platform>.json`. */
export function signedReleaseFileName(platform: UpdatePlatform): string {
  return `release-${platform}.json`;
}

export const UpdateChannel = z.enum(['stable', 'pilot']);
export type UpdateChannel = z.infer<typeof UpdateChannel>;

/** Under the server's origin: `/updates/<channel>/` is the feed a workstation is pointed at. */
export const UPDATES_PATH = '/updates';

/** Major.minor.patch with an optional pre-release, as electron-builder versions a build. */
export const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?$/;

/** A file name in a release: no folders, nothing a path could climb out of. */
const FileName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._ -]*$/)
  .refine((name) => !name.includes('..'), 'a file name may not contain ".."');

export const ReleaseFile = z.strictObject({
  name: FileName,
  /** base64 of the file's SHA-512, as electron-updater writes it in latest.yml. */
  sha512: z.string().regex(/^[A-Za-z0-9+/]{86}==$/),
  size: z.number().int().positive(),
});
export type ReleaseFile = z.infer<typeof ReleaseFile>;

/** What the signature covers. Channel, staging and minimum version are IT's settings on the
 * server, changed without re-signing; they never widen what a workstation will install. */
export const ReleaseManifest = z.strictObject({
  product: z.literal(RELEASE_PRODUCT),
  version: z.string().regex(SEMVER),
  platform: UpdatePlatform,
  files: z.array(ReleaseFile).min(1).max(20),
  /** ISO 8601 UTC. */
  releaseDate: z.iso.datetime(),
});
export type ReleaseManifest = z.infer<typeof ReleaseManifest>;

export const SignedRelease = z.strictObject({
  manifest: ReleaseManifest,
  /** The Ed25519 key's id: the first 16 hex digits of SHA-256 over its 32 raw public bytes. */
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  /** base64 of the 64-byte Ed25519 signature over `manifestBytes(manifest)`. */
  signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/),
});
export type SignedRelease = z.infer<typeof SignedRelease>;

/**
 * The exact bytes signed: JSON with keys in a fixed order and files sorted by name, so the
 * server, the signing tool and every workstation make the same bytes from the same release.
 */
export function manifestBytes(manifest: ReleaseManifest): Uint8Array {
  const files = [...manifest.files]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((file) => ({ name: file.name, sha512: file.sha512, size: file.size }));
  const canonical = {
    product: manifest.product,
    version: manifest.version,
    platform: manifest.platform,
    files,
    releaseDate: manifest.releaseDate,
  };
  return new TextEncoder().encode(JSON.stringify(canonical));
}

/**
 * Our settings beside electron-updater's own keys in the feed file (latest*.yml); it ignores keys
 * it does not know. The workstation's update policy reads them: the staging is decided per
 * workstation (a bucket from its id), not by electron-updater's random id.
 */
export const FeedSettings = z.object({
  /** 0–100: the share of workstations on this channel offered this version now. */
  rolloutPercent: z.number().min(0).max(100),
  /** A workstation below this version updates at its first safe moment, whatever the staging. */
  minimumVersion: z.string().regex(SEMVER).nullable(),
  /**
   * When a workstation with no bed monitored may install by itself, in its local time, as IT
   * wrote them on the server: "Sun 02:00–04:00", "Daily 03:00–03:30". Absent: none.
   */
  maintenanceWindows: z.array(z.string().max(40)).max(14).optional(),
});
export type FeedSettings = z.infer<typeof FeedSettings>;

/** Negative if a < b, 0 if equal, positive if a > b (semver precedence; build metadata none). */
export function compareVersions(a: string, b: string): number {
  const pa = SEMVER.exec(a);
  const pb = SEMVER.exec(b);
  if (!pa || !pb) throw new Error(`not a version: ${pa ? b : a}`);
  for (let i = 1; i <= 3; i++) {
    const d = Number(pa[i]) - Number(pb[i]);
    if (d !== 0) return d;
  }
  const preA = pa[4];
  const preB = pb[4];
  if (preA === undefined || preB === undefined) {
    // A release outranks its own pre-releases.
    return preA === undefined ? (preB === undefined ? 0 : 1) : -1;
  }
  const idsA = preA.split('.');
  const idsB = preB.split('.');
  for (let i = 0; i < Math.max(idsA.length, idsB.length); i++) {
    const x = idsA[i];
    const y = idsB[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny) {
      const d = Number(x) - Number(y);
      if (d !== 0) return d;
    } else if (nx !== ny) {
      return nx ? -1 : 1;
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return 0;
}

/** POST with the workstation's sync credential: what it runs and what its updater is doing. */
export const UPDATE_REPORT_PATH = '/api/sync/update-report';

export const UpdateState = z.enum([
  'current', // runs the newest version offered to it
  'downloading',
  'ready', // downloaded and checked; waits for a safe moment
  'installing',
  'refused', // a file or signature did not match: nothing installed
  'failed-start', // this version failed to start twice
  'error', // the feed or the download failed; it will try again
]);
export type UpdateState = z.infer<typeof UpdateState>;

export const UpdateReport = z.strictObject({
  runningVersion: z.string().regex(SEMVER),
  platform: UpdatePlatform,
  channel: UpdateChannel,
  state: UpdateState,
  /** The version the state is about (the one offered, downloaded, refused or failing). */
  offeredVersion: z.string().regex(SEMVER).nullable(),
  /** For a person: why it was refused or failed. */
  detail: z.string().max(500).nullable(),
});
export type UpdateReport = z.infer<typeof UpdateReport>;
