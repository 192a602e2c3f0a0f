// The releases' HTTP edge: IT's admin api (upload a signed release and its files, publish to a
// channel, staging and minimum version, which workstation runs what), each workstation's update
// report, and the feed (release-feed.ts). Thin: each route parses, checks, calls a repository.
import { z } from 'zod';
import {
  ReleaseFile,
  SEMVER,
  SignedRelease,
  UPDATE_REPORT_PATH,
  UpdatePlatform,
  UpdateReport,
  type UpdateChannel,
} from '../../shared/update/release';
import {
  ChannelSettingsRequest,
  PublishRequest,
  RELEASE_ADMIN_PATHS,
} from '../../shared/update/release-admin';
import type { ReleaseOverview, WorkstationUpdateList } from '../../shared/update/release-admin';
import { noteSeen } from '../enrolment/registry';
import { findReleaseFile, storeReleaseFile } from '../releases/release-file-store';
import {
  changeChannelSettings,
  findRelease,
  listChannels,
  listReleases,
  publishRelease,
  storeSignedRelease,
} from '../releases/release-store';
import { checkSignature } from '../releases/signature';
import type { TrustedKeys } from '../releases/signing-keys';
import { listWorkstationUpdates, storeUpdateReport } from '../releases/update-reports';
import { SyncRefusal } from '../sync/refusal';
import { requireAdmin } from './admin-routes';
import type { ServerContext } from './context';
import { readJson, sendJson } from './exchange';
import type { Exchange } from './exchange';
import { releaseFeedRoutes } from './release-feed';
import { defaultReleaseCacheDir, ReleaseFileCache } from '../releases/release-file-cache';
import type { Route } from './router';
import { authenticate } from './sync-routes';

export const DEFAULT_MAX_RELEASE_FILE_BYTES = 2 * 1024 ** 3;
const MAX_RELEASE_JSON_BYTES = 64 * 1024;
const MAX_REPORT_BYTES = 4 * 1024;
/** Who changed a release: the admin token is the only admin until users sign in. */
const ADMIN = 'admin';

export interface ReleaseSettings {
  /** The Ed25519 public keys of --update-public-key, by key id; none: nothing is published. */
  trustedKeys: TrustedKeys;
  /** A file larger than this is refused (413) before any of it is stored. */
  maxFileBytes?: number;
  /**
   * Where this instance keeps checked copies of the files it serves (release-file-cache.ts);
   * default a folder of this user's in the system's temporary folder; null: always the database.
   */
  cacheDir?: string | null;
  /**
   * A release was published or a channel's settings changed: the live relay tells the connected
   * workstations to read the feed now (central-server.ts). Absent: they find it at their next read.
   */
  feedChanged?: (change: { channel: UpdateChannel; platform: UpdatePlatform }) => void;
}

/** Tells the connected workstations; a failure to tell is logged (they read the feed anyway). */
function announce(
  ctx: ServerContext,
  settings: ReleaseSettings,
  change: { channel: UpdateChannel; platform: UpdatePlatform },
): void {
  try {
    settings.feedChanged?.(change);
  } catch (error) {
    ctx.log(
      `releases: the workstations could not be told of the ${change.channel} feed: ${String(error)}`,
    );
  }
}

function parsed<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new SyncRefusal('bad-request', `Not ${what}: ${z.prettifyError(result.error)}`);
  }
  return result.data;
}

function refuseUnsigned(release: SignedRelease, settings: ReleaseSettings): void {
  const check = checkSignature(release, settings.trustedKeys);
  if (!check.ok) throw new SyncRefusal('forbidden', check.message);
}

async function overview(ctx: ServerContext, ex: Exchange, settings: ReleaseSettings) {
  requireAdmin(ctx, ex);
  const body: ReleaseOverview = {
    releases: await listReleases(ctx.db),
    channels: await listChannels(ctx.db),
    trustedKeyIds: [...settings.trustedKeys.keys()],
  };
  sendJson(ex, 200, body);
}

async function uploadRelease(ctx: ServerContext, ex: Exchange, settings: ReleaseSettings) {
  requireAdmin(ctx, ex);
  const release = parsed(
    SignedRelease,
    await readJson(ex.req, MAX_RELEASE_JSON_BYTES),
    'a signed release (release-<platform>.json from `server release sign`)',
  );
  refuseUnsigned(release, settings);
  const names = release.manifest.files.map((f) => f.name);
  if (new Set(names).size !== names.length) {
    throw new SyncRefusal('bad-request', 'The signed release names a file twice.');
  }
  sendJson(ex, 200, await storeSignedRelease(ctx.db, release, ADMIN));
}

async function uploadFile(
  ctx: ServerContext,
  ex: Exchange,
  settings: ReleaseSettings,
  [platformPart, versionPart, namePart]: string[],
) {
  requireAdmin(ctx, ex);
  const part = (text: string, schema: z.ZodType<string>, what: string) => {
    let value: string;
    try {
      value = decodeURIComponent(text);
    } catch {
      throw new SyncRefusal('bad-request', `The ${what} in the address is not valid.`);
    }
    if (!schema.safeParse(value).success) {
      throw new SyncRefusal('bad-request', `The ${what} in the address is not valid.`);
    }
    return value;
  };
  const platform = part(platformPart!, UpdatePlatform, 'platform') as UpdatePlatform;
  const version = part(versionPart!, z.string().regex(SEMVER), 'version');
  const name = part(namePart!, ReleaseFile.shape.name, 'file name');
  const maxBytes = settings.maxFileBytes ?? DEFAULT_MAX_RELEASE_FILE_BYTES;
  const declared = ex.req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) {
    throw new SyncRefusal(
      'too-large',
      `${name} is larger than the ${maxBytes} bytes this central server takes for one file.`,
    );
  }
  const file = await findReleaseFile(ctx.db, version, platform, name);
  if (!file) {
    throw new SyncRefusal(
      'not-found',
      (await findRelease(ctx.db, version, platform))
        ? `The signed release of ${version} (${platform}) has no file ${name}.`
        : `Upload the signed release of ${version} (${platform}) first, then its files.`,
    );
  }
  if (file.size > maxBytes) {
    throw new SyncRefusal(
      'too-large',
      `${name} is ${file.size} bytes; this central server takes at most ${maxBytes} for one file.`,
    );
  }
  if (declared !== undefined && Number(declared) !== file.size) {
    throw new SyncRefusal(
      'bad-request',
      `${name} is ${declared} bytes; the signed release says ${file.size}. Upload the file the ` +
        'release was signed with.',
    );
  }
  await storeReleaseFile(ctx.db, file, ex.req);
  sendJson(ex, 200, await findRelease(ctx.db, version, platform));
}

async function publish(ctx: ServerContext, ex: Exchange, settings: ReleaseSettings) {
  requireAdmin(ctx, ex);
  const request = parsed(
    PublishRequest,
    await readJson(ex.req, MAX_RELEASE_JSON_BYTES),
    'a request to publish',
  );
  const release = await findRelease(ctx.db, request.version, request.platform);
  if (!release) {
    throw new SyncRefusal(
      'not-found',
      `No release ${request.version} for ${request.platform} is uploaded here.`,
    );
  }
  // Checked again: a key IT has since withdrawn publishes nothing more.
  refuseUnsigned(release.signed, settings);
  sendJson(ex, 200, await publishRelease(ctx.db, request, release, ADMIN));
  announce(ctx, settings, { channel: request.channel, platform: request.platform });
}

async function channelSettings(ctx: ServerContext, ex: Exchange, settings: ReleaseSettings) {
  requireAdmin(ctx, ex);
  const request = parsed(
    ChannelSettingsRequest,
    await readJson(ex.req, MAX_RELEASE_JSON_BYTES),
    "a change of a channel's settings",
  );
  sendJson(ex, 200, await changeChannelSettings(ctx.db, request, ADMIN));
  announce(ctx, settings, { channel: request.channel, platform: request.platform });
}

async function workstationUpdates(ctx: ServerContext, ex: Exchange) {
  requireAdmin(ctx, ex);
  const body: WorkstationUpdateList = { workstations: await listWorkstationUpdates(ctx.db) };
  sendJson(ex, 200, body);
}

async function report(ctx: ServerContext, ex: Exchange) {
  const workstation = await authenticate(ctx, ex);
  const body = parsed(UpdateReport, await readJson(ex.req, MAX_REPORT_BYTES), 'an update report');
  await storeUpdateReport(ctx.db, workstation.id, body);
  await noteSeen(ctx.db, workstation.id);
  sendJson(ex, 200, { stored: true });
}

export function releaseRoutes(settings: ReleaseSettings): Route[] {
  const withSettings =
    (
      handle: (ctx: ServerContext, ex: Exchange, s: ReleaseSettings, p: string[]) => Promise<void>,
    ) =>
    (ctx: ServerContext, ex: Exchange, params: string[]) =>
      handle(ctx, ex, settings, params);
  const cacheDir = settings.cacheDir === undefined ? defaultReleaseCacheDir() : settings.cacheDir;
  return [
    ...releaseFeedRoutes(cacheDir === null ? null : new ReleaseFileCache(cacheDir)),
    {
      method: 'GET',
      path: RELEASE_ADMIN_PATHS.releases,
      sync: false,
      handle: withSettings(overview),
    },
    {
      method: 'POST',
      path: RELEASE_ADMIN_PATHS.releases,
      sync: false,
      handle: withSettings(uploadRelease),
    },
    {
      method: 'PUT',
      path: /^\/api\/admin\/releases\/([^/]+)\/([^/]+)\/files\/([^/]+)$/,
      sync: false,
      handle: withSettings(uploadFile),
    },
    {
      method: 'POST',
      path: RELEASE_ADMIN_PATHS.publish,
      sync: false,
      handle: withSettings(publish),
    },
    {
      method: 'POST',
      path: RELEASE_ADMIN_PATHS.channelSettings,
      sync: false,
      handle: withSettings(channelSettings),
    },
    {
      method: 'GET',
      path: RELEASE_ADMIN_PATHS.workstationUpdates,
      sync: false,
      handle: workstationUpdates,
    },
    { method: 'POST', path: UPDATE_REPORT_PATH, sync: false, handle: report },
  ];
}
