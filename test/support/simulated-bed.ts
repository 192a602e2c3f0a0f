// The rig of the end-to-end bed tests: `workstation serve` on one end of a real pseudo-terminal
// pair and `workstation simulate --driver healthypi5` on the other, as a device plugged into a
// running workstation. Only the device is simulated.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import type { Page } from '@playwright/test';
import { openPtyPair, type PtyPair } from '../../electron/host/devices/simulators/pty-pair';
import { runCli, type RunningCommand } from './processes';

export interface SimulatedBed {
  /** The browser shell's address, token included. */
  url: string;
  serve: RunningCommand;
  /** Its stdin steers the vitals (`spo2 85`, `hr 130`). */
  simulator: RunningCommand;
  pair: PtyPair;
  close(): Promise<void>;
}

export async function startSimulatedBed(options: {
  name: string;
  token: string;
  /** `@Bed 1` and the like, after the device path. */
  bed?: string;
  serveArgs?: string[];
  simulatorArgs: string[];
}): Promise<SimulatedBed> {
  const dir = mkdtempSync(join(tmpdir(), `ws-e2e-${options.name}-`));
  const pair = await openPtyPair(dir, 'hp5');
  const device = `healthypi5:${pair.devicePath}${options.bed ?? ''}`;
  const serve = runCli([
    'serve',
    ...['--port', '0', '--data', join(dir, 'data'), '--device', device],
    ...['--token', options.token],
    ...(options.serveArgs ?? []),
  ]);
  // A loaded machine opens the store slowly; a workstation that never starts is stopped, not left.
  const url = (
    await serve.waitForLine(/Workstation ready at (http:\/\/\S+)/, 60_000).catch(async (error) => {
      await serve.stop();
      await pair.close();
      rmSync(dir, { recursive: true, force: true });
      throw error;
    })
  )[1]!;
  // Let the host open its end first, as a device plugged into a running workstation would.
  await new Promise((r) => setTimeout(r, 500));
  const simulator = runCli([
    'simulate',
    ...['--driver', 'healthypi5', '--port', pair.simulatorPath],
    ...options.simulatorArgs,
  ]);
  await simulator.waitForLine(/Simulating healthypi5/);
  return {
    url,
    serve,
    simulator,
    pair,
    async close() {
      await simulator.stop();
      await serve.stop();
      await pair.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One request of the contract over the browser shell's WebSocket; resolves with its reply. */
export async function apiRequest(
  url: string,
  token: string,
  method: string,
  params: unknown,
): Promise<Record<string, unknown>> {
  const { port } = new URL(url);
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/ws?token=${token}`);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const reply = new Promise<Record<string, unknown>>((resolve) =>
    ws.once('message', (data) => resolve(JSON.parse(String(data)) as Record<string, unknown>)),
  );
  ws.send(JSON.stringify({ type: 'request', id: 1, method, params }));
  try {
    return await reply;
  } finally {
    ws.close();
  }
}

/** Opens the browser shell at the central station and, as a nurse would, the bed's tile. */
export async function openBed(page: Page, url: string, label?: string): Promise<void> {
  await page.goto(url);
  const tiles = page.locator('[data-bed-id]');
  const tile = label === undefined ? tiles.first() : tiles.filter({ hasText: label });
  await tile.getByTestId('open-bed').click();
}
