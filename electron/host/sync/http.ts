// One HTTP exchange with the central server, bounded in every way a link can fail: a connection
// that never opens, a server that accepts and never answers, a body that stops half-way, an
// answer larger than any the protocol has. Over https it trusts only the CA the workstation was
// enrolled with (when one was given); plain http only to the loopback (tests, a local server).
import { request as httpRequest, Agent as HttpAgent, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';

export interface SyncEndpoint {
  /** https://host:port (or http:// on the loopback). */
  serverUrl: string;
  /** PEM of the only CA trusted for this server; null: the system's roots. */
  caPem: string | null;
}

export interface SyncExchange {
  method: 'GET' | 'POST';
  /** Path and query, e.g. /api/sync/pull?cursor=3. */
  path: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
  /** A connection not open (TLS included) by then is given up. Default 10 s. */
  connectTimeoutMs?: number;
  /** Nothing sent or received for this long (a stalled link, a server that never answers). Default 30 s. */
  idleTimeoutMs?: number;
  /** An answer longer than this is not one of ours. Default 4 MiB. */
  maxResponseBytes?: number;
  signal?: AbortSignal;
  /** Keeps connections open between exchanges (one per server, made by the caller). */
  agent?: HttpAgent | HttpsAgent;
}

export interface SyncAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export type SyncLinkProblem = 'unreachable' | 'tls' | 'timeout' | 'too-large' | 'aborted';

/** The exchange did not produce an answer: why, in words for the status line and the log. */
export class SyncLinkError extends Error {
  override readonly name = 'SyncLinkError';
  constructor(
    readonly problem: SyncLinkProblem,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[?::1\]?)$/i;

/** Why this server address cannot be used, or null. Plain http is for the loopback only. */
export function serverUrlProblem(serverUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch {
    return `"${serverUrl}" is not a server address (e.g. https://central.hospital.example:8443)`;
  }
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:') {
    return LOOPBACK.test(url.hostname)
      ? null
      : `plain http is only for a server on this computer; use https://${url.host}`;
  }
  return `"${serverUrl}" is not an https address`;
}

/** A keep-alive agent for one server: its TLS trust is the endpoint's CA. */
export function agentFor(endpoint: SyncEndpoint): HttpAgent | HttpsAgent {
  return endpoint.serverUrl.startsWith('https:')
    ? new HttpsAgent({
        keepAlive: true,
        maxSockets: 2,
        ...(endpoint.caPem ? { ca: endpoint.caPem } : {}),
      })
    : new HttpAgent({ keepAlive: true, maxSockets: 2 });
}

const TLS_CODES =
  /^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|HOSTNAME_MISMATCH|ERR_OSSL)/;

function linkErrorOf(error: unknown, host: string): SyncLinkError {
  if (error instanceof SyncLinkError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  const reason = (error as Error | undefined)?.message ?? String(error);
  if (TLS_CODES.test(code) || /certificate|ssl|tls/i.test(reason)) {
    return new SyncLinkError(
      'tls',
      `the central server ${host} could not be trusted (${reason}): is this the CA it was enrolled with?`,
      { cause: error },
    );
  }
  return new SyncLinkError(
    'unreachable',
    `the central server ${host} cannot be reached (${reason})`,
    {
      cause: error,
    },
  );
}

/** One request and its whole answer; throws SyncLinkError when there is no answer. */
export function exchange(endpoint: SyncEndpoint, ex: SyncExchange): Promise<SyncAnswer> {
  const url = new URL(ex.path, endpoint.serverUrl);
  const secure = url.protocol === 'https:';
  const connectTimeoutMs = ex.connectTimeoutMs ?? 10_000;
  const idleTimeoutMs = ex.idleTimeoutMs ?? 30_000;
  const maxResponseBytes = ex.maxResponseBytes ?? 4 * 1024 * 1024;
  const host = url.host;
  return new Promise<SyncAnswer>((resolve, reject) => {
    if (ex.signal?.aborted) return reject(new SyncLinkError('aborted', 'stopped'));
    const headers: Record<string, string> = { ...ex.headers };
    if (ex.body) headers['content-length'] = String(ex.body.byteLength);
    const options = {
      method: ex.method,
      headers,
      ...(ex.agent ? { agent: ex.agent } : { agent: false as const }),
      ...(secure && endpoint.caPem && !ex.agent ? { ca: endpoint.caPem } : {}),
    };
    const req = (secure ? httpsRequest : httpRequest)(url, options);
    let settled = false;
    let connectTimer: NodeJS.Timeout | undefined;
    const fail = (error: SyncLinkError) => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      ex.signal?.removeEventListener('abort', onAbort);
      req.destroy(error);
      reject(error);
    };
    const onAbort = () => fail(new SyncLinkError('aborted', 'stopped'));
    ex.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('socket', (socket: Socket) => {
      if (!socket.connecting) return; // a kept-alive connection, open already
      connectTimer = setTimeout(
        () =>
          fail(
            new SyncLinkError(
              'timeout',
              `the central server ${host} did not accept a connection within ${connectTimeoutMs / 1000} s`,
            ),
          ),
        connectTimeoutMs,
      );
      const opened = () => clearTimeout(connectTimer);
      if (secure) (socket as TLSSocket).once('secureConnect', opened);
      else socket.once('connect', opened);
    });
    req.setTimeout(idleTimeoutMs, () =>
      fail(
        new SyncLinkError(
          'timeout',
          `the central server ${host} stopped answering (nothing for ${idleTimeoutMs / 1000} s)`,
        ),
      ),
    );
    req.on('error', (error) => fail(linkErrorOf(error, host)));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let length = 0;
      res.on('data', (chunk: Buffer) => {
        length += chunk.byteLength;
        if (length > maxResponseBytes) {
          fail(
            new SyncLinkError(
              'too-large',
              `the central server ${host} answered with more than ${maxResponseBytes} bytes`,
            ),
          );
        } else chunks.push(chunk);
      });
      res.on('error', (error) => fail(linkErrorOf(error, host)));
      res.on('aborted', () =>
        fail(new SyncLinkError('unreachable', `the answer from ${host} was cut off`)),
      );
      res.on('end', () => {
        if (settled) return;
        if (!res.complete) {
          fail(new SyncLinkError('unreachable', `the answer from ${host} was cut off`));
          return;
        }
        settled = true;
        clearTimeout(connectTimer);
        ex.signal?.removeEventListener('abort', onAbort);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
    });
    req.end(
      ex.body ? Buffer.from(ex.body.buffer, ex.body.byteOffset, ex.body.byteLength) : undefined,
    );
  });
}
