// How many beds one central server instance takes in live: N simulated workstations of 16 beds
// each push what a caught-up workstation's uploader sends (every 2 s the beds' numerics of those
// 2 s, ~4 a second per bed; once a minute each bed's 5 packed waveform rows of that minute, 3 ECG
// leads at 500 Hz, pleth and resp, ~61 KB a bed; an alarm event now and then), over loopback to
// the server in its own process on a fresh PostgreSQL database. Measured: the server process's
// CPU (not PostgreSQL's) over the run, and whether every push was answered in time. Reported: beds
// per instance at 50 % of one core, from the share measured at N workstations.
//   tsx --import ./test/support/raw-import.mjs test/bench/server-ingest.ts [WORKSTATIONS] [SECONDS]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SYNC_PATHS } from '../../shared/sync/protocol';
import { ADMIN_TOKEN, enrolOn } from '../../server/test-support/central';
import { freshDatabase } from '../../server/test-support/database';
import { bearer, call } from '../../server/test-support/http-client';
import { alarmEvent, numeric, pushFrame, waveformChunk } from '../../server/test-support/rows';
import { startServerProcess } from '../../server/test-support/server-process';
import { median, quantile, report, round, processCpuS } from './stats';

const BEDS_PER_WORKSTATION = 16;
const NUMERICS_PER_BED_S = 4;
const PUSH_EVERY_MS = 2_000;
/** Bytes of one bed's packed minute per channel (3 × ECG 500 Hz, pleth 125, resp 62.5 at ~0.6 B). */
const MINUTE_BYTES = [18_000, 18_000, 18_000, 4_500, 2_250];

export interface IngestResult {
  workstations: number;
  beds: number;
  serverCpuShare: number;
  pushP95Ms: number;
  pushes: number;
  failed: number;
  bedsAtHalfCore: number;
}

export async function ingestRun(workstations: number, seconds: number): Promise<IngestResult> {
  const database = await freshDatabase('bench_ingest');
  const dir = mkdtempSync(join(tmpdir(), 'central-ingest-'));
  writeFileSync(join(dir, 'token'), ADMIN_TOKEN);
  const server = await startServerProcess([
    ...['--db', database.url, '--port', '0', '--insecure-http'],
    ...['--admin-token-file', join(dir, 'token')],
  ]);
  const times: number[] = [];
  let failed = 0;
  try {
    const ids = Array.from({ length: workstations }, (_, i) => `ws-ingest-${i}`);
    const credentials = await Promise.all(
      ids.map((id) => enrolOn(server.url, id, id, `Unit ${id}`)),
    );
    const push = async (w: number, rows: ReturnType<typeof numeric>[]) => {
      const frame = pushFrame(ids[w]!, rows);
      const started = performance.now();
      const answer = await call(server.url, SYNC_PATHS.push, {
        body: frame,
        headers: bearer(credentials[w]!),
      }).catch(() => null);
      times.push(performance.now() - started);
      if (answer?.json?.accepted !== rows.length) failed++;
    };
    const cpuBefore = processCpuS(server.child.pid!);
    const started = performance.now();
    const endAt = started + seconds * 1000;
    // Each workstation on its own cadence, spread over the 2 s so pushes do not all coincide.
    await Promise.all(
      ids.map(async (id, w) => {
        await new Promise((resolve) => setTimeout(resolve, (PUSH_EVERY_MS * w) / workstations));
        let round = 0;
        while (performance.now() < endAt) {
          const tickAt = performance.now();
          const rows = [];
          for (let b = 0; b < BEDS_PER_WORKSTATION; b++) {
            for (let n = 0; n < (NUMERICS_PER_BED_S * PUSH_EVERY_MS) / 1000; n++) {
              rows.push(numeric(id, 60 + ((b + n) % 40)));
            }
          }
          // Once a minute (every 30th round), the minute's packed waveform rows of every bed.
          if (round % 30 === w % 30) {
            for (let b = 0; b < BEDS_PER_WORKSTATION; b++) {
              for (const bytes of MINUTE_BYTES) rows.push(waveformChunk(id, { bytes }));
            }
          }
          if (round % 10 === 0) rows.push(alarmEvent(id));
          await push(w, rows);
          round++;
          const wait = PUSH_EVERY_MS - (performance.now() - tickAt);
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        }
      }),
    );
    const wallS = (performance.now() - started) / 1000;
    const share = (processCpuS(server.child.pid!) - cpuBefore) / wallS;
    const beds = workstations * BEDS_PER_WORKSTATION;
    return {
      workstations,
      beds,
      serverCpuShare: share,
      pushP95Ms: quantile(times, 0.95),
      pushes: times.length,
      failed,
      bedsAtHalfCore: Math.floor((beds * 0.5) / Math.max(share, 1e-6)),
    };
  } finally {
    await server.stop();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function ingestBench(workstations: number, seconds: number, runs: number) {
  const results: IngestResult[] = [];
  for (let i = 0; i < runs; i++) {
    const result = await ingestRun(workstations, seconds);
    console.error(JSON.stringify(result));
    results.push(result);
  }
  report({
    bench: `server.ingest-${workstations}x16beds`,
    what: `${workstations} workstations × 16 beds pushing live (numerics every 2 s, packed waveform minutes, alarms) to one central server instance on loopback, ${seconds} s; beds at 50 % of one core extrapolated from the server process's CPU share (PostgreSQL not counted)`,
    unit: 'beds',
    median: median(results.map((r) => r.bedsAtHalfCore)),
    runs: results.map((r) => r.bedsAtHalfCore),
    serverCpuShareMedian: round(median(results.map((r) => r.serverCpuShare)), 3),
    pushP95MsMedian: round(median(results.map((r) => r.pushP95Ms))),
    failed: results.map((r) => r.failed),
    goal: '>= 500 beds per instance at <= 50 % of one core',
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const numbers = process.argv
    .slice(2)
    .filter((a) => /^\d+$/.test(a))
    .map(Number);
  await ingestBench(numbers[0] ?? 32, numbers[1] ?? 60, Number(process.env.BENCH_RUNS ?? 3));
}
