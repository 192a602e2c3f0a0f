// Devices assigned to beds through the api, as the device panel does: a simulated CMS50 v7 on a
// pseudo-terminal is connected to a new bed, kept across a restart of the workstation, and taken
// off the bed again. Mistakes (unknown driver, a port already in use) get sentences, not crashes.
// Only serial ports the system lists, or paths allowed at start (here the folder of the test's
// pseudo-terminals, as `serve --allow-port` does), can be connected: never a terminal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPtyPair, type PtyPair } from '../../electron/host/devices/simulators/pty-pair';
import {
  runSimulatorOnPort,
  type SimulatorOnPort,
} from '../../electron/host/devices/simulators/on-port';
import { startWorkstation, type Workstation } from '../../electron/host/workstation';
import { ApiError } from '../../shared/api/errors';
import type { BedLiveEvent } from '../../shared/api/contract';
import { Status } from '../../shared/model/schemas';

const caller = { actor: 'nurse-demo' };

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, what: string) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('assigning devices to beds from the UI', () => {
  let dir: string;
  let dataDir: string;
  let pair: PtyPair;
  let simulator: SimulatorOnPort;
  let workstation: Workstation;
  let allowPorts: string[];

  const status = async () =>
    Status.parse(await workstation.router.request('getStatus', {}, caller));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ws-assign-'));
    dataDir = join(dir, 'data');
    allowPorts = [join(dir, '*.tty')];
    pair = await openPtyPair(dir, 'oximeter');
    simulator = await runSimulatorOnPort(pair.simulatorPath, 'cms50-v7', { recordingsDir: null });
    workstation = await startWorkstation({ dataDir, devices: [], log: () => {}, allowPorts });
  });

  afterAll(async () => {
    await workstation?.stop();
    await simulator?.stop();
    await pair?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists every driver to choose from, and the ports the system sees', async () => {
    const listing = (await workstation.router.request('listPorts', {}, caller)) as {
      ports: unknown[];
      drivers: { id: string; transport: string }[];
    };
    expect(listing.drivers.map((d) => d.id)).toEqual(
      expect.arrayContaining(['healthypi5', 'cms50-v7', 'masimo-ascii', 'omron-hem790it']),
    );
    expect(Array.isArray(listing.ports)).toBe(true);
  });

  it('connects a device to a new bed; the bed appears with live numerics', async () => {
    const result = (await workstation.router.request(
      'connectDevice',
      { driver: 'cms50-v7', path: pair.devicePath, bedLabel: 'Bed 7' },
      caller,
    )) as { deviceId: string; bedId: string };
    expect(result.deviceId).toBe(`cms50-v7@${pair.devicePath}`);
    const bed = await until(async () => {
      const found = (await status()).beds.find((b) => b.label === 'Bed 7');
      return found?.numerics.MDC_PULS_OXIM_SAT_O2 ? found : undefined;
    }, 'SpO2 on Bed 7');
    expect(bed.id).toBe(result.bedId);
    expect(bed.deviceIds).toEqual([result.deviceId]);
  });

  it('refuses a port that is already in use and an unknown driver, in words', async () => {
    const twice = workstation.router.request(
      'connectDevice',
      { driver: 'cms50-v5', path: pair.devicePath, bedLabel: 'Bed 8' },
      caller,
    );
    await expect(twice).rejects.toThrow(ApiError);
    await expect(twice).rejects.toThrow(`${pair.devicePath} is already in use by cms50-v7@`);
    await expect(
      workstation.router.request(
        'connectDevice',
        { driver: 'no-such-monitor', path: '/dev/ttyUSB9', bedLabel: 'Bed 8' },
        caller,
      ),
    ).rejects.toThrow('Unknown device driver "no-such-monitor"');
    expect((await status()).beds.map((b) => b.label)).toEqual(['Bed 7']);
  });

  it('refuses a terminal, or a path out of the allowed folder, saying why; nothing is opened or kept', async () => {
    // The other end of a pseudo-terminal is what a terminal window holds: /dev/pts/N.
    const terminal = await openPtyPair(dir, 'terminal');
    try {
      const ttyOfTerminal = realpathSync(terminal.simulatorPath);
      expect(ttyOfTerminal).toMatch(/^\/dev\/pts\/\d+$/);
      for (const path of [ttyOfTerminal, join(dir, '..', 'elsewhere.tty'), '/dev/tty']) {
        await expect(
          workstation.router.request(
            'connectDevice',
            { driver: 'healthypi5', path, bedLabel: 'Bed 9' },
            caller,
          ),
        ).rejects.toMatchObject({
          code: 'invalid_request',
          message: expect.stringMatching(
            /is not a serial port this computer lists.*--allow-port PATH/,
          ),
        });
      }
      expect((await status()).devices.map((d) => d.path)).toEqual([pair.devicePath]);
      const saved = JSON.parse(readFileSync(join(dataDir, 'devices.json'), 'utf8')) as {
        devices: { path: string }[];
      };
      expect(saved.devices.map((d) => d.path)).toEqual([pair.devicePath]);
    } finally {
      await terminal.close();
    }
  });

  it('keeps the assignment across a restart of the workstation', async () => {
    await workstation.stop();
    workstation = await startWorkstation({ dataDir, devices: [], log: () => {}, allowPorts });
    const bed = await until(async () => {
      const found = (await status()).beds.find((b) => b.label === 'Bed 7');
      return found?.numerics.MDC_PULS_OXIM_SAT_O2 ? found : undefined;
    }, 'SpO2 on Bed 7 after the restart');
    expect(bed.deviceIds).toEqual([`cms50-v7@${pair.devicePath}`]);
  });

  it('takes the device off its bed: a fresh snapshot goes to the bed, the removal is kept', async () => {
    const bedId = (await status()).beds[0]!.id;
    const events: BedLiveEvent[] = [];
    const unsubscribe = workstation.router.subscribe('bedLive', { bedId }, (event) =>
      events.push(event as BedLiveEvent),
    );
    await workstation.router.request(
      'disconnectDevice',
      { deviceId: `cms50-v7@${pair.devicePath}` },
      caller,
    );
    unsubscribe();
    const snapshots = events.filter((e) => e.type === 'snapshot');
    expect(snapshots).toHaveLength(2);
    expect(snapshots[1]).toMatchObject({ devices: [], channels: [], bed: { deviceIds: [] } });
    expect((await status()).devices).toEqual([]);
    expect(JSON.parse(readFileSync(join(dataDir, 'devices.json'), 'utf8'))).toEqual({
      devices: [],
    });
    await expect(
      workstation.router.request('disconnectDevice', { deviceId: 'nothing@here' }, caller),
    ).rejects.toThrow('There is no device "nothing@here"');
  });

  it('does not open a remembered path that is no longer allowed, and keeps it saved', async () => {
    await workstation.stop();
    const file = join(dataDir, 'devices.json');
    const saved = { devices: [{ driver: 'cms50-v7', path: pair.devicePath, bed: 'Bed 7' }] };
    writeFileSync(file, JSON.stringify(saved));
    const messages: string[] = [];
    workstation = await startWorkstation({
      dataDir,
      devices: [],
      log: (message) => messages.push(message),
    });
    expect((await status()).devices).toEqual([]);
    expect(messages.join('\n')).toContain(
      `Not restoring the device cms50-v7:${pair.devicePath}: ${pair.devicePath} is not a serial port this computer lists`,
    );
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(saved);
  });

  it('a corrupt assignments file is kept aside with a message, and the workstation starts', async () => {
    await workstation.stop();
    writeFileSync(join(dataDir, 'devices.json'), '{"devices": [ garbage');
    const messages: string[] = [];
    workstation = await startWorkstation({
      dataDir,
      devices: [],
      log: (message) => messages.push(message),
    });
    expect((await status()).beds).toEqual([]);
    expect(messages.join('\n')).toMatch(
      /saved device assignments could not be read .*kept as .*devices\.json\.unreadable-\d+/,
    );
  });
});
