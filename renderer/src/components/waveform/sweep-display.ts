// The screen of a bedside-monitor trace in sweep mode: a fixed time axis written left to right
// that wraps, with an erase gap just ahead of the write head. The arrays are allocated once and
// updated in place, then handed to uPlot as they are.
import type { WaveformFeed } from './waveform-feed';

/** Standard paper speed of a bedside ECG display. */
export const SWEEP_MM_PER_S = 25;
export const CSS_PX_PER_MM = 96 / 25.4;
const ERASE_GAP_SECONDS = 0.2;

/** Seconds a sweep of `widthPx` CSS pixels shows at `mmPerS`. */
export function sweepSeconds(widthPx: number, mmPerS = SWEEP_MM_PER_S): number {
  return widthPx / (mmPerS * CSS_PX_PER_MM);
}

export class SweepDisplay {
  /** Seconds since the left edge, per column. */
  readonly x: Float64Array;
  /** Value per column; null where nothing is drawn (erase gap, gaps, not yet written). */
  readonly y: (number | null)[];
  readonly columns: number;
  readonly gapColumns: number;
  readonly epoch: number;
  /** Feed samples below this index are already on screen. */
  private drawnUpTo: number;

  constructor(
    readonly seconds: number,
    readonly rateHz: number,
    feed: WaveformFeed,
  ) {
    this.columns = Math.max(2, Math.round(seconds * rateHz));
    this.gapColumns = Math.min(this.columns - 1, Math.ceil(ERASE_GAP_SECONDS * rateHz));
    this.x = new Float64Array(this.columns);
    for (let i = 0; i < this.columns; i++) this.x[i] = i / rateHz;
    this.y = new Array<number | null>(this.columns).fill(null);
    this.epoch = feed.epoch;
    this.drawnUpTo = Math.max(0, feed.written - this.columns);
  }

  /** True when this display can keep following `feed` (same timeline and rate). */
  fits(feed: WaveformFeed, seconds: number): boolean {
    return feed.epoch === this.epoch && feed.rateHz === this.rateHz && seconds === this.seconds;
  }

  /** Writes the samples the feed has that are not on screen yet; returns whether any were. */
  follow(feed: WaveformFeed): boolean {
    const end = feed.written;
    if (end <= this.drawnUpTo) return false;
    const { columns, y } = this;
    for (let k = Math.max(this.drawnUpTo, end - columns); k < end; k++) {
      const value = feed.at(k);
      y[k % columns] = Number.isNaN(value) ? null : value;
    }
    for (let j = 0; j < this.gapColumns; j++) y[(end + j) % columns] = null;
    this.drawnUpTo = end;
    return true;
  }

  /** Column the next sample will be written to. */
  get head(): number {
    return this.drawnUpTo % this.columns;
  }
}
