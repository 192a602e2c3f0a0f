// One trend graph (a parameter group) drawn with uPlot: the min–max band and mean line of each
// parameter (marks for intermittent NIBP), the patient's limits as dashed lines, alarm starts as
// vertical lines coloured by priority, and a cursor synchronised with the other graphs.
import uPlot from 'uplot';
import { strings } from '../../strings';
import { themeColour } from '../../theme';
import type { AlarmMark } from './alarm-marks';
import type { TrendGroup, TrendParameter } from './trend-groups';
import { valueRange, type LimitLine, type TrendGrid } from './trend-grid';

export const TREND_CURSOR_SYNC = 'trends';
const Y_AXIS_PX = 52;

export interface TrendChartInput {
  group: TrendGroup;
  shown: readonly TrendParameter[];
  grid: TrendGrid;
  limits: readonly LimitLine[];
  marks: readonly AlarmMark[];
  /** Only the bottom graph labels the shared time axis. */
  timeLabels: boolean;
}

export interface TrendChartEvents {
  /** The slot under the cursor, or null when the cursor left the graphs. */
  onCursor(slot: number | null): void;
  /** A click on the graph: the moment under the cursor. */
  onPick(atMs: number): void;
  /** Where the plotting area sits inside the container, in CSS px (for the alarm markers). */
  onPlotArea?(area: { left: number; width: number }): void;
}

/** The colour at the given opacity (#rrggbb and rgb() colours; others unchanged). */
export function withAlpha(colour: string, alpha: number): string {
  const hex = /^#([0-9a-f]{6})$/i.exec(colour);
  if (hex) {
    const n = parseInt(hex[1]!, 16);
    return `rgba(${n >> 16}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
  }
  const rgb = /^rgba?\(([^)]+)\)$/.exec(colour);
  if (rgb) {
    const [r, g, b] = rgb[1]!.split(/[\s,/]+/);
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  return colour;
}

/** 24-hour times on the time axis, the date at midnight. */
function axisLabel(atMs: number): string {
  const at = new Date(atMs);
  return at.getHours() === 0 && at.getMinutes() === 0
    ? strings.trends.day(atMs)
    : strings.trends.axisTime(atMs);
}

/** The group's first parameter (HR over PR) is drawn last, so it stays on top. */
function drawOrder(shown: readonly TrendParameter[]): TrendParameter[] {
  return [...shown].reverse();
}

export class TrendChart {
  private readonly plot: uPlot;
  private readonly resizeObserver: ResizeObserver;
  private readonly onClick: () => void;

  constructor(
    private readonly container: HTMLElement,
    private readonly input: TrendChartInput,
    private readonly events: TrendChartEvents,
  ) {
    const width = Math.max(100, Math.floor(container.clientWidth));
    const height = Math.max(60, Math.floor(container.clientHeight));
    this.plot = new uPlot(this.options(width, height), this.data(), container);
    this.onClick = () => {
      const slot = this.plot.cursor.idx;
      if (slot != null) this.events.onPick(this.input.grid.times[slot]!);
    };
    this.plot.over.addEventListener('click', this.onClick);
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(container);
  }

  destroy(): void {
    this.resizeObserver.disconnect();
    this.plot.over.removeEventListener('click', this.onClick);
    this.plot.destroy();
  }

  private resize(): void {
    const width = Math.floor(this.container.clientWidth);
    const height = Math.floor(this.container.clientHeight);
    if (width < 2 || height < 2) return;
    if (width !== this.plot.width || height !== this.plot.height) {
      this.plot.setSize({ width, height });
    }
  }

  private data(): uPlot.AlignedData {
    const { grid, shown, group } = this.input;
    const x = Float64Array.from(grid.times, (t) => t / 1000);
    const columns: (number | null)[][] = [];
    for (const p of drawOrder(shown)) {
      const s = grid.series.get(p.code)!;
      if (group.intermittent) columns.push(s.mean);
      else columns.push(s.max, s.min, s.mean);
    }
    return [x, ...columns] as uPlot.AlignedData;
  }

  private options(width: number, height: number): uPlot.Options {
    const { grid, shown, group, limits, timeLabels } = this.input;
    const muted = themeColour('var(--muted)');
    const border = themeColour('var(--border)');
    const series: uPlot.Series[] = [{}];
    const bands: uPlot.Band[] = [];
    // Marks shrink as they crowd: a measurement every 15 min over 72 h is close to a line.
    const markPx = grid.times.length > 600 ? 3 : 6;
    for (const p of drawOrder(shown)) {
      const colour = themeColour(p.color);
      if (group.intermittent) {
        series.push({
          label: p.label,
          stroke: colour,
          width: 0,
          paths: () => null,
          points: { show: true, size: markPx, stroke: colour, fill: colour },
        });
        continue;
      }
      const edge = { stroke: 'transparent', width: 0, points: { show: false }, spanGaps: false };
      series.push({ label: `${p.label} max`, ...edge }, { label: `${p.label} min`, ...edge });
      bands.push({ series: [series.length - 2, series.length - 1], fill: withAlpha(colour, 0.22) });
      series.push({
        label: p.label,
        stroke: colour,
        width: 1.5,
        spanGaps: false,
        points: { show: false },
      });
    }
    const range = valueRange(grid, shown, limits) ?? [0, 1];
    return {
      width,
      height,
      padding: [8, 12, timeLabels ? 0 : 4, 0],
      legend: { show: false },
      select: { show: false, left: 0, top: 0, width: 0, height: 0 },
      cursor: {
        sync: { key: TREND_CURSOR_SYNC },
        drag: { x: false, y: false },
        points: { size: 7 },
        y: false,
      },
      scales: {
        x: { time: true, auto: false, range: () => [grid.fromMs / 1000, grid.toMs / 1000] },
        y: { auto: false, range: () => range },
      },
      axes: [
        {
          stroke: muted,
          grid: { stroke: border, width: 1 },
          ticks: { show: timeLabels, stroke: border },
          size: timeLabels ? 32 : 0,
          values: (_u: uPlot, splits: number[]) =>
            splits.map((s) => (timeLabels ? axisLabel(s * 1000) : '')),
        },
        {
          stroke: muted,
          size: Y_AXIS_PX,
          grid: { stroke: border, width: 1 },
          ticks: { stroke: border },
        },
      ],
      series,
      bands,
      hooks: {
        setCursor: [(u) => this.events.onCursor(u.cursor.idx ?? null)],
        draw: [(u) => this.drawOverlays(u)],
        ready: [(u) => this.reportPlotArea(u)],
        setSize: [(u) => this.reportPlotArea(u)],
      },
    };
  }

  private reportPlotArea(u: uPlot): void {
    this.events.onPlotArea?.({ left: u.over.offsetLeft, width: u.over.offsetWidth });
  }

  /** Limit lines, then alarm starts, over the traces. */
  private drawOverlays(u: uPlot): void {
    const { ctx, bbox } = u;
    const ratio = uPlot.pxRatio;
    ctx.save();
    ctx.beginPath();
    ctx.rect(bbox.left, bbox.top, bbox.width, bbox.height);
    ctx.clip();
    ctx.lineWidth = ratio;
    for (const line of this.input.limits) {
      const p = this.input.shown.find((shown) => shown.code === line.code);
      if (!p) continue;
      const y = Math.round(u.valToPos(line.value, 'y', true)) + 0.5;
      ctx.strokeStyle = withAlpha(themeColour(p.color), 0.85);
      ctx.setLineDash(line.extreme ? [2 * ratio, 4 * ratio] : [8 * ratio, 5 * ratio]);
      ctx.beginPath();
      ctx.moveTo(bbox.left, y);
      ctx.lineTo(bbox.left + bbox.width, y);
      ctx.stroke();
    }
    ctx.setLineDash([]);
    ctx.lineWidth = 2 * ratio;
    const colours = {
      high: themeColour('var(--alarm-high)'),
      medium: themeColour('var(--alarm-medium)'),
      low: themeColour('var(--alarm-low)'),
    };
    for (const mark of this.input.marks) {
      const x = Math.round(u.valToPos(mark.atMs / 1000, 'x', true));
      ctx.strokeStyle = withAlpha(colours[mark.priority], 0.75);
      ctx.beginPath();
      ctx.moveTo(x, bbox.top);
      ctx.lineTo(x, bbox.top + bbox.height);
      ctx.stroke();
    }
    ctx.restore();
  }
}
