// A sweeping trace drawn the way a bedside monitor draws it: only what is new. Each animation
// frame erases a narrow gap ahead of the write head and draws the samples that arrived since the
// last frame, so the cost per frame follows the sample rate, not the width of the screen. The
// central station draws 16 or 32 of these at once; uPlot redrawing every point each frame would
// not keep up (see `npm run bench`, central.*).
import { recordWaveformDraw } from '../../metrics';
import { onThemeChange, themeColour } from '../../theme';
import { RobustScale } from './robust-scale';
import { CSS_PX_PER_MM, SWEEP_MM_PER_S } from './sweep-display';
import type { WaveformFeed } from './waveform-feed';

const ERASE_GAP_PX = 12;
const RETARGET_EVERY_MS = 500;
/** A rescale of more than this share of the span redraws the whole screen at the new scale. */
const REDRAW_ON_RESCALE = 0.08;
const MAX_SCALE_SAMPLES = 512;

/** A fixed gain for a calibrated trace: millimetres per physical unit (10 mm/mV for ECG). */
export interface SweepGain {
  mmPerUnit: number;
  /** Physical units per raw count (the channel's scale). */
  unitsPerCount: number;
}

export interface SweepCanvasOptions {
  color: string;
  /** Paper speed; 25 mm/s unless chosen otherwise. */
  mmPerS?: number;
  /** Fixed gain; without it the trace is scaled to fit its band. */
  gain?: SweepGain | null;
  lineWidthPx?: number;
}

export class SweepCanvas {
  private readonly canvas: HTMLCanvasElement;
  private readonly context: CanvasRenderingContext2D;
  private readonly scale = new RobustScale();
  private readonly scratch = new Float64Array(MAX_SCALE_SAMPLES);
  private readonly resizeObserver: ResizeObserver;
  private readonly unsubscribe: () => void;
  private readonly stopFollowingTheme: () => void;
  /** The trace colour as the current theme defines it. */
  private stroke: string;
  private widthPx = 0;
  private heightPx = 0;
  private ratio = 1;
  private frame = 0;
  /** Feed samples below this index are on screen. */
  private drawnUpTo = 0;
  private epoch = -1;
  private lastRetargetAt = -Infinity;
  /** The range the trace on screen was drawn with. */
  private drawnMin = 0;
  private drawnMax = 0;
  private mmPerS: number;
  private gain: SweepGain | null;
  /** The newest feed mark already drawn (sample index). */
  private markedUpTo = -1;

  constructor(
    container: HTMLElement,
    private readonly feed: WaveformFeed,
    private readonly options: SweepCanvasOptions,
  ) {
    this.mmPerS = options.mmPerS ?? SWEEP_MM_PER_S;
    this.gain = options.gain ?? null;
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'sweep-canvas';
    this.canvas.style.width = '100%';
    this.canvas.style.height = '100%';
    this.canvas.style.display = 'block';
    container.append(this.canvas);
    const context = this.canvas.getContext('2d', { alpha: true });
    if (!context) throw new Error('This screen cannot draw waveforms (no 2D canvas).');
    this.context = context;
    this.resizeObserver = new ResizeObserver(() => this.resize(container));
    this.resizeObserver.observe(container);
    this.unsubscribe = feed.subscribe(() => this.requestDraw());
    this.stroke = themeColour(options.color);
    this.stopFollowingTheme = onThemeChange(() => {
      this.stroke = themeColour(options.color);
      this.redrawAll();
    });
    this.resize(container);
  }

  /** Changes the paper speed; the screen starts over at the new speed. */
  setSpeed(mmPerS: number): void {
    if (mmPerS === this.mmPerS) return;
    this.mmPerS = mmPerS;
    this.redrawAll();
  }

  /** Changes the gain (null: fit to the band); the screen is redrawn at the new gain. */
  setGain(gain: SweepGain | null): void {
    if (
      gain?.mmPerUnit === this.gain?.mmPerUnit &&
      gain?.unitsPerCount === this.gain?.unitsPerCount
    )
      return;
    this.gain = gain;
    this.redrawAll();
  }

  destroy(): void {
    cancelAnimationFrame(this.frame);
    this.unsubscribe();
    this.stopFollowingTheme();
    this.resizeObserver.disconnect();
    this.canvas.remove();
  }

  private get pxPerSample(): number {
    return (this.mmPerS * CSS_PX_PER_MM) / this.feed.rateHz;
  }

  private resize(container: HTMLElement): void {
    const width = Math.floor(container.clientWidth);
    const height = Math.floor(container.clientHeight);
    if (width < 2 || height < 2) return;
    this.ratio = window.devicePixelRatio || 1;
    this.widthPx = width;
    this.heightPx = height;
    this.canvas.width = Math.round(width * this.ratio);
    this.canvas.height = Math.round(height * this.ratio);
    this.redrawAll();
  }

  private requestDraw(): void {
    if (this.frame === 0) this.frame = requestAnimationFrame((now) => this.draw(now));
  }

  /** Samples that fit on one screen at this speed. */
  private get samplesPerScreen(): number {
    return Math.max(2, Math.floor(this.widthPx / this.pxPerSample));
  }

  private redrawAll(): void {
    const { context } = this;
    context.setTransform(this.ratio, 0, 0, this.ratio, 0, 0);
    context.clearRect(0, 0, this.widthPx, this.heightPx);
    this.drawnUpTo = Math.max(0, this.feed.written - this.samplesPerScreen);
    this.epoch = this.feed.epoch;
    this.lastRetargetAt = -Infinity;
    this.drawnMin = 0;
    this.drawnMax = 0;
    this.markedUpTo = -1;
    this.requestDraw();
  }

  private draw(now: number): void {
    this.frame = 0;
    const { feed } = this;
    if (this.widthPx < 2) return;
    if (feed.epoch !== this.epoch) return this.redrawAll();
    if (now - this.lastRetargetAt >= RETARGET_EVERY_MS && this.retarget()) {
      this.lastRetargetAt = now;
      const [min, max] = this.shownRange();
      const span = this.drawnMax - this.drawnMin;
      const moved = Math.abs(min - this.drawnMin) + Math.abs(max - this.drawnMax);
      if (span <= 0 || moved > span * REDRAW_ON_RESCALE) {
        this.drawnMin = min;
        this.drawnMax = max;
        if (span > 0) {
          // The whole screen again at the new scale, so old and new beats compare.
          this.context.clearRect(0, 0, this.widthPx, this.heightPx);
          this.drawnUpTo = Math.max(0, feed.written - this.samplesPerScreen);
        }
      }
    }
    const end = feed.written;
    if (end > this.drawnUpTo) {
      this.drawSamples(Math.max(this.drawnUpTo, end - this.samplesPerScreen), end);
      this.drawnUpTo = end;
      recordWaveformDraw(feed.channel, feed.lastValue, this.canvas);
    }
    this.drawMarks();
  }

  /**
   * Beat classes above the trace at their beat, once the beat is on screen: a mark comes a moment
   * after its beat, so it is drawn then; the sweep's eraser takes it away with the beat.
   */
  private drawMarks(): void {
    const { context, feed } = this;
    const columns = this.samplesPerScreen;
    const oldest = this.drawnUpTo - columns;
    for (const mark of feed.marks) {
      if (mark.k <= this.markedUpTo || mark.k >= this.drawnUpTo) continue;
      this.markedUpTo = mark.k;
      if (mark.k < oldest) continue;
      const x = (mark.k % columns) * this.pxPerSample;
      context.font = '700 13px system-ui, sans-serif';
      context.textAlign = 'center';
      context.textBaseline = 'top';
      context.fillStyle = this.stroke;
      context.fillText(mark.label, x, 2);
    }
  }

  /**
   * The range of raw values the band shows: what is on screen, or with a fixed gain the span the
   * band's height holds at that gain, centred on what is on screen.
   */
  private shownRange(): [number, number] {
    const { min, max } = this.scale;
    if (!this.gain) return [min, max];
    const countsPerPx = 1 / (this.gain.mmPerUnit * CSS_PX_PER_MM * this.gain.unitsPerCount);
    const half = (this.heightPx * countsPerPx) / 2;
    const mid = (min + max) / 2;
    return [mid - half, mid + half];
  }

  /** Re-reads the range of what is on screen; false when there is nothing yet. */
  private retarget(): boolean {
    const { feed, scratch } = this;
    const count = Math.min(this.samplesPerScreen, feed.written);
    if (count === 0) return false;
    const stride = Math.max(1, Math.ceil(count / MAX_SCALE_SAMPLES));
    let n = 0;
    for (let k = feed.written - count; k < feed.written && n < scratch.length; k += stride) {
      scratch[n++] = feed.at(k);
    }
    const values = Array.from(scratch.subarray(0, n), (v) => (Number.isNaN(v) ? null : v));
    if (!this.scale.retarget(values)) return false;
    // The sweep shows the new range at once (no easing): easing would smear each beat.
    this.scale.step(Number.POSITIVE_INFINITY);
    return true;
  }

  /** Erases ahead of the head and draws samples [from, to) at their sweep positions. */
  private drawSamples(from: number, to: number): void {
    const { context, feed, widthPx, heightPx } = this;
    const pxPerSample = this.pxPerSample;
    const columns = this.samplesPerScreen;
    const xOf = (k: number) => (k % columns) * pxPerSample;
    const min = this.drawnMin;
    const span = this.drawnMax - min || 1;
    const yOf = (value: number) => heightPx - ((value - min) / span) * heightPx;

    // Erase from the first new sample up to the gap ahead of the last one (wrapping).
    const eraseFrom = xOf(from);
    const eraseTo = xOf(to - 1) + ERASE_GAP_PX;
    if (to - from >= columns) context.clearRect(0, 0, widthPx, heightPx);
    else if (eraseTo <= widthPx && eraseTo >= eraseFrom) {
      context.clearRect(eraseFrom - 1, 0, eraseTo - eraseFrom + 1, heightPx);
    } else {
      context.clearRect(eraseFrom - 1, 0, widthPx - eraseFrom + 1, heightPx);
      context.clearRect(0, 0, (eraseTo % widthPx) + 1, heightPx);
    }

    context.strokeStyle = this.stroke;
    context.lineWidth = this.options.lineWidthPx ?? 1.5;
    context.lineJoin = 'round';
    context.beginPath();
    // Join to the sample before, so consecutive frames draw one unbroken line.
    let penDown = false;
    const start = from > 0 && from % columns !== 0 ? from - 1 : from;
    for (let k = start; k < to; k++) {
      const value = feed.at(k);
      if (Number.isNaN(value)) {
        penDown = false;
        continue;
      }
      const x = xOf(k);
      const y = yOf(value);
      if (!penDown || k % columns === 0) context.moveTo(x, y);
      else context.lineTo(x, y);
      penDown = true;
    }
    context.stroke();
  }
}
