// Review reads on a full store: a 24 h trend of 30 codes from the per-minute rollups, and 10 s
// strips of a bed out of 72 h × 16 beds × 5 channels of waveform chunks, plus opening that store.
import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { applyMigrations } from '../../electron/host/store/migrate';
import { migrations } from '../../electron/host/store/migrations/index';
import { openStore } from '../../electron/host/store/client';
import { readTrend, readWaveformWindow } from '../../electron/host/store/queries';
import { encodeStoredChunk, WAVEFORM_ENCODING } from '../../shared/codec/waveform-codec';
import { PACK_MINUTE_MS } from '../../electron/host/store/packing';
import { median, quantile, round } from './stats';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
const SCHEMA_VERSION = Math.max(...migrations.map((m) => m.version));
// Fixed, so rebuilt stores hold the same rows; 2025-01-01T00:00:00Z.
export const START_MS = 1_735_689_600_000;

interface QueryTimes {
  medianMs: number;
  p95Ms: number;
  queries: number;
}

async function timeQueries(count: number, query: (i: number) => Promise<unknown>) {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await query(i);
    times.push(performance.now() - start);
  }
  return { medianMs: median(times), p95Ms: quantile(times, 0.95), queries: count };
}

function summarise(runs: readonly QueryTimes[]) {
  return {
    unit: 'ms',
    p95Median: round(median(runs.map((r) => r.p95Ms))),
    median: round(median(runs.map((r) => r.medianMs))),
    runsP95: runs.map((r) => round(r.p95Ms)),
    runsMedian: runs.map((r) => round(r.medianMs)),
    queriesPerRun: runs[0]?.queries ?? 0,
  };
}

/** The store worker as the app runs it: bundled (`npm run bench` builds first). */
export const BUNDLED_STORE_WORKER = {
  path: join(process.cwd(), 'out', 'main', 'store-worker.js'),
  execArgv: [],
};

const TREND_CODES = Array.from({ length: 30 }, (_, i) => `MDC_BENCH_CODE_${i}`);
const TREND_QUERIES = 30;

/**
 * readTrend of 24 h × 30 codes from a store on disk holding exactly that in rollups, straight
 * from PGlite; then the same asked of the store worker (openStore, as the workstation asks it) for
 * the last 24 h, which it answers from memory once a bed's first read has loaded it.
 */
export async function trendBench(runs: number): Promise<Record<string, unknown>[]> {
  const results: QueryTimes[] = [];
  const cached: QueryTimes[] = [];
  const loads: number[] = [];
  for (let run = 0; run < runs; run++) {
    const dir = mkdtempSync(join(tmpdir(), 'ws-bench-trend-'));
    const dataDir = join(dir, 'pgdata');
    // The worker's window is the last 24 h of its own clock: bed-1's rollups end now.
    const recentFromMs = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS - 24 * HOUR_MS;
    const db = await PGlite.create(dataDir);
    try {
      await applyMigrations(db, migrations);
      await db.query(
        `INSERT INTO numeric_rollups (bed_id, code, minute_ms, n, sum, min, max, last, last_at_ms)
         SELECT bed.id, code, bed.from_ms + m * ${MINUTE_MS}, 60, 60 * (70 + 10 * sin(m / 30.0)),
                60 + 10 * sin(m / 30.0), 80 + 10 * sin(m / 30.0), 70, bed.from_ms + m * ${MINUTE_MS} + 59000
         FROM (VALUES ('bed-0', $1::bigint), ('bed-1', $3::bigint)) AS bed (id, from_ms),
              unnest($2::text[]) AS code, generate_series(0, 24 * 60 - 1) AS m`,
        [START_MS, TREND_CODES, recentFromMs],
      );
      await db.exec('VACUUM ANALYZE numeric_rollups');
      results.push(
        await timeQueries(TREND_QUERIES, (i) =>
          // A slightly different 24 h each time, as a view being panned.
          readTrend(db, {
            bedId: 'bed-0',
            codes: TREND_CODES,
            fromMs: START_MS + i * MINUTE_MS,
            toMs: START_MS + i * MINUTE_MS + 24 * HOUR_MS,
          }),
        ),
      );
    } finally {
      await db.close();
    }
    const store = await openStore({
      dataDir,
      workstationId: 'bench',
      workerScript: BUNDLED_STORE_WORKER,
      // bed-0's rollups are from START_MS, long ago: kept while the worker runs.
      retention: { trendsMs: 100 * 365 * 24 * HOUR_MS },
    });
    try {
      const last24h = () => ({
        bedId: 'bed-1',
        codes: TREND_CODES,
        fromMs: Date.now() - 24 * HOUR_MS,
        toMs: Date.now(),
      });
      const loadStart = performance.now();
      await store.readTrend(last24h());
      loads.push(performance.now() - loadStart);
      cached.push(await timeQueries(TREND_QUERIES, () => store.readTrend(last24h())));
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return [
    {
      bench: 'store.trend-24h',
      what: 'readTrend, 1 bed × 30 codes × 24 h of per-minute rollups (43 200 rows), PGlite on disk',
      ...summarise(results),
    },
    {
      bench: 'store.trend-24h-recent',
      what: 'the last 24 h × 30 codes of a bed asked of the store worker (openStore, bundled worker, as the workstation asks it: request, answer and its copy to the main thread), which answers from the last 24 h held in memory (loaded on the bed’s first read, firstReadMsMedian)',
      ...summarise(cached),
      firstReadMsMedian: round(median(loads)),
    },
  ];
}

const STRIP_BEDS = 16;
export const STRIP_HOURS = 72;
// One packed row per channel and minute, as the store keeps waveforms once packed (packing.ts).
const CHUNK_MS = PACK_MINUTE_MS;
export const STRIP_CHANNELS = [
  { channel: 'MDC_ECG_ELEC_POTL_I', rateHz: 500, shape: ecg },
  { channel: 'MDC_ECG_ELEC_POTL_II', rateHz: 500, shape: ecg },
  { channel: 'MDC_ECG_ELEC_POTL_III', rateHz: 500, shape: ecg },
  { channel: 'MDC_PULS_OXIM_PLETH', rateHz: 125, shape: pleth },
  { channel: 'MDC_IMPED_TTHOR', rateHz: 62.5, shape: resp },
];
const STRIP_QUERIES = 50;
const STRIP_WINDOW_MS = 10_000;
// Bump when the layout of the bench store changes, so an old one is not reused (2: minute rows).
const STRIP_LAYOUT = 2;
const STRIP_DIR = stripStoreDir(STRIP_BEDS);

/** Where the 72 h store of `beds` beds is kept between runs (its layout and schema in its name). */
function stripStoreDir(beds: number): string {
  return join(
    tmpdir(),
    `ws-bench-strip-schema${SCHEMA_VERSION}-layout${STRIP_LAYOUT}-${STRIP_HOURS}h-${beds}beds`,
  );
}

/**
 * The bench store of 72 h × `beds` beds (`bed-0`…, devices `dev-0`…, the five channels of
 * STRIP_CHANNELS from START_MS), built once with SQL and reused; its folder and build time.
 */
export async function stripStore(beds: number): Promise<{ dir: string; buildMs: number }> {
  const dir = stripStoreDir(beds);
  const buildMs = existsSync(join(dir, 'complete.json')) ? 0 : await buildStripStore(dir, beds);
  return { dir, buildMs };
}

/** 10 s strips of one bed's 5 channels, and cold opens, on a 72 h × 16 bed store. */
export async function stripBench(runs: number): Promise<Record<string, unknown>[]> {
  const reused = existsSync(join(STRIP_DIR, 'complete.json'));
  const { buildMs } = await stripStore(STRIP_BEDS);
  const endMs = START_MS + STRIP_HOURS * HOUR_MS;
  const randomWindow = () => {
    const fromMs = START_MS + Math.floor(Math.random() * (endMs - START_MS - STRIP_WINDOW_MS));
    const bedId = `bed-${Math.floor(Math.random() * STRIP_BEDS)}`;
    return { bedId, fromMs, toMs: fromMs + STRIP_WINDOW_MS };
  };

  const openMs: number[] = [];
  const results: QueryTimes[] = [];
  let samplesPerStrip = 0;
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    const db = await PGlite.create(STRIP_DIR);
    try {
      await readWaveformWindow(db, randomWindow());
      openMs.push(performance.now() - start);
      results.push(
        await timeQueries(STRIP_QUERIES, async () => {
          const segments = await readWaveformWindow(db, randomWindow());
          samplesPerStrip = segments.reduce((sum, s) => sum + s.values.length, 0);
        }),
      );
    } finally {
      await db.close();
    }
  }
  const store = {
    dir: STRIP_DIR,
    reused,
    buildS: round(buildMs / 1000, 1),
    note: 'built once with SQL (one synthetic chunk per channel repeated), reused by later runs while schema and layout versions match',
  };
  return [
    {
      bench: 'store.strip-10s',
      what: `readWaveformWindow, 10 s × 5 channels of a random bed and time, store of ${STRIP_HOURS} h × ${STRIP_BEDS} beds × (3 ECG 500 Hz + pleth 125 Hz + resp 62.5 Hz) in packed rows of a minute`,
      ...summarise(results),
      samplesPerStrip,
      store,
    },
    {
      bench: 'store.cold-open',
      what: 'PGlite.create(dir) to the first readWaveformWindow answer, on the same store',
      unit: 'ms',
      median: round(median(openMs)),
      runs: openMs.map((ms) => round(ms)),
      store,
    },
  ];
}

async function buildStripStore(dir: string, beds: number): Promise<number> {
  const start = performance.now();
  const building = `${dir}.building`;
  rmSync(building, { recursive: true, force: true });
  const db = await PGlite.create(building);
  try {
    await applyMigrations(db, migrations);
    await db.exec(`
      CREATE TEMP TABLE bench_channels (
        ci int, channel text, rate_hz float8, sample_count int, data bytea);
      -- Rows made here are not waiting for a server; the outbox would only double the build.
      ALTER TABLE waveform_chunks DISABLE TRIGGER waveform_chunks_sync;
      DROP INDEX waveform_chunks_device_channel_t0;
      DROP INDEX waveform_chunks_bed_t0;`);
    for (const [ci, { channel, rateHz, shape }] of STRIP_CHANNELS.entries()) {
      const count = (CHUNK_MS * rateHz) / 1000;
      const values = Int32Array.from({ length: count }, (_, i) => shape(i / rateHz));
      const data = encodeStoredChunk({ channel, rateHz, t0Ms: START_MS }, values);
      await db.query(`INSERT INTO bench_channels VALUES ($1, $2, $3, $4, $5)`, [
        ci,
        channel,
        rateHz,
        count,
        data,
      ]);
    }
    const chunksPerHour = HOUR_MS / CHUNK_MS;
    for (let hour = 0; hour < STRIP_HOURS; hour++) {
      // Time-major, as ingest writes them; ids are ordered, as UUIDv7 ids are.
      await db.query(
        `INSERT INTO waveform_chunks (id, workstation_id, bed_id, device_id, channel, rate_hz,
           t0_ms, sample_count, encoding, data)
         SELECT lpad(to_hex((k::bigint * $2 + b) * 8 + c.ci), 32, '0')::uuid, 'bench',
                'bed-' || b, 'dev-' || b, c.channel, c.rate_hz, $3::bigint + k::bigint * ${CHUNK_MS},
                c.sample_count, '${WAVEFORM_ENCODING}', c.data
         FROM generate_series($1::int, $1::int + ${chunksPerHour - 1}) AS k,
              generate_series(0, $2::int - 1) AS b, bench_channels c
         ORDER BY k, b, c.ci`,
        [hour * chunksPerHour, beds, START_MS],
      );
    }
    await db.exec(`
      CREATE INDEX waveform_chunks_device_channel_t0 ON waveform_chunks (device_id, channel, t0_ms);
      CREATE INDEX waveform_chunks_bed_t0 ON waveform_chunks (bed_id, t0_ms);
      ALTER TABLE waveform_chunks ENABLE TRIGGER waveform_chunks_sync;`);
    // Alone: exec runs several statements as one transaction, which VACUUM refuses.
    await db.exec('VACUUM ANALYZE waveform_chunks');
  } finally {
    await db.close();
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(building, dir);
  const buildMs = performance.now() - start;
  writeFileSync(
    join(dir, 'complete.json'),
    JSON.stringify({ schemaVersion: SCHEMA_VERSION, layout: STRIP_LAYOUT, buildMs }) + '\n',
  );
  return buildMs;
}

// Synthetic signals in raw counts with a little noise, so chunks compress as real ones do.
function noise(): number {
  return Math.round((Math.random() - 0.5) * 12);
}

function ecg(tS: number): number {
  const beat = tS % (60 / 72);
  const bump = (centreS: number, widthS: number, height: number) =>
    height * Math.exp(-(((beat - centreS) / widthS) ** 2));
  const wave =
    bump(0.16, 0.025, 150) + bump(0.3, 0.01, 1200) - bump(0.28, 0.008, 150) + bump(0.55, 0.05, 300);
  return Math.round(wave + 80 * Math.sin(2 * Math.PI * 0.25 * tS)) + noise();
}

function pleth(tS: number): number {
  const phase = (tS % (60 / 72)) / (60 / 72);
  return (
    Math.round(20_000 * Math.sin(Math.PI * Math.min(1, phase * 2.5)) ** 2 + 4000 * phase) + noise()
  );
}

function resp(tS: number): number {
  return Math.round(3000 * Math.sin(2 * Math.PI * 0.25 * tS)) + noise();
}
