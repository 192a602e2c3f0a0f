// The live path measured end to end: a HealthyPi 5 simulator (child process) writes into a
// pseudo-terminal, the workstation core (this process) decodes, stores and streams, the browser
// shell serves Debian's Chromium, which draws. Reports device-byte-to-pixel latency and this
// process's event-loop lag while all of that runs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { openPtyPair } from '../../electron/host/devices/simulators/pty-pair';
import { playCounter } from './counter-run';
import { quantile } from './stats';
import { startBrowserRig } from './browser-rig';
import { openBed } from '../support/simulated-bed';

export interface LiveResult {
  /** Over every ECG sample drawn: its draw's end − the time its frame was written. */
  latencyP50Ms: number;
  latencyP95Ms: number;
  drawnSamples: number;
  /** Draws measured, and the p95 over only the newest sample of each (the earlier measure). */
  draws: number;
  newestSampleP95Ms: number;
  eventLoopLagP99Ms: number;
  storedSamples: number;
}

export interface WaveformDraw {
  channel: string;
  bedId?: string;
  lastValue: number | null;
  drawnAt: number;
}

/**
 * Every sample's latency from the draws the page recorded. The counter simulator's ECG values
 * count up and a trace draws all samples that arrived since its previous draw, so a draw whose
 * newest value is `v` is the first to show every value above the highest drawn before it, up to
 * `v`. The first draws (connection set-up, `skipDraws`) only set where counting starts.
 */
export function sampleLatencies(
  draws: readonly WaveformDraw[],
  sentAtMs: readonly number[],
  channel: string,
  skipDraws: number,
): { everySample: number[]; newestSample: number[]; draws: number } {
  const everySample: number[] = [];
  const newestSample: number[] = [];
  let drawnUpTo = -1;
  let counted = 0;
  for (const [index, draw] of draws.entries()) {
    const newest = draw.lastValue;
    if (draw.channel !== channel || newest === null || newest <= drawnUpTo) continue;
    if (sentAtMs[newest] === undefined) continue;
    const first = drawnUpTo + 1;
    drawnUpTo = newest;
    if (index < skipDraws) continue;
    counted++;
    newestSample.push(draw.drawnAt - sentAtMs[newest]!);
    for (let value = first; value <= newest; value++) {
      everySample.push(draw.drawnAt - sentAtMs[value]!);
    }
  }
  return { everySample, newestSample, draws: counted };
}

/** The draws the page recorded (it was opened with `metrics=1`); only `bedId`'s when given. */
export async function recordedDraws(page: Page, bedId?: string): Promise<WaveformDraw[]> {
  const drawn = await page.evaluate(
    () =>
      (window as unknown as { __workstationMetrics?: WaveformDraw[] }).__workstationMetrics ?? [],
  );
  return bedId === undefined ? drawn : drawn.filter((draw) => draw.bedId === bedId);
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

    const { sentAt, eventLoopLagP99Ms } = await playCounter(pair.simulatorPath, seconds);
    const drawn = await recordedDraws(page);
    // The first tenth of the draws is connection set-up.
    const latencies = sampleLatencies(
      drawn,
      sentAt,
      'MDC_ECG_ELEC_POTL',
      Math.floor(drawn.length * 0.1),
    );
    await workstation.store.flush();
    const counts = await workstation.store.counts();
    return {
      latencyP50Ms: quantile(latencies.everySample, 0.5),
      latencyP95Ms: quantile(latencies.everySample, 0.95),
      drawnSamples: latencies.everySample.length,
      draws: latencies.draws,
      newestSampleP95Ms: quantile(latencies.newestSample, 0.95),
      eventLoopLagP99Ms,
      storedSamples: counts.samples,
    };
  } finally {
    await close();
    await pair.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
