// The central station measured in Chromium as users open it: `serve --demo N`'s default device
// mix (HealthyPi 5 and 4, IntelliVue, Datex, a CMS50 sharing a bed) with its alarms sounding and
// flashing, every device a simulator on a real pty feeding the workstation core in this process.
// Reports the station's frame times and main-thread busy share, the WebSocket messages reaching
// the page, a bedside with three waves, and, in the same run, a plain uPlot page drawing 16
// charts of the same points every frame; optionally with one core kept busy by another process.
import type { Page } from '@playwright/test';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemo } from '../../electron/host/demo';
import { startBrowserRig } from './browser-rig';
import { quantile } from './stats';

export interface CentralOptions {
  beds: number;
  /** One driver for every bed (a homogeneous mix), or the demo's default mix. */
  driver?: string;
  measureSeconds: number;
  /** Heap growth over this long (warm-up included); 0: no heap figures. */
  soakSeconds?: number;
  /** Another process keeps one core busy (a bounded loop) while the station is measured. */
  busyCore?: boolean;
  /** Also measure a bedside and the plain uPlot page (the case of record only). */
  compare?: boolean;
}

export interface CentralResult {
  /** WebSocket messages reaching the page per second while measured. */
  messagesPerSecond: number;
  centralFrameP50Ms: number;
  centralFrameP95Ms: number;
  /** Share of frame intervals over 20 ms (a frame missed at 60 Hz). */
  centralDroppedShare: number;
  uplotFrameP95Ms: number | null;
  uplotDroppedShare: number | null;
  bedsideFrameP95Ms: number | null;
  /** Share of the time the renderer's main thread was busy (CDP TaskDuration), central. */
  centralMainThreadBusy: number;
  /** The same for the plain uPlot page. */
  uplotMainThreadBusy: number | null;
  heapStartMb: number | null;
  heapEndMb: number | null;
  /** Growth over the short soak, warm-up included: the hour is `npm run bench:soak`. */
  heapGrowthMb: number | null;
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
async function measureFrames(
  page: Page,
  ms: number,
): Promise<{ frames: number[]; busy: number; messagesPerSecond: number }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  await cdp.send('Network.enable');
  let messages = 0;
  cdp.on('Network.webSocketFrameReceived', () => messages++);
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
  return { frames, busy: busy / elapsedS, messagesPerSecond: messages / elapsedS };
}

export async function usedHeapMb(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  await cdp.detach();
  return usedSize / 1e6;
}

/**
 * One core kept busy by another process for at most `seconds` (it ends by itself even if this
 * process dies), as an antivirus scan or an EHR client would on a unit's PC.
 */
function busyLoop(seconds: number): () => void {
  const child = spawn(
    process.execPath,
    ['-e', `const end = Date.now() + ${Math.ceil(seconds * 1000)}; while (Date.now() < end) {}`],
    { stdio: 'ignore' },
  );
  return () => child.kill('SIGKILL');
}

/**
 * The comparison: 16 uPlot charts the size of the tiles' traces, each fed 500 Hz in the page and
 * redrawn every frame with `setData` over the seconds its width shows at 25 mm/s, as a plain
 * uPlot streaming page does.
 */
export function uplotPage(traceWidth: number, traceHeight: number): string {
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
function ecg(t) { const p = t % 0.8; return Math.exp(-(((p - 0.2) / 0.012) ** 2)) * 1.5 + 0.25 * Math.exp(-(((p - 0.45) / 0.05) ** 2)); }
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

export async function centralRun(options: CentralOptions): Promise<CentralResult> {
  const {
    beds,
    driver,
    measureSeconds,
    soakSeconds = 0,
    busyCore = false,
    compare = false,
  } = options;
  const dir = mkdtempSync(join(tmpdir(), 'ws-bench-central-'));
  const demo = await startDemo(beds, driver ? [[driver]] : undefined);
  const { shell, browser, close } = await startBrowserRig(
    join(dir, 'data'),
    demo.beds.flatMap((bed) => bed.devices),
  );
  let stopBusy = () => {};
  try {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(shell.url);
    await page
      .locator('[data-bed-id] canvas')
      .nth(beds - 1)
      .waitFor();
    // Every tile drawing (the IntelliVue association takes a few seconds) before measuring.
    await page.waitForTimeout(8000);
    const heapStartMb = soakSeconds > 0 ? await usedHeapMb(page) : null;
    if (busyCore) {
      stopBusy = busyLoop(measureSeconds + 10);
      await page.waitForTimeout(1000);
    }
    const central = await measureFrames(page, measureSeconds * 1000);
    stopBusy();
    const trace = await page.locator('.tile__trace').first().boundingBox();
    if (soakSeconds > measureSeconds) {
      await page.waitForTimeout((soakSeconds - measureSeconds) * 1000);
    }
    const heapEndMb = soakSeconds > 0 ? await usedHeapMb(page) : null;

    let bedside: number[] | null = null;
    let uplot: { frames: number[]; busy: number } | null = null;
    if (compare) {
      // A bedside with three waves (ECG, pleth, respiration) of the same workstation.
      await page.locator('[data-bed-id]').first().getByTestId('open-bed').click();
      await page.getByTestId('bedside').waitFor();
      await page.waitForTimeout(3000);
      bedside = await frameTimes(page, measureSeconds * 1000);
      // The plain uPlot page in a page of its own (the workstation's page forbids inline
      // scripts), drawn while the workstation keeps streaming to nobody.
      const plain = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
      await page.close();
      await plain.setContent(
        uplotPage(Math.round(trace?.width ?? 300), Math.round(trace?.height ?? 150)),
      );
      await plain.waitForTimeout(2000);
      const charts = await plain.evaluate('document.querySelectorAll("canvas").length');
      if (charts !== 16) throw new Error(`the uPlot page drew ${String(charts)} charts, not 16`);
      uplot = await measureFrames(plain, measureSeconds * 1000);
    }

    return {
      messagesPerSecond: central.messagesPerSecond,
      centralFrameP50Ms: quantile(central.frames, 0.5),
      centralFrameP95Ms: quantile(central.frames, 0.95),
      centralDroppedShare: droppedShare(central.frames),
      uplotFrameP95Ms: uplot ? quantile(uplot.frames, 0.95) : null,
      uplotDroppedShare: uplot ? droppedShare(uplot.frames) : null,
      bedsideFrameP95Ms: bedside ? quantile(bedside, 0.95) : null,
      centralMainThreadBusy: central.busy,
      uplotMainThreadBusy: uplot?.busy ?? null,
      heapStartMb,
      heapEndMb,
      heapGrowthMb: heapStartMb !== null && heapEndMb !== null ? heapEndMb - heapStartMb : null,
    };
  } finally {
    stopBusy();
    await close();
    await demo.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Share of frame intervals over 20 ms: a frame missed at 60 Hz. */
const droppedShare = (frames: readonly number[]) =>
  frames.filter((ms) => ms > 20).length / frames.length;
