// What the wire's schemas let through but PostgreSQL would refuse, checked per row before a batch
// is inserted: a row that would fail inside the transaction would fail the whole batch, so it is
// set aside with its reason instead and the others stand. Pure.
import { MAX_HLC_DRIFT_MS, isHlc, parseHlc } from '../../shared/sync/hlc';
import { VERSIONED_TABLES } from '../../shared/sync/tables';
import type { SyncedTable } from '../../shared/sync/tables';

/** A column's PostgreSQL type name (information_schema udt_name: text, int4, timestamptz, …). */
export type ColumnTypes = ReadonlyMap<string, string>;

const MAX_JSON_DEPTH = 64;
const INT4_MAX = 2_147_483_647;
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?(?:Z|[+-](\d{2})(?::?(\d{2}))?)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why PostgreSQL could not store this row as it is, or null when it can. */
export function unstorableReason(
  table: SyncedTable,
  row: Record<string, unknown>,
  types: ColumnTypes,
  nowMs: number,
): string | null {
  for (const [column, type] of types) {
    const value = row[column];
    if (value === null || value === undefined || value instanceof Uint8Array) continue;
    const textProblem = type === 'jsonb' ? jsonProblem(value) : stringProblem(value);
    if (textProblem) return `${column} ${textProblem}`;
    if (type === 'timestamptz' && !validTimestamp(String(value))) {
      return `${column} is not a time PostgreSQL can keep (e.g. 2026-12-06T10:00:00.000Z)`;
    }
    if (type === 'date' && !validDate(String(value))) return `${column} is not a calendar date`;
    if (type === 'int4' && (typeof value !== 'number' || Math.abs(value) > INT4_MAX)) {
      return `${column} is beyond a 32-bit whole number`;
    }
  }
  if (VERSIONED_TABLES.includes(table) && typeof row.hlc === 'string') {
    if (!isHlc(row.hlc)) return 'hlc is not a clock stamp';
    const aheadMs = parseHlc(row.hlc).wallMs - nowMs;
    if (aheadMs > MAX_HLC_DRIFT_MS) {
      return (
        `hlc is ${Math.round(aheadMs / 3_600_000)} h ahead of the central server's clock: ` +
        `the workstation's clock is wrong, and this version would hide every later one`
      );
    }
  }
  return null;
}

function stringProblem(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  if (value.includes('\u0000')) return 'holds a NUL character';
  if (LONE_SURROGATE.test(value)) return 'is not valid Unicode';
  return null;
}

/** Walks a JSON value without recursion (a hostile one may nest deeply). */
function jsonProblem(value: unknown): string | null {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (depth > MAX_JSON_DEPTH) return `nests deeper than ${MAX_JSON_DEPTH} levels`;
    if (typeof item === 'string') {
      const problem = stringProblem(item);
      if (problem) return problem;
    } else if (typeof item === 'number' && !Number.isFinite(item)) {
      return 'holds a number JSON cannot';
    } else if (Array.isArray(item)) {
      for (const element of item) stack.push([element, depth + 1]);
    } else if (item !== null && typeof item === 'object') {
      for (const [key, element] of Object.entries(item)) {
        const problem = stringProblem(key);
        if (problem) return problem;
        stack.push([element, depth + 1]);
      }
    }
  }
  return null;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function validCalendarDay(year: number, month: number, day: number): boolean {
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

export function validDate(text: string): boolean {
  const m = DATE.exec(text);
  return m !== null && validCalendarDay(Number(m[1]), Number(m[2]), Number(m[3]));
}

export function validTimestamp(text: string): boolean {
  const m = TIMESTAMP.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as number[];
  const offsetHours = m[7] === undefined ? 0 : Number(m[7]);
  const offsetMinutes = m[8] === undefined ? 0 : Number(m[8]);
  return (
    validCalendarDay(year!, month!, day!) &&
    hour! <= 23 &&
    minute! <= 59 &&
    second! <= 59 &&
    offsetHours <= 15 &&
    offsetMinutes <= 59
  );
}
