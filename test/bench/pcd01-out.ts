// PCD-01 out under load: 500 beds, one ORU^R01 per bed-period, from a central server in this
// process on a fresh database to an MLLP receiver in its own process on loopback (it ACKs every
// message). Time is compressed: a "minute" is PERIOD_MS of real time, so each period brings 500
// bed-periods of numerics (5 codes × 6 values each, inserted by PostgreSQL itself) to make, queue
// and send. Measures this process's CPU (process.cpuUsage: the server, its scheduler and sender)
// per bed-period, what that is at real time (500 bed-minutes a minute), and whether the queue
// keeps up (backlog sampled at each period's end).
// `tsx --import ./test/support/raw-import.mjs test/bench/pcd01-out.ts` runs it alone.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { startCentralServer } from '../../server/central-server';
import { freshDatabase } from '../../server/test-support/database';
import { median, report, round } from './stats';

const BEDS = Number(process.env.PCD01_BENCH_BEDS ?? 500);
const PERIOD_MS = Number(process.env.PCD01_BENCH_PERIOD_MS ?? 5_000);
const PERIODS = Number(process.env.PCD01_BENCH_PERIODS ?? 12);
const WARMUP_PERIODS = 2;
const REAL_MINUTE_MS = 60_000;

// A receiver that frames by hand and ACKs every message with AA: nothing of ours, own process.
const RECEIVER = `
const net = require('node:net');
let count = 0;
const server = net.createServer((socket) => {
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('error', () => {});
  socket.on('data', (text) => {
    buffered += text;
    for (;;) {
      const start = buffered.indexOf('\\x0b');
      const end = buffered.indexOf('\\x1c\\r', start + 1);
      if (start < 0 || end < 0) break;
      const message = buffered.slice(start + 1, end);
      buffered = buffered.slice(end + 2);
      const id = message.split('\\r')[0].split('|')[9];
      count += 1;
      socket.write('\\x0bMSH|^~\\\\&|EHR|BENCH|||20260101000000||ACK^R01^ACK|a' + count + '|P|2.6\\rMSA|AA|' + id + '\\r\\x1c\\r');
    }
  });
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
process.stdin.on('data', (d) => { for (const c of d.toString()) if (c === '\\n') console.log(JSON.stringify({ count })); });
process.stdin.on('end', () => process.exit(0));
`;

function startReceiver(): Promise<{ child: ChildProcess; port: number; count(): Promise<number> }> {
  const child = spawn(process.execPath, ['-e', RECEIVER], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: ((line: Record<string, number>) => void)[] = [];
  let buffered = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (text: string) => {
    buffered += text;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = JSON.parse(buffered.slice(0, nl)) as Record<string, number>;
      buffered = buffered.slice(nl + 1);
      lines.shift()?.(line);
    }
  });
  const next = () => new Promise<Record<string, number>>((resolve) => lines.push(resolve));
  return next().then(({ port }) => ({
    child,
    port: port!,
    count: () => {
      const answer = next();
      child.stdin!.write('?\n');
      return answer.then((line) => line.count!);
    },
  }));
}

export interface Pcd01OutResult {
  delivered: number;
  cpuMsPerBedPeriod: number;
  /** CPU share of one core at real time: 500 beds × one message a minute. */
  realTimeCoreShare: number;
  /** CPU share of one core while compressed (500 messages every PERIOD_MS). */
  compressedCoreShare: number;
  backlogMax: number;
  backlogEnd: number;
  /** Bed-periods not yet delivered at each period's end. */
  backlog: number[];
  /** Median from a period's end to its last message accepted. */
  drainMsMedian: number;
}

export async function pcd01OutRun(): Promise<Pcd01OutResult> {
  const database = await freshDatabase('bench_pcd01');
  const receiver = await startReceiver();
  const server = await startCentralServer({
    databaseUrl: database.url,
    host: '127.0.0.1',
    port: 0,
    tls: null,
    log: () => undefined,
    pcd01: {
      host: '127.0.0.1',
      port: receiver.port,
      periodMs: PERIOD_MS,
      alarms: false,
      settleMs: 100,
      sender: { idlePollMs: 50 },
    },
  });
  const db = server.db;
  try {
    // 500 beds of one workstation, each with a patient admitted.
    await db.query(
      `INSERT INTO workstations (id, name, unit, credential_hash, app_version, protocol)
       VALUES ('ws-bench', 'Bench', 'ICU Bench', '\\x00'::bytea, '0.1.0', 1)`,
    );
    await db.query(
      `INSERT INTO patients (id, workstation_id, created_at, mrn, family_name, given_name,
         birth_date, category, actor, at_ms)
       SELECT ('00000000-0000-7000-8000-' || lpad(b::text, 12, '0'))::uuid, 'ws-bench', now(),
         'BENCH-' || b, 'Benchpatient', 'Demo' || b, '1960-01-01', 'adult', 'bench', 0
       FROM generate_series(1, $1) b`,
      [BEDS],
    );
    await db.query(
      `INSERT INTO admissions (id, workstation_id, created_at, patient_id, bed_id, bed_label,
         event, at_ms, actor)
       SELECT gen_random_uuid(), 'ws-bench', now(),
         ('00000000-0000-7000-8000-' || lpad(b::text, 12, '0'))::uuid, 'bed-' || b, 'Bed ' || b,
         'admitted', 0, 'bench'
       FROM generate_series(1, $1) b`,
      [BEDS],
    );
    const codes = [
      ['MDC_ECG_HEART_RATE', '/min', 72],
      ['MDC_PULS_OXIM_SAT_O2', '%', 97],
      ['MDC_PULS_OXIM_PULS_RATE', '/min', 71],
      ['MDC_RESP_RATE', '/min', 16],
      ['MDC_PRESS_BLD_NONINV_SYS', 'mm[Hg]', 120],
    ] as const;
    const insertPeriod = (startMs: number) =>
      db.query(
        `INSERT INTO numerics (id, workstation_id, created_at, bed_id, device_id, code, value,
           unit, at_ms, computed)
         SELECT gen_random_uuid(), 'ws-bench', now(), 'bed-' || b, 'monitor-' || b, c.code,
           c.base + (s % 3), c.unit, $1::bigint + s * ($2::bigint / 6), false
         FROM generate_series(1, $3) b, generate_series(0, 5) s,
           unnest($4::text[], $5::text[], $6::float8[]) AS c(code, unit, base)`,
        [
          startMs,
          PERIOD_MS,
          BEDS,
          codes.map((c) => c[0]),
          codes.map((c) => c[1]),
          codes.map((c) => c[2]),
        ],
      );
    const queued = async () =>
      Number(
        (
          await db.query<{ n: string }>(
            `SELECT (SELECT count(*) FROM hl7_outbound WHERE state = 'queued') +
                    (SELECT count(*) FROM pcd01_bed_periods WHERE done_at IS NULL) AS n`,
          )
        ).rows[0]!.n,
      );

    const sleepUntil = (ms: number) =>
      new Promise((resolve) => setTimeout(resolve, Math.max(0, ms - Date.now())));
    let periodStart = Math.ceil(Date.now() / PERIOD_MS) * PERIOD_MS;
    await sleepUntil(periodStart);
    const backlog: number[] = [];
    const drains: number[] = [];
    let cpuFrom = process.cpuUsage();
    let timeFrom = Date.now();
    let deliveredFrom = 0;
    for (let p = 0; p < PERIODS + WARMUP_PERIODS; p++) {
      if (p === WARMUP_PERIODS) {
        cpuFrom = process.cpuUsage();
        timeFrom = Date.now();
        deliveredFrom = await receiver.count();
      }
      await insertPeriod(periodStart);
      const end = periodStart + PERIOD_MS;
      await sleepUntil(end);
      if (p >= WARMUP_PERIODS) backlog.push(await queued());
      // How long the last period's messages take to be accepted, sampled every 50 ms.
      const expected = (p + 1) * BEDS;
      const waitFrom = Date.now();
      void (async () => {
        while ((await receiver.count()) < expected && Date.now() - waitFrom < PERIOD_MS * 3) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        if (p >= WARMUP_PERIODS) drains.push(Date.now() - end);
      })();
      periodStart = end;
    }
    // Let the last period go out, then read the figures.
    const total = (PERIODS + WARMUP_PERIODS) * BEDS;
    const until = Date.now() + PERIOD_MS * 4;
    while ((await receiver.count()) < total && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const cpu = process.cpuUsage(cpuFrom);
    const elapsedMs = Date.now() - timeFrom;
    const delivered = (await receiver.count()) - deliveredFrom;
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const cpuMsPerBedPeriod = cpuMs / delivered;
    return {
      delivered,
      cpuMsPerBedPeriod,
      realTimeCoreShare: (cpuMsPerBedPeriod * BEDS) / REAL_MINUTE_MS,
      compressedCoreShare: cpuMs / elapsedMs,
      backlogMax: Math.max(...backlog),
      backlogEnd: await queued(),
      backlog,
      drainMsMedian: median(drains),
    };
  } finally {
    await server.close();
    receiver.child.stdin!.end();
    await database.drop();
  }
}

export async function pcd01OutBench(runs: number, machine: Record<string, unknown>) {
  const results: Pcd01OutResult[] = [];
  for (let i = 0; i < runs; i++) results.push(await pcd01OutRun());
  return {
    bench: 'hl7.pcd01-out',
    what:
      `${BEDS} beds, one PCD-01 ORU^R01 per bed-period (5 numerics × 6 values each), central ` +
      `server in this process → MLLP receiver in its own process on loopback; a "minute" every ` +
      `${PERIOD_MS / 1000} s for ${PERIODS} periods; CPU of this process (process.cpuUsage)`,
    unit: '% of a core at real time (500 bed-minutes per minute)',
    goal: '<= 5 % of a core, no backlog growth',
    median: round(median(results.map((r) => r.realTimeCoreShare * 100)), 3),
    runs: results.map((r) => round(r.realTimeCoreShare * 100, 3)),
    cpuMsPerBedMinute: round(median(results.map((r) => r.cpuMsPerBedPeriod)), 3),
    compressedCoreSharePct: round(median(results.map((r) => r.compressedCoreShare * 100)), 1),
    delivered: results.map((r) => r.delivered),
    backlogMax: results.map((r) => r.backlogMax),
    backlogEnd: results.map((r) => r.backlogEnd),
    backlogEachPeriodFirstRun: results[0]!.backlog,
    drainMsMedian: round(median(results.map((r) => r.drainMsMedian)), 0),
    machine,
  };
}

if (process.argv[1]?.endsWith('pcd01-out.ts')) {
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  report(await pcd01OutBench(runs, { cpus: cpus().length, node: process.version }));
  process.exit(0);
}
