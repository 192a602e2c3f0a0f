// Caliper readings: two time markers give an interval and its rate (RR → heart rate, QT), two
// amplitude markers give a difference in millivolts (ST deviation). Pure arithmetic, unit-tested.

export interface TimeCaliper {
  aMs: number;
  bMs: number;
}

export interface AmplitudeCaliper {
  /** Which row (channel key) the markers are on. */
  rowKey: string;
  /** Marker heights in physical units of the row (mV when calibrated, raw counts otherwise). */
  aValue: number;
  bValue: number;
}

export interface TimeReading {
  intervalMs: number;
  /** 60 000 / interval: beats per minute when the interval is RR. Null for a zero interval. */
  ratePerMin: number | null;
}

export function readTimeCaliper({ aMs, bMs }: TimeCaliper): TimeReading {
  const intervalMs = Math.abs(bMs - aMs);
  return { intervalMs, ratePerMin: intervalMs > 0 ? 60_000 / intervalMs : null };
}

/** Difference between the markers, upper minus lower (positive), in the row's units. */
export function readAmplitudeCaliper({ aValue, bValue }: AmplitudeCaliper): number {
  return Math.abs(aValue - bValue);
}

/** Keyboard steps of a marker: 1 mm of paper, or 5 mm with Shift, as on the grid. */
export function markerStepMs(speedMmPerS: number, coarse: boolean): number {
  return ((coarse ? 5 : 1) / speedMmPerS) * 1000;
}
