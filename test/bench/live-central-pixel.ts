// Issue 15's live goal, measured to the pixel: a HealthyPi 5 simulator whose ECG values count up
// (child process) writes into a pseudo-terminal; the workstation core (this process, enrolled
// as a user would enrol it) decodes it and its live publisher sends it to the central server's
// relay (its own process, on a fresh PostgreSQL database, loopback); the hospital central
// station in Debian's Chromium, served by that server, draws it on the bed's tile. Each ECG
// value's latency is the end of the draw that first showed it minus the moment its bytes left
// the simulator (sampleLatencies, as the workstation's own byte-to-pixel bench counts).
// With `demoBeds`, a second workstation (the CLI, its own process) enrolled on the same server
// streams that many demo beds too, so the station draws a ward, not one tile: the case a charge
// nurse runs.
//   tsx --import ./test/support/raw-import.mjs test/bench/live-central-pixel.ts [SECONDS] [DEMO_BEDS]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { openPtyPair } from '../../electron/host/devices/simulators/pty-pair';
import { startWorkstation } from '../../electron/host/workstation';
import { freshDatabase } from '../../server/test-support/database';
import { runServerCommand, startServerProcess } from '../../server/test-support/server-process';
import { CHROMIUM_LAUNCH } from '../support/chromium';
import { runCli, type RunningCommand } from '../support/processes';
import { recordedDraws, sampleLatencies } from './live';
import { playCounter } from './counter-run';
import { quantile, report, round } from './stats';

const ECG = 'MDC_ECG_ELEC_POTL';

export interface CentralPixelResult {
  latencyP50Ms: number;
  latencyP95Ms: number;
  drawnSamples: number;
  draws: number;
  /** The workstation's event-loop lag (it decodes, stores and publishes). */
  eventLoopLagP99Ms: number;
}

export async function liveCentralPixelRun(
  seconds: number,
  demoBeds = 0,
): Promise<CentralPixelResult> {
  const dir = mkdtempSync(join(tmpdir(), 'ws-bench-central-pixel-'));
  const pair = await openPtyPair(dir, 'hp5');
  const database = await freshDatabase('bench_central_pixel');
  const central = await startServerProcess([
    ...['--db', database.url, '--port', '0', '--host', '127.0.0.1', '--insecure-http'],
  ]);
  const workstation = await startWorkstation({
    dataDir: join(dir, 'data'),
    devices: [{ driver: 'healthypi5', path: pair.devicePath, bed: 'Bed 1' }],
    log: () => {},
  });
  const browser = await chromium.launch(CHROMIUM_LAUNCH);
  let ward: RunningCommand | null = null;
  try {
    const station = /Hospital central station at (\S+)/.exec(central.stdout())?.[1];
    if (!station) throw new Error(`the server named no station address:\n${central.stdout()}`);
    const made = await runServerCommand(['enrolment-code', '--db', database.url]);
    if (made.code !== 0) throw new Error(`enrolment-code failed: ${made.stderr}`);
    await workstation.sync.enrol({ server: central.url, code: made.stdout.trim() });

    if (demoBeds > 0) {
      const wardCode = await runServerCommand(['enrolment-code', '--db', database.url]);
      const wardData = join(dir, 'ward');
      const enrol = runCli([
        ...['enrol', '--data', wardData, '--server', central.url],
        ...['--code', wardCode.stdout.trim(), '--name', 'Ward'],
      ]);
      await enrol.waitForLine(/nrolled/i, 30_000);
      await enrol.stop();
      ward = runCli([
        ...['serve', '--port', '0', '--data', wardData, '--token', 'bench-central-pixel-ward'],
        ...['--demo', String(demoBeds)],
      ]);
      await ward.waitForLine(/Workstation ready at/, 120_000);
    }

    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const url = new URL(station);
    url.searchParams.set('metrics', '1');
    await page.goto(url.toString());
    await page.locator('[data-bed-id] canvas').first().waitFor({ timeout: 60_000 });
    await page.locator('[data-bed-id] canvas').nth(demoBeds).waitFor({ timeout: 60_000 });
    await new Promise((resolve) => setTimeout(resolve, 300));

    const { sentAt, eventLoopLagP99Ms } = await playCounter(pair.simulatorPath, seconds);
    await new Promise((resolve) => setTimeout(resolve, 500)); // the last batches are drawn

    // To look at the station as the charge nurse sees it during the run.
    if (process.env.BENCH_SCREENSHOT) await page.screenshot({ path: process.env.BENCH_SCREENSHOT });
    // Only the counting bed's draws (the ward's ECG shares the channel's code).
    const bedId = `${workstation.id}/bed-1`;
    const drawn = await recordedDraws(page, bedId);
    // The first tenth of the draws is connection set-up.
    const latencies = sampleLatencies(drawn, sentAt, ECG, Math.floor(drawn.length * 0.1));
    if (latencies.everySample.length === 0) {
      throw new Error(`the station drew no ECG value the simulator sent (${drawn.length} draws)`);
    }
    return {
      latencyP50Ms: quantile(latencies.everySample, 0.5),
      latencyP95Ms: quantile(latencies.everySample, 0.95),
      drawnSamples: latencies.everySample.length,
      draws: latencies.draws,
      eventLoopLagP99Ms,
    };
  } finally {
    await ward?.stop();
    await browser.close();
    await workstation.stop();
    await central.stop();
    await database.drop();
    await pair.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const demoBeds = Number(process.argv[3] ?? 0);
  const result = await liveCentralPixelRun(Number(process.argv[2] ?? 15), demoBeds);
  report({
    bench: `live.byte-to-central-pixel${demoBeds > 0 ? `-with-${demoBeds}-demo-beds` : ''}`,
    unit: 'ms',
    p50: round(result.latencyP50Ms),
    p95: round(result.latencyP95Ms),
    drawnSamples: result.drawnSamples,
    draws: result.draws,
    eventLoopLagP99Ms: round(result.eventLoopLagP99Ms),
  });
  process.exit(0);
}
