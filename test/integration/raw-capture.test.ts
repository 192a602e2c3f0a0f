// The Devices view's raw capture through the api: a HealthyPi 5 simulator on a real
// pseudo-terminal pair feeds a workstation; `captureRawBytes` waits the seconds asked for and
// returns exactly the bytes that arrived meanwhile, which the driver decodes again. Requests for
// a device that is not there, or for too short or too long a capture, are refused in words.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPtyPair, type PtyPair } from '../../electron/host/devices/simulators/pty-pair';
import {
  runSimulatorOnPort,
  type SimulatorOnPort,
} from '../../electron/host/devices/simulators/on-port';
import { findDriver } from '../../electron/host/devices/manifest';
import { startWorkstation, type Workstation } from '../../electron/host/workstation';
import { requests } from '../../shared/api/contract';
import { ApiError } from '../../shared/api/errors';

const caller = { actor: 'biomed-test' };

/** Where `part` starts inside `whole`, or -1. */
function indexOfBytes(whole: Uint8Array, part: Uint8Array): number {
  return Buffer.from(whole.buffer, whole.byteOffset, whole.byteLength).indexOf(Buffer.from(part));
}

describe('captureRawBytes', () => {
  let dir: string;
  let pair: PtyPair;
  let simulator: SimulatorOnPort;
  let workstation: Workstation;
  let deviceId: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ws-raw-capture-'));
    pair = await openPtyPair(dir, 'hp5');
    simulator = await runSimulatorOnPort(pair.simulatorPath, 'healthypi5', {
      recordingsDir: null,
    });
    workstation = await startWorkstation({
      dataDir: join(dir, 'data'),
      devices: [{ driver: 'healthypi5', path: pair.devicePath, bed: 'Bed 1' }],
      log: () => {},
    });
    deviceId = [...workstation.sessions.keys()][0]!;
    const deadline = Date.now() + 8000;
    while (workstation.sessions.get(deviceId)!.status().state !== 'connected') {
      if (Date.now() > deadline) throw new Error('the simulated HealthyPi 5 never connected');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });

  afterAll(async () => {
    await workstation?.stop();
    await simulator?.stop();
    await pair?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('returns the bytes of the next seconds, which the driver decodes again', async () => {
    const reply = requests.captureRawBytes.output.parse(
      await workstation.router.request('captureRawBytes', { deviceId, seconds: 1 }, caller),
    );
    expect(reply).toMatchObject({ deviceId, driver: 'healthypi5', lostBytes: 0 });
    // Timers may fire a millisecond early by the wall clock.
    expect(reply.toMs - reply.fromMs).toBeGreaterThanOrEqual(990);
    const bytes = new Uint8Array(Buffer.from(reply.base64, 'base64'));
    expect(bytes.length).toBe(reply.byteCount);
    expect(bytes.length).toBeGreaterThan(1000);

    // The very bytes the session received: a contiguous stretch of what it keeps.
    const kept = workstation.sessions.get(deviceId)!.recentBytes();
    expect(indexOfBytes(kept, bytes)).toBeGreaterThanOrEqual(0);

    const decoder = findDriver('healthypi5')!.createDecoder();
    const frames = decoder.push(bytes);
    // 1 s of a 128 frames/s device, less the frame cut at each end.
    expect(frames.length).toBeGreaterThan(100);
    expect(decoder.stats.framesOk).toBe(frames.length);
  });

  it('refuses a device that is not on this workstation', async () => {
    const refusal = await workstation.router
      .request('captureRawBytes', { deviceId: 'healthypi5@/dev/none', seconds: 1 }, caller)
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ApiError);
    expect(refusal).toMatchObject({ code: 'not_found' });
    expect((refusal as ApiError).message).toContain('There is no device "healthypi5@/dev/none"');
  });

  it.each([0, 61, 1.5])('refuses a capture of %s seconds', async (seconds) => {
    const refusal = await workstation.router
      .request('captureRawBytes', { deviceId, seconds }, caller)
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ApiError);
    expect(refusal).toMatchObject({ code: 'invalid_request' });
    expect((refusal as ApiError).message).toMatch(/seconds/i);
  });
});
