// How many hospital central stations one server instance feeds: a workstation streaming the
// 16-bed demo (this process, enrolled as a user enrols it; its live publisher sends to the relay)
// and K viewers, each following all 16 beds as the station's tiles do (bedLive, the primary
// wave), against the central server in its own process on a fresh PostgreSQL database.
// Measured over the window: the server process's CPU, the bytes each viewer received, and, on a
// few viewers that read every message, the age of each block's newest sample when it arrived
// (the rest only count bytes, so that reading does not starve the server of this machine's two
// cores). Whether a viewer fell behind shows as its bytes against the others'.
//   tsx --import ./test/support/raw-import.mjs test/bench/relay-fanout.ts [VIEWERS...] [--seconds S]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startWorkstation } from '../../electron/host/workstation';
import { startDemo } from '../../electron/host/demo';
import { WS_PATH, serverMessagesIn } from '../../shared/api/wire';
import { freshDatabase } from '../../server/test-support/database';
import { runServerCommand, startServerProcess } from '../../server/test-support/server-process';
import { viewer, until } from '../../server/live/live-clients.test-support';
import { quantile, report, round, processCpuS } from './stats';

const TOKEN = 'bench-relay-fanout-viewer-token';
const BEDS = 16;
/** Viewers that read every message (for the latency); the others count bytes. */
const READING_VIEWERS = 3;

export interface FanoutResult {
  viewers: number;
  serverCpuShare: number;
  /** Bytes per second, per viewer: the median and the least (a viewer left behind shows here). */
  viewerBytesPerSMedian: number;
  viewerBytesPerSMin: number;
  newestSampleAgeP95Ms: number;
  newestSampleAgeP50Ms: number;
}

interface CountingViewer {
  bytes: number;
  ages: number[];
  close(): void;
}

async function countingViewer(
  serverUrl: string,
  bedIds: string[],
  reads: boolean,
): Promise<CountingViewer> {
  const url = new URL(WS_PATH, serverUrl);
  url.protocol = 'ws:';
  url.searchParams.set('token', TOKEN);
  const ws = new WebSocket(url);
  const counted: CountingViewer = { bytes: 0, ages: [], close: () => ws.terminate() };
  ws.on('message', (data: Buffer) => {
    counted.bytes += data.length;
    if (!reads) return;
    const now = Date.now();
    for (const message of serverMessagesIn(JSON.parse(String(data)))) {
      const event = (message as { event?: { type?: string; blocks?: unknown[] } }).event;
      if (event?.type !== 'samples') continue;
      for (const block of (event.blocks ?? []) as {
        t0: number;
        rateHz: number;
        values: number[];
      }[]) {
        const newest = block.t0 + ((block.values.length - 1) * 1000) / block.rateHz;
        counted.ages.push(now - newest);
      }
    }
  });
  ws.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  bedIds.forEach((bedId, i) =>
    ws.send(
      JSON.stringify({
        type: 'subscribe',
        id: i + 1,
        stream: 'bedLive',
        params: { bedId, waveforms: 'primary' },
      }),
    ),
  );
  return counted;
}

export async function fanoutRun(viewerCounts: number[], seconds: number): Promise<FanoutResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ws-bench-fanout-'));
  writeFileSync(join(dir, 'viewer-token'), `${TOKEN}\n`, { mode: 0o600 });
  const database = await freshDatabase('bench_fanout');
  const central = await startServerProcess([
    ...['--db', database.url, '--port', '0', '--host', '127.0.0.1', '--insecure-http'],
    ...['--viewer-token-file', join(dir, 'viewer-token')],
  ]);
  const demo = await startDemo(BEDS);
  const workstation = await startWorkstation({
    dataDir: join(dir, 'data'),
    devices: demo.beds.flatMap((bed) => bed.devices),
    openHid: demo.openHid,
    log: () => {},
  });
  const results: FanoutResult[] = [];
  try {
    const made = await runServerCommand(['enrolment-code', '--db', database.url]);
    await workstation.sync.enrol({ server: central.url, code: made.stdout.trim() });
    const probe = await viewer(central.url, TOKEN);
    const bedIds = await until(
      async () => {
        const status = (await probe.request('getStatus', {})) as { beds: Array<{ id: string }> };
        return status.beds.length >= BEDS && status.beds.map((bed) => bed.id);
      },
      'the 16 beds at the central station',
      60_000,
    );
    await probe.close();
    // Every demo bed's devices connected and streaming before the first count.
    await new Promise((resolve) => setTimeout(resolve, 10_000));

    for (const count of viewerCounts) {
      const viewers = await Promise.all(
        Array.from({ length: count }, (_, i) =>
          countingViewer(central.url, bedIds, i < READING_VIEWERS),
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 3_000)); // snapshots, then steady
      for (const v of viewers) {
        v.bytes = 0;
        v.ages.length = 0;
      }
      const cpuBefore = processCpuS(central.child.pid!);
      const start = performance.now();
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
      const elapsedS = (performance.now() - start) / 1000;
      const cpu = processCpuS(central.child.pid!) - cpuBefore;
      const rates = viewers.map((v) => v.bytes / elapsedS);
      const ages = viewers.flatMap((v) => v.ages);
      viewers.forEach((v) => v.close());
      results.push({
        viewers: count,
        serverCpuShare: cpu / elapsedS,
        viewerBytesPerSMedian: quantile(rates, 0.5),
        viewerBytesPerSMin: Math.min(...rates),
        newestSampleAgeP95Ms: quantile(ages, 0.95),
        newestSampleAgeP50Ms: quantile(ages, 0.5),
      });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    return results;
  } finally {
    await workstation.stop();
    await demo.stop();
    await central.stop();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function* fanoutBench(viewerCounts: number[], seconds: number) {
  for (const result of await fanoutRun(viewerCounts, seconds)) {
    yield {
      bench: `server.relay-fanout-${result.viewers}-viewers-16-beds`,
      what: `one central server instance (own process) relaying a workstation's 16 demo beds to ${result.viewers} hospital central station viewers, each following every bed's primary wave, numerics and alarms`,
      unit: '% of one core',
      serverCpuPercent: round(result.serverCpuShare * 100, 1),
      viewerKBPerSMedian: round(result.viewerBytesPerSMedian / 1000, 1),
      viewerKBPerSMin: round(result.viewerBytesPerSMin / 1000, 1),
      newestSampleAgeP95Ms: round(result.newestSampleAgeP95Ms),
      newestSampleAgeP50Ms: round(result.newestSampleAgeP50Ms),
    };
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const at = process.argv.indexOf('--seconds');
  const seconds = at > 0 ? Number(process.argv[at + 1]) : 20;
  const counts = process.argv
    .slice(2)
    .filter((a, i, all) => /^\d+$/.test(a) && all[i - 1] !== '--seconds')
    .map(Number);
  for await (const record of fanoutBench(counts.length > 0 ? counts : [1, 8, 32], seconds)) {
    report(record);
  }
  process.exit(0);
}
