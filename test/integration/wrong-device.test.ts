// A device that is not a HealthyPi 5 on the configured port (here: a stream of ASCII text, as a
// GPS or a modem would send) must end in a clear technical state, never in garbage numbers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPtyPair, type PtyPair } from '../../electron/host/devices/simulators/pty-pair';
import { openSerial } from '../../electron/host/devices/transports/serial';
import type { ByteTransport } from '../../electron/host/devices/transports/byte-transport';
import { healthypi5 } from '../../electron/host/devices/drivers/healthypi5';
import { startWorkstation, type Workstation } from '../../electron/host/workstation';
import { Status } from '../../shared/model/schemas';

describe('a wrong device on the port', () => {
  let dir: string;
  let pair: PtyPair;
  let workstation: Workstation;
  let talker: ByteTransport;
  let timer: NodeJS.Timeout;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ws-wrong-'));
    pair = await openPtyPair(dir, 'gps');
    workstation = await startWorkstation({
      dataDir: join(dir, 'data'),
      devices: [{ driver: 'healthypi5', path: pair.devicePath }],
      log: () => {},
    });
    talker = await openSerial(pair.simulatorPath, healthypi5.descriptor.serial!, {
      onData: () => {},
      onLost: () => {},
    });
    const sentence = Buffer.from(
      '$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47\r\n',
    );
    timer = setInterval(() => void talker.write(sentence).catch(() => {}), 50);
  });

  afterAll(async () => {
    clearInterval(timer);
    await talker?.close();
    await workstation?.stop();
    await pair?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('says no recognisable frames after 5 s, raises a technical alarm and reports no numbers', async () => {
    await new Promise((resolve) => setTimeout(resolve, 6000));
    const status = Status.parse(
      await workstation.router.request('getStatus', {}, { actor: 'test' }),
    );
    const [device] = status.devices;
    expect(device).toMatchObject({ state: 'stale', framesOk: 0 });
    expect(device!.problem).toBe(
      `No recognisable frames from ${pair.devicePath} after 5 s: is a ProtoCentral HealthyPi 5 connected and switched on?`,
    );
    const bed = workstation.beds.get('bed-1')!;
    expect(bed.alarms.list()).toEqual([
      expect.objectContaining({
        kind: 'technical',
        message: 'No data from ECG/SpO2 device — check the device',
      }),
    ]);
    expect(bed.numerics.size).toBe(0);
    expect((await workstation.store.counts()).samples).toBe(0);
  });
});
