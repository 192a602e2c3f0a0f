import { describe, expect, it } from 'vitest';
import { NIBP_CODES, TREND_GROUPS, TREND_PARAMETERS, formatNibp } from './trend-groups';
import {
  MINUTE_MS,
  groupsWithData,
  lastValueSlot,
  limitLines,
  slotAt,
  trendGrid,
  valueRange,
  type TrendResponse,
} from './trend-grid';
import type { BedAlarmSettings } from '../../../../shared/model/alarms';

const T0 = 1_735_689_600_000; // a whole minute
const point = (minute: number, mean: number, spread = 2) => ({
  t: T0 + minute * MINUTE_MS,
  mean,
  min: mean - spread,
  max: mean + spread,
  last: mean,
});

const HR = TREND_PARAMETERS.find((p) => p.code === 'MDC_ECG_HEART_RATE')!;

describe('trendGrid', () => {
  it('puts each minute in its slot and leaves gaps as nulls, not joined', () => {
    const trends: TrendResponse = [
      { code: 'MDC_ECG_HEART_RATE', points: [point(0, 70), point(1, 72), point(5, 80)] },
      { code: 'MDC_PULS_OXIM_SAT_O2', points: [] },
    ];
    const grid = trendGrid(trends, T0, T0 + 6 * MINUTE_MS);
    expect(grid.times).toEqual([0, 1, 2, 3, 4, 5].map((m) => T0 + m * MINUTE_MS));
    expect(grid.series.get('MDC_ECG_HEART_RATE')!.mean).toEqual([70, 72, null, null, null, 80]);
    expect(grid.series.get('MDC_ECG_HEART_RATE')!.min).toEqual([68, 70, null, null, null, 78]);
    expect(grid.series.get('MDC_ECG_HEART_RATE')!.max).toEqual([72, 74, null, null, null, 82]);
    // A code with no values has no series: its graph and column are not shown.
    expect(grid.series.has('MDC_PULS_OXIM_SAT_O2')).toBe(false);
  });

  it('starts on the minute holding fromMs and drops points outside the range', () => {
    const trends: TrendResponse = [
      { code: 'MDC_RESP_RATE', points: [point(-1, 10), point(0, 12), point(2, 14), point(3, 20)] },
    ];
    const grid = trendGrid(trends, T0 + 30_000, T0 + 3 * MINUTE_MS);
    expect(grid.times[0]).toBe(T0);
    expect(grid.series.get('MDC_RESP_RATE')!.mean).toEqual([12, null, 14]);
  });

  it('holds 72 hours as 4320 slots', () => {
    const grid = trendGrid([], T0, T0 + 72 * 60 * MINUTE_MS);
    expect(grid.times).toHaveLength(4320);
    expect(slotAt(grid, T0 + 90 * MINUTE_MS + 5)).toBe(90);
    expect(slotAt(grid, T0 - 1)).toBeNull();
    expect(slotAt(grid, T0 + 72 * 60 * MINUTE_MS)).toBeNull();
  });
});

describe('groupsWithData', () => {
  it('keeps only groups, and parameters within them, that have values', () => {
    const grid = trendGrid(
      [
        { code: 'MDC_PULS_OXIM_PULS_RATE', points: [point(0, 80)] },
        { code: 'MDC_TEMP_BODY', points: [point(0, 36.6, 0.1)] },
      ],
      T0,
      T0 + MINUTE_MS,
    );
    const groups = groupsWithData(grid, TREND_GROUPS);
    expect(groups.map((g) => g.id)).toEqual(['rate', 'temp']);
    expect(groups[0]!.shown.map((p) => p.code)).toEqual(['MDC_PULS_OXIM_PULS_RATE']);
  });
});

describe('limits and value range', () => {
  const limits = { extremeLow: 30, low: 50, high: 120, extremeHigh: 150 };
  const settings = {
    category: 'adult',
    limits: { hr: limits, pr: limits },
    changedBy: null,
    changedAt: null,
  } as unknown as BedAlarmSettings;

  it('draws every limit that is on, marking the extreme ones', () => {
    const off = { ...settings, limits: { hr: { ...limits, extremeHigh: null } } };
    expect(limitLines(off as unknown as BedAlarmSettings, [HR])).toEqual([
      { code: 'MDC_ECG_HEART_RATE', value: 50, extreme: false },
      { code: 'MDC_ECG_HEART_RATE', value: 120, extreme: false },
      { code: 'MDC_ECG_HEART_RATE', value: 30, extreme: true },
    ]);
    expect(limitLines(undefined, [HR])).toEqual([]);
  });

  it('spans the data and always takes in the normal limits', () => {
    const grid = trendGrid(
      [{ code: 'MDC_ECG_HEART_RATE', points: [point(0, 100, 5), point(1, 110, 5)] }],
      T0,
      T0 + 2 * MINUTE_MS,
    );
    // Data 95–115, limits 50 and 120: both limit lines are on the graph, with a margin.
    const [low, high] = valueRange(grid, [HR], limitLines(settings, [HR]))!;
    expect(low).toBeLessThan(50);
    expect(low).toBeGreaterThan(40);
    expect(high).toBeGreaterThan(120);
    expect(high).toBeLessThan(130);
    expect(valueRange(trendGrid([], T0, T0 + MINUTE_MS), [HR], [])).toBeNull();
  });

  it('keeps the limit lines of a flat trace on the graph (issue 12: HR 74.5–75.5)', () => {
    const grid = trendGrid(
      [{ code: 'MDC_ECG_HEART_RATE', points: [point(0, 75, 0.5), point(1, 75, 0.5)] }],
      T0,
      T0 + 2 * MINUTE_MS,
    );
    const lines = limitLines(settings, [HR]).filter((line) => !line.extreme);
    const [low, high] = valueRange(grid, [HR], limitLines(settings, [HR]))!;
    for (const line of lines) {
      expect(line.value).toBeGreaterThan(low);
      expect(line.value).toBeLessThan(high);
    }
  });
});

describe('NIBP in the readout and table', () => {
  it('finds the last measurement within the lookback, and writes it as sys/dia (mean)', () => {
    const at = (minute: number, mean: number) => ({ ...point(minute, mean, 0) });
    const grid = trendGrid(
      [
        { code: NIBP_CODES.systolic, points: [at(2, 121)] },
        { code: NIBP_CODES.diastolic, points: [at(2, 79)] },
        { code: NIBP_CODES.mean, points: [at(2, 93)] },
      ],
      T0,
      T0 + 30 * MINUTE_MS,
    );
    expect(lastValueSlot(grid, NIBP_CODES.systolic, 20, 60)).toBe(2);
    expect(lastValueSlot(grid, NIBP_CODES.systolic, 20, 10)).toBeNull();
    expect(lastValueSlot(grid, NIBP_CODES.systolic, 1, 60)).toBeNull();
    const value = (code: string) => grid.series.get(code)?.mean[2] ?? null;
    expect(formatNibp(value)).toBe('121/79 (93)');
    expect(formatNibp((code) => (code === NIBP_CODES.mean ? null : value(code)))).toBe('121/79');
    expect(formatNibp(() => null)).toBeNull();
  });
});
