// `npm run bench:sync`: the central server and sync benches of issue 15, one JSON line each (the
// live path through the relay is in `npm run bench`, live.byte-to-relay-viewer).
// Run them on a quiet machine: the drain's figures are latency-bound and the machine is shared.
import { drainBench } from './sync-drain';
import { ingestBench } from './server-ingest';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);

// The hard case first: the backlog drains while the 16-bed demo streams on the workstation.
await drainBench(8, true, RUNS);
await drainBench(8, false, RUNS);
await ingestBench(32, 60, RUNS);
