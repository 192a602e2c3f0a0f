// Monitors are cabled first and switched on later, and they reboot. A device that must be commanded
// (CMS50 v7 start, OpenBCI "b", Datex requests, IntelliVue association) is switched on only after
// the workstation holds its port, then restarted while the port stays open: each time the
// workstation must command it again. Real parts: simulator → socat pty → serialport → session.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPtyPair, type PtyPair } from '../../electron/host/devices/simulators/pty-pair';
import {
  runSimulatorOnPort,
  type SimulatorOnPort,
} from '../../electron/host/devices/simulators/on-port';
import { findDriver } from '../../electron/host/devices/manifest';
import { DeviceSession } from '../../electron/host/devices/session';
import { serialOpener } from '../../electron/host/devices/transports/serial';
import type { DeviceStatus } from '../../shared/model/schemas';
import { sleep, waitFor } from '../support/wait-for';

const COMMANDED = ['cms50-v7', 'openbci-cyton', 'datex-s5', 'intellivue-mib'];
// Time for the port, the simulator and the decoder on top of the driver's own pace.
const MARGIN_MS = 2500;

describe.concurrent.each(COMMANDED)('%s switched on after its cable is connected', (driverId) => {
  let dir: string;
  let pair: PtyPair;
  let session: DeviceSession | undefined;
  let device: SimulatorOnPort | undefined;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), `ws-power-up-${driverId}-`));
    pair = await openPtyPair(dir, driverId);
  });

  afterEach(async () => {
    await session?.stop();
    await device?.stop().catch(() => {});
    await pair.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is commanded once it is on, and again after it restarts with the port open', async () => {
    const driver = findDriver(driverId)!;
    // The protocol's pace at which the start is repeated while the device is silent.
    const paceMs = driver.commands.startAgain?.afterSilenceMs ?? 0;
    const statuses: DeviceStatus[] = [];
    let frames = 0;
    session = new DeviceSession({
      id: `${driverId}@${pair.devicePath}`,
      bedId: 'bed-1',
      driver,
      path: pair.devicePath,
      open: serialOpener(driver.descriptor.serial!),
      onFrames: (decoded) => (frames += decoded.length),
      onStatus: (status) => statuses.push(status),
    });
    const current = () => session!.status();
    await waitFor('the port to open', () => current().state === 'connecting', 3000);

    // The monitor is switched on well after its start command was first sent (and lost).
    await sleep(1500);
    expect(frames).toBe(0);
    device = await runSimulatorOnPort(pair.simulatorPath, driverId, { recordingsDir: null });
    await waitFor(
      `${driverId} streaming after power-up`,
      () => frames > 0 && current().state === 'connected',
      paceMs + MARGIN_MS,
    );
    expect(current().problem).toBeNull();

    // It reboots while the cable stays in: silent, then waiting to be commanded again.
    device.simulator.stop();
    await sleep(300);
    const framesWhileOff = frames;
    device.simulator.start();
    await waitFor(
      `${driverId} streaming again after its restart`,
      () => frames > framesWhileOff,
      paceMs + MARGIN_MS,
    );
    await waitFor('connected again', () => current().state === 'connected', 1000);
    expect(current()).toMatchObject({ state: 'connected', problem: null, framesBad: 0 });
  }, 60_000);
});
