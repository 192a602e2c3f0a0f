// The trend table's rows: one per minute that holds any value, newest first, cut into pages so
// 72 hours (4320 minutes) never puts thousands of rows in the page at once. Pure; no DOM.
import type { TrendParameter } from './trend-groups';
import type { TrendGrid } from './trend-grid';

export const TABLE_PAGE_ROWS = 60;

export interface TrendTableRow {
  atMs: number;
  /** The minute's mean of each parameter, by code; null where nothing was stored. */
  values: Record<string, number | null>;
}

export function trendTableRows(
  grid: TrendGrid,
  parameters: readonly TrendParameter[],
): TrendTableRow[] {
  const shown = parameters.filter((p) => grid.series.has(p.code));
  const rows: TrendTableRow[] = [];
  for (let i = grid.times.length - 1; i >= 0; i--) {
    let any = false;
    const values: Record<string, number | null> = {};
    for (const p of shown) {
      const value = grid.series.get(p.code)!.mean[i] ?? null;
      values[p.code] = value;
      if (value !== null) any = true;
    }
    if (any) rows.push({ atMs: grid.times[i]!, values });
  }
  return rows;
}

export interface TablePage {
  rows: TrendTableRow[];
  /** Zero-based, clamped to the pages there are. */
  page: number;
  pages: number;
}

export function tablePage(
  rows: readonly TrendTableRow[],
  page: number,
  pageRows = TABLE_PAGE_ROWS,
): TablePage {
  const pages = Math.max(1, Math.ceil(rows.length / pageRows));
  const clamped = Math.min(Math.max(0, Math.floor(page)), pages - 1);
  return {
    rows: rows.slice(clamped * pageRows, (clamped + 1) * pageRows),
    page: clamped,
    pages,
  };
}

/** The page holding the row of atMs (or the nearest older one), to follow a chosen moment. */
export function pageOfMoment(
  rows: readonly TrendTableRow[],
  atMs: number,
  pageRows = TABLE_PAGE_ROWS,
): number {
  const index = rows.findIndex((row) => row.atMs <= atMs);
  return Math.floor((index < 0 ? Math.max(0, rows.length - 1) : index) / pageRows);
}
