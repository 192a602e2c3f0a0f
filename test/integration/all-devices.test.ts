// Every device the workstation supports, all at once on one workstation: each serial driver's
// simulator through its own socat pseudo-terminal pair (simulator → pty → serialport → driver →
// acquisition → store), and the USB HID blood-pressure monitor downloaded into a bed of its own
// (its byte-exact simulator injected where node-hid would open it: there is no virtual HID here).
// Then a commanded device (CMS50 v7: start command and keep-alives) unplugged and replugged 20 times.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPtyPair, type PtyPair } from '../../electron/host/devices/simulators/pty-pair';
import {
  runSimulatorOnPort,
  type SimulatorOnPort,
} from '../../electron/host/devices/simulators/on-port';
import { simulatorIds } from '../../electron/host/devices/simulators/registry';
import { allDescriptors, downloadDevices, findDriver } from '../../electron/host/devices/manifest';
import { OmronHem790itSimulator } from '../../electron/host/devices/simulators/omron-hem790it';
import { startWorkstation, type Workstation } from '../../electron/host/workstation';
import { waitFor } from '../support/wait-for';

const SHARED = ['healthypi5', 'cms50-v7'];
const VITALS = ['MDC_PULS_OXIM_SAT_O2', 'MDC_ECG_HEART_RATE'];

describe('every simulated device at once', () => {
  const ids = simulatorIds();
  let dir: string;
  const pairs = new Map<string, PtyPair>();
  const simulators = new Map<string, SimulatorOnPort>();
  let workstation: Workstation;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ws-all-'));
    for (const id of ids) {
      const pair = await openPtyPair(dir, id);
      pairs.set(id, pair);
      // The device is switched on first; the workstation finds it (and commands it) when it opens the port.
      simulators.set(id, await runSimulatorOnPort(pair.simulatorPath, id, { recordingsDir: null }));
    }
    workstation = await startWorkstation({
      dataDir: join(dir, 'data'),
      devices: ids.map((id) => ({
        driver: id,
        path: pairs.get(id)!.devicePath,
        // An ECG monitor and an oximeter on one patient share a bed; the rest get their own.
        bed: SHARED.includes(id) ? 'Bed shared' : `Bed ${id}`,
      })),
      log: () => {},
      openHid: () =>
        Promise.resolve(
          new OmronHem790itSimulator({
            readings: [{ takenAt: '2026-11-20T08:15:00', systolic: 128, diastolic: 82, pulse: 66 }],
          }),
        ),
    });
  });

  afterAll(async () => {
    await workstation?.stop();
    for (const simulator of simulators.values()) await simulator.stop().catch(() => {});
    for (const pair of pairs.values()) await pair.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("puts devices that name the same bed in one bed, with both devices' waveforms", () => {
    const shared = [...workstation.beds.values()].find((bed) => bed.label === 'Bed shared')!;
    expect(shared.deviceIds.map((id) => id.split('@')[0])).toEqual(SHARED);
    const channels = workstation.channelsOfBed(shared.id).map((c) => c.refId);
    expect(channels.filter((refId) => refId === 'MDC_PULS_OXIM_PLETH')).toHaveLength(2);
    expect(workstation.beds.size).toBe(ids.length - 1);
  });

  it('exercises every device of the manifest: 11 streamed over serial and 1 downloaded over USB HID', () => {
    const exercised = [...ids, ...downloadDevices.map((descriptor) => descriptor.id)];
    expect(exercised.sort()).toEqual(allDescriptors.map((descriptor) => descriptor.id).sort());
    expect(exercised).toHaveLength(12);
  });

  it('decodes each device without bad frames, keeps its samples and shows its numerics', async () => {
    const sessionOf = (id: string) =>
      workstation.sessions.get(`${id}@${pairs.get(id)!.devicePath}`)!;
    await waitFor(
      'every device connected',
      () => ids.every((id) => sessionOf(id).status().state === 'connected'),
      8000,
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await workstation.store.flush();
    for (const id of ids) {
      const status = sessionOf(id).status();
      expect(status, id).toMatchObject({ state: 'connected', framesBad: 0 });
      expect(status.framesOk, id).toBeGreaterThan(0);
      const descriptor = findDriver(id)!.descriptor;
      const shown = descriptor.channels.find((channel) => channel.displayed);
      if (shown) {
        const stored = await workstation.store.readSamples({
          deviceId: status.id,
          channel: shown.key,
        });
        const count = stored.flatMap((block) => block.values).length;
        expect(count, `${id} ${shown.key}`).toBeGreaterThan(shown.rateHz);
      }
      const bed = workstation.beds.get(status.bedId)!;
      // A monitor reports what it measures; every simulator here measures at least SpO2 or HR.
      const declared = descriptor.numerics.map((n) => n.refId);
      const vital = declared.filter((refId) => VITALS.includes(refId));
      if (vital.length > 0) {
        expect(
          vital.some((refId) => bed.numerics.has(refId)),
          `${id} reports ${vital.join(' or ')}`,
        ).toBe(true);
      }
    }
  });

  it('downloads the blood-pressure monitor for a patient in a bed of its own while the others stream', async () => {
    // Which readings are stored for whom is bp-download.test.ts's; here the monitor is read.
    await workstation.admitPatient(
      {
        familyName: 'Test',
        givenName: 'Omron',
        mrn: 'FICT-ALL-1',
        birthDate: '1960-03-04',
        category: 'adult',
        bedLabel: 'Bed omron-hem790it',
      },
      'test',
    );
    const result = await workstation.router.request(
      'importBloodPressure',
      { bedLabel: 'Bed omron-hem790it' },
      { actor: 'test' },
    );
    expect(result).toMatchObject({ downloaded: 1 });
    expect(workstation.beds.size).toBe(ids.length);
  });
});

describe('a commanded device unplugged and replugged', () => {
  let dir: string;
  let pair: PtyPair;
  let simulator: SimulatorOnPort;
  let workstation: Workstation;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ws-replug-'));
    pair = await openPtyPair(dir, 'cms50');
    simulator = await runSimulatorOnPort(pair.simulatorPath, 'cms50-v7', { recordingsDir: null });
    workstation = await startWorkstation({
      dataDir: join(dir, 'data'),
      devices: [{ driver: 'cms50-v7', path: pair.devicePath }],
      log: () => {},
    });
  });

  afterAll(async () => {
    await workstation?.stop();
    await simulator?.stop().catch(() => {});
    await pair?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('resumes the same bed every time, 20 times', async () => {
    const session = [...workstation.sessions.values()][0]!;
    await waitFor('first connection', () => session.status().state === 'connected', 8000);
    for (let cycle = 0; cycle < 20; cycle++) {
      await simulator.stop().catch(() => {});
      await pair.close();
      await waitFor(`disconnect ${cycle}`, () => session.status().state === 'disconnected', 2000);
      pair = await openPtyPair(dir, 'cms50');
      // The oximeter streams only after the workstation sends its start command again.
      simulator = await runSimulatorOnPort(pair.simulatorPath, 'cms50-v7', { recordingsDir: null });
      const framesBefore = session.status().framesOk;
      await waitFor(
        `resume ${cycle}`,
        () => session.status().state === 'connected' && session.status().framesOk > framesBefore,
        3000,
      );
    }
    expect([...workstation.beds.keys()]).toEqual(['bed-1']);
    expect(workstation.beds.get('bed-1')!.alarms.list()).toEqual([]);
  }, 120_000);
});
