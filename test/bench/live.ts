// The live path measured end to end: a HealthyPi 5 simulator (child process) writes into a
// pseudo-terminal, the workstation core (this process) decodes, stores and streams, the browser
// shell serves Debian's Chromium, which draws. Reports device-byte-to-pixel latency and this
// process's event-loop lag while all of that runs.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { openPtyPair } from '../../electron/host/devices/simulators/pty-pair';
import { quantile } from './stats';
import { startBrowserRig } from './browser-rig';
import { openBed } from '../support/simulated-bed';

const LAG_RESOLUTION_MS = 2;

export interface LiveResult {
  latencyP50Ms: number;
  latencyP95Ms: number;
  drawnSamples: number;
  eventLoopLagP99Ms: number;
  storedSamples: number;
}

/** `central`: the tile of the central station draws the trace; `bedside`: the bed's own view. */
export async function liveRun(
  seconds: number,
  view: 'bedside' | 'central' = 'bedside',
): Promise<LiveResult> {
  const dir = mkdtempSync(join(tmpdir(), 'ws-bench-live-'));
  const pair = await openPtyPair(dir, 'hp5');
  const { workstation, shell, browser, close } = await startBrowserRig(join(dir, 'data'), [
    { driver: 'healthypi5', path: pair.devicePath },
  ]);
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    if (view === 'bedside') {
      await openBed(page, `${shell.url}&metrics=1`);
      await page.getByTestId('waveform-MDC_ECG_ELEC_POTL').waitFor();
    } else {
      await page.goto(`${shell.url}&metrics=1`);
      await page.locator('[data-bed-id] canvas').first().waitFor();
    }
    await new Promise((resolve) => setTimeout(resolve, 300));

    const simulator = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(import.meta.dirname, 'counter-simulator.ts'),
        pair.simulatorPath,
        String(seconds),
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let output = '';
    simulator.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
    await new Promise((resolve) => setTimeout(resolve, 1500)); // connection settles before measuring
    lag.enable();
    await new Promise<void>((resolve) => simulator.once('exit', () => resolve()));
    lag.disable();

    const { sentAt } = JSON.parse(output) as { sentAt: number[] };
    const drawn = await page.evaluate(
      () =>
        (
          window as unknown as {
            __workstationMetrics?: Array<{ channel: string; lastValue: number; drawnAt: number }>;
          }
        ).__workstationMetrics ?? [],
    );
    const latencies = drawn
      .filter(
        (entry) => entry.channel === 'MDC_ECG_ELEC_POTL' && sentAt[entry.lastValue] !== undefined,
      )
      .map((entry) => entry.drawnAt - sentAt[entry.lastValue]!)
      .slice(Math.floor(drawn.length * 0.1)); // the first second is connection set-up
    await workstation.store.flush();
    const counts = await workstation.store.counts();
    return {
      latencyP50Ms: quantile(latencies, 0.5),
      latencyP95Ms: quantile(latencies, 0.95),
      drawnSamples: latencies.length,
      // The histogram records whole timer intervals; lag is how far past its interval a timer fired.
      eventLoopLagP99Ms: Math.max(0, lag.percentile(99) / 1e6 - LAG_RESOLUTION_MS),
      storedSamples: counts.samples,
    };
  } finally {
    await close();
    await pair.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
