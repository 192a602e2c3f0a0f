// The live path through the central server, measured end to end on loopback: a HealthyPi 5
// simulator whose ECG values count up (child process) writes into a pseudo-terminal; the
// workstation core (this process) decodes it and its live publisher sends it to the relay of a
// central server (this process too, on a fresh PostgreSQL database); a viewer on the hospital
// central station's WebSocket receives it. Each ECG value's latency is its arrival at the viewer
// minus the moment its bytes left the simulator. Run alone:
//   tsx --import ./test/support/raw-import.mjs test/bench/live-relay.ts [SECONDS]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPtyPair } from '../../electron/host/devices/simulators/pty-pair';
import { startWorkstation } from '../../electron/host/workstation';
import { startLivePublisher } from '../../electron/host/sync/live-publisher';
import { startTestCentral } from '../../server/test-support/central';
import { until, viewer } from '../../server/live/live-clients.test-support';
import { playCounter } from './counter-run';
import { quantile, report, round } from './stats';

const TOKEN = 'bench-viewer-token-0123456789abcdef';

export interface LiveRelayResult {
  latencyP50Ms: number;
  latencyP95Ms: number;
  latencyP99Ms: number;
  samples: number;
  /** The workstation's event-loop lag (it decodes, stores, publishes; the server is here too). */
  eventLoopLagP99Ms: number;
  droppedSampleEvents: number;
}

export async function liveRelayRun(seconds: number): Promise<LiveRelayResult> {
  const dir = mkdtempSync(join(tmpdir(), 'ws-bench-relay-'));
  const pair = await openPtyPair(dir, 'hp5');
  const central = await startTestCentral({ viewerToken: TOKEN });
  const workstation = await startWorkstation({
    dataDir: join(dir, 'data'),
    devices: [{ driver: 'healthypi5', path: pair.devicePath, bed: 'Bed 1' }],
    log: () => {},
  });
  const credential = await central.enrol(workstation.id, 'Bench station');
  const publisher = startLivePublisher({
    source: workstation,
    link: () => ({ serverUrl: central.url, credential }),
    log: () => {},
  });
  const view = await viewer(central.url, TOKEN);
  try {
    const bedId = `${workstation.id}/bed-1`;
    await until(async () => {
      const status = (await view.request('getStatus', {})) as { beds: Array<{ id: string }> };
      return status.beds.some((bed) => bed.id === bedId);
    }, 'the bed at the central station');
    // Arrival time of every ECG value at the viewer (the tile's wave: the ECG).
    const arrivedAt = new Map<number, number>();
    view.ws.on('message', (data) => {
      const now = Date.now();
      const text = String(data);
      if (!text.includes('"samples"')) return;
      for (const message of [JSON.parse(text)].flat() as Array<{
        event?: { type: string; blocks?: Array<{ channel: string; values: number[] }> };
      }>) {
        if (message.event?.type !== 'samples') continue;
        for (const block of message.event.blocks ?? []) {
          if (!block.channel.startsWith('MDC_ECG_ELEC_POTL')) continue;
          for (const value of block.values) if (!arrivedAt.has(value)) arrivedAt.set(value, now);
        }
      }
    });
    view.subscribe('bedLive', { bedId, waveforms: 'primary' });

    const { sentAt, eventLoopLagP99Ms } = await playCounter(pair.simulatorPath, seconds);
    await new Promise((resolve) => setTimeout(resolve, 500)); // the last batches arrive
    // The first tenth is connection set-up (the device's start, the first snapshot).
    const from = Math.floor(sentAt.length * 0.1);
    const latencies: number[] = [];
    for (let value = from; value < sentAt.length; value++) {
      const arrived = arrivedAt.get(value);
      if (arrived !== undefined) latencies.push(arrived - sentAt[value]!);
    }
    return {
      latencyP50Ms: quantile(latencies, 0.5),
      latencyP95Ms: quantile(latencies, 0.95),
      latencyP99Ms: quantile(latencies, 0.99),
      samples: latencies.length,
      eventLoopLagP99Ms,
      droppedSampleEvents: publisher.status().droppedSampleEvents,
    };
  } finally {
    await view.close();
    await publisher.stop();
    await workstation.stop();
    await central.stop();
    await pair.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const seconds = Number(process.argv[2] ?? 20);
  const result = await liveRelayRun(seconds);
  report({
    bench: 'live.byte-to-relay-viewer',
    unit: 'ms',
    p50: round(result.latencyP50Ms),
    p95: round(result.latencyP95Ms),
    p99: round(result.latencyP99Ms),
    samples: result.samples,
    eventLoopLagP99Ms: round(result.eventLoopLagP99Ms),
    droppedSampleEvents: result.droppedSampleEvents,
  });
  process.exit(0);
}
