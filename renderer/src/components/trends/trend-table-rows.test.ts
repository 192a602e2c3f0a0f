import { describe, expect, it } from 'vitest';
import { TREND_PARAMETERS } from './trend-groups';
import { MINUTE_MS, trendGrid } from './trend-grid';
import { pageOfMoment, tablePage, trendTableRows } from './trend-table-rows';

const T0 = 1_735_689_600_000;

describe('the trend table', () => {
  const grid = trendGrid(
    [
      {
        code: 'MDC_ECG_HEART_RATE',
        points: [0, 1, 3].map((m) => ({
          t: T0 + m * MINUTE_MS,
          mean: 60 + m,
          min: 59,
          max: 70,
          last: 60,
        })),
      },
      {
        code: 'MDC_PULS_OXIM_SAT_O2',
        points: [{ t: T0 + MINUTE_MS, mean: 97, min: 96, max: 98, last: 97 }],
      },
    ],
    T0,
    T0 + 4 * MINUTE_MS,
  );

  it('has one row per minute with data, newest first, with only the parameters that have data', () => {
    const rows = trendTableRows(grid, TREND_PARAMETERS);
    expect(rows).toEqual([
      { atMs: T0 + 3 * MINUTE_MS, values: { MDC_ECG_HEART_RATE: 63, MDC_PULS_OXIM_SAT_O2: null } },
      { atMs: T0 + MINUTE_MS, values: { MDC_ECG_HEART_RATE: 61, MDC_PULS_OXIM_SAT_O2: 97 } },
      { atMs: T0, values: { MDC_ECG_HEART_RATE: 60, MDC_PULS_OXIM_SAT_O2: null } },
    ]);
  });

  it('pages 72 hours of minutes, clamping pages that do not exist', () => {
    const full = trendGrid(
      [
        {
          code: 'MDC_RESP_RATE',
          points: Array.from({ length: 4320 }, (_, m) => ({
            t: T0 + m * MINUTE_MS,
            mean: 16,
            min: 15,
            max: 17,
            last: 16,
          })),
        },
      ],
      T0,
      T0 + 4320 * MINUTE_MS,
    );
    const rows = trendTableRows(full, TREND_PARAMETERS);
    expect(rows).toHaveLength(4320);
    const first = tablePage(rows, 0, 60);
    expect(first.pages).toBe(72);
    expect(first.rows).toHaveLength(60);
    expect(first.rows[0]!.atMs).toBe(T0 + 4319 * MINUTE_MS);
    expect(tablePage(rows, 500, 60).page).toBe(71);
    expect(tablePage([], 3, 60)).toEqual({ rows: [], page: 0, pages: 1 });
    // The page of a moment: the minute 100 minutes before the newest is on page 2 (index 1).
    expect(pageOfMoment(rows, T0 + 4219 * MINUTE_MS + 30_000, 60)).toBe(1);
  });
});
