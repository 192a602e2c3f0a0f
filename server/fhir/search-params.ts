// The search parameters of the FHIR api, read from a query string: dates with their prefixes,
// tokens (system|code), references, _count, _summary and the paging cursor. Every refusal is a
// FhirRefusal (400 with an OperationOutcome) naming the parameter.
import type { IssueCode } from '../../shared/fhir/outcome';

export class FhirRefusal extends Error {
  constructor(
    readonly status: number,
    readonly issue: IssueCode,
    message: string,
  ) {
    super(message);
  }
}

export const badParameter = (message: string) => new FhirRefusal(400, 'invalid', message);

export const DEFAULT_COUNT = 100;
export const MAX_COUNT = 10_000;
/** Paging deeper than this is refused: narrow the search by date instead. */
const MAX_OFFSET = 10_000_000;

/** A time range [fromMs, toMs) asked by date=… parameters (both open when none is given). */
export interface TimeRange {
  fromMs: number;
  toMs: number;
}

const DATE =
  /^(eq|ge|gt|le|lt)?(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/** The instants a FHIR date value covers: [lowerMs, upperMs). */
export function dateBounds(value: string): { prefix: string; lowerMs: number; upperMs: number } {
  const m = DATE.exec(value);
  if (!m) {
    throw badParameter(
      `"${value}" is not a date this server reads: give [ge|gt|le|lt|eq]YYYY[-MM[-DD[Thh:mm[:ss[.sss]][Z|±hh:mm]]]].`,
    );
  }
  const [, prefix = 'eq', y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = mo ? Number(mo) - 1 : 0;
  const day = d ? Number(d) : 1;
  const offsetMs =
    zone && zone !== 'Z'
      ? (zone.startsWith('-') ? -1 : 1) *
        (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) *
        60_000
      : 0;
  const fracMs = frac ? Number(`0.${frac}`) * 1000 : 0;
  const lowerMs =
    Date.UTC(year, month, day, h ? Number(h) : 0, mi ? Number(mi) : 0, s ? Number(s) : 0) +
    fracMs -
    offsetMs;
  const check = new Date(Date.UTC(year, month, day));
  if (
    (mo && (Number(mo) < 1 || Number(mo) > 12)) ||
    check.getUTCDate() !== day ||
    (h && (Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59))
  ) {
    throw badParameter(`"${value}" is not a real date or time.`);
  }
  const upperMs = frac
    ? lowerMs + 1
    : s
      ? lowerMs + 1000
      : mi
        ? lowerMs + 60_000
        : d
          ? lowerMs + 86_400_000
          : mo
            ? Date.UTC(year, month + 1, 1) - offsetMs
            : Date.UTC(year + 1, 0, 1) - offsetMs;
  return { prefix, lowerMs, upperMs };
}

export function timeRange(values: string[]): TimeRange {
  let fromMs = -Infinity;
  let toMs = Infinity;
  for (const value of values) {
    const { prefix, lowerMs, upperMs } = dateBounds(value);
    if (prefix === 'ge' || prefix === 'eq') fromMs = Math.max(fromMs, lowerMs);
    if (prefix === 'gt') fromMs = Math.max(fromMs, upperMs);
    if (prefix === 'le' || prefix === 'eq') toMs = Math.min(toMs, upperMs);
    if (prefix === 'lt') toMs = Math.min(toMs, lowerMs);
  }
  return { fromMs, toMs };
}

export interface Token {
  system: string | null;
  code: string;
}

/** `system|code`, `|code` (no system) or `code`; a comma separates alternatives. */
export function tokens(value: string): Token[] {
  return value.split(',').map((part) => {
    const bar = part.indexOf('|');
    const token =
      bar < 0
        ? { system: null, code: part }
        : { system: part.slice(0, bar), code: part.slice(bar + 1) };
    if (token.code === '')
      throw badParameter(`"${value}" names no code: give system|code or code.`);
    return token;
  });
}

/** The id a reference parameter names: `Type/id`, `id`, or an absolute url ending in Type/id. */
export function referenceId(value: string, type: string): string {
  const m = new RegExp(`(?:^|/)${type}/([^/]+)$`).exec(value);
  if (m) return m[1]!;
  if (/^[A-Za-z0-9\-.]{1,64}$/.test(value)) return value;
  throw badParameter(`"${value}" is not a reference to a ${type} (give ${type}/id).`);
}

export interface SearchRequest {
  /** Parameters other than the common ones, each with all its values. */
  params: Map<string, string[]>;
  count: number;
  offset: number;
  summary: 'count' | 'true' | 'false';
}

const COMMON = new Set(['_count', '_summary', '_cursor', '_format']);

/** Reads the common parameters and refuses any parameter the type does not support. */
export function searchRequest(url: URL, supported: readonly string[]): SearchRequest {
  const params = new Map<string, string[]>();
  for (const [name, value] of url.searchParams) {
    if (COMMON.has(name)) continue;
    if (!supported.includes(name)) {
      throw badParameter(
        `This server does not search by "${name}" here; it searches by ${supported.join(', ')}.`,
      );
    }
    params.set(name, [...(params.get(name) ?? []), value]);
  }
  const countText = url.searchParams.get('_count');
  const count = countText === null ? DEFAULT_COUNT : Number(countText);
  if (!Number.isInteger(count) || count < 0 || count > MAX_COUNT) {
    throw badParameter(`_count must be a whole number from 0 to ${MAX_COUNT}.`);
  }
  const summary = url.searchParams.get('_summary') ?? 'false';
  if (summary !== 'count' && summary !== 'true' && summary !== 'false') {
    throw badParameter('_summary may be count, true or false here.');
  }
  const format = url.searchParams.get('_format');
  if (format !== null && !/^(json|application\/(fhir\+)?json)$/.test(format)) {
    throw new FhirRefusal(406, 'not-supported', 'This server answers in JSON only (_format=json).');
  }
  return { params, count, offset: readCursor(url.searchParams.get('_cursor')), summary };
}

/** The paging cursor: opaque to clients, an offset into the search's fixed order. */
export function makeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

function readCursor(cursor: string | null): number {
  if (cursor === null) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o?: unknown };
    if (
      Number.isSafeInteger(parsed.o) &&
      (parsed.o as number) >= 0 &&
      (parsed.o as number) <= MAX_OFFSET
    ) {
      return parsed.o as number;
    }
  } catch {
    // answered below
  }
  throw badParameter('_cursor is not one this server gave: follow the Bundle\'s "next" link.');
}

/** One value of a parameter given at most once. */
export function single(request: SearchRequest, name: string): string | null {
  const values = request.params.get(name);
  if (!values) return null;
  if (values.length > 1) throw badParameter(`Give ${name} once.`);
  return values[0]!;
}
