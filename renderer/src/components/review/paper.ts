// ECG paper in real millimetres: CSS defines 96 px per inch, so 1 mm is 96 / 25.4 CSS pixels on
// any screen the browser has calibrated, and 25 mm/s and 10 mm/mV mean what they mean on paper.
export const CSS_PX_PER_MM = 96 / 25.4;

/** Paper speeds offered, as on a bedside recorder. */
export const PAPER_SPEEDS_MM_PER_S = [12.5, 25, 50] as const;
export type PaperSpeedMmPerS = (typeof PAPER_SPEEDS_MM_PER_S)[number];

/** ECG gains offered (10 mm/mV is standard). */
export const ECG_GAINS_MM_PER_MV = [5, 10, 20] as const;
export type EcgGainMmPerMv = (typeof ECG_GAINS_MM_PER_MV)[number];

/** Grid pitch: 1 mm minor squares, 5 mm major squares. */
export const MINOR_GRID_MM = 1;
export const MAJOR_GRID_MM = 5;

export function mmToPx(mm: number): number {
  return mm * CSS_PX_PER_MM;
}

export function pxToMm(px: number): number {
  return px / CSS_PX_PER_MM;
}

export function pxPerSecond(speedMmPerS: number): number {
  return mmToPx(speedMmPerS);
}

/** How much time a paper of this width shows at this speed. */
export function visibleDurationMs(widthPx: number, speedMmPerS: number): number {
  return (widthPx / pxPerSecond(speedMmPerS)) * 1000;
}

/** Horizontal position on the paper (CSS px from its left edge) of a moment. */
export function timeToX(atMs: number, fromMs: number, speedMmPerS: number): number {
  return ((atMs - fromMs) / 1000) * pxPerSecond(speedMmPerS);
}

export function xToTime(xPx: number, fromMs: number, speedMmPerS: number): number {
  return fromMs + (xPx / pxPerSecond(speedMmPerS)) * 1000;
}

export interface GridLine {
  /** CSS px from the paper's origin. */
  atPx: number;
  major: boolean;
}

/** The grid lines across a length of paper: every millimetre, every fifth one major. */
export function gridLines(lengthPx: number): GridLine[] {
  const lines: GridLine[] = [];
  const count = Math.floor(pxToMm(lengthPx) / MINOR_GRID_MM + 1e-9);
  for (let mm = 0; mm <= count; mm++) {
    lines.push({ atPx: mmToPx(mm * MINOR_GRID_MM), major: mm % MAJOR_GRID_MM === 0 });
  }
  return lines;
}

/** Millivolts per physical unit of a channel, or null when the unit is not a voltage. */
export function millivoltsPerUnit(unit: string): number | null {
  switch (unit.replace('µ', 'u').toLowerCase()) {
    case 'mv':
      return 1;
    case 'uv':
      return 1e-3;
    case 'v':
      return 1e3;
    default:
      return null;
  }
}

/**
 * Millivolts per raw count of a channel: its scale (units per count) times its unit in mV. Null
 * for a channel without a public scale or not in volts: it is drawn fitted, and said uncalibrated.
 */
export function millivoltsPerCount(scale: number | null | undefined, unit: string | undefined) {
  if (scale === null || scale === undefined || !(scale > 0) || unit === undefined) return null;
  const perUnit = millivoltsPerUnit(unit);
  return perUnit === null ? null : scale * perUnit;
}
