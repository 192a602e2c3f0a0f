// The hospital central station as the server serves it: the workstation's built renderer (with
// its CSP), opened with the viewer token, and the contract's WebSocket answered by the central
// api. The server's HTTP layer hands it every request and upgrade it does not answer itself.
// The admin page (/admin, the renderer's admin.html) is served without the viewer token: it holds
// no data and asks for the admin token, which it sends with each call of the admin api.
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { PAGE_MIME, pageHeaders, sendText } from '../http/page-files';
import { MAX_CLIENT_MESSAGE_BYTES, WS_PATH } from '../../shared/api/wire';
import type { LiveRelay } from '../live/relay';
import { createCentralApi, type CentralApi } from './central-api';
import type { CentralHistory } from './history';
import {
  bindViewerSocket,
  VIEWER_LIMITS,
  type ViewerLimits,
  type ViewerState,
} from './viewer-socket';
import { viewerCookie, viewerSocketRefusal, viewerTokenSource } from './viewer-access';
import { loggedStationApi } from './station-access';
import type { Database } from '../db/database';

export interface CentralStationOptions {
  relay: LiveRelay;
  history: CentralHistory;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  viewerToken: string;
  /** Served over TLS: the cookie is marked Secure. */
  secure?: boolean;
  log?: (message: string) => void;
  viewerLimits?: Partial<ViewerLimits>;
  /** Where what the station opens is logged (station_access_log); none: not logged (tests). */
  db?: Database;
}

export interface CentralStation {
  api: CentralApi;
  /** Answers the request when it is the station's (its page, its files); false otherwise. */
  handleRequest(req: IncomingMessage, res: ServerResponse): boolean;
  /** Takes the upgrade when it is the station's WebSocket; false otherwise. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** The viewers connected now and how each is served. */
  viewers(): ViewerState[];
  close(): void;
}

export function centralStation(options: CentralStationOptions): CentralStation {
  const log = options.log ?? ((message: string) => console.error(message));
  const api = createCentralApi({ relay: options.relay, history: options.history, log });
  const limits = { ...VIEWER_LIMITS, ...options.viewerLimits };
  const sockets = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_CLIENT_MESSAGE_BYTES,
    perMessageDeflate: false,
  });
  const states = new Map<object, ViewerState>();

  function urlOf(req: IncomingMessage): URL | null {
    try {
      return new URL(req.url ?? '/', 'http://central');
    } catch {
      return null;
    }
  }

  async function serveFile(res: ServerResponse, pathname: string, head: boolean): Promise<void> {
    let relative: string;
    try {
      relative =
        pathname === '/'
          ? 'index.html'
          : pathname === ADMIN_PAGE
            ? ADMIN_HTML
            : decodeURIComponent(pathname).replace(/^\/+/, '');
    } catch {
      return sendText(res, 400, 'The address of this request cannot be read.');
    }
    const root = normalize(options.rendererDir + sep);
    const file = normalize(join(root, relative));
    if (!file.startsWith(root)) return sendText(res, 404, 'Not found.');
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        'Content-Type': PAGE_MIME[extname(file)] ?? 'application/octet-stream',
        'Cache-Control': extname(file) === '.html' ? 'no-store' : 'private, max-age=3600',
      });
      res.end(head ? undefined : body);
    } catch {
      if (relative === 'index.html' || relative === ADMIN_HTML)
        return sendText(
          res,
          503,
          'The renderer is not built. Run `npm run build` and start again.',
        );
      sendText(res, 404, `No file ${pathname}.`);
    }
  }

  return {
    api,
    handleRequest(req, res) {
      const url = urlOf(req);
      if (!url || url.pathname.startsWith('/api/')) return false;
      if (req.method !== 'GET' && req.method !== 'HEAD') return false;
      pageHeaders(res);
      const head = req.method === 'HEAD';
      const fail = (error: unknown) => {
        log(`central: ${url.pathname} could not be served: ${String(error)}`);
        if (!res.headersSent) sendText(res, 500, 'The central server could not answer.');
        else res.destroy();
      };
      const source = viewerTokenSource(req, url, options.viewerToken);
      if (!source) {
        // The admin page and the files it loads need no viewer token (it asks for the admin's).
        if (url.pathname === ADMIN_PAGE) {
          serveFile(res, ADMIN_PAGE, head).catch(fail);
          return true;
        }
        adminPageFiles(options.rendererDir)
          .then((files) => {
            if (files.has(url.pathname)) return serveFile(res, url.pathname, head);
            sendText(
              res,
              401,
              'Open the address the central server printed: it carries the viewer token.',
            );
          })
          .catch(fail);
        return true;
      }
      // The page's own requests (scripts, styles) carry no token: they carry this cookie.
      if (source === 'query')
        res.setHeader('Set-Cookie', viewerCookie(options.viewerToken, options.secure === true));
      serveFile(res, url.pathname, head).catch(fail);
      return true;
    },

    handleUpgrade(req, socket, head) {
      const url = urlOf(req);
      if (!url || url.pathname !== WS_PATH) return false;
      const source = viewerTokenSource(req, url, options.viewerToken);
      const refusal = source ? viewerSocketRefusal(req, source) : 'no viewer token';
      if (refusal) {
        log(`central: refused a viewer's WebSocket: ${refusal}`);
        socket.end(
          `HTTP/1.1 ${source ? 403 : 401} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
        );
        return true;
      }
      sockets.handleUpgrade(req, socket, head, (ws) => {
        const peer = `viewer at ${req.socket.remoteAddress ?? 'unknown'}`;
        const viewerApi = options.db
          ? loggedStationApi(
              api,
              options.db,
              {
                address: req.socket.remoteAddress ?? null,
                userAgent: req.headers['user-agent'] ?? null,
              },
              log,
            )
          : api;
        states.set(ws, bindViewerSocket(ws, viewerApi, { log, limits, peer }));
        ws.once('close', () => states.delete(ws));
      });
      return true;
    },

    viewers: () => [...states.values()],

    close() {
      for (const ws of sockets.clients) ws.terminate();
      sockets.close();
    },
  };
}

/** Where the admin page is served, and its file in the built renderer. */
export const ADMIN_PAGE = '/admin';
const ADMIN_HTML = 'admin.html';

/**
 * The files admin.html loads (its script, the chunks it preloads, its styles), as paths under the
 * server: the only files besides the page itself served without the viewer token. Read from the
 * built page, so a rebuild needs no restart; none when the page is not built.
 */
async function adminPageFiles(rendererDir: string): Promise<Set<string>> {
  let html: string;
  try {
    html = await readFile(join(rendererDir, ADMIN_HTML), 'utf8');
  } catch {
    return new Set();
  }
  const files = new Set<string>();
  for (const [, path] of html.matchAll(/\s(?:src|href)="\.?\/(assets\/[\w.-]+)"/g)) {
    files.add(`/${path}`);
  }
  return files;
}
