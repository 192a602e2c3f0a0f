// A device whose line carries text between its frames (a debug line, a noisy cable) still decodes
// every frame, but a biomedical engineer must see the junk: the device's status counts the bytes
// skipped, to the byte, and their rate over the last 10 s, while a clean line beside it reports 0.
// Real parts: simulator → socat pty → serialport → driver → session status.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPtyPair, type PtyPair } from '../../electron/host/devices/simulators/pty-pair';
import { findDriver } from '../../electron/host/devices/manifest';
import { DeviceSession } from '../../electron/host/devices/session';
import { serialOpener } from '../../electron/host/devices/transports/serial';
import type { DeviceStatus } from '../../shared/model/schemas';
import { runNoisyDevice, type NoisyDevice } from '../support/noisy-line';
import { sleep, waitFor } from '../support/wait-for';

const driver = findDriver('healthypi5')!;

describe('junk between frames on a serial line', () => {
  let dir: string;
  const pairs: PtyPair[] = [];
  const sessions: DeviceSession[] = [];
  const devices: NoisyDevice[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ws-noisy-line-'));
  });

  afterAll(async () => {
    await Promise.all(sessions.map((session) => session.stop()));
    await Promise.all(devices.map((device) => device.stop().catch(() => {})));
    await Promise.all(pairs.map((pair) => pair.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  async function device(name: string, junkEveryWrites: number) {
    const pair = await openPtyPair(dir, name);
    pairs.push(pair);
    const reported: DeviceStatus[] = [];
    const session = new DeviceSession({
      id: `healthypi5@${pair.devicePath}`,
      bedId: 'bed-1',
      driver,
      path: pair.devicePath,
      open: serialOpener(driver.descriptor.serial!),
      onFrames: () => {},
      onStatus: (status) => reported.push(status),
    });
    sessions.push(session);
    await waitFor(`${name}'s port open`, () => session.status().state === 'connecting', 3000);
    // Started once the host holds the port, so no frame is cut: every skipped byte is junk.
    const simulator = await runNoisyDevice(pair.simulatorPath, 'healthypi5', junkEveryWrites);
    devices.push(simulator);
    return { session, simulator, reported, last: () => reported[reported.length - 1] };
  }

  it('counts every junk byte and its rate; a clean line shows 0', async () => {
    const startedAt = Date.now();
    // The simulator writes every 10 ms: a 24-byte debug line every 200 ms is ~120 B/s.
    const noisy = await device('noisy', 20);
    const clean = await device('clean', Number.MAX_SAFE_INTEGER);

    await waitFor(
      'the noisy line reported connected with bytes skipped',
      () => noisy.last()?.state === 'connected' && noisy.last()!.bytesSkipped > 0,
      5000,
    );
    await sleep(3000);
    const seconds = (Date.now() - startedAt) / 1000;
    const expectedPerS = noisy.simulator.junkBytes() / seconds;
    const status = noisy.session.status();
    expect(status).toMatchObject({ state: 'connected', framesBad: 0, problem: null });
    expect(status.framesOk).toBeGreaterThan(100);
    expect(status.bytesSkippedPerS).toBeGreaterThan(expectedPerS * 0.5);
    expect(status.bytesSkippedPerS).toBeLessThan(expectedPerS * 1.5);
    // The status the host reports (about once a second) carries them too.
    expect(noisy.last()!.bytesSkippedPerS).toBeGreaterThan(0);

    expect(clean.session.status()).toMatchObject({
      state: 'connected',
      framesBad: 0,
      bytesSkipped: 0,
      bytesSkippedPerS: 0,
    });
    expect(clean.last()).toMatchObject({ bytesSkipped: 0, bytesSkippedPerS: 0 });

    // The junk stops; once the frames after it have arrived, the count is exact to the byte.
    noisy.simulator.setJunk(false);
    const junkBytes = noisy.simulator.junkBytes();
    expect(junkBytes).toBeGreaterThan(0);
    await waitFor(
      `${junkBytes} bytes skipped`,
      () => noisy.session.status().bytesSkipped === junkBytes,
      2000,
    ).catch(() => expect(noisy.session.status().bytesSkipped).toBe(junkBytes));
    expect(noisy.session.status().framesBad).toBe(0);
  }, 30_000);
});
