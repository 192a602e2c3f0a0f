// A HID transport closed from outside the exchange using it (the workstation stopping). node-hid
// itself cannot be opened here (no HID device, no /dev/uhid): the transport under test wraps a
// stand-in whose read waits like hid_read_timeout does.
import { describe, expect, it } from 'vitest';
import { closableTransport, HidTransportClosedError, type HidReportTransport } from './hid';

function waitingDevice(readMs: number): HidReportTransport & { closes: number; writes: number } {
  const device = {
    closes: 0,
    writes: 0,
    async write() {
      device.writes++;
    },
    async sendFeatureReport() {},
    read: () =>
      new Promise<Uint8Array | null>((resolve) => setTimeout(() => resolve(null), readMs)),
    async close() {
      device.closes++;
    },
  };
  return device;
}

describe('a closable HID transport', () => {
  it('settles a read in progress at once when closed, and refuses every later call', async () => {
    const device = waitingDevice(2000);
    const transport = closableTransport(device, 'the workstation is stopping');
    const reading = transport.read(2000);
    const startedMs = Date.now();
    await transport.close();
    await expect(reading).rejects.toThrow(HidTransportClosedError);
    await expect(reading).rejects.toThrow('The monitor was closed: the workstation is stopping.');
    expect(Date.now() - startedMs).toBeLessThan(1000);
    await expect(transport.write(new Uint8Array(8))).rejects.toThrow(HidTransportClosedError);
    expect(device.writes).toBe(0);
  });

  it('closes the device once however often it is closed', async () => {
    const device = waitingDevice(10);
    const transport = closableTransport(device);
    await Promise.all([transport.close(), transport.close()]);
    await transport.close();
    expect(device.closes).toBe(1);
  });

  it('passes reports through while open', async () => {
    const device = waitingDevice(5);
    const transport = closableTransport(device);
    await transport.write(new Uint8Array(8));
    expect(await transport.read(5)).toBeNull();
    expect(device.writes).toBe(1);
  });
});
