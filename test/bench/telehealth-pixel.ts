// Issue 16's good-link goal, measured to the pixel: device byte → remote viewer pixel. A HealthyPi
// 5 simulator whose ECG values count up (child process) writes into a pseudo-terminal; the
// workstation core (this process, enrolled as a user would enrol it) decodes it and its live
// publisher sends it to the central server (its own process, a fresh PostgreSQL database,
// loopback). The nurse's invitation is real (the workstation's `inviteRemoteClinician`, with the
// patient's consent, through the server), and the remote clinician is Debian's Chromium on the
// server's /telehealth/ page: the name and the code typed in, the one-patient socket at the
// page's own ?pps=, the server's min/max decimation on the way. Each ECG value's latency is the end
// of the viewer's draw that first showed it minus the moment its bytes left the simulator
// (sampleLatencies, as the workstation's and the central station's byte-to-pixel benches count).
// Reports JSON lines: each run, then the medians over BENCH_RUNS (default 3).
//   npm run bench:telehealth-pixel                       (BENCH_SECONDS=120 BENCH_RUNS=3)
//   tsx --import ./test/support/raw-import.mjs test/bench/telehealth-pixel.ts [SECONDS] [RUNS]
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { openPtyPair } from '../../electron/host/devices/simulators/pty-pair';
import { startWorkstation } from '../../electron/host/workstation';
import { freshDatabase } from '../../server/test-support/database';
import { runServerCommand, startServerProcess } from '../../server/test-support/server-process';
import { CHROMIUM_LAUNCH } from '../support/chromium';
import { recordedDraws, sampleLatencies } from './live';
import { playCounter } from './counter-run';
import { median, quantile, report, round } from './stats';

const ECG = 'MDC_ECG_ELEC_POTL';
/** A laptop's browser window, as the e2e spec's viewer. */
const VIEWPORT = { width: 1280, height: 800 };

export interface TelehealthPixelResult {
  latencyP50Ms: number;
  latencyP95Ms: number;
  latencyMaxMs: number;
  drawnSamples: number;
  draws: number;
  /** The points per second per wave the page asked for (?pps= on its socket). */
  pointsPerSecond: number | null;
  /** The workstation's event-loop lag (it decodes, stores and publishes). */
  eventLoopLagP99Ms: number;
  loadAverage1m: number;
}

export async function telehealthPixelRun(seconds: number): Promise<TelehealthPixelResult> {
  const dir = mkdtempSync(join(tmpdir(), 'ws-bench-telehealth-pixel-'));
  const pair = await openPtyPair(dir, 'hp5');
  const database = await freshDatabase('bench_telehealth_pixel');
  // A shared, loaded machine: the server may take longer than the default 20 s to be ready.
  const central = await startServerProcess(
    ['--db', database.url, '--port', '0', '--host', '127.0.0.1', '--insecure-http'],
    90_000,
  );
  const workstation = await startWorkstation({
    dataDir: join(dir, 'data'),
    devices: [{ driver: 'healthypi5', path: pair.devicePath, bed: 'Bed 1' }],
    log: () => {},
  });
  const browser = await chromium.launch(CHROMIUM_LAUNCH);
  try {
    const made = await runServerCommand(['enrolment-code', '--db', database.url]);
    if (made.code !== 0) throw new Error(`enrolment-code failed: ${made.stderr}`);
    await workstation.sync.enrol({ server: central.url, code: made.stdout.trim() });
    await workstation.admitPatient(
      {
        familyName: 'Bench',
        givenName: 'Pixel',
        mrn: 'BENCH-0001',
        birthDate: '1950-01-01',
        category: 'adult',
        bedLabel: 'Bed 1',
      },
      'bench',
    );
    const bed = [...workstation.beds.values()].find((b) => b.label === 'Bed 1');
    if (!bed) throw new Error('the workstation has no Bed 1');

    // The nurse's invitation, with the patient's consent: the link and the code, from the server.
    const consult = (await workstation.router.request(
      'inviteRemoteClinician',
      { bedId: bed.id, minutes: 30, consent: { givenBy: 'patient' } },
      { actor: 'Bench nurse' },
    )) as { url: string | null; code: string | null };
    if (!consult.url || !consult.code) throw new Error('the invitation gave no link or code');
    const link = new URL(consult.url);
    link.search = '?metrics=1';

    // The remote clinician: the link, their name and the code, as the e2e spec types them.
    const page = await browser.newPage({ viewport: VIEWPORT });
    const sockets: string[] = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));
    await page.goto(link.toString());
    await page.getByLabel('Your name').fill('Dr Bench');
    await page.getByLabel('The code the nurse read to you').fill(consult.code);
    await page.getByTestId('viewer-join').click();
    await page.getByTestId('telehealth-live').waitFor({ timeout: 60_000 });
    await page.getByTestId(`waveform-${ECG}`).waitFor({ timeout: 60_000 });
    await new Promise((resolve) => setTimeout(resolve, 300));

    const { sentAt, eventLoopLagP99Ms } = await playCounter(pair.simulatorPath, seconds);
    await new Promise((resolve) => setTimeout(resolve, 500)); // the last envelopes are drawn
    const loadAverage1m = loadavg()[0]!;
    if (process.env.BENCH_SCREENSHOT) await page.screenshot({ path: process.env.BENCH_SCREENSHOT });

    const bedId = `${workstation.id}/${bed.id}`;
    const drawn = await recordedDraws(page, bedId);
    // The first tenth of the draws is connection set-up.
    const latencies = sampleLatencies(drawn, sentAt, ECG, Math.floor(drawn.length * 0.1));
    if (latencies.everySample.length === 0) {
      throw new Error(`the viewer drew no ECG value the simulator sent (${drawn.length} draws)`);
    }
    const pps = sockets
      .map((url) => new URL(url).searchParams.get('pps'))
      .find((value) => value !== null);
    return {
      latencyP50Ms: quantile(latencies.everySample, 0.5),
      latencyP95Ms: quantile(latencies.everySample, 0.95),
      latencyMaxMs: latencies.everySample.reduce((a, b) => Math.max(a, b), 0),
      drawnSamples: latencies.everySample.length,
      draws: latencies.draws,
      pointsPerSecond: pps ? Number(pps) : null,
      eventLoopLagP99Ms,
      loadAverage1m,
    };
  } finally {
    await browser.close();
    await workstation.stop();
    await central.stop();
    await database.drop();
    await pair.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const seconds = Number(process.argv[2] ?? process.env.BENCH_SECONDS ?? 120);
  const runs = Number(process.argv[3] ?? process.env.BENCH_RUNS ?? 3);
  const results: TelehealthPixelResult[] = [];
  for (let run = 1; run <= runs; run++) {
    const loadBefore = loadavg()[0]!;
    const result = await telehealthPixelRun(seconds);
    results.push(result);
    report({
      bench: 'telehealth.byte-to-viewer-pixel.run',
      unit: 'ms',
      run,
      seconds,
      p50: round(result.latencyP50Ms),
      p95: round(result.latencyP95Ms),
      max: round(result.latencyMaxMs),
      drawnSamples: result.drawnSamples,
      draws: result.draws,
      pointsPerSecond: result.pointsPerSecond,
      eventLoopLagP99Ms: round(result.eventLoopLagP99Ms),
      loadAverage1mBefore: round(loadBefore),
      loadAverage1mAfter: round(result.loadAverage1m),
    });
  }
  const of = (pick: (r: TelehealthPixelResult) => number) => round(median(results.map(pick)));
  report({
    bench: 'telehealth.byte-to-viewer-pixel',
    unit: 'ms',
    goal: 'p95 <= 300 (good link)',
    runs,
    seconds,
    p50: of((r) => r.latencyP50Ms),
    p95: of((r) => r.latencyP95Ms),
    p95OfRuns: results.map((r) => round(r.latencyP95Ms)),
    drawnSamples: of((r) => r.drawnSamples),
    eventLoopLagP99Ms: of((r) => r.eventLoopLagP99Ms),
  });
  process.exit(0);
}
