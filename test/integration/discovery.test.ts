// Plug-in discovery. USB enumeration (which ports exist, their vendor/product ids) cannot exist
// here, so the port list is injected; everything after it is real: probing opens the real
// pseudo-terminals with each candidate driver's settings and start command, and a simulated
// CMS50 v7 answers only when commanded like the real oximeter.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPtyPair, type PtyPair } from '../../electron/host/devices/simulators/pty-pair';
import {
  runSimulatorOnPort,
  type SimulatorOnPort,
} from '../../electron/host/devices/simulators/on-port';
import {
  candidateDrivers,
  Discovery,
  probePort,
  type PortInfo,
} from '../../electron/host/devices/discovery';
import { serialOpener } from '../../electron/host/devices/transports/serial';
import { openSerial } from '../../electron/host/devices/transports/serial';
import type { ByteTransport } from '../../electron/host/devices/transports/byte-transport';
import type { Driver } from '../../electron/host/devices/driver';

const CP210X = { vendorId: 0x10c4, productId: 0xea60 };

describe('candidate drivers by USB id', () => {
  it('lists exact vendor+product matches before vendor-only ones, and nothing for unknown chips', () => {
    expect(candidateDrivers({ path: 'x', ...CP210X }).map((d) => d.descriptor.id)).toEqual([
      'cms50-v7',
      'cms50-v5',
    ]);
    expect(
      candidateDrivers({ path: 'x', vendorId: 0x4440, productId: 0x0001 }).map(
        (d) => d.descriptor.id,
      ),
    ).toEqual(['healthypi5']);
    expect(
      candidateDrivers({ path: 'x', vendorId: 0x2e8a, productId: 0x1234 }).map(
        (d) => d.descriptor.id,
      ),
    ).toEqual(['healthypi5']);
    expect(candidateDrivers({ path: 'x', vendorId: 0x1234, productId: 0x5678 })).toEqual([]);
    expect(candidateDrivers({ path: 'x' })).toEqual([]);
  });
});

describe('discovery of plugged-in devices', () => {
  let dir: string;
  let oximeterPair: PtyPair;
  let strangerPair: PtyPair;
  let oximeter: SimulatorOnPort;
  let stranger: ByteTransport;
  let chatter: NodeJS.Timeout;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ws-discovery-'));
    oximeterPair = await openPtyPair(dir, 'oximeter');
    strangerPair = await openPtyPair(dir, 'stranger');
    oximeter = await runSimulatorOnPort(oximeterPair.simulatorPath, 'cms50-v7', {
      recordingsDir: null,
    });
    // Another device behind the same generic chip: it talks, but in no protocol we know.
    stranger = await openSerial(
      strangerPair.simulatorPath,
      { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1, rtscts: false },
      { onData: () => {}, onLost: () => {} },
    );
    chatter = setInterval(
      () => void stranger.write(Buffer.from('AT+CSQ\r\nOK\r\n')).catch(() => {}),
      30,
    );
  });

  afterAll(async () => {
    clearInterval(chatter);
    await stranger?.close();
    await oximeter?.stop();
    await oximeterPair?.close();
    await strangerPair?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('recognises the oximeter by probing (v7 first), and says which port it could not recognise', async () => {
    const ports: PortInfo[] = [
      { path: oximeterPair.devicePath, ...CP210X },
      { path: strangerPair.devicePath, ...CP210X },
      { path: join(dir, 'unknown-chip'), vendorId: 0x1234, productId: 0x0001 },
    ];
    const found: Array<[string, string]> = [];
    const unrecognised: string[] = [];
    const hidFound: string[] = [];
    let hid = [{ driver: 'omron-hem790it', vendorId: 0x0590, productId: 0x0028, product: null }];
    const probe = (path: string, candidates: readonly Driver[]) =>
      probePort(path, candidates, {
        open: (driver) => serialOpener(driver.descriptor.serial!),
        listenMs: 1200,
      });
    const discovery = new Discovery({
      list: async () => ports,
      probe,
      inUse: () => false,
      onFound: (driver, port) => found.push([driver.descriptor.id, port.path]),
      onUnrecognised: (port) => unrecognised.push(port.path),
      // USB HID enumeration cannot exist here either: the list is given, as for serial ports.
      listHid: async () => hid,
      onHidFound: (device) => hidFound.push(device.driver),
      everyMs: 60_000,
    });
    try {
      await discovery.scan();
      expect(found).toEqual([['cms50-v7', oximeterPair.devicePath]]);
      expect(unrecognised).toEqual([strangerPair.devicePath]);
      // A port already known is not probed again on the next pass.
      await discovery.scan();
      expect(found).toHaveLength(1);
      // The blood-pressure monitor is announced once per plug-in.
      expect(hidFound).toEqual(['omron-hem790it']);
      hid = [];
      await discovery.scan();
      hid = [{ driver: 'omron-hem790it', vendorId: 0x0590, productId: 0x0028, product: null }];
      await discovery.scan();
      expect(hidFound).toEqual(['omron-hem790it', 'omron-hem790it']);
    } finally {
      discovery.stop();
    }
  }, 30_000);
});
