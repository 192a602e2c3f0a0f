// The hospital's patient list on a workstation: a census of 10,000 patients pulled from a
// stand-in central server over real HTTP on loopback (pages of 500, the wire's most) into the
// real store worker, as the workstation's census puller does it, checked page by page and kept
// with its cursor; then a nurse's search of it (part of a name, 20 at most, admitted first), as
// the admission form asks it. No goal in the issue: the figures say what a first link costs and
// how quick the picker stays. One JSON line each; medians of BENCH_RUNS runs.
// Alone: `tsx --import ./test/support/raw-import.mjs test/bench/census-pull.ts`.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../electron/host/store/client';
import { CensusPuller } from '../../electron/host/sync/census-puller';
import type { CensusEntry } from '../../shared/sync/census';
import { CentralStandIn } from '../support/central-stand-in';
import { median, quantile, report, round } from './stats';
import { BUNDLED_STORE_WORKER } from './store-queries';

const PATIENTS = 10_000;
const SEARCHES = 200;

function census(): CensusEntry[] {
  return Array.from({ length: PATIENTS }, (_, i) => ({
    seq: i + 1,
    mrn: `BENCH-${String(i).padStart(6, '0')}`,
    familyName: `Fictional${i % 997}`,
    givenName: `Patient ${i}`,
    birthDate: `19${String(30 + (i % 70)).padStart(2, '0')}-0${1 + (i % 9)}-1${i % 10}`,
    sex: i % 2 ? 'F' : 'M',
    status: i % 4 === 0 ? 'discharged' : 'admitted',
    visitNumber: `V${i}`,
    location: { unit: `Ward ${i % 30}`, room: String(i % 12), bed: String(i % 4), facility: 'GH' },
    admittedAtMs: 1_700_000_000_000 + i,
    dischargedAtMs: null,
    updatedAtMs: 1_700_000_000_000 + i,
    lastEvent: 'A01',
  }));
}

export async function censusPullBench(): Promise<{
  pullMs: number;
  searchP50: number;
  searchP95: number;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-census-'));
  const central = await CentralStandIn.start();
  central.census = census();
  const store = await openStore({
    dataDir: join(dir, 'pgdata'),
    workstationId: 'bench',
    workerScript: BUNDLED_STORE_WORKER,
  });
  try {
    const link = {
      endpoint: { serverUrl: central.url, caPem: null },
      credential: central.credential,
      workstationId: 'bench',
      serverId: 'stand-in',
    };
    const puller = new CensusPuller({ outbox: store.outbox, link: () => link, log: () => {} });
    const started = performance.now();
    while (await puller.pullOnce(link)) {
      // page after page until the server says nothing more waits
    }
    const pullMs = performance.now() - started;
    const { patients } = await store.census.state();
    if (patients !== PATIENTS) throw new Error(`${patients} kept of ${PATIENTS}`);
    const times: number[] = [];
    for (let i = 0; i < SEARCHES; i++) {
      const t0 = performance.now();
      const found = await store.census.search(`fictional${(i * 37) % 997}`, 20);
      times.push(performance.now() - t0);
      if (found.length === 0) throw new Error('a search found nothing');
    }
    return { pullMs, searchP50: median(times), searchP95: quantile(times, 0.95) };
  } finally {
    await store.close();
    await central.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The two result lines, medians of `runs`. */
export async function censusPullBenches(runs: number): Promise<Record<string, unknown>[]> {
  const machine = { cpus: cpus().length, node: process.version };
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await censusPullBench());
  return [
    {
      bench: 'census.pull-10k',
      what: `a census of ${PATIENTS} hospital patients pulled in pages of 500 over loopback HTTP into the workstation store (checked, kept with its cursor)`,
      unit: 'ms',
      median: round(median(results.map((r) => r.pullMs))),
      runs: results.map((r) => round(r.pullMs)),
      machine,
    },
    {
      bench: 'census.search',
      what: `a nurse's search of the ${PATIENTS}-patient census by part of a name (20 at most, admitted first), ${SEARCHES} searches per run`,
      unit: 'ms',
      p50Median: round(median(results.map((r) => r.searchP50))),
      p95Median: round(median(results.map((r) => r.searchP95))),
      runsP95: results.map((r) => round(r.searchP95)),
      machine,
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of await censusPullBenches(Number(process.env.BENCH_RUNS ?? 3))) report(line);
}
