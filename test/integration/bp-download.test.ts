// Downloading an Omron HEM-790IT into a bed through the api, with the real store on disk. The
// monitor is the byte-exact simulator injected where node-hid would open the USB device: there is
// no virtual HID here (no /dev/uhid), so the transport boundary is where the test plugs in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWorkstation, type Workstation } from '../../electron/host/workstation';
import { OmronHem790itSimulator } from '../../electron/host/devices/simulators/omron-hem790it';
import type { BpReading } from '../../electron/host/devices/drivers/omron-hem790it';
import { Status } from '../../shared/model/schemas';

const caller = { actor: 'nurse-demo' };
const older: BpReading = {
  takenAt: '2026-11-19T20:02:31',
  systolic: 141,
  diastolic: 90,
  pulse: 71,
};
const newer: BpReading = {
  takenAt: '2026-11-20T08:15:00',
  systolic: 128,
  diastolic: 82,
  pulse: 66,
};

describe('downloading a blood-pressure monitor into a bed', () => {
  let dir: string;
  let workstation: Workstation;
  let monitor: BpReading[] | null = [newer, older];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ws-bp-'));
    workstation = await startWorkstation({
      dataDir: join(dir, 'data'),
      devices: [],
      log: () => {},
      openHid: (descriptor) => {
        if (monitor === null) {
          return Promise.reject(
            new Error(`No ${descriptor.displayName} found (USB 0590:0028). Connect the monitor.`),
          );
        }
        return Promise.resolve(new OmronHem790itSimulator({ readings: monitor }));
      },
    });
  });

  afterAll(async () => {
    await workstation?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const download = (bedLabel: string) =>
    workstation.router.request('importBloodPressure', { bedLabel }, caller);

  it('stores every reading and shows the newest on the bed with the time it was taken', async () => {
    const result = await download('Bed 3');
    expect(result).toMatchObject({ downloaded: 2, imported: 2, alreadyStored: 0 });
    const status = Status.parse(await workstation.router.request('getStatus', {}, caller));
    const bed = status.beds.find((b) => b.label === 'Bed 3')!;
    expect(bed.numerics.MDC_PRESS_BLD_NONINV_SYS).toMatchObject({
      value: 128,
      at: new Date(2026, 10, 20, 8, 15).getTime(),
      source: 'omron-hem790it',
    });
    expect(bed.numerics.MDC_PULS_RATE_NON_INV?.value).toBe(66);
    expect((await workstation.store.counts()).numerics).toBe(6);
  });

  it('downloading the same monitor again stores only the new reading', async () => {
    const latest: BpReading = {
      takenAt: '2026-11-21T07:40:00',
      systolic: 122,
      diastolic: 79,
      pulse: 64,
    };
    monitor = [latest, newer, older];
    expect(await download('Bed 3')).toMatchObject({ downloaded: 3, imported: 1, alreadyStored: 2 });
    expect((await workstation.store.counts()).numerics).toBe(9);
    expect(workstation.beds.get('bed-3')!.numerics.get('MDC_PRESS_BLD_NONINV_DIA')?.value).toBe(79);
  });

  it('no monitor plugged in: a sentence that says what to do, and no empty bed left behind', async () => {
    monitor = null;
    await expect(download('Bed 9')).rejects.toThrow(
      /No Omron HEM-790IT found .*Connect the monitor/,
    );
    expect([...workstation.beds.values()].map((b) => b.label)).toEqual(['Bed 3']);
  });
});
