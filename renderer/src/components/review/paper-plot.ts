// Draws the review paper on a canvas: the 1 mm / 5 mm grid, the time ruler, and each channel's
// trace (a line per contiguous run, so a gap in the store is a gap on the paper). Colours come
// from the theme's CSS variables; nothing here knows about React.
import { gridLines, mmToPx, pxPerSecond, timeToX } from './paper';
import { RULER_MM, valueToY, type RowLayout } from './paper-layout';
import type { ReviewChannel } from './review-signal';
import type { TimeWindow } from './review-window';

export interface PaperColours {
  paper: string;
  grid: string;
  trace: string;
  text: string;
  ruler: string;
}

/** The theme's colours, read from the element's CSS variables (night or day). */
export function paperColours(element: Element): PaperColours {
  const style = getComputedStyle(element);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    paper: read('--bg', 'black'),
    grid: read('--muted', 'gray'),
    trace: read('--text', 'white'),
    text: read('--muted', 'gray'),
    ruler: read('--panel', 'black'),
  };
}

export interface PaperScene {
  widthPx: number;
  heightPx: number;
  window: TimeWindow;
  speedMmPerS: number;
  channels: readonly ReviewChannel[];
  rows: readonly RowLayout[];
  colours: PaperColours;
  /** A label for a ruler second (the time of day). */
  formatTick: (atMs: number) => string;
}

/** Sizes the canvas for the device's pixel ratio and draws the whole scene. */
export function drawPaper(canvas: HTMLCanvasElement, scene: PaperScene): void {
  const ratio = window.devicePixelRatio || 1;
  const width = Math.round(scene.widthPx * ratio);
  const height = Math.round(scene.heightPx * ratio);
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  canvas.style.width = `${scene.widthPx}px`;
  canvas.style.height = `${scene.heightPx}px`;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.fillStyle = scene.colours.paper;
  ctx.fillRect(0, 0, scene.widthPx, scene.heightPx);
  drawGrid(ctx, scene);
  drawRuler(ctx, scene);
  for (const [i, channel] of scene.channels.entries()) {
    const row = scene.rows[i];
    if (row) drawTrace(ctx, scene, channel, row);
  }
}

function drawGrid(ctx: CanvasRenderingContext2D, scene: PaperScene): void {
  const top = mmToPx(RULER_MM);
  // The vertical lines keep to the paper's time (a second on a major line), so they move with it.
  const mmMs = 1000 / scene.speedMmPerS; // milliseconds per millimetre of paper
  const firstMm = Math.ceil(scene.window.fromMs / mmMs);
  const lastMm = Math.floor(scene.window.toMs / mmMs);
  for (const major of [false, true]) {
    ctx.beginPath();
    ctx.strokeStyle = scene.colours.grid;
    ctx.globalAlpha = major ? 0.45 : 0.16;
    ctx.lineWidth = major ? 1 : 0.6;
    for (let mm = firstMm; mm <= lastMm; mm++) {
      if ((mm % 5 === 0) !== major) continue;
      const x = Math.round(timeToX(mm * mmMs, scene.window.fromMs, scene.speedMmPerS)) + 0.5;
      ctx.moveTo(x, top);
      ctx.lineTo(x, scene.heightPx);
    }
    for (const line of gridLines(scene.heightPx - top)) {
      if (line.major !== major) continue;
      const y = Math.round(top + line.atPx) + 0.5;
      ctx.moveTo(0, y);
      ctx.lineTo(scene.widthPx, y);
    }
    ctx.stroke();
  }
  ctx.globalAlpha = 1;
}

function drawRuler(ctx: CanvasRenderingContext2D, scene: PaperScene): void {
  const heightPx = mmToPx(RULER_MM);
  ctx.fillStyle = scene.colours.ruler;
  ctx.fillRect(0, 0, scene.widthPx, heightPx);
  ctx.strokeStyle = scene.colours.text;
  ctx.fillStyle = scene.colours.text;
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'top';
  ctx.beginPath();
  // A tick every 200 ms (a major square at 25 mm/s), a long tick and the time every second.
  for (let at = Math.ceil(scene.window.fromMs / 200) * 200; at < scene.window.toMs; at += 200) {
    const x = Math.round(timeToX(at, scene.window.fromMs, scene.speedMmPerS)) + 0.5;
    const second = at % 1000 === 0;
    ctx.moveTo(x, heightPx);
    ctx.lineTo(x, heightPx - (second ? heightPx * 0.45 : heightPx * 0.2));
    if (second && (scene.speedMmPerS >= 25 || at % 2000 === 0)) {
      ctx.fillText(scene.formatTick(at), x + 3, 2);
    }
  }
  ctx.stroke();
}

function drawTrace(
  ctx: CanvasRenderingContext2D,
  scene: PaperScene,
  channel: ReviewChannel,
  row: RowLayout,
): void {
  const pxPerMs = pxPerSecond(scene.speedMmPerS) / 1000;
  const periodMs = 1000 / channel.rateHz;
  ctx.strokeStyle = scene.colours.trace;
  ctx.lineWidth = 1.3;
  ctx.lineJoin = 'round';
  ctx.beginPath();
  for (const run of channel.runs) {
    const x0 = (run.t0Ms - scene.window.fromMs) * pxPerMs;
    for (let i = 0; i < run.values.length; i++) {
      const x = x0 + i * periodMs * pxPerMs;
      const y = valueToY(row, run.values[i]! * row.valuePerCount);
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    }
  }
  ctx.stroke();
}
