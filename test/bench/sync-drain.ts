// The backlog a clinic builds while its link is down, drained to the central server on loopback:
// 16 beds × 8 h of 3 ECG leads at 500 Hz, pleth 125 Hz and respiration 62.5 Hz (packed minute
// rows, as the store keeps them), the numerics the demo's devices report (about 4 a second per
// bed) and some alarm events, all in the sync outbox. The workstation core runs in this process
// (its event-loop lag is measured the whole time); the central server runs as its own process on a
// fresh PostgreSQL database; a counting proxy between them measures the bytes on the wire.
//   tsx --import ./test/support/raw-import.mjs test/bench/sync-drain.ts [HOURS] [--live]
// --live also streams the 16-bed demo on this workstation while it drains (the hard case).
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { PGlite } from '@electric-sql/pglite';
import { applyMigrations } from '../../electron/host/store/migrate';
import { migrations } from '../../electron/host/store/migrations/index';
import { startWorkstation } from '../../electron/host/workstation';
import { startDemo } from '../../electron/host/demo';
import { encodeStoredChunk, WAVEFORM_ENCODING } from '../../shared/codec/waveform-codec';
import { PACK_MINUTE_MS } from '../../electron/host/store/packing';
import { freshDatabase } from '../../server/test-support/database';
import { runServerCommand, startServerProcess } from '../../server/test-support/server-process';
import { STRIP_CHANNELS } from './store-queries';
import { KEEP_EVERYTHING } from './full-store';
import { median, report, round, processCpuS } from './stats';

const BEDS = 16;
const WORKSTATION_ID = '01900000-0000-7000-8000-0000000bac10';
/** Numerics per bed and second, as `serve --demo 16` writes them (measured: 3,748 in 60 s). */
const NUMERIC_CODES = [
  'MDC_ECG_HEART_RATE',
  'MDC_PULS_OXIM_SAT_O2',
  'MDC_PULS_OXIM_PULS_RATE',
  'MDC_RESP_RATE',
];
const LAYOUT = 1;

interface Backlog {
  dir: string;
  hours: number;
  rows: number;
  storeBytes: number;
}

/** The backlog store (made once per size, kept in the temp folder). */
async function backlog(hours: number): Promise<Backlog> {
  const dir = join(tmpdir(), `ws-bench-backlog-layout${LAYOUT}-${hours}h-${BEDS}beds`);
  const done = join(dir, 'complete.json');
  if (existsSync(done)) {
    return { dir, ...(JSON.parse(readFileSync(done, 'utf8')) as Omit<Backlog, 'dir'>) };
  }
  const building = `${dir}.building`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building, { recursive: true });
  const db = await PGlite.create(join(building, 'pgdata'));
  const endMs = Math.floor(Date.now() / PACK_MINUTE_MS) * PACK_MINUTE_MS;
  const startMs = endMs - hours * 3_600_000;
  try {
    await applyMigrations(db, migrations);
    await db.exec(`CREATE TEMP TABLE bench_channels (ci int, channel text, rate_hz float8,
      sample_count int, data bytea)`);
    for (const [ci, { channel, rateHz, shape }] of STRIP_CHANNELS.entries()) {
      const count = (PACK_MINUTE_MS * rateHz) / 1000;
      const values = Int32Array.from({ length: count }, (_, i) => shape(i / rateHz));
      const data = encodeStoredChunk({ channel, rateHz, t0Ms: startMs }, values);
      await db.query('INSERT INTO bench_channels VALUES ($1, $2, $3, $4, $5)', [
        ci,
        channel,
        rateHz,
        count,
        data,
      ]);
    }
    for (let hour = 0; hour < hours; hour++) {
      await db.query(
        `INSERT INTO waveform_chunks (id, workstation_id, bed_id, device_id, channel, rate_hz,
           t0_ms, sample_count, encoding, data)
         SELECT gen_random_uuid(), $4, 'bed-' || b, 'dev-' || b, c.channel, c.rate_hz,
                $3::bigint + m::bigint * ${PACK_MINUTE_MS}, c.sample_count, '${WAVEFORM_ENCODING}', c.data
         FROM generate_series($1::int, $1::int + 59) AS m, generate_series(0, $2::int - 1) AS b,
              bench_channels c
         ORDER BY m, b, c.ci`,
        [hour * 60, BEDS, startMs, WORKSTATION_ID],
      );
      await db.query(
        `INSERT INTO numerics (id, workstation_id, bed_id, device_id, code, value, unit, at_ms)
         SELECT gen_random_uuid(), $4, 'bed-' || b, 'dev-' || b, code,
                60 + (s % 40), 'bpm', $3::bigint + s::bigint * 1000
         FROM generate_series($1::int, $1::int + 3599) AS s, generate_series(0, $2::int - 1) AS b,
              unnest($5::text[]) AS code
         ORDER BY s, b`,
        [hour * 3600, BEDS, startMs, WORKSTATION_ID, NUMERIC_CODES],
      );
      // An alarm raised and ended every 10 minutes per bed.
      await db.query(
        `INSERT INTO alarm_events (id, workstation_id, bed_id, alarm_id, event, kind, priority, code,
           message, value, limit_value, actor, at_ms, origin)
         SELECT gen_random_uuid(), $4, 'bed-' || b, 'a-' || b || '-' || k, e, 'physiological',
                'medium', 'MDC_ECG_HEART_RATE', 'HR high 131 > 130', 131, 130, 'dev-' || b,
                $3::bigint + k::bigint * 600000 + (CASE e WHEN 'raised' THEN 0 ELSE 30000 END),
                'workstation'
         FROM generate_series($1::int, $1::int + 5) AS k, generate_series(0, $2::int - 1) AS b,
              unnest(ARRAY['raised', 'ended']) AS e`,
        [hour * 6, BEDS, startMs, WORKSTATION_ID],
      );
    }
    await db.exec('VACUUM ANALYZE');
  } finally {
    await db.close();
  }
  // What the store holds for these hours, all overhead included (heap, TOAST, indexes).
  const check = await PGlite.create(join(building, 'pgdata'));
  const { rows } = await check.query<{ rows: number; bytes: number }>(
    `SELECT (SELECT count(*) FROM sync_outbox)::int AS rows,
            (pg_total_relation_size('waveform_chunks') + pg_total_relation_size('numerics')
             + pg_total_relation_size('alarm_events'))::float8 AS bytes`,
  );
  await check.close();
  writeFileSync(join(building, 'workstation.json'), JSON.stringify({ id: WORKSTATION_ID }) + '\n');
  writeFileSync(
    join(building, 'workstation.json.copy'),
    JSON.stringify({ id: WORKSTATION_ID }) + '\n',
  );
  const made = { hours, rows: rows[0]!.rows, storeBytes: rows[0]!.bytes };
  writeFileSync(join(building, 'complete.json'), JSON.stringify(made) + '\n');
  rmSync(dir, { recursive: true, force: true });
  renameSync(building, dir);
  return { dir, ...made };
}

/** A TCP pass-through counting the bytes each way. */
async function countingProxy(targetPort: number) {
  let up = 0;
  let down = 0;
  const server = createServer((socket) => {
    const upstream = connect(targetPort, '127.0.0.1');
    socket.on('data', (chunk) => (up += chunk.length));
    upstream.on('data', (chunk) => (down += chunk.length));
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    bytes: () => ({ up, down }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface DrainResult {
  drainS: number;
  rows: number;
  lagP99Ms: number;
  lagMaxMs: number;
  wireBytes: number;
  storeBytes: number;
  wireToStore: number;
  /** CPU time of this process (the workstation: main thread and store worker) while draining. */
  workstationCpuS: number;
  /** CPU time of the central server's process (not its PostgreSQL) while draining. */
  serverCpuS: number;
  /** Wall time in the store's reads of batches (with their encoding) and acknowledgements. */
  readS: number;
  ackS: number;
}

export async function drainRun(hours: number, live: boolean): Promise<DrainResult> {
  const made = await backlog(hours);
  const work = mkdtempSync(join(tmpdir(), 'ws-bench-drain-'));
  const dataDir = join(work, 'data');
  cpSync(made.dir, dataDir, { recursive: true });
  const db = await freshDatabase('bench_drain');
  const central = await startServerProcess([
    ...['--db', db.url, '--port', '0', '--host', '127.0.0.1', '--insecure-http'],
  ]);
  const proxy = await countingProxy(Number(new URL(central.url).port));
  const demo = live ? await startDemo(BEDS) : null;
  const workstation = await startWorkstation({
    dataDir,
    devices: demo ? demo.beds.flatMap((bed) => bed.devices) : [],
    ...(demo ? { openHid: demo.openHid } : {}),
    retention: KEEP_EVERYTHING,
    ...(process.env.DRAIN_BATCH_BYTES
      ? { sync: { uploader: { maxBatchBytes: Number(process.env.DRAIN_BATCH_BYTES) } } }
      : {}),
    log: () => {},
  });
  try {
    const made2 = await runServerCommand(['enrolment-code', '--db', db.url]);
    const code = made2.stdout.trim();
    // Live beds settle first, so the lag measured is the drain's.
    if (live) await new Promise((resolve) => setTimeout(resolve, 5_000));
    // Time spent in the store (reading and encoding batches, acknowledging), the rest is the link.
    const outbox = workstation.store.outbox;
    const phases = { readS: 0, ackS: 0 };
    const readFrame = outbox.readFrame.bind(outbox);
    const acknowledge = outbox.acknowledge.bind(outbox);
    outbox.readFrame = async (...args) => {
      const t = performance.now();
      try {
        return await readFrame(...args);
      } finally {
        phases.readS += (performance.now() - t) / 1000;
      }
    };
    outbox.acknowledge = async (...args) => {
      const t = performance.now();
      try {
        return await acknowledge(...args);
      } finally {
        phases.ackS += (performance.now() - t) / 1000;
      }
    };
    const cpuBefore = process.cpuUsage();
    const serverCpuBefore = processCpuS(central.child.pid!);
    const lag = monitorEventLoopDelay({ resolution: 2 });
    lag.enable();
    const start = performance.now();
    await workstation.sync.enrol({ server: `http://127.0.0.1:${proxy.port}`, code });
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const status = workstation.sync.status();
      // Done when the backlog is gone (live rows keep coming: a few hundred at most remain).
      if (status.waiting.rows < (live ? 500 : 1) && status.waiting.byLane[2]?.rows === 0) break;
      if (performance.now() - start > 30 * 60_000) throw new Error('not drained in 30 min');
    }
    const drainS = (performance.now() - start) / 1000;
    lag.disable();
    const cpu = process.cpuUsage(cpuBefore);
    return {
      drainS,
      rows: made.rows,
      lagP99Ms: lag.percentile(99) / 1e6,
      lagMaxMs: lag.max / 1e6,
      wireBytes: proxy.bytes().up,
      storeBytes: made.storeBytes,
      wireToStore: proxy.bytes().up / made.storeBytes,
      workstationCpuS: (cpu.user + cpu.system) / 1e6,
      serverCpuS: processCpuS(central.child.pid!) - serverCpuBefore,
      ...phases,
    };
  } finally {
    await workstation.stop();
    await demo?.stop();
    await proxy.close();
    await central.stop();
    await db.drop();
    rmSync(work, { recursive: true, force: true });
  }
}

/** Drains `runs` times and reports the medians as one JSON line. */
export async function drainBench(hours: number, live: boolean, runs: number): Promise<void> {
  const results: DrainResult[] = [];
  for (let i = 0; i < runs; i++) {
    const result = await drainRun(hours, live);
    console.error(JSON.stringify(result));
    results.push(result);
  }
  const pick = (f: (r: DrainResult) => number) => round(median(results.map(f)));
  report({
    bench: `sync.drain-${hours}h-16beds${live ? '-live' : ''}`,
    what: `drain a ${hours} h backlog of 16 beds (3 ECG 500 Hz, pleth, resp, ~4 numerics/s, alarms) to the central server on loopback${live ? ', while the 16-bed demo streams on the same workstation' : ''}`,
    unit: 's',
    median: pick((r) => r.drainS),
    runs: results.map((r) => round(r.drainS)),
    rows: results[0]!.rows,
    lagP99MsMedian: pick((r) => r.lagP99Ms),
    lagP99Runs: results.map((r) => round(r.lagP99Ms)),
    wireToStoreMedian: round(median(results.map((r) => r.wireToStore)), 3),
    wireMB: round(results[0]!.wireBytes / 1e6),
    storeMB: round(results[0]!.storeBytes / 1e6),
    workstationCpuSMedian: pick((r) => r.workstationCpuS),
    serverCpuSMedian: pick((r) => r.serverCpuS),
    storeReadSMedian: pick((r) => r.readS),
    storeAckSMedian: pick((r) => r.ackS),
    goal: 'drain <= 120 s with lag p99 <= 10 ms; wire <= 1.1 x store',
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const hours = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 8);
  await drainBench(hours, process.argv.includes('--live'), Number(process.env.BENCH_RUNS ?? 3));
}
