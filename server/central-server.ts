// The central server assembled: the database migrated, the repositories' state, the HTTP(S)
// listener, and retention at start and once a day. main.ts and the tests both start it here.
import { createServer as createHttpServer } from 'node:http';
import type { Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { version as serverVersion } from '../package.json';
import { prepareAdminToken } from './admin-token';
import { openDatabase } from './db/database';
import type { Database } from './db/database';
import { migrate } from './db/migrate';
import { accountRoutes } from './accounts/account-routes';
import { adminRoutes } from './http/admin-routes';
import { auditRoutes } from './http/audit-routes';
import { fhirRequestHandler } from './fhir/api';
import { fhirClientRoutes } from './fhir/clients';
import type { ServerContext } from './http/context';
import { requestHandler } from './http/router';
import { syncRoutes } from './http/sync-routes';
import { migrations } from './migrations/index';
import { loadSyncedCatalog } from './sync/catalog';
import { DAY_MS, WaveformPartitions } from './sync/waveform-partitions';
import { attachLiveAndStation, defaultRendererDir } from './central/attach';
import type { LiveAndStation, LiveAndStationOptions } from './central/attach';
import { newViewerToken } from './central/viewer-access';
import { startHl7Outbound } from './hl7/outbound-service';
import type { Hl7Outbound, Pcd01Options } from './hl7/outbound-service';
import { censusRoutes } from './census/census-route';
import { ADT_LOG_KEEP_DAYS, pruneAdtLog } from './census/census-store';
import { startAdtListener } from './hl7/adt-listener';
import { interfaceRoutes } from './http/interface-routes';
import type { HospitalLinks } from './http/interface-routes';
import type { AdtListenerOptions, RunningAdtListener } from './hl7/adt-listener';
import { isUpdateFeedRequest } from './http/release-feed';
import { releaseRoutes } from './http/release-routes';
import type { ReleaseSettings } from './http/release-routes';
import { hospitalSignInRoutes, isHospitalSignInPage } from './oidc/hospital-sign-in-routes';
import type { OidcSettings } from './oidc/settings';
import { centralTelehealth } from './telehealth/central-telehealth';
import type { CentralTelehealth } from './telehealth/central-telehealth';

export const DEFAULT_RETENTION_DAYS = 90;

export interface CentralServerOptions {
  databaseUrl: string;
  host: string;
  port: number;
  /** PEM certificate chain and key; null serves plain HTTP (loopback only, checked by the caller). */
  tls: { cert: Buffer; key: Buffer } | null;
  retentionDays?: number;
  /** The admin token from --admin-token-file; null: the one kept in the database. */
  adminToken?: string | null;
  nowMs?: () => number;
  log?: (line: string) => void;
  /** nats://…: live fan-out with the other instances (--nats); none for a single instance. */
  natsUrl?: string | null;
  /** Opens the hospital central station (--viewer-token-file); a new one each start without. */
  viewerToken?: string;
  /** The built renderer the hospital central station serves (default: out/renderer). */
  rendererDir?: string;
  liveTuning?: LiveAndStationOptions['tuning'];
  /** HL7 PCD-01 (and ACM alarms) to the interface engine (--pcd01-to); none without. */
  pcd01?: Pcd01Options | null;
  /** The ADT listener (--adt-port): MLLP from the hospital's interface engine; none without. */
  adt?: Omit<AdtListenerOptions, 'db' | 'nowMs' | 'log'> | null;
  /** The update feed's trusted keys (--update-public-key) and upload limit; none: publishes nothing. */
  releases?: ReleaseSettings;
  /** Sign-in with the hospital account through its OpenID Connect provider (--oidc-…); none: off. */
  oidc?: OidcSettings | null;
  /** The address browsers reach this server at (telehealth links); default: --public-url, else its own. */
  publicUrl?: string | null;
  /** Tests: how often open telehealth consults are read again (default 2 s). */
  telehealthRecheckMs?: number;
}

export interface RunningCentralServer {
  url: string;
  port: number;
  /** The admin token made by this start (the database had none), to print once. */
  adminTokenMadeNow: string | null;
  db: Database;
  partitions: WaveformPartitions;
  /** The live relay and the hospital central station. */
  live: LiveAndStation;
  /** The hospital central station's address, with its viewer token. */
  stationUrl: string;
  /** HL7 PCD-01 out (a no-op without --pcd01-to). */
  hl7Out: Hl7Outbound;
  /** The ADT listener, when started (--adt-port). */
  adt: RunningAdtListener | null;
  /** Telehealth: invitations, the remote viewer's page, api and sockets. */
  telehealth: CentralTelehealth;
  close(): Promise<void>;
}

export async function startCentralServer(
  options: CentralServerOptions,
): Promise<RunningCentralServer> {
  const nowMs = options.nowMs ?? Date.now;
  const log = options.log ?? ((line: string) => console.error(line));
  const db = openDatabase(options.databaseUrl);
  let server: Server | null = null;
  let live: LiveAndStation | null = null;
  let retentionTimer: NodeJS.Timeout | null = null;
  let hl7Out: Hl7Outbound | null = null;
  let adt: RunningAdtListener | null = null;
  let telehealth: CentralTelehealth | null = null;
  /** This server's address once it listens (the hospital sign-in's stand-in public address). */
  let ownUrl = '';
  const links: HospitalLinks = { adt: null, hl7Out: null, pcd01: options.pcd01 ?? null };
  try {
    await migrate(db, migrations);
    const catalog = await loadSyncedCatalog(db);
    const { rows } = await db.query<{ value: string }>(
      `SELECT value FROM server_settings WHERE key = 'server_id'`,
    );
    const partitions = new WaveformPartitions(db, {
      retentionDays: options.retentionDays ?? DEFAULT_RETENTION_DAYS,
      nowMs,
    });
    const runRetention = async () => {
      const { dropped, deletedFromDefault } = await partitions.applyRetention();
      if (dropped.length > 0 || deletedFromDefault > 0) {
        log(
          `Retention: dropped ${dropped.length} day partition(s) of waveform chunks` +
            `${dropped.length ? ` (${dropped.join(', ')})` : ''} and ${deletedFromDefault} ` +
            'older chunk(s) of the default partition.',
        );
      }
      const forgotten = await pruneAdtLog(db, nowMs());
      if (forgotten > 0) {
        log(
          `Retention: forgot ${forgotten} applied ADT message(s) older than ${ADT_LOG_KEEP_DAYS} days.`,
        );
      }
    };
    await runRetention();
    retentionTimer = setInterval(() => {
      runRetention().catch((error: unknown) => log(`Retention failed: ${String(error)}`));
    }, DAY_MS);
    retentionTimer.unref();

    const adminToken = await prepareAdminToken(db, options.adminToken ?? null);
    const ctx: ServerContext = {
      db,
      catalog,
      partitions,
      adminToken,
      serverId: rows[0]!.value,
      serverVersion,
      nowMs,
      log,
    };
    const rendererDir = options.rendererDir ?? defaultRendererDir();
    const remote = centralTelehealth({
      db,
      nowMs,
      log,
      rendererDir,
      secure: options.tls !== null,
      publicUrl: () => options.publicUrl ?? options.oidc?.publicUrl ?? ownUrl,
      oidc: options.oidc ?? null,
      ...(options.telehealthRecheckMs === undefined
        ? {}
        : { recheckMs: options.telehealthRecheckMs }),
      ...(options.liveTuning?.viewerLimits
        ? { viewerLimits: options.liveTuning.viewerLimits }
        : {}),
    });
    telehealth = remote;
    const routes = requestHandler(ctx, [
      ...syncRoutes,
      ...censusRoutes,
      ...accountRoutes(),
      ...adminRoutes,
      ...auditRoutes,
      ...fhirClientRoutes,
      ...interfaceRoutes(links),
      ...releaseRoutes({
        ...(options.releases ?? { trustedKeys: new Map() }),
        // Connected workstations read the feed at once rather than at their next periodic read.
        feedChanged: (change) => live?.live.relay.updateFeedChanged(change),
      }),
      ...hospitalSignInRoutes({ settings: options.oidc ?? null, serverUrl: () => ownUrl }),
      ...remote.routes,
    ]);
    // The FHIR R4 api (/fhir/r4) answers its own requests, refusals as OperationOutcome.
    const fhir = fhirRequestHandler(ctx);
    // The FHIR api, then the hospital central station's page and files; the sync and admin api
    // the rest.
    const handler: Parameters<typeof createHttpServer>[1] = (req, res) => {
      if (
        !fhir(req, res) &&
        !remote.handleRequest(req, res) &&
        (isUpdateFeedRequest(req) || isHospitalSignInPage(req) || !live?.handleRequest(req, res))
      ) {
        routes(req, res);
      }
    };
    server = options.tls
      ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handler)
      : createHttpServer(handler);
    live = await attachLiveAndStation(server, {
      db,
      rendererDir,
      upgrades: [remote.handleUpgrade],
      viewerToken: options.viewerToken ?? newViewerToken(),
      secure: options.tls !== null,
      natsUrl: options.natsUrl ?? null,
      log,
      ...(options.liveTuning ? { tuning: options.liveTuning } : {}),
    });
    remote.useLive(live.live.relay, live.station.api);
    server.headersTimeout = 20_000;
    server.requestTimeout = 300_000;
    server.keepAliveTimeout = 5_000;
    server.on('clientError', (_error, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
    const listening = server;
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      listening.listen(options.port, options.host, () => {
        listening.off('error', reject);
        resolve();
      });
    });
    const port = (listening.address() as AddressInfo).port;
    if (options.adt) adt = await startAdtListener({ ...options.adt, db, nowMs, log });
    const adtListener = adt;
    hl7Out = await startHl7Outbound(db, options.pcd01 ?? null, { log, nowMs });
    const outbound = hl7Out;
    Object.assign(links, { adt, hl7Out });
    const host = options.host.includes(':') ? `[${options.host}]` : options.host;
    const url = `${options.tls ? 'https' : 'http'}://${host}:${port}`;
    ownUrl = url;
    const attached = live;
    return {
      url,
      port,
      adminTokenMadeNow: adminToken.madeNow,
      db,
      partitions,
      live: attached,
      stationUrl: attached.stationUrl(url),
      hl7Out: outbound,
      adt: adtListener,
      telehealth: remote,
      close: async () => {
        if (retentionTimer) clearInterval(retentionTimer);
        remote.close();
        await outbound.close();
        await adtListener?.close();
        await attached.close();
        await new Promise<void>((resolve) => {
          listening.close(() => resolve());
          listening.closeAllConnections();
        });
        await db.end();
      },
    };
  } catch (error) {
    if (retentionTimer) clearInterval(retentionTimer);
    telehealth?.close();
    await hl7Out?.close().catch(() => undefined);
    await adt?.close().catch(() => undefined);
    await live?.close().catch(() => undefined);
    server?.close();
    await db.end().catch(() => undefined);
    throw error;
  }
}
