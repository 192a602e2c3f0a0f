// Exports of 72 h of one bed (3 ECG leads at 500 Hz, pleth 125 Hz, resp 62.5 Hz: the layout of
// the store benches) as WFDB, EDF+ and CSV, through the store's worker as `workstation export`
// does: wall time, peak RSS and heap over the export, and how the rest of the workstation fares
// meanwhile (main-thread event-loop lag; a 10 s strip read from the same store every 250 ms).
// Alone: `npx tsx --import ./test/support/raw-import.mjs test/bench/export.ts` (BENCH_RUNS=1).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { openStore, type Store } from '../../electron/host/store/client';
import { exportBedToFolder, type ExportFormat } from '../../electron/host/export/export-bed';
import { START_MS, STRIP_CHANNELS, STRIP_HOURS, stripStore } from './store-queries';
import { median, quantile, report, round } from './stats';

const HOUR_MS = 3_600_000;
const MB = 1024 * 1024;
const FOREVER_MS = 100 * 365 * 24 * HOUR_MS;
// BENCH_EXPORT_FORMATS=csv (comma-separated) for some of them only.
const FORMATS = (process.env.BENCH_EXPORT_FORMATS ?? 'wfdb,edf,csv').split(',') as ExportFormat[];

interface ExportRun {
  wallS: number;
  bytes: number;
  rssBeforeMb: number;
  rssPeakMb: number;
  heapBeforeMb: number;
  heapPeakMb: number;
  lagP99Ms: number;
  stripP95Ms: number;
  stripMaxMs: number;
}

async function exportOnce(store: Store, format: ExportFormat): Promise<ExportRun> {
  const out = mkdtempSync(join(tmpdir(), `ws-bench-export-${format}-`));
  try {
    globalThis.gc?.();
    const before = process.memoryUsage();
    let rssPeak = before.rss;
    let heapPeak = before.heapUsed;
    const sampler = setInterval(() => {
      const now = process.memoryUsage();
      rssPeak = Math.max(rssPeak, now.rss);
      heapPeak = Math.max(heapPeak, now.heapUsed);
    }, 100);
    // What a person reviewing another bed meanwhile would wait for.
    const stripTimes: number[] = [];
    let exporting = true;
    const strips = (async () => {
      while (exporting) {
        const fromMs = START_MS + Math.random() * (STRIP_HOURS * HOUR_MS - 10_000);
        const start = performance.now();
        await store.readWaveformWindow({ bedId: 'bed-0', fromMs, toMs: fromMs + 10_000 });
        stripTimes.push(performance.now() - start);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const start = performance.now();
    const { paths } = await exportBedToFolder(
      store,
      { bedId: 'bed-0', fromMs: START_MS, toMs: START_MS + STRIP_HOURS * HOUR_MS, format },
      out,
    );
    const wallS = (performance.now() - start) / 1000;
    lag.disable();
    exporting = false;
    await strips;
    clearInterval(sampler);
    return {
      wallS,
      bytes: paths.reduce((sum, path) => sum + statSync(path).size, 0),
      rssBeforeMb: before.rss / MB,
      rssPeakMb: rssPeak / MB,
      heapBeforeMb: before.heapUsed / MB,
      heapPeakMb: heapPeak / MB,
      lagP99Ms: lag.percentile(99) / 1e6,
      stripP95Ms: quantile(stripTimes, 0.95),
      stripMaxMs: Math.max(...stripTimes),
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export async function exportBench(runs: number): Promise<Record<string, unknown>[]> {
  const { dir, buildMs } = await stripStore(1);
  const store = await openStore({
    dataDir: dir,
    workstationId: 'bench',
    // The bench store's times are fixed in the past: nothing may be pruned.
    retention: { waveformsMs: FOREVER_MS, trendsMs: FOREVER_MS, eventsMs: FOREVER_MS },
    onError: (error) => console.error(error.message),
  });
  const results: Record<string, unknown>[] = [];
  try {
    for (const format of FORMATS) {
      const all: ExportRun[] = [];
      for (let run = 0; run < runs; run++) all.push(await exportOnce(store, format));
      const m = (pick: (r: ExportRun) => number, digits = 1) =>
        round(median(all.map(pick)), digits);
      results.push({
        bench: `export.72h.${format}`,
        what: `exportBedToFolder of 72 h × (${STRIP_CHANNELS.map((c) => `${c.rateHz} Hz`).join(', ')}) of one bed as ${format}, store in its worker, files in the temp folder`,
        unit: 's',
        median: m((r) => r.wallS),
        runs: all.map((r) => round(r.wallS, 1)),
        megabytes: round(all[0]!.bytes / MB, 0),
        rssMb: { before: m((r) => r.rssBeforeMb, 0), peak: m((r) => r.rssPeakMb, 0) },
        heapMb: { before: m((r) => r.heapBeforeMb, 0), peak: m((r) => r.heapPeakMb, 0) },
        eventLoopLagP99Ms: m((r) => r.lagP99Ms),
        strip10sDuringExport: { p95Ms: m((r) => r.stripP95Ms), maxMs: m((r) => r.stripMaxMs) },
        store: { dir, buildS: round(buildMs / 1000, 1) },
      });
    }
  } finally {
    await store.close();
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const result of await exportBench(Number(process.env.BENCH_RUNS ?? 1))) report(result);
}
