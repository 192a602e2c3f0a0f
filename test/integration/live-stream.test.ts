// The live stream as a central station receives it, with real parts: a HealthyPi 5 simulator
// (~100 frames a second) on a real pseudo-terminal, the workstation core, the browser shell and a
// WebSocket client. Two viewers of the same bed, a bedside (every wave) and a central tile (the
// first wave only), each see every sample the bus carried, exactly once and in order, in a few
// dozen WebSocket messages a second (one message per event before: ~390 a second for this bed,
// which stalled a 16-bed central station, issue 14).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { openPtyPair, type PtyPair } from '../../electron/host/devices/simulators/pty-pair';
import { startWorkstation, type Workstation } from '../../electron/host/workstation';
import { startBrowserShell, type BrowserShell } from '../../electron/cli/serve/server';
import { BedLiveEvent } from '../../shared/api/contract';
import { ServerMessage, serverMessagesIn } from '../../shared/api/wire';
import type { SampleBlock } from '../../shared/model/schemas';
import { runHealthypi5OnPort, type Healthypi5OnPort } from '../support/healthypi5-on-port';
import { sleep, waitFor } from '../support/wait-for';

const TOKEN = 'live-stream-test-token-0123';
const WATCH_MS = 4000;

interface Viewer {
  messages: number;
  blocks: SampleBlock[];
  close(): void;
}

async function view(port: number, bedId: string, waveforms: 'all' | 'primary'): Promise<Viewer> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/ws?token=${TOKEN}`);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const viewer: Viewer = { messages: 0, blocks: [], close: () => ws.close() };
  ws.on('message', (data) => {
    viewer.messages += 1;
    const parsed = JSON.parse(String(data)) as unknown;
    for (const one of serverMessagesIn(parsed)) {
      const message = ServerMessage.parse(one);
      if (message.type !== 'event') continue;
      const event = BedLiveEvent.parse(message.event);
      if (event.type === 'samples') viewer.blocks.push(...event.blocks);
    }
  });
  ws.send(
    JSON.stringify({ type: 'subscribe', id: 1, stream: 'bedLive', params: { bedId, waveforms } }),
  );
  return viewer;
}

/** One channel's blocks and samples, in arrival order. */
function timeline(blocks: readonly SampleBlock[], channel: string) {
  const mine = blocks.filter((b) => b.channel === channel);
  return { mine, values: mine.flatMap((b) => b.values), firstT0: mine[0]?.t0 };
}

describe('the live stream of a HealthyPi 5 bed', () => {
  let dir: string;
  let pair: PtyPair;
  let workstation: Workstation;
  let shell: BrowserShell;
  let device: Healthypi5OnPort;
  const onBus: SampleBlock[] = [];
  let bedside: Viewer;
  let tile: Viewer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ws-live-stream-'));
    pair = await openPtyPair(dir, 'hp5');
    workstation = await startWorkstation({
      dataDir: join(dir, 'data'),
      devices: [{ driver: 'healthypi5', path: pair.devicePath }],
      log: () => {},
    });
    shell = await startBrowserShell({
      router: workstation.router,
      rendererDir: dir,
      port: 0,
      token: TOKEN,
      log: () => {},
    });
    await waitFor(
      'the host to open the port',
      () => [...workstation.sessions.values()].find((s) => s.status().state === 'connecting'),
      5000,
    );
    device = await runHealthypi5OnPort(pair.simulatorPath);
    const bedId = [...workstation.beds.keys()][0]!;
    workstation.bus.on('samples', (block) => onBus.push(block));
    await waitFor('the first samples', () => (onBus.length > 0 ? true : undefined), 10_000);
    bedside = await view(shell.port, bedId, 'all');
    tile = await view(shell.port, bedId, 'primary');
    await sleep(WATCH_MS);
  }, 30_000);

  afterAll(async () => {
    bedside?.close();
    tile?.close();
    device?.simulator.stop();
    await device?.port.close();
    await shell?.close();
    await workstation?.stop();
    await pair?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('comes in a few dozen messages a second, not one per frame and channel', () => {
    const perSecond = bedside.messages / (WATCH_MS / 1000);
    const busBlocksPerSecond = onBus.length / (WATCH_MS / 1000);
    expect(busBlocksPerSecond).toBeGreaterThan(250); // what used to be sent one by one
    expect(perSecond).toBeLessThan(40);
    expect(tile.messages / (WATCH_MS / 1000)).toBeLessThan(40);
  });

  it('carries every displayed sample the bus carried, exactly once, in order, without gaps', () => {
    for (const channel of ['MDC_ECG_ELEC_POTL', 'MDC_PULS_OXIM_PLETH', 'MDC_IMPED_TTHOR']) {
      const sent = timeline(bedside.blocks, channel);
      const bus = timeline(onBus, channel);
      expect(sent.values.length).toBeGreaterThan(200);
      // The viewer subscribed after the bus listener: from the bus block it started with on, the
      // bus carried exactly what the viewer got (and more, still waiting, at the end).
      const start = bus.mine.findIndex((b) => b.t0 === sent.firstT0);
      expect(start).toBeGreaterThanOrEqual(0);
      const fromStart = bus.mine.slice(start).flatMap((b) => b.values);
      expect(fromStart.length).toBeGreaterThanOrEqual(sent.values.length);
      expect(sent.values).toEqual(fromStart.slice(0, sent.values.length));
      // Blocks are joined only where the device's clock runs on (a re-stamped block stays
      // apart): every block the viewer got starts where one of the bus's did.
      const busStarts = new Set(bus.mine.map((b) => b.t0));
      expect(sent.mine.every((b) => busStarts.has(b.t0))).toBe(true);
      expect(sent.mine.length).toBeLessThan(bus.mine.length / 2);
    }
    // A channel the device does not display never travels.
    expect(bedside.blocks.some((b) => b.channel === 'HPI5_PPG_RED')).toBe(false);
  });

  it('sends a central tile only the wave it draws', () => {
    expect(new Set(tile.blocks.map((b) => b.channel))).toEqual(new Set(['MDC_ECG_ELEC_POTL']));
    const ecg = timeline(tile.blocks, 'MDC_ECG_ELEC_POTL');
    expect(ecg.values.length).toBeGreaterThan(400);
  });
});
