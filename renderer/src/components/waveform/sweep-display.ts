// Paper speed on a screen: how many CSS pixels a millimetre is, and what a sweep shows.

/** Standard paper speed of a bedside ECG display. */
export const SWEEP_MM_PER_S = 25;
export const CSS_PX_PER_MM = 96 / 25.4;

/** Seconds a sweep of `widthPx` CSS pixels shows at `mmPerS`. */
export function sweepSeconds(widthPx: number, mmPerS = SWEEP_MM_PER_S): number {
  return widthPx / (mmPerS * CSS_PX_PER_MM);
}
