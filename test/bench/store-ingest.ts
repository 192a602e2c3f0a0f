// Sustained ingest into the store: sample blocks as acquisition produces them (16 beds × 3 ECG
// leads at 500 Hz + pleth 125 Hz + resp 62.5 Hz, blocks of 40 ms), as fast as the store takes them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { PGlite } from '@electric-sql/pglite';
import { openStore, type Store } from '../../electron/host/store/client';
import { applyMigrations } from '../../electron/host/store/migrate';
import { migrations } from '../../electron/host/store/migrations/index';
import { ROLLUP_MINUTE_MS } from '../../electron/host/store/rollups';
import { FULL_STORE_END_MS, fullStore, KEEP_EVERYTHING } from './full-store';
import { BUNDLED_STORE_WORKER } from './store-queries';

const HOUR_MS = 3_600_000;

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
 * A new store holding `hours` of per-minute trends of `codes` for `beds` beds up to the minute
 * before untilMs, written with SQL as the store's rollups are (the raw 1 Hz numerics they were
 * made of are not written: a trend reads only the rollups). How many rows.
 */
export async function seedTrends(
  dataDir: string,
  beds: number,
  codes: readonly string[],
  hours: number,
  untilMs: number,
): Promise<number> {
  const db = await PGlite.create(dataDir);
  try {
    await applyMigrations(db, migrations);
    const lastMinute = Math.floor(untilMs / ROLLUP_MINUTE_MS) * ROLLUP_MINUTE_MS - ROLLUP_MINUTE_MS;
    const minutes = (hours * HOUR_MS) / ROLLUP_MINUTE_MS;
    const { affectedRows } = await db.query(
      `INSERT INTO numeric_rollups (bed_id, code, minute_ms, n, sum, min, max, last, last_at_ms)
       SELECT 'bed-' || b, code, t, 60, 60 * (70 + 10 * sin(m / 30.0)), 60 + 10 * sin(m / 30.0),
              80 + 10 * sin(m / 30.0), 70, t + 59000
       FROM generate_series(0, $1::int - 1) AS b, unnest($2::text[]) AS code,
            generate_series(0, $3::int - 1) AS m,
            LATERAL (SELECT $4::bigint - m::bigint * ${ROLLUP_MINUTE_MS} AS t) AS minute`,
      [beds, codes, minutes, lastMinute],
    );
    await db.exec('VACUUM ANALYZE numeric_rollups');
    return affectedRows ?? 0;
  } finally {
    await db.close();
  }
}

/**
 * The main thread while the store ingests 16 beds at `speed`× real time (1 s of data every
 * 1000/speed ms, as acquisition would hand it over) and a 72 h trend of every numeric is read
 * again and again, from a store holding 72 h of those beds' trends: how late the event loop runs
 * (what a UI or a serial read would wait), and how long the trend reads take meanwhile.
 */
export async function ingestWithQueries(
  beds: number,
  seconds: number,
  speed: number,
): Promise<{
  lagP99Ms: number;
  lagMaxMs: number;
  trendP95Ms: number;
  trends: number;
  trendPoints: number;
  seededRollups: number;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'ws-bench-lag-'));
  const t0 = Date.now() - seconds * 1000;
  const seededRollups = await seedTrends(join(dir, 'pgdata'), beds, NUMERIC_CODES, 72, t0);
  const store = await openStore({
    dataDir: join(dir, 'pgdata'),
    workstationId: 'bench',
    workerScript: BUNDLED_STORE_WORKER,
  });
  const lag = monitorEventLoopDelay({ resolution: 1 });
  const trendTimes: number[] = [];
  let trendPoints = 0;
  let ingesting = true;
  try {
    const querying = (async () => {
      while (ingesting) {
        const start = performance.now();
        const trend = await store.readTrend({
          bedId: 'bed-0',
          codes: NUMERIC_CODES,
          fromMs: Date.now() - 72 * HOUR_MS,
          toMs: Date.now(),
        });
        trendTimes.push(performance.now() - start);
        trendPoints = trend.reduce((sum, code) => sum + code.points.length, 0);
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
      trendPoints,
      seededRollups,
    };
  } finally {
    ingesting = false;
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Cold open of an existing store through the real path (lock, the bundled worker thread, PGlite,
 * migrations check, journal) to the answer of the first query the workstation asks at start (the
 * patients in their beds). Needs `out/main/store-worker.js` (`npm run bench` builds first).
 */
export async function storeOpen(opens: number): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ws-bench-open-'));
  const dataDir = join(dir, 'pgdata');
  try {
    const options = { dataDir, workstationId: 'bench', workerScript: BUNDLED_STORE_WORKER };
    const first = await openStore(options);
    appendNumerics(first, 0, Date.now());
    await first.close();
    const times: number[] = [];
    for (let i = 0; i < opens; i++) times.push((await timeOpen(options)).openMs);
    return times;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The same on the store of 72 h × 16 beds × 5 channels (full-store.ts, ~6 GB), and the time on
 * to a first 10 s strip of one bed. The first open after the files were last sealed (the build,
 * or another bench's PGlite opening them) also checks every page of the files written since: it
 * is reported apart, as `firstOpenMs`.
 */
export async function storeOpenFull(
  opens: number,
): Promise<{ openMs: number[]; firstStripMs: number[]; firstOpenMs: number }> {
  const { pgdata } = await fullStore();
  const options = {
    dataDir: pgdata,
    workstationId: 'bench',
    workerScript: BUNDLED_STORE_WORKER,
    retention: KEEP_EVERYTHING, // its times are fixed in the past
  };
  const { openMs: firstOpenMs } = await timeOpen(options);
  const openMs: number[] = [];
  const firstStripMs: number[] = [];
  for (let i = 0; i < opens; i++) {
    const times = await timeOpen(
      options,
      FULL_STORE_END_MS - Math.random() * (72 * HOUR_MS - 10_000),
    );
    openMs.push(times.openMs);
    firstStripMs.push(times.stripMs);
  }
  return { openMs, firstStripMs, firstOpenMs };
}

async function timeOpen(
  options: Parameters<typeof openStore>[0],
  stripAtMs?: number,
): Promise<{ openMs: number; stripMs: number }> {
  const start = performance.now();
  const store = await openStore(options);
  try {
    await store.readCurrentAdmissions();
    const openMs = performance.now() - start;
    if (stripAtMs !== undefined) {
      const fromMs = Math.round(stripAtMs - 10_000);
      await store.readWaveformWindow({ bedId: 'bed-3', fromMs, toMs: fromMs + 10_000 });
    }
    return { openMs, stripMs: performance.now() - start };
  } finally {
    await store.close();
  }
}
