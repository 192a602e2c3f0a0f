// `npm run bench:server`: the central server's push on loopback, the server in its own process on
// a fresh PostgreSQL database. Each run sends a new ~2 MB batch of waveform chunks (bytes as a
// workstation's codec stores them: close to random) and waits for the answer after commit.
// One JSON line per batch shape, with the median of the runs.
import { cpus } from 'node:os';
import { SYNC_PATHS } from '../../shared/sync/protocol';
import { enrolOn } from '../../server/test-support/central';
import { bearer, call } from '../../server/test-support/http-client';
import { numeric, pushFrame, waveformChunk } from '../../server/test-support/rows';
import { startBenchServer } from './bench-server';
import { median, report, round } from './stats';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const machine = { cpus: cpus().length, node: process.version };

const shapes = [
  {
    name: 'waveform-2MB-live-chunks',
    what: '2,000 chunks of 1 KB (~2 s each, as staged live)',
    make: (ws: string) => Array.from({ length: 2_000 }, () => waveformChunk(ws, { bytes: 1_000 })),
  },
  {
    name: 'waveform-2MB-packed-minutes',
    what: '100 chunks of 20 KB (a packed minute each)',
    make: (ws: string) => Array.from({ length: 100 }, () => waveformChunk(ws, { bytes: 20_000 })),
  },
  {
    name: 'numerics-20k',
    what: '20,000 numerics',
    make: (ws: string) => Array.from({ length: 20_000 }, (_, i) => numeric(ws, i % 200)),
  },
];

const central = await startBenchServer();
const { server } = central;
try {
  const credential = await enrolOn(server.url, 'ws-bench', 'bench', 'Bench');
  for (const shape of shapes) {
    // One batch first to warm up (partitions made, statements planned).
    await call(server.url, SYNC_PATHS.push, {
      body: pushFrame('ws-bench', shape.make('ws-bench')),
      headers: bearer(credential),
    });
    const runs: { ms: number; rows: number; bytes: number }[] = [];
    for (let i = 0; i < RUNS; i++) {
      const rows = shape.make('ws-bench');
      const frame = pushFrame('ws-bench', rows);
      const started = performance.now();
      const answer = await call(server.url, SYNC_PATHS.push, {
        body: frame,
        headers: bearer(credential),
      });
      const ms = performance.now() - started;
      if (answer.json?.accepted !== rows.length)
        throw new Error(`push: ${answer.status} ${answer.text}`);
      runs.push({ ms, rows: rows.length, bytes: frame.byteLength });
    }
    report({
      bench: `server.push.${shape.name}`,
      what: `one push of ${shape.what}, answered after commit, loopback`,
      unit: 'rows/s',
      median: round(median(runs.map((r) => (r.rows / r.ms) * 1000)), 0),
      runs: runs.map((r) => round((r.rows / r.ms) * 1000, 0)),
      megabytesPerSecond: round(median(runs.map((r) => r.bytes / 1e6 / (r.ms / 1000)))),
      frameBytes: runs[0]!.bytes,
      medianMs: round(median(runs.map((r) => r.ms)), 1),
      machine,
    });
  }
} finally {
  await central.stop();
}
