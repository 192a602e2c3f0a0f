// The workstation core, assembled: devices → acquisition → bus → store, alarms and live streams.
// Both shells (Electron, the headless browser shell) and the tests start exactly this.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WaveformChannel } from '../../shared/model/schemas';
import { uuidv7 } from '../../shared/ids';
import { Bus } from './bus';
import { BedState } from './beds';
import { ADULT_DEFAULTS, type AlarmSettings } from './alarms/limits';
import { DeviceAcquisition } from './acquisition/device-acquisition';
import { DeviceSession } from './devices/session';
import { findDriver, driverIds } from './devices/manifest';
import type { Driver } from './devices/driver';
import type { DeviceConfig } from './devices/device-config';
import type { OpenTransport } from './devices/transports/byte-transport';
import { serialOpener } from './devices/transports/serial';
import { openStore, type Store } from './store/client';
import { createRouter, type ApiRouter } from './api/router';
import { createHandlers } from './api/handlers';

export interface WorkstationOptions {
  dataDir: string;
  devices: DeviceConfig[];
  alarmSettings?: AlarmSettings;
  /** Replaces the serial port, for transports that are not serial ports. */
  openTransport?: (driver: Driver) => OpenTransport;
  log?: (message: string) => void;
}

export interface Workstation {
  readonly id: string;
  readonly bus: Bus;
  readonly store: Store;
  readonly router: ApiRouter;
  readonly beds: ReadonlyMap<string, BedState>;
  readonly sessions: ReadonlyMap<string, DeviceSession>;
  channelsOfBed(bedId: string): WaveformChannel[];
  /** Adds a device at run time; returns its id. Throws ConfigurationError for a bad config. */
  addDevice(config: DeviceConfig): string;
  stop(): Promise<void>;
}

const ALARM_TICK_MS = 200;

/** The workstation was asked for something it cannot be (an unknown driver, a device twice). */
export class ConfigurationError extends Error {}

interface ResolvedDevice {
  config: DeviceConfig;
  driver: Driver;
  deviceId: string;
}

function resolveDevice(config: DeviceConfig, serialOnly: boolean): ResolvedDevice {
  const driver = findDriver(config.driver);
  if (!driver) {
    throw new ConfigurationError(
      `Unknown device driver "${config.driver}". Known drivers: ${driverIds().join(', ')}.`,
    );
  }
  if (serialOnly && !driver.descriptor.serial) {
    throw new ConfigurationError(
      `${driver.descriptor.displayName} is not a serial device and cannot be given as --device.`,
    );
  }
  return { config, driver, deviceId: `${driver.descriptor.id}@${config.path}` };
}

export async function startWorkstation(options: WorkstationOptions): Promise<Workstation> {
  const log = options.log ?? ((message: string) => console.log(message));
  const settings = options.alarmSettings ?? ADULT_DEFAULTS;
  // Every configuration mistake is found before anything is opened.
  const serialOnly = options.openTransport === undefined;
  const resolved = options.devices.map((config) => resolveDevice(config, serialOnly));
  const seen = new Set<string>();
  for (const { deviceId } of resolved) {
    if (seen.has(deviceId)) throw new ConfigurationError(`Device ${deviceId} is configured twice.`);
    seen.add(deviceId);
  }

  mkdirSync(options.dataDir, { recursive: true });
  const id = workstationId(options.dataDir);
  const store = await openStore({
    dataDir: join(options.dataDir, 'pgdata'),
    workstationId: id,
    onError: (message) => log(`store: ${message}`),
  });
  const bus = new Bus((message, error) => log(`${message}: ${String(error)}`));

  const beds = new Map<string, BedState>();
  const sessions = new Map<string, DeviceSession>();
  const drivers = new Map<string, Driver>();

  bus.on('samples', (block) => store.appendSamples(block));
  bus.on('numeric', ({ bedId, deviceId, refId, numeric }) => {
    store.appendNumeric({
      bedId,
      deviceId,
      refId,
      value: numeric.value,
      unit: numeric.unit,
      at: numeric.at,
    });
    const bed = beds.get(bedId);
    if (!bed) return;
    bed.numerics.set(refId, numeric);
    bed.alarms.observeNumeric(refId, numeric.value, numeric.at, deviceId);
    publishAlarms(bed);
  });
  bus.on('device', (device) => {
    const bed = beds.get(device.bedId);
    const driver = drivers.get(device.id);
    if (!bed || !driver) return;
    bed.alarms.observeDevice(device, driver.descriptor.deviceKind, Date.now());
    publishAlarms(bed);
  });
  bus.on('alarms', ({ log: entries }) => {
    for (const { event, alarm, actor, at } of entries) {
      store.appendAlarmEvent({
        bedId: alarm.bedId,
        alarmId: alarm.id,
        event,
        kind: alarm.kind,
        priority: alarm.priority,
        code: alarm.code,
        message: alarm.message,
        value: alarm.value,
        limit: alarm.limit,
        actor,
        at,
      });
    }
  });

  function publishAlarms(bed: BedState): void {
    const entries = bed.alarms.drainLog();
    if (entries.length > 0)
      bus.emit('alarms', { bedId: bed.id, alarms: bed.alarms.list(), log: entries });
  }

  const alarmTimer = setInterval(() => {
    for (const bed of beds.values()) {
      bed.alarms.tick(Date.now());
      publishAlarms(bed);
    }
  }, ALARM_TICK_MS);

  function addResolved({ config, driver, deviceId }: ResolvedDevice): void {
    const label = config.bed ?? `Bed ${beds.size + 1}`;
    let bed = [...beds.values()].find((b) => b.label === label);
    if (!bed) {
      bed = new BedState(`bed-${beds.size + 1}`, label, settings);
      beds.set(bed.id, bed);
    }
    bed.deviceIds.push(deviceId);
    drivers.set(deviceId, driver);
    const acquisition = new DeviceAcquisition(bed.id, deviceId, driver.descriptor, bus);
    // resolveDevice has made sure a driver without serial settings has another transport.
    const open = options.openTransport?.(driver) ?? serialOpener(driver.descriptor.serial!);
    sessions.set(
      deviceId,
      new DeviceSession({
        id: deviceId,
        bedId: bed.id,
        driver,
        path: config.path,
        open,
        onFrames: (frames, arrivalMs) => acquisition.ingest(frames, arrivalMs),
        onStatus: (status) => bus.emit('device', status),
        onConnectionStart: () => acquisition.reset(),
        log,
      }),
    );
  }
  resolved.forEach(addResolved);

  /** A device found while running (plug-in discovery) or assigned from the UI. */
  function addDevice(config: DeviceConfig): string {
    const device = resolveDevice(config, serialOnly);
    if (sessions.has(device.deviceId))
      throw new ConfigurationError(`Device ${device.deviceId} is already connected.`);
    addResolved(device);
    return device.deviceId;
  }

  function channelsOfBed(bedId: string): WaveformChannel[] {
    const bed = beds.get(bedId);
    if (!bed) return [];
    return bed.deviceIds.flatMap((deviceId) =>
      (drivers.get(deviceId)?.descriptor.channels ?? [])
        .filter((channel) => channel.displayed)
        .map((channel) => ({
          deviceId,
          refId: channel.key,
          label: channel.label,
          unit: channel.unit,
          rateHz: channel.rateHz,
          scale: channel.scale,
        })),
    );
  }

  const router = createRouter(
    createHandlers({ bus, beds, sessions, channelsOfBed }),
    (message, error) =>
      log(`${message}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
  );

  let stopping: Promise<void> | null = null;
  return {
    id,
    bus,
    store,
    router,
    beds,
    sessions,
    channelsOfBed,
    addDevice,
    stop() {
      stopping ??= (async () => {
        clearInterval(alarmTimer);
        await Promise.all([...sessions.values()].map((session) => session.stop()));
        await store.close();
      })();
      return stopping;
    },
  };
}

/** The id stamped on every row this workstation makes; kept with its data. */
function workstationId(dataDir: string): string {
  const file = join(dataDir, 'workstation.json');
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { id?: unknown };
    if (typeof parsed.id === 'string' && parsed.id.length > 0) return parsed.id;
  } catch {
    // first start: made below
  }
  const id = uuidv7();
  writeFileSync(file, JSON.stringify({ id }, null, 2) + '\n');
  return id;
}
