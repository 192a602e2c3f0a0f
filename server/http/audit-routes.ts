// The privacy officer's access audit, behind the admin token: the workstations' audit entries by
// patient, user and time, newest first, as JSON pages, a CSV download or FHIR AuditEvents; and
// each workstation's audit chain state. Thin: parses, calls server/audit, answers.
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { searchsetBundle } from '../../shared/fhir/bundle';
import { workstationAuditEvent } from '../../shared/fhir/documents';
import { auditChainStates } from '../audit/audit-chains';
import { AUDIT_CSV_HEADER, auditCsvLine, csvLine } from '../audit/audit-csv';
import { auditReportPage, findAuditPatient } from '../audit/audit-report';
import type { AuditCursor, AuditPatient, AuditReportFilter } from '../audit/audit-report';
import { ids } from '../fhir/ids';
import { SyncRefusal } from '../sync/refusal';
import { requireAdmin } from './admin-routes';
import type { ServerContext } from './context';
import { sendJson } from './exchange';
import type { Exchange } from './exchange';
import type { Route } from './router';

export const AUDIT_PATHS = {
  /** GET ?patient=&user=&from=&to=&limit=&cursor=&format=json|csv|fhir */
  report: '/api/admin/audit',
  /** GET → { workstations: WorkstationChainState[] } */
  chains: '/api/admin/audit/chains',
} as const;

const DAY_MS = 86_400_000;
const DEFAULT_DAYS = 30;
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
const CSV_PAGE = 1000;
/** A CSV stops here: a selection larger than this is narrowed by time first. */
const MAX_CSV_ROWS = 1_000_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface ReportRequest {
  filter: AuditReportFilter;
  limit: number;
  cursor: AuditCursor | null;
  format: 'json' | 'csv' | 'fhir';
}

const bad = (sentence: string) => new SyncRefusal('bad-request', sentence);

function msParam(url: URL, name: string, fallback: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw.trim() === '') return fallback;
  if (!/^\d{1,15}$/.test(raw.trim())) {
    throw bad(
      `"${name}" must be a time in milliseconds since 1970 (a whole number), not "${raw.slice(0, 40)}".`,
    );
  }
  return Number(raw.trim());
}

function textParam(url: URL, name: string, what: string): string | undefined {
  const raw = url.searchParams.get(name)?.trim() ?? '';
  if (raw === '') return undefined;
  if (raw.length > 200) throw bad(`The ${what} is longer than 200 characters: shorten it.`);
  return raw;
}

export function encodeCursor(cursor: AuditCursor): string {
  return Buffer.from(JSON.stringify([cursor.atMs, cursor.workstationId, cursor.id])).toString(
    'base64url',
  );
}

function decodeCursor(raw: string): AuditCursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 3 &&
      Number.isSafeInteger(value[0]) &&
      typeof value[1] === 'string' &&
      value[1].length <= 200 &&
      typeof value[2] === 'string' &&
      UUID.test(value[2])
    ) {
      return { atMs: value[0] as number, workstationId: value[1], id: value[2] };
    }
  } catch {
    // said below
  }
  throw bad('The cursor is not one this report gave: start again from the first page.');
}

export function parseReportRequest(url: URL, nowMs: number): ReportRequest {
  const format = url.searchParams.get('format') ?? 'json';
  if (format !== 'json' && format !== 'csv' && format !== 'fhir') {
    throw bad(`"format" is json, csv or fhir, not "${format.slice(0, 40)}".`);
  }
  const toMs = msParam(url, 'to', nowMs + 60_000);
  const fromMs = msParam(url, 'from', toMs - DEFAULT_DAYS * DAY_MS);
  if (fromMs >= toMs) throw bad('"from" must be before "to": swap or widen the dates.');
  const rawLimit = url.searchParams.get('limit');
  let limit = DEFAULT_LIMIT;
  if (rawLimit !== null && rawLimit !== '') {
    limit = Number(rawLimit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw bad(
        `"limit" is a whole number from 1 to ${MAX_LIMIT}, not "${rawLimit.slice(0, 40)}".`,
      );
    }
  }
  const rawCursor = url.searchParams.get('cursor');
  const patient = textParam(url, 'patient', "patient's MRN or id");
  const user = textParam(url, 'user', 'user');
  return {
    filter: {
      fromMs,
      toMs,
      ...(patient ? { patient } : {}),
      ...(user ? { user } : {}),
    },
    limit,
    cursor: rawCursor ? decodeCursor(rawCursor) : null,
    format,
  };
}

/** The patient filter: their ids, MRN and stays; a patient no workstation sent is matched by the text alone. */
async function patientOf(ctx: ServerContext, filter: AuditReportFilter) {
  if (!filter.patient) return { patient: null, known: null };
  const found = await findAuditPatient(ctx.db, filter.patient);
  const patient: AuditPatient = found ?? {
    words: [filter.patient.toLowerCase()],
    fhirIds: [filter.patient.trim()],
    stays: [],
  };
  return { patient, known: found !== null };
}

async function report(ctx: ServerContext, ex: Exchange): Promise<void> {
  requireAdmin(ctx, ex);
  const request = parseReportRequest(ex.url, ctx.nowMs());
  const { patient, known } = await patientOf(ctx, request.filter);
  if (request.format === 'csv') return sendCsv(ctx, ex, request, patient);
  const page = await auditReportPage(
    ctx.db,
    request.filter,
    patient,
    request.limit,
    request.cursor,
  );
  const nextCursor = page.next ? encodeCursor(page.next) : null;
  if (request.format === 'json') {
    sendJson(ex, 200, {
      entries: page.entries,
      nextCursor,
      patient: patient ? { known, stays: patient.stays.length } : null,
    });
    return;
  }
  const self = new URL(ex.url.pathname + ex.url.search, originOf(ex.req));
  const next = new URL(self);
  if (nextCursor) next.searchParams.set('cursor', nextCursor);
  const bundle = searchsetBundle({
    baseUrl: `${originOf(ex.req)}/fhir/r4`,
    selfUrl: self.toString(),
    nextUrl: nextCursor ? next.toString() : null,
    total: null,
    resources: page.entries.map((e) =>
      workstationAuditEvent({
        id: ids.row('audit', e.workstationId, e.id),
        atMs: e.atMs,
        workstationName: e.workstationName,
        actor: e.actor,
        action: e.action,
        subject: e.subject,
        detail: e.detail,
      }),
    ),
  });
  const text = JSON.stringify(bundle);
  ex.res.writeHead(200, {
    'content-type': 'application/fhir+json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'content-disposition': 'attachment; filename="access-audit-fhir.json"',
    'cache-control': 'no-store',
  });
  ex.res.end(text);
}

/** The whole selection, a page at a time, so a large one never sits in memory. */
async function sendCsv(
  ctx: ServerContext,
  ex: Exchange,
  request: ReportRequest,
  patient: AuditPatient | null,
): Promise<void> {
  const { res } = ex;
  let cursor = request.cursor;
  let written = 0;
  let page = await auditReportPage(ctx.db, request.filter, patient, CSV_PAGE, cursor);
  // Headers go once the first page is read: a failure before then is still a clear refusal.
  res.writeHead(200, {
    'content-type': 'text/csv; charset=utf-8; header=present',
    'content-disposition': 'attachment; filename="access-audit.csv"',
    'cache-control': 'no-store',
  });
  try {
    await write(ex, csvLine(AUDIT_CSV_HEADER));
    for (;;) {
      if (page.entries.length > 0) await write(ex, page.entries.map(auditCsvLine).join(''));
      written += page.entries.length;
      cursor = page.next;
      if (!cursor || written >= MAX_CSV_ROWS || res.destroyed) break;
      page = await auditReportPage(ctx.db, request.filter, patient, CSV_PAGE, cursor);
    }
    res.end();
  } catch (error) {
    // Mid-download: the status is sent already; a cut connection tells the browser it failed.
    ctx.log(`Access audit CSV stopped after ${written} rows: ${String(error)}`);
    res.destroy();
  }
}

function write(ex: Exchange, text: string): Promise<void> {
  if (ex.res.write(text)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = () => {
      ex.res.off('drain', done);
      ex.res.off('close', closed);
      resolve();
    };
    const closed = () => {
      ex.res.off('drain', done);
      reject(new Error('the client closed the connection'));
    };
    ex.res.once('drain', done);
    ex.res.once('close', closed);
  });
}

function originOf(req: IncomingMessage): string {
  const proto = (req.socket as TLSSocket).encrypted ? 'https' : 'http';
  const host = String(req.headers.host ?? '');
  return /^[A-Za-z0-9.\-[\]:]{1,255}$/.test(host)
    ? `${proto}://${host}`
    : `${proto}://central.invalid`;
}

async function chains(ctx: ServerContext, ex: Exchange): Promise<void> {
  requireAdmin(ctx, ex);
  sendJson(ex, 200, { workstations: await auditChainStates(ctx.db) });
}

export const auditRoutes: Route[] = [
  { method: 'GET', path: AUDIT_PATHS.chains, sync: false, handle: chains },
  { method: 'GET', path: AUDIT_PATHS.report, sync: false, handle: report },
];
