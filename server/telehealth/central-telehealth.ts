// Telehealth as the central server runs it: the workstation's sync routes, the viewer's page and
// api under /telehealth, its sockets, and the timer that ends consults whose time is up. The
// server (central-server.ts) puts the routes with the others, hands this every request and
// upgrade under /telehealth first, and gives it the live relay once that is attached.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Database } from '../db/database';
import type { Route } from '../http/router';
import type { LiveRelay } from '../live/relay';
import type { CentralApi } from '../central/central-api';
import type { ViewerLimits } from '../central/viewer-socket';
import type { OidcSettings } from '../oidc/settings';
import { createTelehealth, type Telehealth } from './telehealth';
import { viewerHttp } from './viewer-http';
import { viewerSockets } from './viewer-sockets';
import { viewerStrip } from './viewer-strip';
import { telehealthRoutes } from './workstation-routes';

export interface CentralTelehealthOptions {
  db: Database;
  nowMs(): number;
  log(line: string): void;
  /** The built renderer (out/renderer), whose telehealth.html is the viewer's page. */
  rendererDir: string;
  /** Served over TLS: the session cookie is Secure. */
  secure: boolean;
  /** The address browsers reach this server at: the links' base, and an origin of its own. */
  publicUrl(): string;
  /** The hospital's OpenID Connect provider: remote clinicians may sign in with the account. */
  oidc?: OidcSettings | null;
  /** Tests: a shorter recheck, and the viewer socket's bounds. */
  recheckMs?: number;
  viewerLimits?: Partial<ViewerLimits>;
}

export interface CentralTelehealth {
  telehealth: Telehealth;
  routes: Route[];
  handleRequest(req: IncomingMessage, res: ServerResponse): boolean;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** The live relay and the station's api: the viewer's sockets open from then on. */
  useLive(relay: LiveRelay, stationApi: CentralApi): void;
  close(): void;
}

export function centralTelehealth(options: CentralTelehealthOptions): CentralTelehealth {
  const telehealth = createTelehealth({
    db: options.db,
    nowMs: options.nowMs,
    log: options.log,
    publicUrl: options.publicUrl,
    ...(options.recheckMs === undefined ? {} : { recheckMs: options.recheckMs }),
  });
  const ownOrigins = () => {
    try {
      return [new URL(options.publicUrl()).origin];
    } catch {
      return [];
    }
  };
  const http = viewerHttp(telehealth, {
    rendererDir: options.rendererDir,
    secure: () => options.secure || options.publicUrl().startsWith('https:'),
    ownOrigins,
    log: options.log,
    account: { settings: options.oidc ?? null, publicUrl: options.publicUrl },
  });
  const sockets = viewerSockets(telehealth, {
    ownOrigins,
    log: options.log,
    ...(options.viewerLimits ? { limits: options.viewerLimits } : {}),
  });
  const strip = viewerStrip(telehealth, { log: options.log, recent: sockets.recent });
  return {
    telehealth,
    routes: telehealthRoutes(telehealth),
    handleRequest: (req, res) => strip.handleRequest(req, res) || http.handleRequest(req, res),
    handleUpgrade: sockets.handleUpgrade,
    useLive(relay, stationApi) {
      telehealth.useLive(relay, stationApi);
      telehealth.start();
    },
    close() {
      telehealth.close();
      sockets.close();
      void strip.close();
    },
  };
}
