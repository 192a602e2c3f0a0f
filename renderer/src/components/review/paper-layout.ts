// Where each channel's row sits on the paper and how its values map to height: a calibrated ECG
// at the chosen mm/mV around the row's median (baseline wander stays visible), any other channel
// fitted to its row from its own range in the window.
import { mmToPx } from './paper';
import type { ReviewChannel } from './review-signal';

/** Height of the time ruler above the rows. */
export const RULER_MM = 6;
/** One row per channel: six major squares, room for ±1.5 mV at 10 mm/mV. */
export const ROW_MM = 30;
/** Part of a row a fitted (uncalibrated) trace fills. */
const FIT_FRACTION = 0.8;

export interface RowLayout {
  key: string;
  topPx: number;
  heightPx: number;
  /** The value (mV when calibrated, raw counts otherwise) drawn at the row's middle. */
  centreValue: number;
  /** Pixels per value unit (per mV when calibrated). */
  pxPerValue: number;
  /** Multiply a raw count by this to get the row's value unit. */
  valuePerCount: number;
  calibrated: boolean;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Rows stacked under the ruler, in the channels' order. */
export function layoutRows(channels: readonly ReviewChannel[], gainMmPerMv: number): RowLayout[] {
  const heightPx = mmToPx(ROW_MM);
  return channels.map((channel, index) => {
    const topPx = mmToPx(RULER_MM) + index * heightPx;
    const all = channel.runs.flatMap((run) => run.values);
    const calibrated = channel.mvPerCount !== null;
    const valuePerCount = channel.mvPerCount ?? 1;
    if (calibrated) {
      return {
        key: channel.key,
        topPx,
        heightPx,
        centreValue: median(all) * valuePerCount,
        pxPerValue: mmToPx(gainMmPerMv),
        valuePerCount,
        calibrated,
      };
    }
    let min = Infinity;
    let max = -Infinity;
    for (const v of all) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const span = max > min ? max - min : 1;
    return {
      key: channel.key,
      topPx,
      heightPx,
      centreValue: all.length ? (min + max) / 2 : 0,
      pxPerValue: (heightPx * FIT_FRACTION) / span,
      valuePerCount,
      calibrated,
    };
  });
}

/** Vertical position (CSS px) of a value in a row. */
export function valueToY(row: RowLayout, value: number): number {
  return row.topPx + row.heightPx / 2 - (value - row.centreValue) * row.pxPerValue;
}

export function yToValue(row: RowLayout, yPx: number): number {
  return row.centreValue + (row.topPx + row.heightPx / 2 - yPx) / row.pxPerValue;
}

export function paperHeightPx(rowCount: number): number {
  return mmToPx(RULER_MM) + Math.max(1, rowCount) * mmToPx(ROW_MM);
}
