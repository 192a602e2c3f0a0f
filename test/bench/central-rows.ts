// The screens' benchmarks (`npm run bench`, or only these: `npm run bench:screens`): the central
// station as users open it, the demo's default mix with its alarms (the case of record), then
// 32 beds, one core busy, and a homogeneous IntelliVue mix beside them. One record per row.
import { centralRun, type CentralResult } from './central';
import { median, report, round } from './stats';

async function repeat<T>(runs: number, fn: () => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < runs; i++) results.push(await fn());
  return results;
}

export async function* centralBenches(
  runs: number,
  machine: Record<string, unknown>,
): AsyncGenerator<Record<string, unknown>> {
  // The central station as users open it: the demo's default mix with its alarms, the case of
  // record; then 32 beds, one core busy, and a homogeneous IntelliVue mix beside them.
  // BENCH_CENTRAL_SOAK_S=3600 for the one-hour heap figure; by default a short soak.
  const soakSeconds = Number(process.env.BENCH_CENTRAL_SOAK_S ?? 30);
  const frameRow = (bench: string, what: string, runs: CentralResult[]) => ({
    bench,
    what,
    unit: 'ms',
    p95Median: round(median(runs.map((r) => r.centralFrameP95Ms))),
    p50Median: round(median(runs.map((r) => r.centralFrameP50Ms))),
    runsP95: runs.map((r) => round(r.centralFrameP95Ms)),
    droppedShareMedian: round(median(runs.map((r) => r.centralDroppedShare)), 4),
    runsDropped: runs.map((r) => round(r.centralDroppedShare, 4)),
    mainThreadBusyMedian: round(median(runs.map((r) => r.centralMainThreadBusy)), 3),
    runsBusy: runs.map((r) => round(r.centralMainThreadBusy, 3)),
    messagesPerSecondMedian: round(median(runs.map((r) => r.messagesPerSecond)), 0),
    machine,
  });
  const central = await repeat(runs, () =>
    centralRun({ beds: 16, measureSeconds: 10, soakSeconds, compare: true }),
  );
  const withUplot = (
    rows: CentralResult[],
    key: 'uplotFrameP95Ms' | 'uplotMainThreadBusy' | 'uplotDroppedShare',
  ) => rows.map((r) => r[key] ?? NaN);
  yield {
    ...frameRow(
      'central.frame-time',
      '1920×1080 central station, `serve --demo 16` default device mix (HealthyPi 5/4, IntelliVue, Datex, CMS50) with its alarms sounding and flashing, simulators on ptys; requestAnimationFrame intervals and CDP TaskDuration over 10 s; in the same run a plain uPlot page of 16 charts redrawn every frame with the same points',
      central,
    ),
    uplotP95Median: round(median(withUplot(central, 'uplotFrameP95Ms'))),
    uplotDroppedShareMedian: round(median(withUplot(central, 'uplotDroppedShare')), 4),
    uplotMainThreadBusyMedian: round(median(withUplot(central, 'uplotMainThreadBusy')), 3),
    busyRatioToUplotMedian: round(
      median(central.map((r) => r.centralMainThreadBusy / (r.uplotMainThreadBusy ?? NaN))),
    ),
    bedsideThreeWavesP95Median: round(median(central.map((r) => r.bedsideFrameP95Ms ?? NaN))),
  };
  yield {
    bench: 'central.heap-short',
    what: `renderer JS heap after GC, central station with 16 demo beds streaming, growth over ${soakSeconds} s including warm-up (the hour: npm run bench:soak)`,
    unit: 'MB',
    median: round(median(central.map((r) => r.heapGrowthMb ?? NaN))),
    runs: central.map((r) => round(r.heapGrowthMb ?? NaN)),
    heapStartMb: central.map((r) => round(r.heapStartMb ?? NaN)),
    heapEndMb: central.map((r) => round(r.heapEndMb ?? NaN)),
    machine,
  };
  const central32 = await repeat(runs, () => centralRun({ beds: 32, measureSeconds: 10 }));
  yield frameRow(
    'central.frame-time-32',
    'the same with `--demo 32` (the default mix twice over, 8 × 4 tiles on 1920×1080)',
    central32,
  );
  const busyCore = await repeat(runs, () =>
    centralRun({ beds: 16, measureSeconds: 10, busyCore: true }),
  );
  yield frameRow(
    'central.frame-time-busy-core',
    "the 16-bed demo mix while another process keeps one of the machine's cores busy (a bounded loop)",
    busyCore,
  );
  const intellivue = await repeat(runs, () =>
    centralRun({ beds: 16, driver: 'intellivue-mib', measureSeconds: 10 }),
  );
  yield frameRow(
    'central.frame-time-intellivue',
    '16 IntelliVue beds (ECG 500 Hz + pleth + resp): a homogeneous mix, reported beside the case of record',
    intellivue,
  );
}

if (process.argv[1]?.endsWith('central-rows.ts')) {
  const { cpus } = await import('node:os');
  const machine = { cpus: cpus().length, node: process.version };
  for await (const record of centralBenches(Number(process.env.BENCH_RUNS ?? 3), machine)) {
    report(record);
  }
  process.exit(0);
}
