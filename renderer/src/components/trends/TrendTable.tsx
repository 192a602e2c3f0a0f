// The trend table: one row per minute (each parameter's mean in that minute), newest first, a
// page at a time. Choosing a row offers to review that moment.
import { useEffect, useMemo, useState } from 'react';
import { strings } from '../../strings';
import { NIBP_CODES, formatNibp, formatTrendValue, type TrendParameter } from './trend-groups';
import type { TrendGrid } from './trend-grid';
import { pageOfMoment, tablePage, trendTableRows } from './trend-table-rows';

const t = strings.trends;

export interface TrendTableProps {
  grid: TrendGrid;
  parameters: readonly TrendParameter[];
  /** The chosen moment's minute is highlighted, and its page shown. */
  chosenMs: number | null;
  onPick(atMs: number): void;
}

const isNibp = (code: string) => (Object.values(NIBP_CODES) as string[]).includes(code);

export function TrendTable({ grid, parameters, chosenMs, onPick }: TrendTableProps) {
  const rows = useMemo(() => trendTableRows(grid, parameters), [grid, parameters]);
  const [page, setPage] = useState(0);
  useEffect(() => setPage(0), [grid]);
  useEffect(() => {
    if (chosenMs !== null) setPage(pageOfMoment(rows, chosenMs));
  }, [rows, chosenMs]);
  const shown = tablePage(rows, page);
  // NIBP's three values share one column, as a nurse writes them: 120/80 (93).
  // The early warning score comes last, after the measurements it is scored from.
  const continuous = parameters.filter((p) => !isNibp(p.code) && p.code !== 'NEWS2');
  const scores = parameters.filter((p) => p.code === 'NEWS2');
  const nibp = parameters.some((p) => isNibp(p.code));
  const chosenMinute =
    chosenMs === null ? null : Math.floor(chosenMs / grid.bucketMs) * grid.bucketMs;

  return (
    <section className="trend-table" aria-label={t.table}>
      <div className="trend-table__scroll">
        <table data-testid="trend-table">
          <caption className="visually-hidden">{t.table}</caption>
          <thead>
            <tr>
              <th scope="col">{t.timeColumn}</th>
              {continuous.map((p) => (
                <th scope="col" key={p.code}>
                  {p.label}
                  <span className="trend-table__unit">{p.unit}</span>
                </th>
              ))}
              {nibp && (
                <th scope="col">
                  {t.nibp}
                  <span className="trend-table__unit">{t.nibpUnit}</span>
                </th>
              )}
              {scores.map((p) => (
                <th scope="col" key={p.code}>
                  {p.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.rows.map((row, i) => (
              <tr
                key={row.atMs}
                aria-selected={row.atMs === chosenMinute}
                onClick={() => onPick(row.atMs)}
                data-testid="trend-row"
              >
                <th scope="row">
                  <button type="button" className="trend-table__time">
                    {(i === 0 || t.day(row.atMs) !== t.day(shown.rows[i - 1]!.atMs)) && (
                      <span className="trend-table__date">{t.day(row.atMs)}</span>
                    )}
                    {t.tableTime(row.atMs)}
                  </button>
                </th>
                {continuous.map((p) => (
                  <td key={p.code}>
                    {formatTrendValue(p, row.values[p.code] ?? null) ?? t.noValue}
                  </td>
                ))}
                {nibp && (
                  <td data-column="nibp">
                    {formatNibp((code) => row.values[code] ?? null) ?? t.noValue}
                  </td>
                )}
                {scores.map((p) => (
                  <td key={p.code}>
                    {formatTrendValue(p, row.values[p.code] ?? null) ?? t.noValue}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav className="trend-table__pages" aria-label={t.page(shown.page + 1, shown.pages)}>
        <button
          type="button"
          className="button"
          disabled={shown.page === 0}
          onClick={() => setPage(shown.page - 1)}
          data-testid="trend-table-newer"
        >
          {t.newer}
        </button>
        <span data-testid="trend-table-page">{t.page(shown.page + 1, shown.pages)}</span>
        <button
          type="button"
          className="button"
          disabled={shown.page >= shown.pages - 1}
          onClick={() => setPage(shown.page + 1)}
          data-testid="trend-table-older"
        >
          {t.older}
        </button>
      </nav>
    </section>
  );
}
