// A small stand-in for the central server's sync api, for the workstation's sync tests: real HTTP
// on loopback, frames decoded with the shared decodePush, rows kept once by id (as the server's
// ON CONFLICT (id) DO NOTHING does), answers as the shared schemas say. It also answers badly on
// purpose: 5xx, garbage, a connection accepted and never answered, 426, revoked, rows refused.
// The real server (server/) is tested end to end against the workstation separately.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { decodePush, PushFrameError } from '../../shared/sync/push-frame';
import { pushCodec } from '../../electron/host/sync/push-codec';
import { EnrolRequest, type PullResponse } from '../../shared/sync/messages';
import { SYNC_PATHS, SYNC_PROTOCOL, type SyncErrorBody } from '../../shared/sync/protocol';
import { CENSUS_PAGE_MAX, CENSUS_PATH, type CensusEntry } from '../../shared/sync/census';

export interface KeptRow {
  table: string;
  row: Record<string, unknown>;
  /** Arrivals of this id (a batch sent again arrives twice, is kept once). */
  arrivals: number;
}

/** What the next pushes get: each fault is used up by one push. */
export type PushFault =
  | { kind: 'status'; status: number; body?: SyncErrorBody | string }
  /** Keeps the rows, then answers something that is not a push answer. */
  | { kind: 'garbage-after-commit' }
  /** Reads the request and never answers (the connection stays open). */
  | { kind: 'hang' };

export class CentralStandIn {
  readonly rows = new Map<string, KeptRow>();
  readonly faults: PushFault[] = [];
  /** Called with each push's tables once it is kept, before it is answered (the batch in flight). */
  beforeAnswer: ((tables: string[]) => Promise<void>) | null = null;
  /** Every push received, in order: how many rows, and the lane tables. */
  readonly pushes: { rows: number; tables: string[]; atMs: number }[] = [];
  code = 'ABCD-EFGH-JKLM-NPQR';
  credential = 'c'.repeat(48);
  revoked = false;
  /** Pushes read and never answered ('hang'). */
  hung = 0;
  /** Rows the server refuses (as a server refuses a row it cannot take), with the reason. */
  refuse: (table: string, row: Record<string, unknown>) => string | null = () => null;
  /** Refusals that name no row (id null), as a server might for a row it could not read. */
  unnamed = false;
  /** A row that makes the server refuse the whole frame (400), as a frame it cannot read. */
  poison: (table: string, row: Record<string, unknown>) => boolean = () => false;
  pullChanges: PullResponse['changes'] = [];
  /**
   * The hospital's patient list, paged after a seq as the server's census path does (its real
   * endpoint is built beside this workstation side; shared/sync/census.ts is the wire).
   */
  census: CensusEntry[] = [];
  /** What the census path answers instead, once each (a hostile or broken page). */
  readonly censusFaults: { status: number; body: string }[] = [];
  /** Every census page asked for: after which seq, how many. */
  readonly censusAsks: { after: number; limit: number }[] = [];
  /** What enrolment answers instead of a credential (a server of another protocol). */
  enrolFault: { status: number; body: SyncErrorBody } | null = null;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  /** Over https when given a certificate and key (PEM). */
  static async start(tls?: { cert: string; key: string }): Promise<CentralStandIn> {
    let central: CentralStandIn | null = null;
    const handler = (req: IncomingMessage, res: ServerResponse) => void central!.handle(req, res);
    const server = tls ? createTlsServer(tls, handler) : createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    central = new CentralStandIn(server, `${tls ? 'https' : 'http'}://127.0.0.1:${port}`);
    server.on('connection', (socket: Socket) => {
      central!.sockets.add(socket);
      socket.on('close', () => central!.sockets.delete(socket));
    });
    return central;
  }

  get port(): number {
    return Number(new URL(this.url).port);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Rows kept of a table. */
  kept(table: string): KeptRow[] {
    return [...this.rows.values()].filter((r) => r.table === table);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', this.url);
    const send = (status: number, json: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
    };
    if (url.pathname === SYNC_PATHS.hello) {
      return send(200, {
        protocol: SYNC_PROTOCOL,
        oldestProtocol: SYNC_PROTOCOL,
        serverId: 'stand-in',
        serverVersion: 'test',
        nowMs: Date.now(),
      });
    }
    if (url.pathname === SYNC_PATHS.enrol && req.method === 'POST') {
      if (this.enrolFault) return send(this.enrolFault.status, this.enrolFault.body);
      const parsed = EnrolRequest.safeParse(JSON.parse(body.toString('utf8')));
      if (!parsed.success) return send(400, { error: 'bad-request', message: 'not an enrolment' });
      if (parsed.data.code.replace(/-/g, '') !== this.code.replace(/-/g, '')) {
        return send(403, {
          error: 'enrolment-code-invalid',
          message: 'this code is unknown, used or expired',
        });
      }
      return send(200, {
        workstationId: parsed.data.workstationId,
        credential: this.credential,
        serverId: 'stand-in',
        unit: 'ICU 2',
      });
    }
    if (req.headers.authorization !== `Bearer ${this.credential}`) {
      return send(401, { error: 'unauthenticated', message: 'unknown credential' });
    }
    if (this.revoked) {
      return send(403, { error: 'revoked', message: 'revoked by IT on 1 December' });
    }
    if (url.pathname === CENSUS_PATH) {
      const after = Number(url.searchParams.get('after') ?? 0);
      const limit = Math.min(Number(url.searchParams.get('limit') ?? 100), CENSUS_PAGE_MAX);
      this.censusAsks.push({ after, limit });
      const fault = this.censusFaults.shift();
      if (fault) {
        res.writeHead(fault.status, { 'content-type': 'application/json' });
        res.end(fault.body);
        return;
      }
      const waiting = this.census.filter((e) => e.seq > after).sort((a, b) => a.seq - b.seq);
      const entries = waiting.slice(0, limit);
      return send(200, {
        entries,
        cursor: entries.at(-1)?.seq ?? after,
        more: waiting.length > entries.length,
      });
    }
    if (url.pathname === SYNC_PATHS.pull) {
      const cursor = Number(url.searchParams.get('cursor') ?? 0);
      const changes = this.pullChanges.slice(cursor);
      return send(200, {
        protocol: SYNC_PROTOCOL,
        cursor: cursor + changes.length,
        changes,
        more: false,
      });
    }
    if (url.pathname !== SYNC_PATHS.push || req.method !== 'POST') {
      return send(404, { error: 'bad-request', message: 'no such path' });
    }
    const fault = this.faults.shift();
    if (fault?.kind === 'hang') {
      this.hung += 1;
      return; // the socket stays open, unanswered
    }
    if (fault?.kind === 'status') {
      res.writeHead(fault.status, { 'content-type': 'application/json' });
      res.end(typeof fault.body === 'string' ? fault.body : JSON.stringify(fault.body ?? {}));
      return;
    }
    let decoded;
    try {
      decoded = decodePush(new Uint8Array(body), pushCodec);
    } catch (error) {
      const code = error instanceof PushFrameError ? error.code : 'bad-request';
      return send(code === 'too-large' ? 413 : 400, { error: code, message: String(error) });
    }
    if (decoded.rows.some(({ table, row }) => this.poison(table, row))) {
      return send(400, { error: 'bad-request', message: 'a row of this frame cannot be read' });
    }
    this.pushes.push({
      rows: decoded.rows.length + decoded.refused.length,
      tables: [...new Set(decoded.rows.map((r) => r.table))],
      atMs: Date.now(),
    });
    const refused = [...decoded.refused];
    let accepted = 0;
    let duplicates = 0;
    for (const { table, row } of decoded.rows) {
      const reason = this.refuse(table, row);
      if (reason !== null) {
        refused.push({ table, id: this.unnamed ? null : String(row.id), reason });
        continue;
      }
      const id = String(row.id);
      const known = this.rows.get(id);
      if (known) {
        known.arrivals += 1;
        duplicates += 1;
      } else {
        this.rows.set(id, { table, row, arrivals: 1 });
        accepted += 1;
      }
    }
    if (fault?.kind === 'garbage-after-commit') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"batchId": "not what was sent", "accepted": "many"}');
      return;
    }
    await this.beforeAnswer?.([...new Set(decoded.rows.map((r) => r.table))]);
    send(200, { batchId: decoded.batchId, accepted, duplicates, refused });
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('aborted', () => resolve(Buffer.concat(chunks)));
  });
}
