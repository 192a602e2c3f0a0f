// Typical figures behind the device tests whose bounds leave room for a loaded machine: how far a
// stored sample's time lies from the simulator's own clock, and how soon a pulled cable is seen.
// HealthyPi 5 simulator → socat pty → serialport → session → acquisition, as in the tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeviceAcquisition } from '../../electron/host/acquisition/device-acquisition';
import { Bus } from '../../electron/host/bus';
import { healthypi5 } from '../../electron/host/devices/drivers/healthypi5';
import { DeviceSession } from '../../electron/host/devices/session';
import { openPtyPair, type PtyPair } from '../../electron/host/devices/simulators/pty-pair';
import { serialOpener } from '../../electron/host/devices/transports/serial';
import type { DeviceStatus } from '../../shared/model/schemas';
import { runHealthypi5OnPort } from '../support/healthypi5-on-port';
import { waitFor } from '../support/wait-for';
import { quantile } from './stats';

const PERIOD_MS = 1000 / 128;

interface Rig {
  pair: PtyPair;
  session: DeviceSession;
  bus: Bus;
  statuses: Array<DeviceStatus & { seenAt: number }>;
  close(): Promise<void>;
}

async function rig(dir: string): Promise<Rig> {
  const pair = await openPtyPair(dir, 'hp5');
  const bus = new Bus();
  const acquisition = new DeviceAcquisition('bed-1', 'hp5', healthypi5.descriptor, bus);
  const statuses: Rig['statuses'] = [];
  const session = new DeviceSession({
    id: 'hp5',
    bedId: 'bed-1',
    driver: healthypi5,
    path: pair.devicePath,
    open: serialOpener(healthypi5.descriptor.serial!),
    onFrames: (frames, arrivalMs) => acquisition.ingest(frames, arrivalMs),
    onStatus: (status) => statuses.push({ ...status, seenAt: Date.now() }),
    onConnectionStart: () => acquisition.reset(),
  });
  await waitFor('the port to open', () => session.status().state === 'connecting', 5000);
  return {
    pair,
    session,
    bus,
    statuses,
    async close() {
      await session.stop();
      await pair.close();
    },
  };
}

/**
 * Worst distance (ms) between a stored ECG sample's time and the time the simulator's clock made
 * it due, over `seconds` of streaming (the integration test bounds it at two sample periods).
 */
export async function sampleClockError(seconds = 3): Promise<{ worstMs: number; p95Ms: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-clock-'));
  const device = await rig(dir);
  const stamps: number[] = [];
  device.bus.on('samples', (block) => {
    if (block.channel !== 'MDC_ECG_ELEC_POTL') return;
    block.values.forEach((_, k) => stamps.push(block.t0 + (k * 1000) / block.rateHz));
  });
  const { simulator, port } = await runHealthypi5OnPort(device.pair.simulatorPath);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  simulator.stop();
  const startedAt = simulator.startedAt!;
  await new Promise((r) => setTimeout(r, 300));
  await port.close();
  await device.close();
  rmSync(dir, { recursive: true, force: true });
  const errors = stamps.map((stored, index) => Math.abs(stored - (startedAt + index * PERIOD_MS)));
  return { worstMs: Math.max(...errors), p95Ms: quantile(errors, 0.95) };
}

/** Milliseconds from pulling the cable (the pty pair removed) to the session saying so. */
export async function disconnectLatency(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-unplug-'));
  const device = await rig(dir);
  const { simulator, port } = await runHealthypi5OnPort(device.pair.simulatorPath);
  await waitFor('data', () => device.session.status().state === 'connected', 5000);
  simulator.stop();
  const pulledAt = Date.now();
  await device.pair.close();
  const seen = await waitFor(
    'the disconnection',
    () => device.statuses.find((s) => s.state === 'disconnected' && s.seenAt >= pulledAt),
    5000,
  );
  await port.close().catch(() => {});
  await device.session.stop();
  rmSync(dir, { recursive: true, force: true });
  return seen.seenAt - pulledAt;
}
