// The whole acquisition path with real parts: simulator → socat pseudo-terminal pair →
// serialport → driver → acquisition → bus → PGlite on disk (in its worker thread). Only the
// device itself is simulated.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPtyPair, type PtyPair } from '../../electron/host/devices/simulators/pty-pair';
import {
  Healthypi5Simulator,
  syntheticSource,
  type Healthypi5Sample,
} from '../../electron/host/devices/simulators/healthypi5';
import { openSerial } from '../../electron/host/devices/transports/serial';
import type { ByteTransport } from '../../electron/host/devices/transports/byte-transport';
import { healthypi5 } from '../../electron/host/devices/drivers/healthypi5';
import { startWorkstation, type Workstation } from '../../electron/host/workstation';
import type { DeviceStatus } from '../../shared/model/schemas';

const RATE = 128;
const PERIOD_MS = 1000 / RATE;

interface SimulatorRun {
  simulator: Healthypi5Simulator;
  sent: Healthypi5Sample[];
  port: ByteTransport;
}

async function runSimulator(path: string): Promise<SimulatorRun> {
  const sent: Healthypi5Sample[] = [];
  const port = await openSerial(path, healthypi5.descriptor.serial!, {
    onData: () => {},
    onLost: () => {},
  });
  const simulator = new Healthypi5Simulator({
    source: syntheticSource({ hr: 72 }),
    vitals: { hr: 72, spo2: 97, rr: 15, tempC: 36.6 },
    // After the cable is pulled writes fail, as they would on a real port; the test watches the host.
    write: (bytes) => void port.write(bytes).catch(() => {}),
    onFrame: (_index, sample) => sent.push(sample),
  });
  simulator.start();
  return { simulator, sent, port };
}

function waitFor<T>(
  what: string,
  check: () => T | undefined | null | false,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const poll = () => {
      const value = check();
      if (value) return resolve(value);
      if (Date.now() > deadline)
        return reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`));
      setTimeout(poll, 20);
    };
    poll();
  });
}

describe('HealthyPi 5 over a pseudo-terminal into the store', () => {
  let dir: string;
  let pair: PtyPair;
  let workstation: Workstation;
  const deviceEvents: Array<DeviceStatus & { seenAt: number }> = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ws-integration-'));
    pair = await openPtyPair(dir, 'hp5');
    workstation = await startWorkstation({
      dataDir: join(dir, 'data'),
      devices: [{ driver: 'healthypi5', path: pair.devicePath }],
      log: () => {},
    });
    workstation.bus.on('device', (status) => deviceEvents.push({ ...status, seenAt: Date.now() }));
  });

  afterAll(async () => {
    await workstation?.stop();
    await pair?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores every sample the simulator sent, bit-exact, in order, on the simulator clock', async () => {
    // The host must hold the port open before the first frame, or the pty would drop it.
    // The session may have said so before this test listened: its status says it as well.
    await waitFor(
      'the host to open the port',
      () =>
        deviceEvents.find((e) => e.state === 'connecting') ??
        [...workstation.sessions.values()].find((s) => s.status().state === 'connecting'),
      5000,
    );
    const run = await runSimulator(pair.simulatorPath);
    await new Promise((r) => setTimeout(r, 3000));
    run.simulator.stop();
    const startedAt = run.simulator.startedAt!;
    await new Promise((r) => setTimeout(r, 300));
    await run.port.close();
    await workstation.store.flush();

    const deviceId = `healthypi5@${pair.devicePath}`;
    const ecg = await workstation.store.readSamples({ deviceId, channel: 'MDC_ECG_ELEC_POTL' });
    const values = ecg.flatMap((block) => block.values);
    expect(run.sent.length).toBeGreaterThan(3 * RATE - 10);
    expect(values).toEqual(run.sent.map((s) => s.ecg));

    const pleth = (
      await workstation.store.readSamples({ deviceId, channel: 'MDC_PULS_OXIM_PLETH' })
    ).flatMap((b) => b.values);
    expect(pleth).toEqual(run.sent.map((s) => s.ir));
    const red = (
      await workstation.store.readSamples({ deviceId, channel: 'HPI5_PPG_RED' })
    ).flatMap((b) => b.values);
    expect(red).toEqual(run.sent.map((s) => s.red));
    const resp = (
      await workstation.store.readSamples({ deviceId, channel: 'MDC_IMPED_TTHOR' })
    ).flatMap((b) => b.values);
    expect(resp).toEqual(run.sent.filter((s) => !s.biozSkip).map((s) => s.bioz));

    // Sample n of the simulator was due at startedAt + n × period; the store must agree within two
    // periods. The sample clock anchors on the earliest-arriving frames; on a loaded 2-core machine
    // the simulator's own timer and the pty can hold those back a few ms (CI saw 9 ms once).
    let index = 0;
    let worstMs = 0;
    for (const block of ecg) {
      block.values.forEach((_, k) => {
        const stored = block.t0 + (k * 1000) / block.rateHz;
        worstMs = Math.max(worstMs, Math.abs(stored - (startedAt + index * PERIOD_MS)));
        index++;
      });
    }
    expect(worstMs).toBeLessThan(2 * PERIOD_MS);

    const counts = await workstation.store.counts();
    expect(counts.numerics).toBeGreaterThan(0);
    const bed = workstation.beds.get('bed-1')!;
    expect(bed.numerics.get('MDC_PULS_OXIM_SAT_O2')?.value).toBe(97);
    expect(bed.numerics.get('MDC_TEMP_BODY')?.value).toBeCloseTo(36.6, 5);

    // The same samples come back through the api: a strip, and an export as CSV.
    const caller = { actor: 'test' };
    const window = {
      bedId: 'bed-1',
      fromMs: Math.floor(startedAt),
      toMs: Math.ceil(startedAt) + 1000,
    };
    const strip = (await workstation.router.request('getWaveformWindow', window, caller)) as {
      channel: string;
      values: number[];
    }[];
    const stripEcg = strip.find((s) => s.channel === 'MDC_ECG_ELEC_POTL')!;
    expect(stripEcg.values.length).toBeGreaterThan(100);
    expect(ecg.flatMap((b) => b.values).join(',')).toContain(
      stripEcg.values.slice(0, 50).join(','),
    );
    const exported = (await workstation.router.request(
      'exportRecord',
      { ...window, format: 'csv' },
      caller,
    )) as { files: { name: string; base64: string }[] };
    expect(exported.files.map((f) => f.name)).toEqual(
      expect.arrayContaining(['bed_1_128Hz.csv', 'bed_1_annotations.csv']),
    );
    const csv = Buffer.from(exported.files[0]!.base64, 'base64').toString('utf8');
    expect(csv.split('\r\n')[0]).toContain('ECG [count]');
  });

  it('raises a technical alarm within 2 s of unplugging and resumes the same bed on replug', async () => {
    let run = await runSimulator(pair.simulatorPath);
    await waitFor(
      'data flowing',
      () => workstation.sessions.values().next().value?.status().state === 'connected',
      3000,
    );

    run.simulator.stop();
    const unpluggedAt = Date.now();
    await pair.close(); // the cable is pulled: both pty ends vanish
    const bed = workstation.beds.get('bed-1')!;
    const alarm = await waitFor(
      'a technical alarm',
      () => bed.alarms.list().find((a) => a.kind === 'technical'),
      2500,
    );
    expect(Date.now() - unpluggedAt).toBeLessThan(2000);
    expect(alarm.message).toBe('ECG/SpO2 device disconnected — check the cable');

    // The same cable back in the same socket: the same paths reappear.
    pair = await openPtyPair(dir, 'hp5');
    const replugAt = Date.now();
    await waitFor(
      'the host to reopen the port',
      () => deviceEvents.find((e) => e.seenAt > replugAt && e.state === 'connecting'),
      3000,
    );
    run = await runSimulator(pair.simulatorPath);
    await waitFor(
      'data flowing again',
      () => workstation.sessions.values().next().value?.status().state === 'connected',
      3000,
    );
    expect(Date.now() - replugAt).toBeLessThan(2000 + 500);
    await waitFor(
      'the technical alarm to end',
      () => bed.alarms.list().every((a) => a.kind !== 'technical'),
      2000,
    );
    expect([...workstation.beds.keys()]).toEqual(['bed-1']);
    run.simulator.stop();
    await run.port.close();
  });
});
