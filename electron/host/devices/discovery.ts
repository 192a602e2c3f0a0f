// Finds devices on plug-in: lists serial ports now and then, matches their USB ids against the
// manifest, and probes ports whose chip is generic (a CP210x or FTDI cable could carry any of
// several devices) by listening for each candidate protocol in turn.
import { existsSync, readdirSync } from 'node:fs';
import { SerialPort } from 'serialport';
import type { Driver, DriverDescriptor } from './driver';
import { drivers as allDrivers, downloadDevices } from './manifest';
import type { OpenTransport } from './transports/byte-transport';

export interface PortInfo {
  path: string;
  vendorId?: number;
  productId?: number;
  manufacturer?: string;
  serialNumber?: string;
}

/** Serial ports with their USB ids where the OS tells them. Without udev, device names only. */
export async function listSerialPorts(): Promise<PortInfo[]> {
  try {
    const ports = await SerialPort.list();
    return ports.map((port) => ({
      path: port.path,
      vendorId: parseHex(port.vendorId),
      productId: parseHex(port.productId),
      manufacturer: port.manufacturer,
      serialNumber: port.serialNumber,
    }));
  } catch {
    // SerialPort.list needs udevadm on Linux; the device nodes are still there to be seen.
    return devicePathsWithoutUdev().map((path) => ({ path }));
  }
}

function devicePathsWithoutUdev(): string[] {
  if (!existsSync('/dev')) return [];
  return readdirSync('/dev')
    .filter((name) => /^tty(USB|ACM)\d+$|^cu\.(usbserial|usbmodem|SLAB_USBtoUART)/.test(name))
    .map((name) => `/dev/${name}`);
}

function parseHex(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const parsed = Number.parseInt(value, 16);
  return Number.isFinite(parsed) ? parsed : undefined;
}

/** Drivers whose USB ids match the port, most specific first (vendor + product before vendor only). */
export function candidateDrivers(
  port: PortInfo,
  drivers: readonly Driver[] = allDrivers,
): Driver[] {
  if (port.vendorId === undefined) return [];
  const exact = drivers.filter((driver) =>
    driver.descriptor.usb.some(
      (m) =>
        m.vendorId === port.vendorId && m.productId !== undefined && m.productId === port.productId,
    ),
  );
  const vendorOnly = drivers.filter(
    (driver) =>
      !exact.includes(driver) &&
      driver.descriptor.usb.some((m) => m.vendorId === port.vendorId && m.productId === undefined),
  );
  return [...exact, ...vendorOnly];
}

export interface ProbeOptions {
  open: (driver: Driver) => OpenTransport;
  /** How long to listen to each candidate. */
  listenMs?: number;
}

/**
 * Opens the port once per candidate with that driver's settings and start command, and keeps
 * the first driver whose decoder finds several good frames and more good than bad.
 */
export async function probePort(
  path: string,
  candidates: readonly Driver[],
  options: ProbeOptions,
): Promise<Driver | null> {
  for (const driver of candidates) {
    const decoder = driver.createDecoder();
    let transport;
    try {
      transport = await options.open(driver)(path, {
        onData: (bytes) => void decoder.push(bytes),
        onLost: () => {},
      });
    } catch {
      return null; // the port is gone or busy: nothing to probe
    }
    try {
      if (driver.commands.start) await transport.write(driver.commands.start);
      await new Promise((resolve) => setTimeout(resolve, options.listenMs ?? 2500));
    } finally {
      if (driver.commands.stop) await transport.write(driver.commands.stop).catch(() => {});
      await transport.close();
    }
    const { framesOk, framesBad } = decoder.stats;
    if (framesOk >= 3 && framesOk > framesBad) return driver;
  }
  return null;
}

/** A USB HID device the manifest knows (a blood-pressure monitor), as the system lists it. */
export interface HidDeviceInfo {
  driver: string;
  vendorId: number;
  productId: number;
  product: string | null;
}

/**
 * The HID devices present that match a download device of the manifest. Without libusb/hidraw
 * access (or with node-hid missing) this is an empty list, never an error: the download itself
 * then says what is wrong.
 */
export async function listHidDevices(
  descriptors: readonly DriverDescriptor[] = downloadDevices,
): Promise<HidDeviceInfo[]> {
  let found: { vendorId: number; productId: number; product?: string }[];
  try {
    const { devicesAsync } = await import('node-hid');
    found = await devicesAsync();
  } catch {
    return [];
  }
  const matches: HidDeviceInfo[] = [];
  for (const descriptor of descriptors) {
    for (const device of found) {
      const known = descriptor.usb.some(
        (m) =>
          m.vendorId === device.vendorId && (m.productId ?? device.productId) === device.productId,
      );
      if (known && !matches.some((m) => m.driver === descriptor.id)) {
        matches.push({
          driver: descriptor.id,
          vendorId: device.vendorId,
          productId: device.productId,
          product: device.product ?? null,
        });
      }
    }
  }
  return matches;
}

export interface DiscoveryOptions {
  list?: () => Promise<PortInfo[]>;
  probe: (path: string, candidates: readonly Driver[]) => Promise<Driver | null>;
  /** Ports already in use by a configured device are left alone. */
  inUse: (path: string) => boolean;
  onFound: (driver: Driver, port: PortInfo) => void;
  onUnrecognised?: (port: PortInfo, candidates: readonly Driver[]) => void;
  /** USB HID devices of the manifest, listed on every pass (node-hid by default). */
  listHid?: () => Promise<HidDeviceInfo[]>;
  /** A download device (blood-pressure monitor) was plugged in; it is downloaded on request. */
  onHidFound?: (device: HidDeviceInfo) => void;
  everyMs?: number;
}

/** Watches for new ports and connects what it recognises. */
export class Discovery {
  private readonly seen = new Set<string>();
  private readonly seenHid = new Set<string>();
  private readonly timer: NodeJS.Timeout;
  private scanning: Promise<void> | null = null;

  constructor(private readonly options: DiscoveryOptions) {
    this.timer = setInterval(() => void this.scan(), options.everyMs ?? 2000);
    void this.scan();
  }

  /** One pass: list, match, probe the new ports. Exposed so tests need not wait for the timer. */
  scan(): Promise<void> {
    this.scanning ??= this.scanOnce().finally(() => (this.scanning = null));
    return this.scanning;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async scanOnce(): Promise<void> {
    await this.scanHid();
    const ports = await (this.options.list ?? listSerialPorts)();
    const present = new Set(ports.map((port) => port.path));
    // A port that went away and comes back is a new plug-in: look at it again.
    for (const path of this.seen) if (!present.has(path)) this.seen.delete(path);
    for (const port of ports) {
      if (this.seen.has(port.path) || this.options.inUse(port.path)) continue;
      this.seen.add(port.path);
      const candidates = candidateDrivers(port);
      if (candidates.length === 0) continue;
      // Even a unique USB id match is listened to: a power-only cable or a wrong firmware mode
      // must end in a clear message, not a bed full of garbage.
      const driver = await this.options.probe(port.path, candidates);
      if (driver) this.options.onFound(driver, port);
      else this.options.onUnrecognised?.(port, candidates);
    }
  }

  private async scanHid(): Promise<void> {
    if (!this.options.onHidFound) return;
    const devices = await (this.options.listHid ?? listHidDevices)();
    const present = new Set(devices.map((device) => device.driver));
    for (const driver of this.seenHid) if (!present.has(driver)) this.seenHid.delete(driver);
    for (const device of devices) {
      if (this.seenHid.has(device.driver)) continue;
      this.seenHid.add(device.driver);
      this.options.onHidFound(device);
    }
  }
}
