// `npm run bench`: each benchmark runs several times; one JSON line per result with the median
// and every run, so noise on a shared machine is visible rather than hidden.
import { cpus } from 'node:os';
import { ingestWithQueries, storeIngest, storeOpen, storeOpenFull } from './store-ingest';
import { liveRun } from './live';
import { liveRelayRun } from './live-relay';
import { liveCentralPixelRun } from './live-central-pixel';
import { centralBenches } from './central-rows';
import { pcd01OutBench } from './pcd01-out';
import { adtBurstBench } from './adt-burst';
import { censusPullBenches } from './census-pull';
import { fhirSearchBench, fhirSearchRecords } from './fhir-search';
import { updateRolloutBenches } from './update-rollout';
import { pinUnlockRecord } from './pin-unlock';
import { auditReportBench, auditReportRecords } from './audit-report';
import { reviewOpenBench } from './review-open';
import { median, report, round } from './stats';
import { decodeThroughput } from './decode';
import { disconnectLatency, sampleClockError } from './device-timing';
import { codecBench } from './codec';
import { storeSizeBench } from './store-size';
import { beatsBench } from './beats';
import { beatClassesBench } from './beat-classes';
import { stripBench, trendBench } from './store-queries';
import { exportBench } from './export';
import { simulatorIds } from '../../electron/host/devices/simulators/registry';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const machine = { cpus: cpus().length, node: process.version };

async function repeat<T>(runs: number, fn: () => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < runs; i++) results.push(await fn());
  return results;
}

for (const driverId of simulatorIds()) {
  const decode = await repeat(RUNS, () => decodeThroughput(driverId, 20_000_000));
  report({
    bench: `decode.${driverId}`,
    what: `${driverId} decoder on its simulator's byte stream, 4 KiB reads`,
    unit: 'MB/s',
    median: round(median(decode.map((r) => r.megabytesPerSecond))),
    runs: decode.map((r) => round(r.megabytesPerSecond)),
    framesPerSecond: round(median(decode.map((r) => r.framesPerSecond)), 0),
    framesBad: decode[0]!.framesBad,
    machine,
  });
}

// The typical figures behind the device tests' loose bounds (a loaded machine delays frames).
const clock = await repeat(Math.max(5, RUNS), () => sampleClockError(3));
report({
  bench: 'devices.sample-clock',
  what: 'worst and 95th-percentile distance between a stored ECG sample time and the HealthyPi 5 simulator clock, 3 s through a pty (the test allows 2 sample periods, 15.6 ms)',
  unit: 'ms',
  worstMedian: round(median(clock.map((r) => r.worstMs))),
  p95Median: round(median(clock.map((r) => r.p95Ms))),
  runsWorst: clock.map((r) => round(r.worstMs)),
  machine,
});
const unplug = await repeat(Math.max(10, RUNS), () => disconnectLatency());
report({
  bench: 'devices.unplug-to-alarm',
  what: 'from the pty pair removed (cable pulled) to the session reporting the device disconnected (the test allows 250 ms)',
  unit: 'ms',
  median: round(median(unplug)),
  max: round(Math.max(...unplug)),
  runs: unplug.map((ms) => round(ms)),
  machine,
});

for (const record of codecBench(RUNS, machine)) report(record);
// Waveform bytes on disk per sample (sizes do not vary from run to run: built once).
for (const record of await storeSizeBench()) report({ ...record, machine });
for (const record of beatsBench(RUNS, machine)) report(record);
for (const record of beatClassesBench(RUNS, machine)) report(record);

const ingest = await repeat(RUNS, () => storeIngest(16, 60));
report({
  bench: 'store.ingest',
  what: '16 beds × (3 ECG 500 Hz + pleth 125 Hz + resp 62.5 Hz) + 5 numerics at 1 Hz, 60 s of data, append + commit',
  unit: 'samples/s',
  median: round(median(ingest.map((r) => r.samplesPerSecond)), 0),
  runs: ingest.map((r) => round(r.samplesPerSecond, 0)),
  realTimeFactor: round(median(ingest.map((r) => r.realTimeFactor)), 1),
  machine,
});

const lag = await repeat(RUNS, () => ingestWithQueries(16, 60, 50));
report({
  bench: 'store.ingest-lag',
  what: 'main-thread event-loop lag while the store (bundled worker) ingests 16 beds at 50× real time (60 s of data) and a 72 h trend of 5 codes of one bed is read in a loop, the store holding 72 h of per-minute trends of those 16 beds × 5 codes (345 600 rollups written with SQL first)',
  unit: 'ms',
  p99Median: round(median(lag.map((r) => r.lagP99Ms))),
  runsP99: lag.map((r) => round(r.lagP99Ms)),
  maxMedian: round(median(lag.map((r) => r.lagMaxMs))),
  trendP95MsDuringIngest: round(median(lag.map((r) => r.trendP95Ms))),
  trends: lag.map((r) => r.trends),
  trendPoints: lag[0]!.trendPoints,
  seededRollups: lag[0]!.seededRollups,
  machine,
});

const opens = await storeOpen(Math.max(5, RUNS));
const fullOpens = await storeOpenFull(Math.max(5, RUNS));
report({
  bench: 'store.open',
  what: 'cold open through openStore (lock, bundled worker thread, PGlite, migrations check, journal) to the answer of the first query the workstation asks (readCurrentAdmissions), on the store of 72 h × 16 beds × (3 ECG 500 Hz + pleth 125 Hz + resp 62.5 Hz), ~6 GB; small*: a store of a few rows',
  unit: 'ms',
  median: round(median(fullOpens.openMs)),
  runs: fullOpens.openMs.map((t) => round(t)),
  firstStripMedian: round(median(fullOpens.firstStripMs)),
  firstOpenAfterSeal: round(fullOpens.firstOpenMs),
  smallMedian: round(median(opens)),
  smallRuns: opens.map((t) => round(t)),
  machine,
});

for (const record of await trendBench(RUNS)) report({ ...record, machine });
for (const record of await stripBench(RUNS)) report({ ...record, machine });
// Minutes per export: one run unless BENCH_EXPORT_RUNS says more.
const exportRuns = Number(process.env.BENCH_EXPORT_RUNS ?? 1);
for (const record of await exportBench(exportRuns)) report({ ...record, machine });

const live = await repeat(RUNS, () => liveRun(15));
report({
  bench: 'live.byte-to-pixel',
  what: 'HealthyPi 5 simulator → pty → host → WebSocket → Chromium canvas, ECG 128 Hz, every sample drawn',
  unit: 'ms',
  p95Median: round(median(live.map((r) => r.latencyP95Ms))),
  p50Median: round(median(live.map((r) => r.latencyP50Ms))),
  runsP95: live.map((r) => round(r.latencyP95Ms)),
  drawnSamples: live.map((r) => r.drawnSamples),
  draws: live.map((r) => r.draws),
  newestSampleP95Median: round(median(live.map((r) => r.newestSampleP95Ms))),
  machine,
});
report({
  bench: 'live.event-loop-lag',
  what: 'host event loop (the Electron main thread equivalent) while ingesting, storing and streaming to a rendering Chromium',
  unit: 'ms',
  p99Median: round(median(live.map((r) => r.eventLoopLagP99Ms))),
  runsP99: live.map((r) => round(r.eventLoopLagP99Ms)),
  machine,
});

const liveCentral = await repeat(RUNS, () => liveRun(15, 'central'));
report({
  bench: 'live.byte-to-pixel-central',
  what: 'the same path drawn by the central station tile (incremental canvas sweep), ECG 128 Hz',
  unit: 'ms',
  p95Median: round(median(liveCentral.map((r) => r.latencyP95Ms))),
  p50Median: round(median(liveCentral.map((r) => r.latencyP50Ms))),
  runsP95: liveCentral.map((r) => round(r.latencyP95Ms)),
  drawnSamples: liveCentral.map((r) => r.drawnSamples),
  draws: liveCentral.map((r) => r.draws),
  newestSampleP95Median: round(median(liveCentral.map((r) => r.newestSampleP95Ms))),
  machine,
});

const relay = await repeat(RUNS, () => liveRelayRun(15));
report({
  bench: 'live.byte-to-relay-viewer',
  what: 'HealthyPi 5 simulator → pty → workstation → live publisher → central server relay (PostgreSQL, loopback) → a hospital central station viewer socket, ECG 128 Hz, every sample',
  unit: 'ms',
  p95Median: round(median(relay.map((r) => r.latencyP95Ms))),
  p50Median: round(median(relay.map((r) => r.latencyP50Ms))),
  runsP95: relay.map((r) => round(r.latencyP95Ms)),
  samples: relay.map((r) => r.samples),
  droppedSampleEvents: relay.map((r) => r.droppedSampleEvents),
  machine,
});

// Issue 15's live goal to the pixel, the hard case first: the station draws a 16-bed ward from a
// second workstation besides the counting bed.
for (const demoBeds of [16, 0]) {
  const runs = await repeat(RUNS, () => liveCentralPixelRun(15, demoBeds));
  report({
    bench: `live.byte-to-central-pixel${demoBeds > 0 ? `-with-${demoBeds}-demo-beds` : ''}`,
    what: `HealthyPi 5 simulator → pty → workstation → live publisher → central server (own process, PostgreSQL, loopback) → the hospital central station in Chromium, the bed's tile drawn${demoBeds > 0 ? `, while a second workstation's ${demoBeds} demo beds stream to the same station` : ''}; ECG 128 Hz, every sample`,
    unit: 'ms',
    p95Median: round(median(runs.map((r) => r.latencyP95Ms))),
    p50Median: round(median(runs.map((r) => r.latencyP50Ms))),
    runsP95: runs.map((r) => round(r.latencyP95Ms)),
    drawnSamples: runs.map((r) => r.drawnSamples),
    goal: 'p95 <= 250 ms',
    machine,
  });
}

for await (const record of centralBenches(RUNS, machine)) report(record);
// PCD-01 out (issue 17): 500 beds to a local MLLP receiver, goal <= 5 % of a core, no backlog.
report(await pcd01OutBench(RUNS, machine));
// ADT in (issue 17): a burst of 1,000 messages over MLLP, goal <= 10 s.
for (const record of await adtBurstBench(RUNS, machine)) report(record);
// The hospital's patient list on a workstation: 10,000 patients pulled into the store, searched.
for (const record of await censusPullBenches(RUNS)) report(record);
// Updates (issue 19): a release published → ready on 100 workstations, goal <= 60 s.
for (const record of await updateRolloutBenches(RUNS)) report(record);
// Access (issue 18): PIN unlock to the first action, goal <= 300 ms; one patient's audit report
// over 30 days among 1 M rows on the server, goal p95 <= 500 ms.
report(await pinUnlockRecord(Math.max(7, RUNS)));
for (const record of auditReportRecords(await auditReportBench(RUNS), machine)) report(record);
// FHIR search (issue 17): 24 h of one patient's vital signs at 1-min resolution, goal p95 <= 200 ms.
for (const record of fhirSearchRecords(await fhirSearchBench(RUNS), machine)) report(record);

// Each run starts the workstation on the 72 h × 16 bed store and opens 20 random 10 s windows
// of other beds, then 20 of one bed; the median of the runs' medians and p95s, with every run.
const reviews = await repeat(RUNS, () => reviewOpenBench());
report({
  bench: 'review.open-10s',
  what: reviews[0]!.what,
  unit: 'ms',
  median: round(median(reviews.map((r) => r.median))),
  p95Median: round(median(reviews.map((r) => r.p95))),
  runsP95: reviews.map((r) => round(r.p95)),
  sameBedMedian: round(median(reviews.map((r) => r.sameBedMedian))),
  sameBedP95Median: round(median(reviews.map((r) => r.sameBedP95))),
  seedS: reviews.map((r) => round(r.seedS, 1)),
  machine,
});
