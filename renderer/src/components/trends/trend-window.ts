// The time window the trends show: a span of 1, 8, 24 or 72 hours ending now (following the
// clock) or at a moment a person stepped to. Pure; no DOM.
import { MINUTE_MS } from './trend-grid';

export const TREND_SPANS_HOURS = [1, 8, 24, 72] as const;
export type TrendSpanHours = (typeof TREND_SPANS_HOURS)[number];

const HOUR_MS = 3_600_000;

export interface TrendWindow {
  spanHours: TrendSpanHours;
  /** End of the window, UTC ms; null follows the clock. */
  endMs: number | null;
}

/** [fromMs, toMs) of the window at nowMs; following the clock it ends after the current minute. */
export function windowRange(window: TrendWindow, nowMs: number): { fromMs: number; toMs: number } {
  const toMs = window.endMs ?? Math.ceil((nowMs + 1) / MINUTE_MS) * MINUTE_MS;
  return { fromMs: toMs - window.spanHours * HOUR_MS, toMs };
}

/** One span earlier (-1) or later (+1); reaching the present follows the clock again. */
export function stepWindow(window: TrendWindow, direction: -1 | 1, nowMs: number): TrendWindow {
  const { toMs } = windowRange(window, nowMs);
  const endMs = toMs + direction * window.spanHours * HOUR_MS;
  return { spanHours: window.spanHours, endMs: endMs >= nowMs ? null : endMs };
}
