// Downloads one release file into <dataDir>/updates/, hashed (sha512) as it streams. A cut
// download is resumed from the partial file (Range, If-Range with the ETag it began with); a
// server that answers 200 instead of 206, or whose ETag changed, is started over cleanly. Only a
// whole file whose size and sha512 match what was signed is given its final name, so nothing
// half-downloaded is ever handed to an installer. The disk is kept for monitoring data first.
import { createHash, type Hash } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReleaseFile } from '../../../shared/update/release';
import { freeBytes as diskFreeBytes } from '../store/disk-space';
import type { SyncEndpoint } from '../sync/http';
import { checkFileDigest, digestOfFile, ReleaseRefusedError } from './signature';

/** The folder of the data directory that updates are downloaded into. */
export const UPDATES_FOLDER = 'updates';

export type DownloadProblem =
  'cut' | 'unreachable' | 'timeout' | 'disk-full' | 'server' | 'aborted';

export class DownloadError extends Error {
  override readonly name = 'DownloadError';
  constructor(
    readonly problem: DownloadProblem,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface DownloadRequest {
  endpoint: SyncEndpoint;
  /** The file's path on the server (feed.ts feedPath). */
  path: string;
  credential?: string | null;
  /** Where it is downloaded: <dataDir>/updates. */
  folder: string;
  /** The file as signed: its name, sha512 and size are what is checked. */
  file: ReleaseFile;
  /** The version, for messages. */
  version: string;
  /** Default 10 s. */
  connectTimeoutMs?: number;
  /** Nothing received for this long: the download is cut (it resumes next time). Default 30 s. */
  idleTimeoutMs?: number;
  /** Left free on the disk for monitoring data. Default 256 MiB. */
  keepFreeBytes?: number;
  /** The disk's free bytes (tests inject a full disk). */
  freeBytes?: (folder: string) => number;
  signal?: AbortSignal;
  onProgress?: (receivedBytes: number, totalBytes: number) => void;
}

export interface DownloadResult {
  path: string;
  /** Bytes already on disk when the last request was made (0: from the start). */
  resumedFromBytes: number;
  /** Body bytes received by this call. */
  receivedBytes: number;
}

interface PartialMeta {
  sha512: string;
  size: number;
  etag: string | null;
}

const DEFAULT_KEEP_FREE = 256 * 1024 * 1024;
const DISK_FULL = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

function mib(bytes: number): string {
  return `${Math.ceil(bytes / (1024 * 1024))} MB`;
}

function readMeta(path: string): PartialMeta | null {
  try {
    const meta = JSON.parse(readFileSync(path, 'utf8')) as PartialMeta;
    return typeof meta.sha512 === 'string' && typeof meta.size === 'number' ? meta : null;
  } catch {
    return null;
  }
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

async function hashInto(hash: Hash, path: string): Promise<void> {
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) hash.update(chunk);
}

/** Downloads (or resumes) the file; throws DownloadError, or ReleaseRefusedError if it does not match. */
export async function downloadReleaseFile(o: DownloadRequest): Promise<DownloadResult> {
  mkdirSync(o.folder, { recursive: true, mode: 0o700 });
  const final = join(o.folder, o.file.name);
  const partial = `${final}.partial`;
  const metaPath = `${partial}.json`;
  const forgetPartial = () => {
    rmSync(partial, { force: true });
    rmSync(metaPath, { force: true });
  };
  if (existsSync(final)) {
    // Downloaded before (a restart since): kept only if it is still the file signed.
    try {
      checkFileDigest(o.file, await digestOfFile(final));
      return { path: final, resumedFromBytes: o.file.size, receivedBytes: 0 };
    } catch {
      rmSync(final, { force: true });
    }
  }
  let received = 0;
  for (let attempt = 0; ; attempt++) {
    const meta = readMeta(metaPath);
    let have = sizeOf(partial);
    if (!meta || meta.sha512 !== o.file.sha512 || meta.size !== o.file.size || have > o.file.size) {
      forgetPartial(); // another version's, or not ours: from the start
      have = 0;
    }
    checkFreeSpace(o, have, forgetPartial);
    const outcome = await fetchInto(o, partial, metaPath, have, meta?.etag ?? null, forgetPartial);
    received += outcome.received;
    if (outcome.kind === 'restart') {
      forgetPartial();
      if (attempt >= 2) {
        throw new DownloadError(
          'server',
          `the central server kept changing ${o.file.name} while it was downloaded; it will try again`,
        );
      }
      continue;
    }
    const digest = { sha512: outcome.sha512, size: sizeOf(partial) };
    try {
      checkFileDigest(o.file, digest);
    } catch (error) {
      forgetPartial();
      throw error;
    }
    // Flushed before it is called downloaded, without holding up the event loop (the same
    // process reads the devices and sounds the alarms; a 110 MiB flush can take seconds).
    const handle = await open(partial, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    renameSync(partial, final);
    rmSync(metaPath, { force: true });
    return { path: final, resumedFromBytes: outcome.from, receivedBytes: received };
  }
}

function checkFreeSpace(o: DownloadRequest, have: number, forgetPartial: () => void): void {
  const keep = o.keepFreeBytes ?? DEFAULT_KEEP_FREE;
  let free: number;
  try {
    free = (o.freeBytes ?? diskFreeBytes)(o.folder);
  } catch {
    return; // not known here: the writes themselves will say if the disk fills
  }
  const needed = o.file.size - have;
  if (free - needed < keep) {
    forgetPartial();
    throw new DownloadError(
      'disk-full',
      `not enough free disk for update ${o.version}: it needs ${mib(needed)} and ${mib(keep)} stay free for monitoring data (${mib(free)} free). Nothing was installed; free some space and it will try again`,
    );
  }
}

type FetchOutcome =
  | { kind: 'done'; sha512: string; from: number; received: number }
  | { kind: 'restart'; received: number };

async function fetchInto(
  o: DownloadRequest,
  partial: string,
  metaPath: string,
  have: number,
  etag: string | null,
  forgetPartial: () => void,
): Promise<FetchOutcome> {
  const headers: Record<string, string> = {};
  if (o.credential) headers.authorization = `Bearer ${o.credential}`;
  if (have > 0) {
    headers.range = `bytes=${have}-`;
    if (etag) headers['if-range'] = etag;
  }
  const res = await openResponse(o, headers);
  const newEtag = typeof res.headers.etag === 'string' ? res.headers.etag : null;
  let from = 0;
  if (res.statusCode === 206 && have > 0) {
    const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(res.headers['content-range'] ?? '');
    if (!range || Number(range[1]) !== have || (etag !== null && newEtag !== etag)) {
      res.destroy();
      return { kind: 'restart', received: 0 };
    }
    from = have;
  } else if (res.statusCode === 416) {
    res.resume();
    return { kind: 'restart', received: 0 };
  } else if (res.statusCode !== 200) {
    res.resume();
    throw new DownloadError(
      'server',
      res.statusCode === 404
        ? `${o.file.name} is not on the central server (404); it will try again`
        : `the central server answered ${res.statusCode} for ${o.file.name}; it will try again`,
    );
  }
  // From the start (a 200 is the whole file, whatever was asked): a clean partial file.
  if (from === 0) forgetPartial();
  writeFileSync(
    metaPath,
    JSON.stringify({ sha512: o.file.sha512, size: o.file.size, etag: newEtag }),
    {
      mode: 0o600,
    },
  );
  const hash = createHash('sha512');
  if (from > 0) await hashInto(hash, partial);
  let total = from;
  let received = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      total += chunk.byteLength;
      received += chunk.byteLength;
      if (total > o.file.size) {
        done(
          new ReleaseRefusedError(
            'file-mismatch',
            `${o.file.name} from the server is longer than the ${o.file.size} bytes signed`,
          ),
        );
        return;
      }
      hash.update(chunk);
      o.onProgress?.(total, o.file.size);
      done(null, chunk);
    },
  });
  const writer = createWriteStream(partial, { flags: from > 0 ? 'a' : 'w', mode: 0o600 });
  try {
    await pipeline(res, counter, writer, ...(o.signal ? [{ signal: o.signal }] : []));
  } catch (error) {
    // Writes under way finish first: the partial file is then exactly what the next try resumes.
    if (!writer.closed) await new Promise<void>((resolve) => writer.once('close', () => resolve()));
    throw downloadErrorOf(error, o, forgetPartial, total);
  }
  if (total < o.file.size) {
    throw new DownloadError(
      'cut',
      `the download of update ${o.version} was cut at ${Math.floor((100 * total) / o.file.size)} %; it resumes next time`,
    );
  }
  return { kind: 'done', sha512: hash.digest('base64'), from, received };
}

function downloadErrorOf(
  error: unknown,
  o: DownloadRequest,
  forgetPartial: () => void,
  total: number,
): Error {
  if (error instanceof ReleaseRefusedError || error instanceof DownloadError) {
    if (error instanceof ReleaseRefusedError) forgetPartial();
    return error;
  }
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (DISK_FULL.has(code)) {
    forgetPartial(); // the space goes back to monitoring data
    return new DownloadError(
      'disk-full',
      `the disk filled up while update ${o.version} was downloaded; the partial download was removed and nothing was installed. Free some space and it will try again`,
      { cause: error },
    );
  }
  if (o.signal?.aborted || code === 'ABORT_ERR') {
    return new DownloadError('aborted', 'the download was stopped; it resumes next time', {
      cause: error,
    });
  }
  return new DownloadError(
    'cut',
    `the download of update ${o.version} was cut at ${Math.floor((100 * total) / o.file.size)} % (${(error as Error).message}); it resumes next time`,
    { cause: error },
  );
}

function openResponse(
  o: DownloadRequest,
  headers: Record<string, string>,
): Promise<IncomingMessage> {
  const url = new URL(o.path, o.endpoint.serverUrl);
  const secure = url.protocol === 'https:';
  const connectTimeoutMs = o.connectTimeoutMs ?? 10_000;
  const idleTimeoutMs = o.idleTimeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const req = (secure ? httpsRequest : httpRequest)(url, {
      method: 'GET',
      headers,
      agent: false,
      ...(secure && o.endpoint.caPem ? { ca: o.endpoint.caPem } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
    });
    const connectTimer = setTimeout(
      () =>
        req.destroy(
          new DownloadError(
            'timeout',
            `the central server ${url.host} did not accept a connection within ${connectTimeoutMs / 1000} s`,
          ),
        ),
      connectTimeoutMs,
    );
    req.on('socket', (socket) => {
      socket.once(secure ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
    });
    // Silence mid-body too: the response stream errors and the partial file is kept.
    req.setTimeout(idleTimeoutMs, () =>
      req.destroy(
        new DownloadError(
          'cut',
          `the central server ${url.host} stopped sending update ${o.version} (nothing for ${idleTimeoutMs / 1000} s); it resumes next time`,
        ),
      ),
    );
    req.on('error', (error) => {
      clearTimeout(connectTimer);
      if (error instanceof DownloadError) reject(error);
      else if (o.signal?.aborted)
        reject(new DownloadError('aborted', 'the download was stopped', { cause: error }));
      else
        reject(
          new DownloadError(
            'unreachable',
            `the central server ${url.host} cannot be reached (${error.message})`,
            { cause: error },
          ),
        );
    });
    req.on('response', (res) => {
      clearTimeout(connectTimer);
      resolve(res);
    });
    req.end();
  });
}
