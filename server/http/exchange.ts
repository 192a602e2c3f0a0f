// One request and its answer: bounded bodies, JSON answers, and refusals as SyncErrorBody with
// their HTTP status. Nothing here throws past the caller's catch.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SyncErrorCode } from '../../shared/sync/protocol';
import { SyncRefusal } from '../sync/refusal';

export const STATUS_OF: Record<SyncErrorCode, number> = {
  'protocol-too-old': 426,
  'protocol-too-new': 426,
  'bad-request': 400,
  'too-large': 413,
  unauthenticated: 401,
  revoked: 403,
  forbidden: 403,
  'enrolment-code-invalid': 403,
  'not-found': 404,
  unavailable: 503,
  internal: 500,
};

export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
}

/**
 * The body, refused once it passes `maxBytes` (by its Content-Length before reading anything,
 * or as it arrives): never buffered beyond the limit.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  const tooLarge = () =>
    new SyncRefusal('too-large', `The request body is larger than ${maxBytes} bytes.`);
  if (declared !== undefined && Number(declared) > maxBytes) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (error?: Error) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (error) reject(error);
      else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > maxBytes) done(tooLarge());
      else chunks.push(chunk);
    };
    const onEnd = () => done();
    const onError = (error: Error) => done(error);
    const onClose = () => {
      if (!req.complete) done(new Error('the client closed the connection before the body ended'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/** A JSON body (Content-Type: application/json), bounded; with emptyOk an empty one is {}. */
export async function readJson(
  req: IncomingMessage,
  maxBytes: number,
  { emptyOk = false }: { emptyOk?: boolean } = {},
): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) {
    throw new SyncRefusal(
      'bad-request',
      'The request body must be JSON (Content-Type: application/json).',
    );
  }
  const body = await readBody(req, maxBytes);
  if (body.length === 0 && emptyOk) return {};
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new SyncRefusal('bad-request', 'The request body is not valid JSON.');
  }
}

export function sendJson(ex: Exchange, status: number, body: unknown): void {
  const { req, res } = ex;
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  const headers: Record<string, string | number> = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  };
  // Answered before the body was read (too large, unauthenticated): the rest is read and dropped
  // for a moment, never kept, so that the client reads this answer instead of a reset while it is
  // still sending (Node would close at once for a client that asked for close); a body still
  // coming after that is cut off.
  const bodyPending =
    !req.complete &&
    (req.headers['transfer-encoding'] !== undefined ||
      Number(req.headers['content-length'] ?? 0) > 0);
  if (bodyPending) {
    res.shouldKeepAlive = true;
    res.removeHeader('connection');
  }
  res.writeHead(status, headers);
  res.end(text);
  if (bodyPending) {
    req.resume();
    // The socket may be gone by then (closed and detached from the request): nothing to end.
    const timer = setTimeout(() => {
      if (!req.complete) req.socket?.destroy();
    }, 2_000);
    timer.unref();
    req.socket?.once('close', () => clearTimeout(timer));
  }
}

export function sendRefusal(ex: Exchange, refusal: SyncRefusal): void {
  sendJson(ex, refusal.status ?? STATUS_OF[refusal.code], refusal.body());
}

/** The bearer token of the Authorization header, if any. */
export function bearerToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  const m = header ? /^Bearer ([A-Za-z0-9._~+/=-]{16,512})$/.exec(header.trim()) : null;
  return m ? m[1]! : null;
}
