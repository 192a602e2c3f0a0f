// Reads the update feed the central server hosts for this workstation's channel and platform:
// electron-updater's generic-provider file (latest*.yml) with our settings beside its keys, and
// our signed release next to it. Unknown keys are tolerated; anything else wrong is a FeedError
// that says what happened. Every exchange is bounded (sync/http.ts) and has a deadline.
import { createRequire } from 'node:module';
import { z } from 'zod';
import {
  FEED_FILE,
  FeedSettings,
  SEMVER,
  signedReleaseFileName,
  UPDATES_PATH,
  type UpdateChannel,
  type UpdatePlatform,
} from '../../../shared/update/release';
import { exchange, SyncLinkError, type SyncEndpoint } from '../sync/http';

// js-yaml comes with electron-updater (the desktop shell's updater reads the same files with it).
const yaml = createRequire(import.meta.url)('js-yaml') as {
  load(text: string, options?: { schema?: unknown }): unknown;
  JSON_SCHEMA: unknown;
};

/** A file name as a release has them: no folder, nothing to climb out of the feed's folder. */
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._ -]*$/;

const FeedFileEntry = z.looseObject({
  url: z.string().min(1),
  sha512: z.string().min(1),
  size: z.number().int().positive().optional(),
});

/** latest*.yml: electron-updater's keys, and ours (a feed without ours is offered to all). */
export const UpdateFeedFile = z.looseObject({
  version: z.string().regex(SEMVER),
  files: z.array(FeedFileEntry).min(1),
  path: z.string().min(1).optional(),
  sha512: z.string().optional(),
  releaseDate: z.string().optional(),
  rolloutPercent: FeedSettings.shape.rolloutPercent.default(100),
  minimumVersion: FeedSettings.shape.minimumVersion.default(null),
  /** IT's windows, e.g. "Sun 02:00–04:00" in the workstation's local time (policy.ts). */
  maintenanceWindows: FeedSettings.shape.maintenanceWindows.transform((windows) => windows ?? []),
});
export type UpdateFeedFile = z.infer<typeof UpdateFeedFile>;

export interface UpdateFeed extends UpdateFeedFile {
  channel: UpdateChannel;
  platform: UpdatePlatform;
  /** The installer the updater downloads: `path`, or the first file. */
  file: { name: string; sha512: string; size: number | null };
}

export type FeedProblem = 'not-found' | 'unreachable' | 'timeout' | 'garbage' | 'server';

export class FeedError extends Error {
  override readonly name = 'FeedError';
  constructor(
    readonly problem: FeedProblem,
    message: string,
  ) {
    super(message);
  }
}

export interface FeedSource {
  endpoint: SyncEndpoint;
  channel: UpdateChannel;
  platform: UpdatePlatform;
  /** The sync credential, when the server wants one for its feed. */
  credential?: string | null;
  /** Each request is given up after this long, whatever the server does. Default 30 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** `/updates/<channel>/<name>`: where the feed and its files are on the server. */
export function feedPath(channel: UpdateChannel, name: string): string {
  return `${UPDATES_PATH}/${channel}/${encodeURIComponent(name)}`;
}

const MAX_FEED_BYTES = 1024 * 1024;

async function fetchText(source: FeedSource, name: string): Promise<string> {
  const timeoutMs = source.timeoutMs ?? 30_000;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = source.signal ? AbortSignal.any([source.signal, deadline]) : deadline;
  const path = feedPath(source.channel, name);
  const where = `${source.endpoint.serverUrl}${path}`;
  let answer;
  try {
    answer = await exchange(source.endpoint, {
      method: 'GET',
      path,
      headers: source.credential ? { authorization: `Bearer ${source.credential}` } : {},
      connectTimeoutMs: timeoutMs,
      idleTimeoutMs: timeoutMs,
      maxResponseBytes: MAX_FEED_BYTES,
      signal,
    });
  } catch (error) {
    if (error instanceof SyncLinkError) {
      if (error.problem === 'timeout' || (error.problem === 'aborted' && deadline.aborted)) {
        throw new FeedError('timeout', `${where} did not answer within ${timeoutMs / 1000} s`);
      }
      if (error.problem === 'too-large') {
        throw new FeedError('garbage', `${where} is larger than any update feed`);
      }
      throw new FeedError('unreachable', error.message);
    }
    throw error;
  }
  if (answer.status === 404) {
    throw new FeedError(
      'not-found',
      `the central server has no ${name} on the ${source.channel} channel (404): no release published yet?`,
    );
  }
  if (answer.status !== 200) {
    throw new FeedError('server', `${where} answered ${answer.status} instead of the feed`);
  }
  return answer.body.toString('utf8');
}

/** Parses a latest*.yml; a FeedError (garbage) says what is wrong with it. */
export function parseFeed(
  text: string,
  channel: UpdateChannel,
  platform: UpdatePlatform,
): UpdateFeed {
  const name = FEED_FILE[platform];
  let value: unknown;
  try {
    value = yaml.load(text, { schema: yaml.JSON_SCHEMA });
  } catch (error) {
    throw new FeedError(
      'garbage',
      `${name} is not YAML: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  const parsed = UpdateFeedFile.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FeedError(
      'garbage',
      `${name} is not an update feed (${issue ? `${issue.path.join('.') || 'top'}: ${issue.message}` : 'invalid'})`,
    );
  }
  const feed = parsed.data;
  const url = feed.path ?? feed.files[0]!.url;
  const entry = feed.files.find((f) => f.url === url);
  let fileName = url;
  try {
    fileName = decodeURIComponent(url);
  } catch {
    // left as it is: the check below names it
  }
  if (!FILE_NAME.test(fileName) || fileName.includes('..')) {
    throw new FeedError(
      'garbage',
      `${name} points at "${url}": only a file beside the feed is downloaded`,
    );
  }
  return {
    ...feed,
    channel,
    platform,
    file: {
      name: fileName,
      sha512: entry?.sha512 ?? feed.sha512 ?? '',
      size: entry?.size ?? null,
    },
  };
}

export async function fetchFeed(source: FeedSource): Promise<UpdateFeed> {
  const text = await fetchText(source, FEED_FILE[source.platform]);
  return parseFeed(text, source.channel, source.platform);
}

/** The signed release's JSON text, checked by signature.ts (not here: what it says is untrusted). */
export function fetchSignedRelease(source: FeedSource): Promise<string> {
  return fetchText(source, signedReleaseFileName(source.platform));
}
