// Draws one WaveformFeed as a sweeping trace with uPlot. Owns the uPlot instance, the sweep
// display, the auto-scale and the resize observer; redraws at most once per animation frame and
// only when new samples arrived or the size changed.
import uPlot from 'uplot';
import { recordWaveformDraw } from '../../metrics';
import { RobustScale } from './robust-scale';
import { SweepDisplay, sweepSeconds } from './sweep-display';
import type { WaveformFeed } from './waveform-feed';

const RETARGET_EVERY_MS = 250;
const TRACE_WIDTH_PX = 2;

export class SweepPlot {
  private plot: uPlot | null = null;
  private display: SweepDisplay | null = null;
  private readonly scale = new RobustScale();
  private frame = 0;
  private lastFrameAt = 0;
  private lastRetargetAt = -Infinity;
  private readonly resizeObserver: ResizeObserver;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly container: HTMLElement,
    private readonly feed: WaveformFeed,
    private readonly color: string,
  ) {
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(container);
    this.unsubscribe = feed.subscribe(() => this.requestDraw());
    this.resize();
  }

  destroy(): void {
    cancelAnimationFrame(this.frame);
    this.unsubscribe();
    this.resizeObserver.disconnect();
    this.plot?.destroy();
    this.plot = null;
  }

  private resize(): void {
    const width = Math.floor(this.container.clientWidth);
    const height = Math.floor(this.container.clientHeight);
    if (width < 2 || height < 2) return;
    if (!this.plot) this.plot = this.createPlot(width, height);
    else this.plot.setSize({ width, height });
    this.requestDraw();
  }

  private requestDraw(): void {
    if (this.frame === 0) this.frame = requestAnimationFrame((now) => this.draw(now));
  }

  private draw(now: number): void {
    this.frame = 0;
    const { plot, feed } = this;
    if (!plot) return;
    const seconds = sweepSeconds(plot.width);
    if (!this.display?.fits(feed, seconds)) {
      this.display = new SweepDisplay(seconds, feed.rateHz, feed);
    }
    const display = this.display;
    const changed = display.follow(feed);
    if (now - this.lastRetargetAt >= RETARGET_EVERY_MS && display.y.length > 0) {
      this.scale.retarget(display.y);
      this.lastRetargetAt = now;
    }
    this.scale.step(Math.min(now - this.lastFrameAt, 100));
    this.lastFrameAt = now;
    plot.batch(() => {
      plot.setScale('y', { min: this.scale.min, max: this.scale.max });
      plot.setData([display.x, display.y]);
    });
    if (changed) recordWaveformDraw(feed.channel, feed.lastValue);
  }

  private createPlot(width: number, height: number): uPlot {
    const options: uPlot.Options = {
      width,
      height,
      padding: [6, 0, 6, 0],
      legend: { show: false },
      cursor: { show: false },
      select: { show: false, left: 0, top: 0, width: 0, height: 0 },
      axes: [{ show: false }, { show: false }],
      scales: {
        // The time axis is the sweep's width, whatever data there is.
        x: { time: false, auto: false, range: () => [0, this.display?.seconds ?? 1] },
        y: { auto: false, range: (_u, min, max) => [min, max] },
      },
      series: [
        {},
        {
          stroke: this.color,
          width: TRACE_WIDTH_PX,
          points: { show: false },
          spanGaps: false,
        },
      ],
    };
    const empty: uPlot.AlignedData = [new Float64Array(0), []];
    return new uPlot(options, empty, this.container);
  }
}
