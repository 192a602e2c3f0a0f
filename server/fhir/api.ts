// The FHIR R4 api's HTTP edge under /fhir/r4: the capability statement and SMART configuration
// (no token), the token endpoint, then read and search behind an access token whose scopes name
// the type. Every answer is application/fhir+json; every refusal an OperationOutcome with its
// HTTP status (OAuth's own error body at the token endpoint); every data access is logged (the
// AuditEvents). No request, however malformed, escapes as an exception.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { searchsetBundlePieces } from '../../shared/fhir/bundle';
import { operationOutcome } from '../../shared/fhir/outcome';
import type { ServerContext } from '../http/context';
import { bearerToken, readBody } from '../http/exchange';
import { SyncRefusal } from '../sync/refusal';
import { databaseDown } from '../http/router';
import {
  capabilityStatement,
  READ_ONLY_TYPES,
  SEARCH_PARAMETERS,
  smartConfiguration,
} from './capability';
import { read, readStripPdf } from './read-by-id';
import { patientIdsOf } from './access-patients';
import { searchPage } from './search';
import type { ReadContext } from './search';
import { FhirRefusal, makeCursor, searchRequest } from './search-params';
import { allows, callerOf, issueToken, OAuthRefusal } from './tokens';
import type { FhirCaller } from './tokens';

export const FHIR_BASE_PATH = '/fhir/r4';
const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const MAX_TOKEN_BODY_BYTES = 16 * 1024;
const AHEAD_OF_CLIENT_BYTES = 4 * 1024 * 1024;

function send(res: ServerResponse, status: number, body: unknown, type = FHIR_JSON): void {
  if (res.headersSent || res.destroyed) return;
  // Encoded once (a day of rollups is megabytes: a second pass to count its bytes costs as much).
  const bytes = Buffer.from(JSON.stringify(body), 'utf8');
  res.writeHead(status, {
    'content-type': type,
    'content-length': bytes.length,
    'cache-control': 'no-store',
  });
  res.end(bytes);
}

/**
 * A 200 written piece by piece as it is made (chunked), each piece after the client has taken the
 * last: a day of rollups is megabytes, never held whole. A failure half-way can only cut the
 * answer short (the client sees an unfinished body, never a wrong one).
 */
async function sendPieces(
  res: ServerResponse,
  pieces: Iterable<string>,
  log: (message: string) => void,
): Promise<void> {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(200, { 'content-type': FHIR_JSON, 'cache-control': 'no-store' });
  try {
    for (const piece of pieces) {
      if (res.destroyed) return;
      // Ahead of the client by up to 4 MiB: building the next piece overlaps its reading.
      if (!res.write(piece) && res.writableLength > AHEAD_OF_CLIENT_BYTES) await drained(res);
    }
    res.end();
  } catch (error) {
    log(`A FHIR answer was cut short: ${String(error)}`);
    res.destroy();
  }
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** The api's own address as the client reached it (the token url a JWT's aud must name). */
function baseUrlOf(req: IncomingMessage): string {
  const forwardedProto = String(req.headers['x-forwarded-proto'] ?? '')
    .split(',')[0]!
    .trim();
  const proto =
    forwardedProto === 'https' || forwardedProto === 'http'
      ? forwardedProto
      : (req.socket as TLSSocket).encrypted
        ? 'https'
        : 'http';
  const host = String(req.headers['x-forwarded-host'] ?? req.headers.host ?? '')
    .split(',')[0]!
    .trim();
  if (!/^[A-Za-z0-9.\-[\]:]{1,255}$/.test(host)) {
    throw new FhirRefusal(400, 'invalid', 'The request has no valid Host header.');
  }
  return `${proto}://${host}${FHIR_BASE_PATH}`;
}

const TYPES = new Set([...Object.keys(SEARCH_PARAMETERS), ...READ_ONLY_TYPES]);

/** Answers requests under /fhir/r4; false for any other path (left to the other routes). */
export function fhirRequestHandler(ctx: ServerContext) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = (req.url ?? '').split('?')[0]!;
    if (path !== FHIR_BASE_PATH && !path.startsWith(`${FHIR_BASE_PATH}/`)) return false;
    void answer(ctx, req, res);
    return true;
  };
}

async function answer(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  try {
    const url = new URL(req.url ?? '/', 'http://central.invalid');
    const baseUrl = baseUrlOf(req);
    const rest = url.pathname.slice(FHIR_BASE_PATH.length).replace(/^\//, '');
    if (rest === 'metadata' && req.method === 'GET') {
      return send(res, 200, capabilityStatement(baseUrl, ctx.serverVersion, ctx.nowMs()));
    }
    if (rest === '.well-known/smart-configuration' && req.method === 'GET') {
      return send(res, 200, smartConfiguration(baseUrl), 'application/json; charset=utf-8');
    }
    if (rest === 'auth/token') return await token(ctx, req, res, `${baseUrl}/auth/token`);
    const m = /^([A-Z][A-Za-z]{1,40})(?:\/([^/]+))?$/.exec(rest);
    if (!m || !TYPES.has(m[1]!)) {
      throw new FhirRefusal(404, 'not-found', `This FHIR server has nothing at ${url.pathname}.`);
    }
    if (req.method !== 'GET') {
      throw new FhirRefusal(405, 'not-supported', 'This FHIR api is read-only: use GET.');
    }
    const caller = await callerOf(ctx.db, bearerToken(req), ctx.nowMs());
    await dataAccess(ctx, req, res, caller, url, baseUrl, m[1]!, m[2] ?? null);
  } catch (error) {
    refuse(ctx, req, res, error);
  }
}

function refuse(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  error: unknown,
): void {
  try {
    if (error instanceof FhirRefusal) {
      if (error.status === 401) res.setHeader('www-authenticate', 'Bearer');
      send(res, error.status, operationOutcome(error.issue, error.message));
    } else if (error instanceof SyncRefusal && error.code === 'too-large') {
      send(res, 413, operationOutcome('too-costly', error.message));
    } else if (databaseDown(error)) {
      ctx.log(`FHIR ${req.method} ${req.url}: the database is unreachable: ${String(error)}`);
      res.setHeader('retry-after', '30');
      send(
        res,
        503,
        operationOutcome('transient', 'The server cannot reach its database just now; try again.'),
      );
    } else {
      ctx.log(`FHIR ${req.method} ${req.url} failed: ${(error as Error)?.stack ?? error}`);
      send(
        res,
        500,
        operationOutcome('exception', 'The server failed to answer this request (it is logged).'),
      );
    }
  } catch (failure) {
    ctx.log(`Answering FHIR ${req.method} ${req.url} failed: ${String(failure)}`);
    res.destroy();
  }
}

async function token(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  tokenUrl: string,
) {
  try {
    if (req.method !== 'POST') {
      throw new OAuthRefusal(400, 'invalid_request', 'Ask for a token with POST.');
    }
    if (!/^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '')) {
      throw new OAuthRefusal(
        400,
        'invalid_request',
        'Send the form as application/x-www-form-urlencoded.',
      );
    }
    const body = await readBody(req, MAX_TOKEN_BODY_BYTES);
    const answer = await issueToken(
      ctx.db,
      new URLSearchParams(body.toString('utf8')),
      tokenUrl,
      ctx.nowMs(),
    );
    send(res, 200, answer, 'application/json; charset=utf-8');
  } catch (error) {
    if (!(error instanceof OAuthRefusal)) throw error;
    send(
      res,
      error.status,
      { error: error.error, error_description: error.message },
      'application/json; charset=utf-8',
    );
  }
}

async function dataAccess(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  caller: FhirCaller,
  url: URL,
  baseUrl: string,
  type: string,
  id: string | null,
): Promise<void> {
  const interaction = id === null ? 'search-type' : 'read';
  let status = 200;
  let count = 0;
  /** The Patient ids of what the answer holds: the privacy officer's report finds it by them. */
  let patients: string[] = [];
  // Logged before the answer leaves: a client reading AuditEvent next finds its own access.
  let reply: () => void = () => undefined;
  try {
    const scopeType = type === 'Binary' ? 'DocumentReference' : type;
    if (!allows(caller.scopes, scopeType, id === null ? 's' : 'r')) {
      throw new FhirRefusal(
        403,
        'forbidden',
        `The token's scopes (${caller.scopes.join(' ')}) do not let this client ${id === null ? 'search' : 'read'} ${scopeType}: ask for system/${scopeType}.rs.`,
      );
    }
    const readCtx: ReadContext = { db: ctx.db, nowMs: ctx.nowMs(), baseUrl };
    if (id !== null) {
      if (type === 'Binary') {
        const strip = await readStripPdf(readCtx, id);
        if (!strip) throw new FhirRefusal(404, 'not-found', `There is no Binary ${id}.`);
        const { pdf } = strip;
        patients = [strip.patientId];
        count = 1;
        if (/application\/(fhir\+)?json/.test(req.headers.accept ?? '')) {
          reply = () =>
            send(res, 200, {
              resourceType: 'Binary',
              id,
              contentType: 'application/pdf',
              data: pdf.toString('base64'),
            });
          return;
        }
        reply = () => {
          res.writeHead(200, {
            'content-type': 'application/pdf',
            'content-length': pdf.length,
            'cache-control': 'no-store',
          });
          res.end(pdf);
        };
        return;
      }
      const found = await read(readCtx, type, id);
      if (!found) throw new FhirRefusal(404, 'not-found', `There is no ${type} ${id}.`);
      patients = patientIdsOf([found]);
      count = 1;
      reply = () => send(res, 200, found);
      return;
    }
    if (type === 'Binary')
      throw new FhirRefusal(
        405,
        'not-supported',
        'Binary is read by the url a DocumentReference gives.',
      );
    const request = searchRequest(url, Object.keys(SEARCH_PARAMETERS[type]!));
    const found = await searchPage(readCtx, type, request, true);
    patients = patientIdsOf(found.resources);
    count = found.resources.length;
    const selfUrl = `${baseUrl}/${type}${url.search}`;
    let nextUrl: string | null = null;
    if (found.more) {
      const next = new URLSearchParams(url.search);
      next.set('_cursor', makeCursor(request.offset + request.count));
      nextUrl = `${baseUrl}/${type}?${next.toString()}`;
    }
    const pieces = searchsetBundlePieces({
      baseUrl,
      selfUrl,
      nextUrl,
      total: found.total,
      resources: found.resources,
    });
    reply = () => void sendPieces(res, pieces, ctx.log);
  } catch (error) {
    status = error instanceof FhirRefusal ? error.status : 500;
    throw error;
  } finally {
    await ctx.db
      .query(
        `INSERT INTO fhir_access_log (client_id, client_name, interaction, resource_type, query,
           result_count, status, patient_ids)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          caller.clientId,
          caller.clientName,
          interaction,
          id === null ? type : `${type}/${id}`.slice(0, 200),
          url.search.slice(1, 2000),
          count,
          status,
          patients,
        ],
      )
      .catch((failure: unknown) =>
        ctx.log(`The FHIR access of ${caller.clientId} was not logged: ${String(failure)}`),
      );
    // Runs after a return in the try too: the answer leaves once the access is logged.
    if (status < 400) reply();
  }
}
