// `npm run bench:sync`: the central server and sync benches of issue 15, one JSON line each (they
// run in `npm run bench` too, with the other live rows).
// Run them on a quiet machine: the drain's figures are latency-bound and the machine is shared.
import { drainBench } from './sync-drain';
import { ingestBench } from './server-ingest';
import { liveCentralPixelRun } from './live-central-pixel';
import { fanoutBench } from './relay-fanout';
import { median, report, round } from './stats';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);

// The hard case first: the backlog drains while the 16-bed demo streams on the workstation.
await drainBench(8, true, RUNS);
await drainBench(8, false, RUNS);
await ingestBench(32, 60, RUNS);

// Device byte to the pixel of the hospital central station, while a second workstation's 16 demo
// beds stream to the same station.
const pixel: Awaited<ReturnType<typeof liveCentralPixelRun>>[] = [];
for (let i = 0; i < RUNS; i++) pixel.push(await liveCentralPixelRun(15, 16));
report({
  bench: 'live.byte-to-central-pixel-with-16-demo-beds',
  unit: 'ms',
  p95Median: round(median(pixel.map((r) => r.latencyP95Ms))),
  p50Median: round(median(pixel.map((r) => r.latencyP50Ms))),
  runsP95: pixel.map((r) => round(r.latencyP95Ms)),
  goal: 'p95 <= 250 ms',
});

// Viewers one server instance feeds: 16 beds to 16, 64 and 256 hospital central stations.
for await (const record of fanoutBench([16, 64, 256], 15)) report(record);
