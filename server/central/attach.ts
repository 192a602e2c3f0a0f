// The live relay and the hospital central station on the server's HTTP(S) listener: the relay's
// WebSocket for workstations, the station's page, files and WebSocket for viewers. The sync and
// admin routes answer everything else (central-server.ts).
import { existsSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import type { Duplex } from 'node:stream';
import type { Database } from '../db/database';
import { authenticateAgainst, startLiveService, type LiveService } from '../live/live-service';
import { centralStation, type CentralStation } from './central-station';
import { postgresHistory } from './history';
import type { ViewerLimits } from './viewer-socket';

export interface LiveAndStationOptions {
  db: Database;
  /** The built renderer the station serves (out/renderer). */
  rendererDir: string;
  viewerToken: string;
  secure: boolean;
  /** nats://…: fan-out with the other instances. */
  natsUrl?: string | null;
  log: (message: string) => void;
  /** Other WebSockets on the listener (telehealth's viewer sockets): each takes its own or not. */
  upgrades?: Array<(req: IncomingMessage, socket: Duplex, head: Buffer) => boolean>;
  /** Tests: shorter heartbeats, pings and viewer bounds. */
  tuning?: {
    heartbeatMs?: number;
    presenceTimeoutMs?: number;
    viewerLimits?: Partial<ViewerLimits>;
    recheckMs?: number;
    pingMs?: number;
  };
}

export interface LiveAndStation {
  live: LiveService;
  station: CentralStation;
  /** Answers the station's requests; false leaves the request to the other routes. */
  handleRequest(req: IncomingMessage, res: ServerResponse): boolean;
  /** The station's address under the server's: it carries the viewer token. */
  stationUrl(serverUrl: string): string;
  close(): Promise<void>;
}

export async function attachLiveAndStation(
  server: Server,
  options: LiveAndStationOptions,
): Promise<LiveAndStation> {
  const { tuning = {} } = options;
  const live = await startLiveService({
    authenticate: authenticateAgainst(options.db),
    ...(options.natsUrl ? { natsUrl: options.natsUrl } : {}),
    log: options.log,
    ...(tuning.heartbeatMs === undefined ? {} : { heartbeatMs: tuning.heartbeatMs }),
    ...(tuning.presenceTimeoutMs === undefined
      ? {}
      : { presenceTimeoutMs: tuning.presenceTimeoutMs }),
    socket: {
      ...(tuning.recheckMs === undefined ? {} : { recheckMs: tuning.recheckMs }),
      ...(tuning.pingMs === undefined ? {} : { pingMs: tuning.pingMs }),
    },
  });
  const station = centralStation({
    relay: live.relay,
    history: postgresHistory(options.db),
    db: options.db,
    rendererDir: options.rendererDir,
    viewerToken: options.viewerToken,
    secure: options.secure,
    log: options.log,
    ...(tuning.viewerLimits ? { viewerLimits: tuning.viewerLimits } : {}),
  });
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node leaves an upgraded socket without an error listener: a reset would end the process.
    socket.on('error', () => {});
    try {
      if (live.handleUpgrade(req, socket, head) || station.handleUpgrade(req, socket, head)) return;
      if (options.upgrades?.some((take) => take(req, socket, head))) return;
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    } catch (error) {
      options.log(`A WebSocket upgrade of ${req.url ?? '?'} failed: ${String(error)}`);
      socket.destroy();
    }
  };
  server.on('upgrade', onUpgrade);
  return {
    live,
    station,
    handleRequest: (req, res) => station.handleRequest(req, res),
    stationUrl: (serverUrl) =>
      `${serverUrl.replace(/\/$/, '')}/?token=${encodeURIComponent(options.viewerToken)}`,
    async close() {
      server.off('upgrade', onUpgrade);
      station.close();
      await live.close();
    },
  };
}

/**
 * out/renderer of the checkout or install this server runs from (out/server/main.js, or server/
 * from source in the tests): the first folder upwards that has it. Where none is built, the
 * station says so on its page.
 */
export function defaultRendererDir(from: string = import.meta.dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'out', 'renderer');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    if (dirname(dir) === dir) return join(from, '..', '..', 'out', 'renderer');
  }
}
