// For tests: a small central server on loopback with the update layout (node:http, real sockets):
// `/updates/<channel>/<file>` from memory with ETag and Range (206/416, If-Range), and
// `POST /api/sync/update-report` kept. It can cut a file's body part-way, or never answer.
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UPDATE_REPORT_PATH, UPDATES_PATH } from '../../../shared/update/release';

export interface ServedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  status: number;
  /** Body bytes written (before any cut). */
  bodyBytes: number;
}

export interface FeedServer {
  url: string;
  /** `channel/name` → contents; replacing one changes its ETag. */
  files: Map<string, Buffer>;
  requests: ServedRequest[];
  reports: Array<{ authorization: string | undefined; body: unknown }>;
  /** The next GET of this file (`channel/name`) is cut after this share of its body (0–1). */
  cutNext: Map<string, number>;
  /** Requests to these paths are accepted and never answered. */
  silent: Set<string>;
  /** Range requests are answered 200 with the whole file, as a server without ranges does. */
  ignoreRanges: boolean;
  put(channel: string, name: string, contents: string | Uint8Array): void;
  close(): Promise<void>;
}

function etagOf(body: Buffer): string {
  return `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
}

export async function startFeedServer(): Promise<FeedServer> {
  const files = new Map<string, Buffer>();
  const requests: ServedRequest[] = [];
  const reports: FeedServer['reports'] = [];
  const cutNext = new Map<string, number>();
  const silent = new Set<string>();
  const state = { ignoreRanges: false };
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const record: ServedRequest = {
      method: req.method ?? '',
      path,
      headers: req.headers,
      status: 0,
      bodyBytes: 0,
    };
    requests.push(record);
    if (silent.has(path)) return; // accepted, never answered
    const answer = (status: number, headers: Record<string, string> = {}, body?: Buffer) => {
      record.status = status;
      record.bodyBytes = body?.byteLength ?? 0;
      res.writeHead(status, headers);
      res.end(body);
    };
    if (req.method === 'POST' && path === UPDATE_REPORT_PATH) {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        reports.push({
          authorization: req.headers.authorization,
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
        });
        answer(204);
      });
      return;
    }
    const prefix = `${UPDATES_PATH}/`;
    const key = path.startsWith(prefix) ? path.slice(prefix.length) : '';
    const body = files.get(key);
    if (req.method !== 'GET' || !body) return answer(404, {}, Buffer.from('not found'));
    const etag = etagOf(body);
    const headers = { etag, 'accept-ranges': 'bytes', 'content-type': 'application/octet-stream' };
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const ifRange = req.headers['if-range'];
    let start = 0;
    let status = 200;
    if (range && !state.ignoreRanges && (ifRange === undefined || ifRange === etag)) {
      start = Number(range[1]);
      if (start >= body.byteLength) {
        return answer(416, { 'content-range': `bytes */${body.byteLength}` });
      }
      status = 206;
    }
    const part = body.subarray(start);
    const cut = cutNext.get(key);
    const rangeHeaders: Record<string, string> =
      status === 206
        ? { 'content-range': `bytes ${start}-${body.byteLength - 1}/${body.byteLength}` }
        : {};
    if (cut !== undefined) {
      cutNext.delete(key);
      const sent = Math.floor(part.byteLength * cut);
      record.status = status;
      record.bodyBytes = sent;
      res.writeHead(status, {
        ...headers,
        ...rangeHeaders,
        'content-length': String(part.byteLength),
      });
      res.write(part.subarray(0, sent), () => res.socket?.destroy());
      return;
    }
    answer(
      status,
      { ...headers, ...rangeHeaders, 'content-length': String(part.byteLength) },
      part,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    files,
    requests,
    reports,
    cutNext,
    silent,
    get ignoreRanges() {
      return state.ignoreRanges;
    },
    set ignoreRanges(value: boolean) {
      state.ignoreRanges = value;
    },
    put(channel, name, contents) {
      files.set(`${channel}/${name}`, Buffer.from(contents));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
