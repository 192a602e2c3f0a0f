// The update feed a workstation reads without a credential (the signatures give the integrity):
// /updates/<channel>/latest*.yml (electron-updater's generic provider, with our FeedSettings),
// release-<platform>.json (the SignedRelease), and the files themselves, resumable by Range.
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import {
  FEED_FILE,
  ReleaseFile,
  UPDATES_PATH,
  UpdateChannel,
  UpdatePlatform,
  signedReleaseFileName,
} from '../../shared/update/release';
import type { UpdatePlatform as Platform } from '../../shared/update/release';
import { byteRangeOf } from '../releases/byte-range';
import { feedFileText } from '../releases/feed-file';
import { findChannelFile, readReleaseBytes } from '../releases/release-file-store';
import type { ReleaseFileCache } from '../releases/release-file-cache';
import { channelAssignment, feedSettingsOf, findRelease } from '../releases/release-store';
import { SyncRefusal } from '../sync/refusal';
import type { ServerContext } from './context';
import type { Exchange } from './exchange';
import type { Route } from './router';

const PLATFORM_NAMES: Record<Platform, string> = { win: 'Windows', mac: 'macOS', linux: 'Linux' };

/** Whether a request is for the feed: answered by the routes, never by the station's pages. */
export function isUpdateFeedRequest(req: IncomingMessage): boolean {
  return (req.url ?? '').startsWith(`${UPDATES_PATH}/`);
}

function decoded(part: string, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new SyncRefusal('bad-request', `The ${what} in the address is not valid.`);
  }
}

function channelOf(part: string): UpdateChannel {
  const parsed = UpdateChannel.safeParse(decoded(part, 'channel'));
  if (!parsed.success) {
    throw new SyncRefusal(
      'not-found',
      `There is no update channel "${part.slice(0, 40)}": the channels are stable and pilot.`,
    );
  }
  return parsed.data;
}

const FEED_PLATFORM = new Map<string, { platform: Platform; kind: 'yml' | 'json' }>(
  UpdatePlatform.options.flatMap((p) => [
    [FEED_FILE[p], { platform: p, kind: 'yml' }],
    [signedReleaseFileName(p), { platform: p, kind: 'json' }],
  ]),
);

async function feed(
  ctx: ServerContext,
  ex: Exchange,
  [channelPart, filePart]: string[],
  cache: ReleaseFileCache | null,
) {
  const channel = channelOf(channelPart!);
  const name = decoded(filePart!, 'file name');
  const feedFile = FEED_PLATFORM.get(name);
  if (feedFile) return serveFeedFile(ctx, ex, channel, feedFile.platform, feedFile.kind);
  if (!ReleaseFile.shape.name.safeParse(name).success) {
    throw new SyncRefusal('bad-request', 'That is not the name of a release file.');
  }
  const file = await findChannelFile(ctx.db, channel, name);
  if (!file) {
    throw new SyncRefusal(
      'not-found',
      `The ${channel} channel offers no file ${name}: read its latest*.yml for the current files.`,
    );
  }
  await serveFile(ctx, ex, file, cache);
}

async function serveFeedFile(
  ctx: ServerContext,
  ex: Exchange,
  channel: UpdateChannel,
  platform: Platform,
  kind: 'yml' | 'json',
) {
  const assignment = await channelAssignment(ctx.db, channel, platform);
  const release = assignment && (await findRelease(ctx.db, assignment.version, platform));
  if (!assignment || !release) {
    throw new SyncRefusal(
      'not-found',
      `No release is published on the ${channel} channel for ${PLATFORM_NAMES[platform]} yet.`,
    );
  }
  const text =
    kind === 'yml'
      ? feedFileText(release.signed.manifest, feedSettingsOf(assignment))
      : JSON.stringify(release.signed);
  const body = Buffer.from(text, 'utf8');
  ex.res.writeHead(200, {
    'content-type': kind === 'yml' ? 'text/yaml; charset=utf-8' : 'application/json; charset=utf-8',
    'content-length': body.byteLength,
    'cache-control': 'no-store',
  });
  ex.res.end(body);
}

async function serveFile(
  ctx: ServerContext,
  ex: Exchange,
  file: { name: string; sha512: string; size: number; uploadId: string },
  cache: ReleaseFileCache | null,
) {
  const { req, res } = ex;
  const etag = `"${file.sha512}"`;
  const headers = {
    'accept-ranges': 'bytes',
    etag,
    'cache-control': 'no-cache',
    'content-type': 'application/octet-stream',
    'content-disposition': `attachment; filename="${file.name}"`,
  };
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((t) => t.trim() === etag)) {
    res.writeHead(304, { etag, 'accept-ranges': 'bytes' });
    res.end();
    return;
  }
  const range = byteRangeOf(req.headers.range, header(req, 'if-range'), file.size, etag);
  if (range.kind === 'unsatisfiable') {
    res.setHeader('content-range', `bytes */${file.size}`);
    throw new SyncRefusal(
      'bad-request',
      `The range asked for (${String(req.headers.range).slice(0, 80)}) is not within ${file.name}, ` +
        `which is ${file.size} bytes.`,
      {},
      416,
    );
  }
  const [start, end] = range.kind === 'part' ? [range.start, range.end] : [0, file.size - 1];
  res.writeHead(range.kind === 'part' ? 206 : 200, {
    ...headers,
    'content-length': end - start + 1,
    ...(range.kind === 'part' ? { 'content-range': `bytes ${start}-${end}/${file.size}` } : {}),
  });
  const copy = await cache?.path(file, ctx.db, ctx.log);
  if (copy) {
    // From this instance's checked copy (the page cache, most often).
    await pipeline(createReadStream(copy, { start, end }), res).catch((error: unknown) => {
      ctx.log(`GET ${ex.url.pathname}: the download stopped: ${String(error)}`);
      res.destroy();
    });
    return;
  }
  try {
    for await (const bytes of readReleaseBytes(ctx.db, file.uploadId, start, end)) {
      if (res.destroyed) return;
      if (!res.write(bytes)) await drainedOrClosed(res);
    }
    res.end();
  } catch (error) {
    // The headers are out: the download is cut, and the workstation resumes it with a Range.
    ctx.log(`GET ${ex.url.pathname}: the download stopped: ${String(error)}`);
    res.destroy();
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

export function releaseFeedRoutes(cache: ReleaseFileCache | null): Route[] {
  return [
    {
      method: 'GET',
      path: new RegExp(`^${UPDATES_PATH}/([^/]+)/([^/]+)$`),
      sync: false,
      handle: (ctx, ex, match) => feed(ctx, ex, match, cache),
    },
  ];
}
