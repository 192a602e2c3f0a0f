// The headless browser shell: HTTP and WebSocket on loopback, serving the built renderer and the
// api. Used where Electron cannot run (a server, CI, a remote viewer through an SSH tunnel).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { RENDERER_CSP } from '../../../shared/security/csp';
import { MAX_CLIENT_MESSAGE_BYTES, WS_PATH } from '../../../shared/api/wire';
import { ApiError, type ApiErrorCode } from '../../../shared/api/errors';
import type { ApiRouter } from '../../host/api/router';
import { bindWebSocket, errorText } from './websocket';
import {
  TOKEN_COOKIE,
  changeRefusal,
  hostAllowed,
  requestUrl,
  socketRefusal,
  scriptTokenShown,
  tokenSource,
  type Refusal,
  type TokenSource,
} from './auth';
import type { AccessScreen } from '../../host/access/access-screen';
import {
  EXPORT_DOWNLOAD_PATH,
  ExportRefusal,
  type ExportDownload,
} from '../../host/export/bed-exports';
import type { Caller } from '../../host/api/router';

type ScreenKind = 'page' | 'script';

export interface BrowserShellOptions {
  router: ApiRouter;
  rendererDir: string;
  port: number;
  token: string;
  host?: string;
  /** Where failures go, with the request that caused them (default: stderr). */
  log?: (message: string) => void;
  /** WebSockets one client address may hold at once (default MAX_SOCKETS_PER_CLIENT). */
  maxSocketsPerClient?: number;
  /** How long a viewer's backlog may stay full before it is let go (tests make it short). */
  stalledViewerMs?: number;
  /**
   * Opens the screen a connection acts as (host/access): 'page' for the workstation's own page
   * (each tab signs in on its own), 'script' for a caller holding the token itself (Authorization:
   * Bearer), named as such in the audit trail. Without it every caller is trusted (tests of the
   * shell alone).
   */
  openScreen?: (kind: 'page' | 'script', label: string) => AccessScreen;
  /**
   * The scripts' token: shown in the Authorization header, the caller is a script (every
   * permission, named as such in the audit trail). The page's `token` then makes a page screen
   * wherever it is shown. Without it a header with `token` is a script (tests of the shell alone).
   */
  scriptToken?: string;
  /**
   * An export's file for the screen that asked (a ticket from `downloadExport`), opened plainly
   * and audited; served at EXPORT_DOWNLOAD_PATH + ticket. Without it there is no such address.
   */
  exportDownload?: (ticket: string) => Promise<ExportDownload>;
}

export interface BrowserShell {
  url: string;
  port: number;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.wav': 'audio/wav',
};

/**
 * WebSockets per client address. Every viewer on this machine (and through an SSH tunnel) comes
 * from the loopback address, so this is also the shell's total: many tabs, never thousands.
 */
export const MAX_SOCKETS_PER_CLIENT = 16;
/** A client that declares a body over the cap and then sends it slowly is not waited for. */
const DISCARD_BODY_MS = 10_000;

const STATUS_OF: Record<ApiErrorCode, number> = {
  unauthorized: 401,
  sign_in_required: 401,
  forbidden: 403,
  invalid_request: 400,
  unknown_method: 404,
  not_found: 404,
  conflict: 409,
  internal: 500,
};

export async function startBrowserShell(options: BrowserShellOptions): Promise<BrowserShell> {
  const host = options.host ?? '127.0.0.1';
  const { router, token } = options;
  let tabs = 0;
  /** A script's calls over HTTP share one screen; the page's own, one per call (no session). */
  let scriptScreen: AccessScreen | null = null;
  /** The token shown, and which kind of screen it opens. */
  function shown(req: IncomingMessage, url: URL): { source: TokenSource; kind: ScreenKind } | null {
    if (scriptTokenShown(req, options.scriptToken)) return { source: 'header', kind: 'script' };
    const source = tokenSource(req, url, token);
    if (!source) return null;
    const kind = source === 'header' && options.scriptToken === undefined ? 'script' : 'page';
    return { source, kind };
  }

  async function withCaller<T>(
    kind: ScreenKind,
    what: string,
    call: (caller: Caller) => Promise<T>,
  ): Promise<T> {
    if (!options.openScreen) return call({ actor: 'browser' });
    if (kind === 'script') {
      scriptScreen ??= options.openScreen('script', 'a script over HTTP');
      return call({ actor: 'browser', screen: scriptScreen });
    }
    const screen = options.openScreen('page', `the page over HTTP (${what})`);
    try {
      return await call({ actor: 'browser', screen });
    } finally {
      screen.close();
    }
  }
  const log = options.log ?? ((message: string) => console.error(message));
  const maxSocketsPerClient = options.maxSocketsPerClient ?? MAX_SOCKETS_PER_CLIENT;
  let port = options.port;

  // Whatever fails while answering one request answers that request only (500, logged with it).
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`browser shell: ${describeHttp(req)} failed: ${errorText(error)}`);
      try {
        if (!res.headersSent)
          sendJson(res, 500, {
            error: { code: 'internal', message: 'The workstation could not answer this request.' },
          });
        else res.destroy();
      } catch {
        res.destroy();
      }
    });
  });
  // A request Node cannot parse (bad request line, headers too large): 400, and a line in the log.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE')
      log(`browser shell: unreadable HTTP request (${error.code ?? error.message})`);
    if (socket.writable && !(error.code === 'ECONNRESET'))
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    baseHeaders(res);
    const url = requestUrl(req, host, port);
    if (!url) {
      log(`browser shell: refused a request it cannot read: ${describeHttp(req)}`);
      return sendError(res, 400, 'invalid_request', 'The address of this request cannot be read.');
    }
    if (!hostAllowed(req, port)) {
      return sendError(
        res,
        403,
        'unauthorized',
        'Requests must be addressed to the loopback host.',
      );
    }
    const access = shown(req, url);
    if (!access) {
      return sendError(
        res,
        401,
        'unauthorized',
        'Open the address the workstation printed: it carries the access token.',
      );
    }
    if (url.pathname === '/api/status' && req.method === 'GET') {
      return withCaller(access.kind, 'GET /api/status', (caller) =>
        router.request('getStatus', {}, caller).then((status) => sendJson(res, 200, status)),
      );
    }
    if (url.pathname.startsWith('/api/') && req.method === 'POST') {
      return callMethod(req, res, url.pathname.slice('/api/'.length), access.source, access.kind);
    }
    if (url.pathname.startsWith('/api/')) {
      return sendError(res, 404, 'unknown_method', `No api at ${url.pathname}.`);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendError(res, 405, 'invalid_request', 'Only GET is served here.');
    }
    if (url.pathname.startsWith(EXPORT_DOWNLOAD_PATH) && options.exportDownload) {
      if (req.method !== 'GET') return sendError(res, 405, 'invalid_request', 'Only GET.');
      return serveExport(res, url.pathname.slice(EXPORT_DOWNLOAD_PATH.length));
    }
    if (access.source === 'query') {
      // The renderer's own asset requests carry no token: they use this cookie instead.
      res.setHeader(
        'Set-Cookie',
        `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
      );
    }
    return serveFile(res, url.pathname);
  }

  async function callMethod(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    source: TokenSource,
    kind: ScreenKind,
  ): Promise<void> {
    const refusal = changeRefusal(req, source);
    if (refusal) {
      log(`browser shell: refused ${describeHttp(req)} (${refusal.message})`);
      return sendRefusal(res, refusal);
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    const body = declared > MAX_CLIENT_MESSAGE_BYTES ? null : await readBody(req);
    if (body === null) {
      discardBody(req);
      return sendError(
        res,
        413,
        'invalid_request',
        `The request is larger than the workstation accepts (${MAX_CLIENT_MESSAGE_BYTES} bytes).`,
      );
    }
    let params: unknown;
    try {
      params = body.length === 0 ? {} : JSON.parse(body);
    } catch (error) {
      return sendError(
        res,
        400,
        'invalid_request',
        `The request body is not valid JSON: ${(error as Error).message}`,
      );
    }
    let result: unknown;
    try {
      result = await withCaller(kind, `POST /api/${method}`, (caller) =>
        router.request(method, params, caller),
      );
    } catch (error) {
      // The router logs its own failures; one that is not an ApiError came from elsewhere.
      if (!(error instanceof ApiError))
        log(`browser shell: ${describeHttp(req)} failed: ${errorText(error)}`);
      const apiError =
        error instanceof ApiError ? error : new ApiError('internal', 'Internal error.');
      return sendJson(res, STATUS_OF[apiError.code], { error: apiError.toShape() });
    }
    // Thrown here (an answer that cannot be written as JSON) ends in handle's 500, logged.
    sendJson(res, 200, { result });
  }

  /** An export's file, plain, a chunk at a time; a piece found damaged cuts the download short. */
  async function serveExport(res: ServerResponse, ticket: string): Promise<void> {
    let download: ExportDownload;
    try {
      download = await options.exportDownload!(ticket);
    } catch (error) {
      if (!(error instanceof ExportRefusal)) throw error;
      res.writeHead(error.kind === 'not_found' ? 404 : 409, {
        'Content-Type': 'text/plain; charset=utf-8',
        'Cache-Control': 'no-store',
      });
      res.end(`${error.message}\n`);
      return;
    }
    let closed = false;
    res.once('close', () => (closed = true));
    try {
      res.writeHead(200, {
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(download.plainBytes),
        'Content-Disposition': `attachment; filename="${download.name.replace(/[^\w.-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(download.name)}`,
        'Cache-Control': 'no-store',
      });
      for await (const chunk of download.chunks()) {
        if (closed) return;
        if (!res.write(chunk)) await new Promise((drained) => res.once('drain', drained));
      }
      res.end();
    } catch (error) {
      // Headers are out: the length promised is not reached, so the browser marks it failed.
      log(`browser shell: an export's download stopped: ${errorText(error)}`);
      res.destroy();
    } finally {
      await download.close().catch(() => {});
    }
  }

  async function serveFile(res: ServerResponse, pathname: string): Promise<void> {
    let relative: string;
    try {
      relative = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
    } catch {
      return sendError(res, 400, 'invalid_request', 'The address of this request cannot be read.');
    }
    const root = normalize(options.rendererDir + sep);
    const file = normalize(join(root, relative));
    if (!file.startsWith(root)) return sendError(res, 404, 'not_found', 'Not found.');
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
        'Cache-Control': extname(file) === '.html' ? 'no-store' : 'private, max-age=3600',
      });
      res.end(body);
    } catch {
      if (relative === 'index.html') {
        res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('The renderer is not built. Run `npm run build` and start again.\n');
        return;
      }
      sendError(res, 404, 'not_found', `No file ${pathname}.`);
    }
  }

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES });
  const socketsOfClient = new Map<string, number>();

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    // Node leaves an upgraded socket without an 'error' listener: a client that resets while
    // being refused would otherwise end the process.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE')
        log(`browser shell: WebSocket connection failed: ${error.message}`);
    });
    try {
      upgrade(req, socket, head);
    } catch (error) {
      log(`browser shell: WebSocket upgrade ${describeHttp(req)} failed: ${errorText(error)}`);
      refuseUpgrade(socket, 500, 'Internal Server Error');
    }
  });

  function upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const url = requestUrl(req, host, port);
    if (!url) {
      log(`browser shell: refused a WebSocket it cannot read: ${describeHttp(req)}`);
      return refuseUpgrade(socket, 400, 'Bad Request');
    }
    if (url.pathname !== WS_PATH) return refuseUpgrade(socket, 404, 'Not Found');
    if (!hostAllowed(req, port)) return refuseUpgrade(socket, 403, 'Forbidden');
    const access = shown(req, url);
    if (!access) return refuseUpgrade(socket, 401, 'Unauthorized');
    const { source, kind } = access;
    const refusal = socketRefusal(req, source);
    if (refusal) {
      log(`browser shell: refused a WebSocket (${refusal.message}) from ${req.headers.origin}`);
      return refuseUpgrade(socket, refusal.status, 'Forbidden');
    }
    const client = req.socket.remoteAddress ?? 'unknown';
    const open = socketsOfClient.get(client) ?? 0;
    if (open >= maxSocketsPerClient) {
      log(`browser shell: refused a WebSocket from ${client}: it holds ${open} already`);
      return refuseUpgrade(socket, 503, 'Service Unavailable');
    }
    socketsOfClient.set(client, open + 1);
    const screenLabel = `browser tab ${++tabs} (${kind})`;
    sockets.handleUpgrade(req, socket, head, (ws) => {
      ws.once('close', () => {
        const left = (socketsOfClient.get(client) ?? 1) - 1;
        if (left > 0) socketsOfClient.set(client, left);
        else socketsOfClient.delete(client);
      });
      bindWebSocket(ws, router, 'browser', {
        log,
        ...(options.openScreen
          ? {
              screen: options.openScreen(kind, screenLabel),
            }
          : {}),
        ...(options.stalledViewerMs === undefined
          ? {}
          : { stalledViewerMs: options.stalledViewerMs }),
      });
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://${host}:${port}/?token=${encodeURIComponent(token)}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of sockets.clients) client.terminate();
        scriptScreen?.close();
        sockets.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The request for a log line, without its token. */
export function describeHttp(req: IncomingMessage): string {
  const target = (req.url ?? '').replace(/([?&]token=)[^&]*/gi, '$1…');
  return `${req.method ?? '?'} ${target.length > 200 ? `${target.slice(0, 200)}…` : target}`;
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  if (socket.writable)
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  else socket.destroy();
}

function baseHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', RENDERER_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body); // first: an answer that cannot be written leaves room for a 500
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, code: ApiErrorCode, message: string) {
  sendJson(res, status, { error: { code, message } });
}

function sendRefusal(res: ServerResponse, refusal: Refusal): void {
  sendError(
    res,
    refusal.status,
    refusal.status === 415 ? 'invalid_request' : 'unauthorized',
    refusal.message,
  );
}

/** The body as text, or null once it passes the cap (the rest is then not kept). */
function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    let size = 0;
    let chunks: Buffer[] | null = [];
    req.on('data', (chunk: Buffer) => {
      if (chunks === null) return;
      size += chunk.length;
      if (size <= MAX_CLIENT_MESSAGE_BYTES) chunks.push(chunk);
      else {
        chunks = null;
        resolve(null);
      }
    });
    req.on('end', () => {
      if (chunks !== null) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

/** The rest of a refused body is read and dropped, so that the client reads its 413. */
function discardBody(req: IncomingMessage): void {
  if (req.complete) return;
  req.resume();
  const timer = setTimeout(() => req.socket.destroy(), DISCARD_BODY_MS);
  req.once('end', () => clearTimeout(timer));
  req.once('close', () => clearTimeout(timer));
}
