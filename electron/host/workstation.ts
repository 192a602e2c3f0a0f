// The workstation core, assembled: devices → acquisition → bus → store, alarms and live streams.
// Both shells (Electron, the headless browser shell) and the tests start exactly this.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { WaveformChannel } from '../../shared/model/schemas';
import { Bus } from './bus';
import { BedState, bedIdFor } from './beds';
import { Assignments, ASSIGNMENTS_FILE, workstationId } from './data-dir';
import { ADULT_DEFAULTS, type AlarmSettings } from './alarms/limits';
import { alarmEventRow } from './alarms/alarm-log';
import { wallClock, type AlarmClock } from './alarms/alarm-clock';
import { BedSignals, computedSourceId } from './signals/bed-signals';
import { DeviceAcquisition } from './acquisition/device-acquisition';
import { DeviceSession } from './devices/session';
import { allDescriptors, findDriver, driverIds } from './devices/manifest';
import { candidateDrivers, listHidDevices, listSerialPorts } from './devices/discovery';
import type { Driver, DriverDescriptor } from './devices/driver';
import { importBpReadings, readingRows, type BpImportResult } from './devices/bp-import';
import { omronHem790itDescriptor } from './devices/drivers/omron-hem790it';
import { openHid, type HidReportTransport } from './devices/transports/hid';
import type { DeviceConfig } from './devices/device-config';
import type { OpenTransport } from './devices/transports/byte-transport';
import { serialOpener } from './devices/transports/serial';
import { openStore, type RetentionPolicy, type Store } from './store/client';
import { createRouter, type ApiRouter } from './api/router';
import { createHandlers } from './api/handlers';
import { workstationAlarmStrips } from './strips/alarm-strips';
import { Admissions, type BedChoice } from './admissions';
import { PatientDetails } from '../../shared/api/contract-patients';
import type { Patient } from '../../shared/model/schemas';

export interface WorkstationOptions {
  dataDir: string;
  devices: DeviceConfig[];
  alarmSettings?: AlarmSettings;
  /** Replaces the serial port, for transports that are not serial ports. */
  openTransport?: (driver: Driver) => OpenTransport;
  /** How long data are kept (defaults: waveforms 72 h, trends and events 30 days). */
  retention?: Partial<RetentionPolicy>;
  /** Opens a USB HID device (node-hid by default; tests and the demo inject a simulator). */
  openHid?: (descriptor: DriverDescriptor) => Promise<HidReportTransport>;
  log?: (message: string) => void;
  /** The alarm system's clock: the wall clock unless a test moves it (`serve --test-clock`). */
  alarmClock?: AlarmClock;
}

export interface Workstation {
  readonly id: string;
  readonly bus: Bus;
  readonly store: Store;
  readonly router: ApiRouter;
  readonly beds: ReadonlyMap<string, BedState>;
  readonly sessions: ReadonlyMap<string, DeviceSession>;
  channelsOfBed(bedId: string): WaveformChannel[];
  /**
   * Adds a device at run time; returns its id. Throws ConfigurationError for a bad config. With
   * `remember`, the assignment is kept in the data directory and restored at the next start.
   */
  addDevice(config: DeviceConfig, options?: { remember?: boolean }): string;
  /** Downloads the blood-pressure monitor's stored readings into the bed with this label. */
  importBloodPressure(bedLabel: string): Promise<BpImportResult & { bedId: string }>;
  /**
   * Admits a patient as the `admitPatient` request does (same checks, logged with the actor); a
   * bed given by label is made when there is none. For the demo's fictional patients.
   */
  admitPatient(details: PatientDetails & BedChoice, actor: string): Promise<Patient>;
  /** Takes a device off its bed on purpose (its technical alarms end); false if unknown. */
  removeDevice(deviceId: string, actor: string): Promise<boolean>;
  stop(): Promise<void>;
}

const ALARM_TICK_MS = 200;
/** A numeric the device reported this recently is shown rather than the workstation's own. */
const DEVICE_NUMERIC_FRESH_MS = 5000;

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
  const alarmClock = options.alarmClock ?? wallClock;
  // Every configuration mistake is found before anything is opened.
  const serialOnly = options.openTransport === undefined;
  const resolved = options.devices.map((config) => resolveDevice(config, serialOnly));
  const seen = new Set<string>();
  for (const { deviceId } of resolved) {
    if (seen.has(deviceId)) throw new ConfigurationError(`Device ${deviceId} is configured twice.`);
    seen.add(deviceId);
  }

  mkdirSync(options.dataDir, { recursive: true });
  // Devices assigned from the UI come back after a restart, after those given on the command line.
  const assignments = new Assignments(join(options.dataDir, ASSIGNMENTS_FILE), log);
  for (const config of assignments.list()) {
    try {
      const device = resolveDevice(config, serialOnly);
      if (seen.has(device.deviceId)) continue;
      seen.add(device.deviceId);
      resolved.push(device);
    } catch (error) {
      log(`Not restoring the device ${config.driver}:${config.path}: ${(error as Error).message}`);
    }
  }
  const id = workstationId(options.dataDir);
  const store = await openStore({
    dataDir: join(options.dataDir, 'pgdata'),
    workstationId: id,
    onError: (message) => log(`store: ${message}`),
    ...(options.retention ? { retention: options.retention } : {}),
  });
  const bus = new Bus((message, error) => log(`${message}: ${String(error)}`));

  const beds = new Map<string, BedState>();
  const sessions = new Map<string, DeviceSession>();
  const drivers = new Map<string, Driver>();
  const configs = new Map<string, DeviceConfig>();

  // The workstation's own numerics, rhythms and signal quality, from the live waveforms.
  const signals = new BedSignals({
    numeric: ({ bedId, deviceId, refId, value, unit, at }) => {
      const bed = beds.get(bedId);
      const reported = bed?.numerics.get(refId);
      // What the device reports itself comes first; ours fills in where it reports nothing.
      if (!bed || (reported && !reported.computed && at - reported.at < DEVICE_NUMERIC_FRESH_MS))
        return;
      const numeric = { value, unit, at, source: deviceId, computed: true };
      bus.emit('numeric', { bedId, deviceId: computedSourceId(deviceId), refId, numeric });
    },
    rhythm: (bedId, rhythm, active, at, value) => {
      const bed = beds.get(bedId);
      if (!bed) return;
      bed.alarms.observeRhythm(rhythm, active, at, value, 'workstation');
      publishAlarms(bed);
    },
    quality: (bedId, signal, state, at, deviceId) => {
      const bed = beds.get(bedId);
      if (!bed) return;
      bed.alarms.observeSignalQuality(signal, state, at, deviceId);
      publishAlarms(bed);
    },
  });
  bus.on('samples', (block) => {
    store.appendSamples(block);
    signals.push(block);
  });
  bus.on('flags', ({ bedId, deviceId, flags, at }) => {
    const bed = beds.get(bedId);
    const driver = drivers.get(deviceId);
    if (!bed || !driver) return;
    bed.alarms.observeDeviceFlags(deviceId, driver.descriptor.deviceKind, flags, at);
    publishAlarms(bed);
  });
  bus.on('numeric', ({ bedId, deviceId, refId, numeric, stored }) => {
    if (!stored)
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
    bed.alarms.observeNumeric(refId, numeric.value, numeric.at, numeric.source);
    publishAlarms(bed);
  });
  bus.on('device', (device) => {
    const bed = beds.get(device.bedId);
    const driver = drivers.get(device.id);
    if (!bed || !driver) return;
    bed.alarms.observeDevice(device, driver.descriptor.deviceKind, alarmClock.now());
    publishAlarms(bed);
  });
  bus.on('alarms', ({ bedId, log: entries }) => {
    for (const entry of entries) store.appendAlarmEvent(alarmEventRow(bedId, entry));
  });
  // A strip of 10 s before and 10 s after every high-priority alarm, once those 10 s are stored.
  const alarmStrips = workstationAlarmStrips(beds, store, log);
  bus.on('alarms', ({ bedId, log: entries }) => alarmStrips.observe(bedId, entries));

  const publishAlarms = (bed: BedState) => bed.publishAlarms(bus);

  const alarmTimer = setInterval(() => {
    for (const bed of beds.values()) {
      bed.alarms.tick(alarmClock.now());
      publishAlarms(bed);
    }
  }, ALARM_TICK_MS);

  /** The bed with this label, made when there is none yet. */
  function bedFor(label: string): BedState {
    let bed = [...beds.values()].find((b) => b.label === label);
    if (!bed) {
      bed = new BedState(bedIdFor(label, new Set(beds.keys())), label, settings);
      beds.set(bed.id, bed);
    }
    return bed;
  }

  function addResolved({ config, driver, deviceId }: ResolvedDevice): void {
    const bed = bedFor(config.bed ?? `Bed ${beds.size + 1}`);
    bed.deviceIds.push(deviceId);
    drivers.set(deviceId, driver);
    configs.set(deviceId, config);
    const acquisition = new DeviceAcquisition(bed.id, deviceId, driver.descriptor, bus);
    // What this device produces on this bed, with its scale: review and export need it.
    store
      .recordChannels(
        driver.descriptor.channels.map((c) => ({
          bedId: bed.id,
          deviceId,
          channel: c.key,
          label: c.label,
          unit: c.unit,
          rateHz: c.rateHz,
          scale: c.scale,
        })),
      )
      .catch((error: unknown) =>
        log(`store: channels of ${deviceId} not recorded: ${String(error)}`),
      );
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

  // Beds get their patients back; a bed with a patient and no device left comes back too.
  const admissions = new Admissions({
    beds,
    bedForLabel: bedFor,
    store,
    bus,
    now: () => alarmClock.now(),
    emptyBedCategory: settings.category,
    log,
  });
  await admissions.restore().catch((error: unknown) => {
    log(`store: the patients in beds could not be read back: ${String(error)}`);
  });

  /** A device found while running (plug-in discovery) or assigned from the UI. */
  function addDevice(config: DeviceConfig, { remember = false } = {}): string {
    const device = resolveDevice(config, serialOnly);
    const owner = [...configs].find(([, c]) => c.path === config.path)?.[0];
    if (owner !== undefined) {
      throw new ConfigurationError(
        `${config.path} is already in use by ${owner}; disconnect that device first.`,
      );
    }
    addResolved(device);
    if (remember) assignments.add(config);
    const bedId = sessions.get(device.deviceId)!.status().bedId;
    bus.emit('bed', { bedId });
    return device.deviceId;
  }

  let importing = false;
  async function importBloodPressure(bedLabel: string) {
    if (importing) throw new ConfigurationError('A download from the monitor is already running.');
    importing = true;
    try {
      return await downloadBloodPressure(bedLabel);
    } finally {
      importing = false;
    }
  }

  async function downloadBloodPressure(bedLabel: string) {
    const descriptor = omronHem790itDescriptor;
    const deviceId = descriptor.id;
    const transport = await (options.openHid ?? openOmron)(descriptor);
    const isNewBed = ![...beds.values()].some((b) => b.label === bedLabel);
    const bed = bedFor(bedLabel);
    try {
      const result = await importBpReadings(transport, { bedId: bed.id, deviceId, sink: store });
      const newestRows = result.newest ? readingRows(bed.id, deviceId, result.newest) : [];
      for (const row of newestRows) {
        const numeric = { value: row.value, unit: row.unit, at: row.at, source: deviceId };
        // Shown only when newer than what the bed shows now for that code.
        if ((bed.numerics.get(row.refId)?.at ?? -Infinity) > numeric.at) continue;
        bus.emit('numeric', { bedId: bed.id, deviceId, refId: row.refId, numeric, stored: true });
      }
      log(
        `${descriptor.displayName}: ${result.downloaded} readings downloaded into ${bed.label},` +
          ` ${result.imported} new`,
      );
      bus.emit('bed', { bedId: bed.id });
      return { ...result, bedId: bed.id };
    } catch (error) {
      // A bed made only for this download does not outlive its failure.
      if (isNewBed && bed.deviceIds.length === 0 && bed.numerics.size === 0) beds.delete(bed.id);
      throw error;
    } finally {
      await transport.close().catch(() => {});
    }
  }

  async function removeDevice(deviceId: string, actor: string): Promise<boolean> {
    const session = sessions.get(deviceId);
    const config = configs.get(deviceId);
    if (!session || !config) return false;
    const { bedId } = session.status();
    sessions.delete(deviceId);
    drivers.delete(deviceId);
    configs.delete(deviceId);
    assignments.remove(config);
    await session.stop();
    const bed = beds.get(bedId);
    if (bed) {
      bed.deviceIds.splice(bed.deviceIds.indexOf(deviceId), 1);
      for (const [refId, numeric] of bed.numerics) {
        if (numeric.source === deviceId) bed.numerics.delete(refId);
      }
      bed.alarms.removeDevice(deviceId, actor, alarmClock.now());
      signals.forgetDevice(bedId, deviceId);
      publishAlarms(bed);
      bus.emit('bed', { bedId });
    }
    log(`${deviceId} removed from ${bed?.label ?? bedId} by ${actor}`);
    return true;
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
    createHandlers({
      bus,
      notices: store.notices,
      history: store,
      log,
      alarmClock,
      admissions,
      beds,
      sessions,
      channelsOfBed,
      soundRecordings: store,
      devices: {
        listPorts: async () =>
          (await listSerialPorts()).map((port) => ({
            path: port.path,
            vendorId: port.vendorId ?? null,
            productId: port.productId ?? null,
            manufacturer: port.manufacturer ?? null,
            candidates: candidateDrivers(port).map((driver) => driver.descriptor.id),
          })),
        hidPresent: async () =>
          options.openHid
            ? [omronHem790itDescriptor.id] // the injected (simulated) monitor is always there
            : (await listHidDevices()).map((device) => device.driver),
        drivers: () =>
          allDescriptors.map((descriptor) => ({
            id: descriptor.id,
            displayName: descriptor.displayName,
            deviceKind: descriptor.deviceKind,
            transport: descriptor.transport,
          })),
        connect: (config) => ({ deviceId: addDevice(config, { remember: true }) }),
        disconnect: removeDevice,
        importBloodPressure,
      },
    }),
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
    removeDevice,
    importBloodPressure,
    // Checked as the request's input is (names trimmed, a YYYY-MM-DD date), then admitted.
    admitPatient: (details, actor) =>
      admissions.admit({ ...details, ...PatientDetails.parse(details) }, actor),
    stop() {
      stopping ??= (async () => {
        clearInterval(alarmTimer);
        await Promise.all([...sessions.values()].map((session) => session.stop()));
        await alarmStrips.stop();
        await store.close();
      })();
      return stopping;
    },
  };
}

function openOmron(descriptor: DriverDescriptor): Promise<HidReportTransport> {
  const usb = descriptor.usb[0]!;
  return openHid(usb.vendorId, usb.productId!, descriptor.displayName);
}
