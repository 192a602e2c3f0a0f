// The central station measured in Chromium: 16 beds, each an IntelliVue simulator streaming ECG
// at 500 Hz (plus pleth and respiration) through a pty into the workstation core in this process.
// Reports the frame time of the central station, of a bedside with three waves, and of a plain
// uPlot page drawing the same number of points in the same run, and the renderer heap's growth.
import type { Page } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemo } from '../../electron/host/demo';
import { startBrowserRig } from './browser-rig';
import { quantile } from './stats';

export interface CentralResult {
  centralFrameP50Ms: number;
  centralFrameP95Ms: number;
  /** Share of frame intervals over 20 ms (a frame missed at 60 Hz). */
  centralDroppedShare: number;
  uplotFrameP95Ms: number;
  bedsideFrameP95Ms: number;
  /** central p95 / uPlot p95 in the same run: below 1 is faster than plain uPlot. */
  ratioToUplot: number;
  /** Share of the time the renderer's main thread was busy (CDP TaskDuration), central. */
  centralMainThreadBusy: number;
  /** The same for the plain uPlot page. */
  uplotMainThreadBusy: number;
  heapStartMb: number;
  heapEndMb: number;
  /** Growth over the short soak, warm-up included: the hour is `npm run bench:soak`. */
  heapGrowthMb: number;
  soakSeconds: number;
}

/** Frame-to-frame times (ms) of requestAnimationFrame over `ms` of page time. */
function frameTimes(page: Page, ms: number): Promise<number[]> {
  // A string, not a function: tsx would wrap a function with helpers the page does not have.
  return page.evaluate(`new Promise((resolve) => {
    const deltas = [];
    let last = -1;
    let end = Infinity;
    const frame = (t) => {
      if (last >= 0) deltas.push(t - last);
      else end = t + ${ms};
      last = t;
      if (t < end) requestAnimationFrame(frame);
      else resolve(deltas);
    };
    requestAnimationFrame(frame);
  })`);
}

/** Frame intervals over `ms`, and the share of that time the page's main thread was busy. */
async function measureFrames(page: Page, ms: number): Promise<{ frames: number[]; busy: number }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const taskSeconds = async () => {
    const { metrics } = (await cdp.send('Performance.getMetrics')) as {
      metrics: { name: string; value: number }[];
    };
    return metrics.find((m) => m.name === 'TaskDuration')?.value ?? NaN;
  };
  const before = await taskSeconds();
  const startedAt = performance.now();
  const frames = await frameTimes(page, ms);
  const busy = (await taskSeconds()) - before;
  const elapsedS = (performance.now() - startedAt) / 1000;
  await cdp.detach();
  return { frames, busy: busy / elapsedS };
}

export async function usedHeapMb(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  await cdp.detach();
  return usedSize / 1e6;
}

/**
 * The comparison: 16 uPlot charts the size of the tiles' traces, each fed 500 Hz in the page and
 * redrawn every frame with `setData` over the seconds its width shows at 25 mm/s, as a plain
 * uPlot streaming page does.
 */
function uplotPage(traceWidth: number, traceHeight: number): string {
  const require = createRequire(import.meta.url);
  const uplot = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
  return `<!doctype html><html><head><style>
body{margin:0;background:#050608;display:grid;grid-template-columns:repeat(4,${traceWidth}px);gap:6px}
</style><script>${uplot}</script></head><body><script>
const RATE = 500, W = ${traceWidth}, H = ${traceHeight};
const columns = Math.round(W / (25 * 96 / 25.4) * RATE);
const charts = [];
for (let c = 0; c < 16; c++) {
  const x = Float64Array.from({ length: columns }, (_, i) => i / RATE);
  const y = new Array(columns).fill(null);
  const el = document.createElement('div'); document.body.append(el);
  const plot = new uPlot({ width: W, height: H, legend: { show: false }, cursor: { show: false },
    axes: [{ show: false }, { show: false }], scales: { x: { time: false }, y: { auto: false, range: [-1, 2] } },
    series: [{}, { stroke: '#4be08a', width: 1.5, points: { show: false }, spanGaps: false }] },
    [x, y], el);
  charts.push({ plot, x, y, written: 0, phase: c * 0.37 });
}
const t0 = performance.now();
function ecg(t) { const p = t % 0.8; return Math.exp(-((p - 0.2) / 0.012) ** 2) * 1.5 + 0.25 * Math.exp(-((p - 0.45) / 0.05) ** 2); }
function frame(now) {
  const due = Math.floor((now - t0) / 1000 * RATE);
  for (const chart of charts) {
    for (; chart.written < due; chart.written++) chart.y[chart.written % columns] = ecg(chart.written / RATE + chart.phase);
    for (let j = 0; j < 100; j++) chart.y[(chart.written + j) % columns] = null;
    chart.plot.setData([chart.x, chart.y]);
  }
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);
</script></body></html>`;
}

export async function centralRun(
  measureSeconds: number,
  soakSeconds: number,
): Promise<CentralResult> {
  const dir = mkdtempSync(join(tmpdir(), 'ws-bench-central-'));
  const demo = await startDemo(16, [['intellivue-mib']]);
  const { shell, browser, close } = await startBrowserRig(
    join(dir, 'data'),
    demo.beds.flatMap((bed) => bed.devices),
  );
  try {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(shell.url);
    await page.locator('[data-bed-id] canvas').nth(15).waitFor();
    // Every tile drawing (the IntelliVue association takes a few seconds) before measuring.
    await page.waitForTimeout(8000);
    const heapStartMb = await usedHeapMb(page);
    const { frames: central, busy: centralBusy } = await measureFrames(page, measureSeconds * 1000);
    const trace = await page.locator('.tile__trace').first().boundingBox();
    if (soakSeconds > measureSeconds) {
      await page.waitForTimeout((soakSeconds - measureSeconds) * 1000);
    }
    const heapEndMb = await usedHeapMb(page);

    // A bedside with three waves (ECG 500 Hz, pleth, respiration) of the same workstation.
    await page.locator('[data-bed-id]').first().getByTestId('open-bed').click();
    await page.getByTestId('bedside').waitFor();
    await page.waitForTimeout(3000);
    const bedside = await frameTimes(page, measureSeconds * 1000);

    await page.setContent(
      uplotPage(Math.round(trace?.width ?? 300), Math.round(trace?.height ?? 150)),
    );
    await page.waitForTimeout(2000);
    const { frames: uplot, busy: uplotBusy } = await measureFrames(page, measureSeconds * 1000);

    const centralP95 = quantile(central, 0.95);
    const uplotP95 = quantile(uplot, 0.95);
    const soaked = Math.max(soakSeconds, measureSeconds);
    return {
      centralFrameP50Ms: quantile(central, 0.5),
      centralFrameP95Ms: centralP95,
      centralDroppedShare: central.filter((ms) => ms > 20).length / central.length,
      uplotFrameP95Ms: uplotP95,
      bedsideFrameP95Ms: quantile(bedside, 0.95),
      ratioToUplot: centralP95 / uplotP95,
      centralMainThreadBusy: centralBusy,
      uplotMainThreadBusy: uplotBusy,
      heapStartMb,
      heapEndMb,
      heapGrowthMb: heapEndMb - heapStartMb,
      soakSeconds: soaked,
    };
  } finally {
    await close();
    await demo.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
