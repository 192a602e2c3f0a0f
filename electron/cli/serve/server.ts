// The headless browser shell: HTTP and WebSocket on loopback, serving the built renderer and the
// api. Used where Electron cannot run (a server, CI, a remote viewer through an SSH tunnel).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { RENDERER_CSP } from '../../../shared/security/csp';
import { MAX_SOUND_RECORDING_BASE64_CHARS } from '../../../shared/model/sound-recording';
import { WS_PATH } from '../../../shared/api/wire';
import { ApiError } from '../../../shared/api/errors';
import type { ApiRouter } from '../../host/api/router';
import { bindWebSocket } from './websocket';
import { TOKEN_COOKIE, hostAllowed, presentedToken, tokenMatches } from './auth';

export interface BrowserShellOptions {
  router: ApiRouter;
  rendererDir: string;
  port: number;
  token: string;
  host?: string;
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

const MAX_BODY_BYTES = 64 * 1024;
// A WebSocket message may carry a whole stethoscope recording (base64 WAV) plus its envelope.
const MAX_WS_MESSAGE_BYTES = MAX_SOUND_RECORDING_BASE64_CHARS + MAX_BODY_BYTES;

export async function startBrowserShell(options: BrowserShellOptions): Promise<BrowserShell> {
  const host = options.host ?? '127.0.0.1';
  const { router, token } = options;
  let port = options.port;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('browser shell:', error);
      if (!res.headersSent)
        sendJson(res, 500, { error: { code: 'internal', message: 'Internal error.' } });
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${host}:${port}`);
    baseHeaders(res);
    if (!hostAllowed(req, port)) {
      return sendJson(res, 403, {
        error: {
          code: 'unauthorized',
          message: 'Requests must be addressed to the loopback host.',
        },
      });
    }
    if (!tokenMatches(presentedToken(req, url), token)) {
      return sendJson(res, 401, {
        error: {
          code: 'unauthorized',
          message: 'Open the address the workstation printed: it carries the access token.',
        },
      });
    }
    if (url.pathname === '/api/status' && req.method === 'GET') {
      return sendJson(res, 200, await router.request('getStatus', {}, { actor: 'browser' }));
    }
    if (url.pathname.startsWith('/api/') && req.method === 'POST') {
      return callMethod(req, res, url.pathname.slice('/api/'.length));
    }
    if (url.pathname.startsWith('/api/')) {
      return sendJson(res, 404, {
        error: { code: 'unknown_method', message: `No api at ${url.pathname}.` },
      });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendJson(res, 405, {
        error: { code: 'invalid_request', message: 'Only GET is served here.' },
      });
    }
    if (url.searchParams.has('token')) {
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
  ): Promise<void> {
    let params: unknown;
    try {
      const body = await readBody(req);
      params = body.length === 0 ? {} : JSON.parse(body);
    } catch (error) {
      return sendJson(res, 400, {
        error: {
          code: 'invalid_request',
          message: error instanceof Error ? error.message : 'Bad body.',
        },
      });
    }
    try {
      sendJson(res, 200, { result: await router.request(method, params, { actor: 'browser' }) });
    } catch (error) {
      const apiError =
        error instanceof ApiError ? error : new ApiError('internal', 'Internal error.');
      const status = {
        unauthorized: 401,
        invalid_request: 400,
        unknown_method: 404,
        not_found: 404,
        internal: 500,
      }[apiError.code];
      sendJson(res, status, { error: apiError.toShape() });
    }
  }

  async function serveFile(res: ServerResponse, pathname: string): Promise<void> {
    const relative =
      pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
    const root = normalize(options.rendererDir + sep);
    const file = normalize(join(root, relative));
    if (!file.startsWith(root))
      return sendJson(res, 404, { error: { code: 'not_found', message: 'Not found.' } });
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
      sendJson(res, 404, { error: { code: 'not_found', message: `No file ${pathname}.` } });
    }
  }

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://${host}:${port}`);
    const origin = req.headers.origin;
    const originOk = origin === undefined || origin === `http://${req.headers.host}`;
    if (
      url.pathname !== WS_PATH ||
      !hostAllowed(req, port) ||
      !originOk ||
      !tokenMatches(presentedToken(req, url), token)
    ) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => bindWebSocket(ws, router, 'browser'));
  });

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
        sockets.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function baseHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', RENDERER_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('Request body is too large.'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
