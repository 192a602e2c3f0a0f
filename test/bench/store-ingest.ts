// Sustained ingest into the store: sample blocks as acquisition produces them (16 beds × 3 ECG
// leads at 500 Hz + pleth 125 Hz + resp 62.5 Hz, blocks of 40 ms), as fast as the store takes them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { openStore, type Store } from '../../electron/host/store/client';

const CHANNELS = [
  { channel: 'MDC_ECG_ELEC_POTL_I', rateHz: 500 },
  { channel: 'MDC_ECG_ELEC_POTL_II', rateHz: 500 },
  { channel: 'MDC_ECG_ELEC_POTL_III', rateHz: 500 },
  { channel: 'MDC_PULS_OXIM_PLETH', rateHz: 125 },
  { channel: 'MDC_IMPED_TTHOR', rateHz: 62.5 },
];

const NUMERIC_CODES = [
  'MDC_ECG_HEART_RATE',
  'MDC_PULS_OXIM_SAT_O2',
  'MDC_PULS_OXIM_PULS_RATE',
  'MDC_RESP_RATE',
  'MDC_TEMP_BODY',
];

/** Numerics at 1 Hz, as a bed's devices report them. */
function appendNumerics(store: Store, bed: number, at: number): void {
  for (const refId of NUMERIC_CODES) {
    store.appendNumeric({
      bedId: `bed-${bed}`,
      deviceId: `dev-${bed}`,
      refId,
      value: 60 + (at % 7),
      unit: '/min',
      at,
    });
  }
}

export async function storeIngest(
  beds: number,
  seconds: number,
): Promise<{ samplesPerSecond: number; realTimeFactor: number; samples: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'ws-bench-store-'));
  const store = await openStore({ dataDir: join(dir, 'pgdata'), workstationId: 'bench' });
  try {
    const blockMs = 40;
    const start = performance.now();
    let samples = 0;
    const t0 = Date.now();
    for (let at = 0; at < seconds * 1000; at += blockMs) {
      for (let bed = 0; bed < beds; bed++) {
        for (const { channel, rateHz } of CHANNELS) {
          const first = Math.round((at * rateHz) / 1000);
          const count = Math.round(((at + blockMs) * rateHz) / 1000) - first;
          const values = Array.from({ length: count }, (_, k) =>
            Math.round(1000 * Math.sin((first + k) / 20)),
          );
          store.appendSamples({
            bedId: `bed-${bed}`,
            deviceId: `dev-${bed}`,
            channel,
            rateHz,
            t0: t0 + (first * 1000) / rateHz,
            values,
          });
          samples += count;
        }
        if (at % 1000 === 0) appendNumerics(store, bed, t0 + at);
      }
      // Hand over control now and then, as the real event loop would between serial reads.
      if (at % 1000 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await store.flush();
    const elapsedS = (performance.now() - start) / 1000;
    return { samplesPerSecond: samples / elapsedS, realTimeFactor: seconds / elapsedS, samples };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The main thread while the store ingests 16 beds at `speed`× real time (1 s of data every
 * 1000/speed ms, as acquisition would hand it over) and a 72 h trend of every numeric is read
 * again and again: how late the event loop runs (what a UI or a serial read would wait), and how
 * long the trend reads take meanwhile.
 */
export async function ingestWithQueries(
  beds: number,
  seconds: number,
  speed: number,
): Promise<{ lagP99Ms: number; lagMaxMs: number; trendP95Ms: number; trends: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'ws-bench-lag-'));
  const store = await openStore({ dataDir: join(dir, 'pgdata'), workstationId: 'bench' });
  const lag = monitorEventLoopDelay({ resolution: 1 });
  const trendTimes: number[] = [];
  let ingesting = true;
  try {
    const t0 = Date.now() - seconds * 1000;
    const querying = (async () => {
      while (ingesting) {
        const start = performance.now();
        await store.readTrend({
          bedId: 'bed-0',
          codes: NUMERIC_CODES,
          fromMs: Date.now() - 72 * 3_600_000,
          toMs: Date.now(),
        });
        trendTimes.push(performance.now() - start);
      }
    })();
    lag.enable();
    for (let second = 0; second < seconds; second++) {
      const tickStart = performance.now();
      for (let bed = 0; bed < beds; bed++) {
        for (const { channel, rateHz } of CHANNELS) {
          const first = Math.round(second * rateHz);
          const count = Math.round((second + 1) * rateHz) - first;
          store.appendSamples({
            bedId: `bed-${bed}`,
            deviceId: `dev-${bed}`,
            channel,
            rateHz,
            t0: t0 + (first * 1000) / rateHz,
            values: Array.from({ length: count }, (_, k) =>
              Math.round(1000 * Math.sin((first + k) / 20)),
            ),
          });
        }
        appendNumerics(store, bed, t0 + second * 1000);
      }
      const wait = 1000 / speed - (performance.now() - tickStart);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)));
    }
    await store.flush();
    lag.disable();
    ingesting = false;
    await querying;
    trendTimes.sort((a, b) => a - b);
    return {
      lagP99Ms: lag.percentile(99) / 1e6,
      lagMaxMs: lag.max / 1e6,
      trendP95Ms: trendTimes[Math.floor(trendTimes.length * 0.95)] ?? NaN,
      trends: trendTimes.length,
    };
  } finally {
    ingesting = false;
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Cold open of an existing store through the real path (lock, the bundled worker thread, PGlite,
 * migrations check, journal) to the answer of a first query. Needs `out/main/store-worker.js`
 * (`npm run bench` builds first).
 */
export async function storeOpen(opens: number): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ws-bench-open-'));
  const dataDir = join(dir, 'pgdata');
  const workerScript = {
    path: join(process.cwd(), 'out', 'main', 'store-worker.js'),
    execArgv: [],
  };
  try {
    const first = await openStore({ dataDir, workstationId: 'bench', workerScript });
    appendNumerics(first, 0, Date.now());
    await first.close();
    const times: number[] = [];
    for (let i = 0; i < opens; i++) {
      const start = performance.now();
      const store = await openStore({ dataDir, workstationId: 'bench', workerScript });
      await store.counts();
      times.push(performance.now() - start);
      await store.close();
    }
    return times;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
