// Issue 19's rollout goal: from "release published" to "ready to install" on 100 simulated
// workstations, loopback, staging 100 %: <= 60 s. The central server in its own process (real
// PostgreSQL, the release in its chunks, then its own checked copy); 100 workstations' update
// services in this process, each enrolled, with its own data folder, the default feed interval
// (CHECK_EVERY_MS), switched on at a random moment of it, each with a bed monitored (so each stops
// at "ready"), and each with its live link to the server's relay (the workstation's own
// LivePublisher, no beds), over which the server says "feed changed" when IT publishes; each then
// reads the feed within a random NOTICE_SPREAD_MS. The clock starts when IT's publish call returns. Then the server alone: 100
// downloads at once by clients that only count bytes. The installer's size is
// UPDATE_BENCH_MIB (default 110, an Electron AppImage's size). `npm run bench`, or alone:
// `tsx --import ./test/support/raw-import.mjs test/bench/update-rollout.ts`.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { get as httpGet } from 'node:http';
import { join } from 'node:path';
import { enrolOn } from '../../server/test-support/central';
import { publish, releaseKit, uploadRelease } from '../../server/test-support/releases';
import { PUBLIC_KEY_FILE } from '../../server/releases/release-signing';
import { trustedKeyFrom } from '../../electron/host/update/signature';
import {
  CHECK_EVERY_MS,
  NOTICE_SPREAD_MS,
  UpdateService,
} from '../../electron/host/update/update-service';
import { LivePublisher } from '../../electron/host/sync/live-publisher';
import { startBenchServer } from './bench-server';
import { median, report, round } from './stats';

const WORKSTATIONS = 100;
const FILE_BYTES = Number(process.env.UPDATE_BENCH_MIB ?? 110) * 1024 * 1024;
const VERSION = '1.1.0';
/** UPDATE_BENCH_NOTICE=0: no live links, the periodic read alone (as before the notice). */
const NOTICE = process.env.UPDATE_BENCH_NOTICE !== '0';

export interface RolloutRun {
  /** Publish returned → the last of the 100 said "ready". */
  allReadyMs: number;
  /** → half of them. */
  medianReadyMs: number;
  /** → the last of them had read the feed and begun its download (what the notice shortens). */
  allDownloadingMs: number;
  /** The server alone: 100 downloads of the file at once by clients that only count the bytes. */
  serveAllMs: number;
}

/** `count` GETs of `path` at once, each read to the end and counted; the time for all. */
async function downloadsAtOnce(url: string, path: string, count: number, size: number) {
  const started = performance.now();
  await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((resolve, reject) => {
          httpGet(new URL(path, url), { agent: false }, (res) => {
            let bytes = 0;
            res.on('data', (chunk: Buffer) => (bytes += chunk.byteLength));
            res.on('end', () =>
              bytes === size ? resolve() : reject(new Error(`${bytes} of ${size} bytes`)),
            );
            res.on('error', reject);
          }).on('error', reject);
        }),
    ),
  );
  return performance.now() - started;
}

export async function updateRolloutBench(): Promise<RolloutRun> {
  const kit = await releaseKit();
  const wsRoot = mkdtempSync(join(tmpdir(), 'update-ws-'));
  const central = await startBenchServer([
    '--update-public-key',
    join(kit.dir, 'keys', PUBLIC_KEY_FILE),
  ]);
  const { server } = central;
  const services: UpdateService[] = [];
  const links: LivePublisher[] = [];
  try {
    const path = await kit.file(`clinical-workstation-${VERSION}.AppImage`, FILE_BYTES);
    await uploadRelease(server.url, await kit.sign(VERSION, 'linux', [path]), [path]);
    const key = trustedKeyFrom(
      readFileSync(join(kit.dir, 'keys', PUBLIC_KEY_FILE), 'utf8'),
      PUBLIC_KEY_FILE,
    );
    const readyAt: number[] = [];
    const downloadingAt: number[] = [];
    let publishedAt = Infinity;
    let publishing = false;
    // A workstation told before the publish call has returned counts as at once.
    const sincePublished = () => Math.max(0, performance.now() - publishedAt);
    for (let i = 0; i < WORKSTATIONS; i++) {
      const id = `ws-rollout-${i}`;
      const credential = await enrolOn(server.url, id, `Rollout ${i}`);
      const service = new UpdateService({
        dataDir: mkdtempSync(join(wsRoot, 'ws-')),
        workstationId: id,
        runningVersion: '1.0.0',
        platform: 'linux',
        channel: 'stable',
        link: () => ({ serverUrl: server.url, credential }),
        monitoredBeds: () => [{ bedId: 'bed-1', label: 'Bed 1', patient: null, devices: 1 }],
        keys: [key],
        installer: { install: async () => undefined },
        log: () => undefined,
      });
      let ready = false;
      let downloading = false;
      service.subscribe((status) => {
        if (!downloading && status.offeredVersion === VERSION && publishing) {
          downloading = true;
          downloadingAt.push(sincePublished());
        }
        if (!ready && status.state === 'ready' && status.offeredVersion === VERSION) {
          ready = true;
          readyAt.push(sincePublished());
        }
      });
      services.push(service);
      if (NOTICE)
        links.push(
          new LivePublisher({
            source: {
              id,
              router: { subscribe: () => () => undefined },
              beds: new Map(),
              bus: { on: () => () => undefined },
            },
            link: () => ({ serverUrl: server.url, credential }),
            log: () => undefined,
            onUpdateFeed: (notice) => service.feedChanged(notice),
          }).start(),
        );
      // Switched on at a random moment of one feed interval.
      setTimeout(() => service.start(), Math.random() * CHECK_EVERY_MS).unref();
    }
    await new Promise((resolve) => setTimeout(resolve, CHECK_EVERY_MS + 1_000));
    const connected = () => links.filter((l) => l.status().state === 'connected').length;
    for (let waited = 0; connected() < links.length && waited < 30_000; waited += 100)
      await new Promise((resolve) => setTimeout(resolve, 100));
    if (connected() < links.length)
      throw new Error(`only ${connected()} of ${WORKSTATIONS} live links connected`);
    publishing = true;
    const published = await publish(server.url, 'stable', 'linux', VERSION, 100);
    if (published.status !== 200) throw new Error(`publish: ${published.status} ${published.text}`);
    publishedAt = performance.now();
    const deadline = Date.now() + 300_000;
    while (readyAt.length < WORKSTATIONS && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    if (readyAt.length < WORKSTATIONS)
      throw new Error(`only ${readyAt.length} of ${WORKSTATIONS} were ready after 5 minutes`);
    readyAt.sort((a, b) => a - b);
    await Promise.all(services.map((s) => s.stop()));
    const serveAllMs = await downloadsAtOnce(
      server.url,
      `/updates/stable/${encodeURIComponent(`clinical-workstation-${VERSION}.AppImage`)}`,
      WORKSTATIONS,
      FILE_BYTES,
    );
    return {
      allReadyMs: readyAt[readyAt.length - 1]!,
      allDownloadingMs: Math.max(...downloadingAt),
      medianReadyMs: median(readyAt),
      serveAllMs,
    };
  } finally {
    await Promise.all(links.map((l) => l.stop()));
    await Promise.all(services.map((s) => s.stop()));
    await central.stop();
    await kit.remove();
    rmSync(wsRoot, { recursive: true, force: true });
  }
}

export async function updateRolloutBenches(runs: number): Promise<Record<string, unknown>[]> {
  const machine = { cpus: cpus().length, node: process.version };
  const results: RolloutRun[] = [];
  for (let i = 0; i < runs; i++) results.push(await updateRolloutBench());
  return [
    {
      bench: NOTICE ? 'update.rollout-100' : 'update.rollout-100-no-notice',
      what: `release published (staging 100 %) → "ready to install" on all of ${WORKSTATIONS} workstations (${FILE_BYTES / 1024 / 1024} MiB installer each, ${NOTICE ? `told by the server over each one's live link and read within a random ${NOTICE_SPREAD_MS / 1000} s, the periodic read every ${CHECK_EVERY_MS / 1000} s kept` : `no live link: the periodic read every ${CHECK_EVERY_MS / 1000} s alone`}, started at random moments), central server in its own process, loopback`,
      unit: 'ms',
      median: round(median(results.map((r) => r.allReadyMs))),
      runs: results.map((r) => round(r.allReadyMs)),
      halfReadyMedian: round(median(results.map((r) => r.medianReadyMs))),
      allDownloadingMedian: round(median(results.map((r) => r.allDownloadingMs))),
      allDownloadingRuns: results.map((r) => round(r.allDownloadingMs)),
      goal: '<= 60000 ms',
      machine,
    },
    {
      bench: 'update.serve-100',
      what: `the central server alone: ${WORKSTATIONS} downloads of the ${FILE_BYTES / 1024 / 1024} MiB installer at once, by clients that only count the bytes (no hashing or writing), loopback`,
      unit: 'ms',
      median: round(median(results.map((r) => r.serveAllMs))),
      runs: results.map((r) => round(r.serveAllMs)),
      machine,
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of await updateRolloutBenches(Number(process.env.BENCH_RUNS ?? 3))) report(line);
}
