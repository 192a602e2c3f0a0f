// Turns the store's per-minute trends (getTrend) into one time grid for the graphs and the
// table: one slot per minute of the range, null where nothing was stored, so a gap stays a gap
// instead of a line joining hours apart. Pure; no DOM.
import type { RequestOutput } from '../../../../shared/api/contract';
import type { BedAlarmSettings } from '../../../../shared/model/alarms';
import type { TrendGroup, TrendParameter } from './trend-groups';

export const MINUTE_MS = 60_000;

export type TrendResponse = RequestOutput<'getTrend'>;

export interface TrendSeries {
  mean: (number | null)[];
  min: (number | null)[];
  max: (number | null)[];
}

export interface TrendGrid {
  fromMs: number;
  toMs: number;
  bucketMs: number;
  /** Start of each slot, UTC ms, oldest first. */
  times: number[];
  /** By code; only codes with at least one value in the range. */
  series: Map<string, TrendSeries>;
}

/** The grid of [fromMs, toMs) in slots of bucketMs aligned to the epoch, as the store's buckets are. */
export function trendGrid(
  trends: TrendResponse,
  fromMs: number,
  toMs: number,
  bucketMs = MINUTE_MS,
): TrendGrid {
  const firstMs = Math.floor(fromMs / bucketMs) * bucketMs;
  const slots = Math.max(0, Math.ceil((toMs - firstMs) / bucketMs));
  const times = Array.from({ length: slots }, (_, i) => firstMs + i * bucketMs);
  const series = new Map<string, TrendSeries>();
  for (const trend of trends) {
    const column: TrendSeries = {
      mean: new Array<number | null>(slots).fill(null),
      min: new Array<number | null>(slots).fill(null),
      max: new Array<number | null>(slots).fill(null),
    };
    let any = false;
    for (const point of trend.points) {
      const i = Math.floor((point.t - firstMs) / bucketMs);
      if (i < 0 || i >= slots || !Number.isFinite(point.mean)) continue;
      column.mean[i] = point.mean;
      column.min[i] = point.min;
      column.max[i] = point.max;
      any = true;
    }
    if (any) series.set(trend.code, column);
  }
  return { fromMs, toMs, bucketMs, times, series };
}

/** The groups with something to draw in this grid, each with only its parameters that have data. */
export function groupsWithData(
  grid: TrendGrid,
  groups: readonly TrendGroup[],
): Array<TrendGroup & { shown: TrendParameter[] }> {
  return groups
    .map((group) => ({ ...group, shown: group.parameters.filter((p) => grid.series.has(p.code)) }))
    .filter((group) => group.shown.length > 0);
}

/** The slot holding atMs, or null outside the grid. */
export function slotAt(grid: TrendGrid, atMs: number): number | null {
  if (grid.times.length === 0) return null;
  const i = Math.floor((atMs - grid.times[0]!) / grid.bucketMs);
  return i >= 0 && i < grid.times.length ? i : null;
}

/** The latest slot at or before `slot`, at most `lookback` slots back, where `code` has a value. */
export function lastValueSlot(
  grid: TrendGrid,
  code: string,
  slot: number,
  lookback: number,
): number | null {
  const mean = grid.series.get(code)?.mean;
  if (!mean) return null;
  for (let i = slot; i >= 0 && i >= slot - lookback; i--) if (mean[i] != null) return i;
  return null;
}

export interface LimitLine {
  code: string;
  value: number;
  /** Extreme limits raise a high-priority alarm; drawn with shorter dashes. */
  extreme: boolean;
}

/** The patient's alarm limits for the shown parameters, as horizontal lines. */
export function limitLines(
  settings: BedAlarmSettings | undefined,
  parameters: readonly TrendParameter[],
): LimitLine[] {
  if (!settings) return [];
  const lines: LimitLine[] = [];
  for (const p of parameters) {
    if (p.limit === null) continue;
    const limits = settings.limits[p.limit];
    for (const [value, extreme] of [
      [limits.low, false],
      [limits.high, false],
      [limits.extremeLow, true],
      [limits.extremeHigh, true],
    ] as const) {
      if (value !== null) lines.push({ code: p.code, value, extreme });
    }
  }
  return lines;
}

/**
 * The value range of a graph: its data's min and max, always widened to take in the patient's
 * normal (not extreme) limits, so a flat trace (HR 74.5–75.5) is read against its limits rather
 * than magnified until they fall off the graph; an extreme limit is taken in when it is near the
 * data. Padded a little so traces and limit lines do not touch the edge.
 */
export function valueRange(
  grid: TrendGrid,
  parameters: readonly TrendParameter[],
  limits: readonly LimitLine[],
): [number, number] | null {
  let low = Infinity;
  let high = -Infinity;
  for (const p of parameters) {
    const s = grid.series.get(p.code);
    if (!s) continue;
    for (let i = 0; i < s.min.length; i++) {
      const lo = s.min[i];
      const hi = s.max[i];
      if (lo != null && lo < low) low = lo;
      if (hi != null && hi > high) high = hi;
    }
  }
  if (!Number.isFinite(low) || !Number.isFinite(high)) return null;
  const shown = new Set<string>(parameters.map((p) => p.code));
  for (const line of limits) {
    if (line.extreme || !shown.has(line.code)) continue;
    low = Math.min(low, line.value);
    high = Math.max(high, line.value);
  }
  const span = Math.max(high - low, 1);
  for (const line of limits) {
    if (!line.extreme || !shown.has(line.code)) continue;
    if (line.value < low && low - line.value <= span * 0.25) low = line.value;
    if (line.value > high && line.value - high <= span * 0.25) high = line.value;
  }
  const pad = Math.max((high - low) * 0.08, 0.5);
  return [low - pad, high + pad];
}
