// The workstation core, assembled: devices → acquisition → bus → store, alarms and live streams.
// Both shells (Electron, the headless browser shell) and the tests start exactly this.
import { DeviceSessionLog } from './devices/session-log';
import { join } from 'node:path';
import type { WaveformChannel } from '../../shared/model/schemas';
import { Bus } from './bus';
import { BedState, bedIdFor } from './beds';
import { Assignments, ASSIGNMENTS_FILE, openDataDir } from './data-dir';
import { ADULT_DEFAULTS, type AlarmSettings } from './alarms/limits';
import { alarmEventRow } from './alarms/alarm-log';
import { wallClock, type AlarmClock } from './alarms/alarm-clock';
import { BedSignals, computedSourceId } from './signals/bed-signals';
import { DeviceAcquisition } from './acquisition/device-acquisition';
import { DeviceSession } from './devices/session';
import { allDescriptors, findDriver, driverIds } from './devices/manifest';
import { candidateDrivers, listHidDevices, listSerialPorts } from './devices/discovery';
import type { Driver, DriverDescriptor } from './devices/driver';
import { BloodPressureDownloads } from './devices/bp-downloads';
import { omronHem790itDescriptor } from './devices/drivers/omron-hem790it';
import { openHid, type HidReportTransport } from './devices/transports/hid';
import type { DeviceConfig } from './devices/device-config';
import type { OpenTransport } from './devices/transports/byte-transport';
import { serialOpener } from './devices/transports/serial';
import { connectablePorts } from './connectable-ports';
import { openStore, storeAlarmConditions, type RetentionPolicy, type Store } from './store/client';
import { DEFAULT_RETENTION } from './store/retention';
import { createRouter, type ApiRouter } from './api/router';
import { createHandlers } from './api/handlers';
import { coalescingAudit } from './api/call-audit';
import { Access } from './access/access';
import { HospitalSignIn } from './access/hospital-sign-in';
import { soundRecordingHandlers } from './api/sound-recordings';
import { RemoteConsults } from './telehealth/remote-consults';
import type { AuditEventToStore } from './store/client';
import { News2Monitor } from './news2/news2-monitor';
import { BeatMarkWriter } from './beats/beat-mark-writer';
import { workstationAlarmStrips } from './strips/alarm-strips';
import { StripRenderer } from './strips/strip-renderer';
import { Screens } from './screens';
import { Admissions, patientName, type BedChoice } from './admissions';
import { BedExports } from './export/bed-exports';
import { exportsKeyOf } from './export/sealed-file';
import { WorkstationSync, type WorkstationSyncOptions } from './sync/workstation-sync';
import { startLivePublisher, type LivePublisher } from './sync/live-publisher';
import { HospitalList } from './census/hospital-list';
import type { Keystore } from './sync/keystore';
import type { UpdateService } from './update/update-service';
import { monitoredBedsOf } from './update/monitored-beds';
import { openWorkstationUpdater, type UpdateOptions } from './update/workstation-updater';
import { PatientDetails } from '../../shared/api/contract-patients';
import type { Patient } from '../../shared/model/schemas';
import type { RequestOutput } from '../../shared/api/contract';

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
  /** Bytes an export from the screen leaves free on the data directory's disk (default 256 MiB). */
  exportKeepFreeBytes?: number;
  /**
   * Paths (or globs) a device may be connected on from the screen besides the serial ports the
   * system lists (`serve --allow-port`); the paths of `devices` are always allowed.
   */
  allowPorts?: readonly string[];
  /** Seals the sync credential: the desktop shell's OS keystore; default a key file (0600). */
  keystore?: Keystore;
  /**
   * Opens the data key that seals patients' details (store/encryption/) instead of the keystore:
   * typed at start (`serve --passphrase-stdin`). A new store's key is then wrapped by it.
   */
  passphrase?: string;
  /**
   * Updates from the central server's feed (update/): the shell's installer (the desktop's
   * electron-updater), the version running, its channel, and where the trusted signing keys are
   * (default: those built in). None: no updater (the status line shows none).
   */
  update?: UpdateOptions;
  /** A signed-in screen locks after this long without input (`serve --idle-lock-min`; default 5 min). */
  idleLockMs?: number;
  /** Tests: shorter rounds and timeouts for sync to the central server. */
  sync?: Pick<
    WorkstationSyncOptions,
    'uploader' | 'statusEveryMs' | 'pullEveryMs' | 'censusEveryMs' | 'unsentAlarm'
  >;
}

export interface Workstation {
  readonly id: string;
  readonly bus: Bus;
  readonly store: Store;
  readonly router: ApiRouter;
  readonly beds: ReadonlyMap<string, BedState>;
  readonly sessions: ReadonlyMap<string, DeviceSession>;
  /** Exports asked for from the screen, written into `<data>/exports`. */
  readonly exports: BedExports;
  /** Sync to the central server (sync/): enrolment, uploader, puller, status. */
  readonly sync: WorkstationSync;
  /** Every bed live to the central server's relay while enrolled (sync/live-publisher.ts). */
  readonly live: LivePublisher;
  /** The hospital's patient list, pulled by sync, against the patients in beds here. */
  readonly hospitalList: HospitalList;
  /** The updater (update/), when the shell gave an installer. */
  readonly updates: UpdateService | null;
  /** Accounts and the screens signed in to them (access/): the shells open a screen per connection. */
  readonly access: Access;
  channelsOfBed(bedId: string): WaveformChannel[];
  /**
   * Adds a device at run time; returns its id. Throws ConfigurationError for a bad config. With
   * `remember`, the assignment is kept in the data directory and restored at the next start.
   */
  addDevice(config: DeviceConfig, options?: { remember?: boolean }): string;
  /** Downloads the blood-pressure monitor for the patient in the bed with this label. */
  importBloodPressure(
    bedLabel: string,
    actor: string,
  ): Promise<RequestOutput<'importBloodPressure'>>;
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
/** The folder of the data directory that exports from the screen are written into. */
export const EXPORTS_FOLDER = 'exports';
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

  // Made private to this user (0700, files 0600) whatever the umask; its identity read or restored.
  const dataDir = openDataDir(options.dataDir, log);
  // Only what the system lists or an administrator allowed is opened for a request; an injected
  // transport opens no file at all.
  const connectRefusal = serialOnly
    ? connectablePorts(
        [...(options.allowPorts ?? []), ...options.devices.map((device) => device.path)],
        listSerialPorts,
      )
    : async () => null;
  // Devices assigned from the UI come back after a restart, after those given on the command line.
  const assignments = new Assignments(join(options.dataDir, ASSIGNMENTS_FILE), log);
  for (const config of assignments.list()) {
    try {
      const device = resolveDevice(config, serialOnly);
      if (seen.has(device.deviceId)) continue;
      const refusal = await connectRefusal(config.path);
      if (refusal) {
        throw new ConfigurationError(
          `${refusal} The assignment is kept: it comes back once the port is listed or allowed.`,
        );
      }
      seen.add(device.deviceId);
      resolved.push(device);
    } catch (error) {
      log(`Not restoring the device ${config.driver}:${config.path}: ${(error as Error).message}`);
    }
  }
  const id = dataDir.workstationId;
  const store = await openStore({
    dataDir: join(options.dataDir, 'pgdata'),
    workstationId: id,
    notices: dataDir.notices,
    onError: (message) => log(`store: ${message}`),
    ...(options.retention ? { retention: options.retention } : {}),
    // Patients' details are sealed under a data key the keystore (or a passphrase) wraps.
    encryption: {
      ...(options.keystore ? { keystore: options.keystore } : {}),
      ...(options.passphrase !== undefined ? { passphrase: options.passphrase } : {}),
    },
  });
  const bus = new Bus((message, error) => log(`${message}: ${String(error)}`));
  // Everything the store keeps reaches the central server once enrolled, beside ingest.
  const sync = new WorkstationSync({
    dataDir: options.dataDir,
    workstationId: id,
    store,
    log,
    ...(options.keystore ? { keystore: options.keystore } : {}),
    ...options.sync,
  });

  const beds = new Map<string, BedState>();
  const sessions = new Map<string, DeviceSession>();
  const deviceSessions = new DeviceSessionLog({
    record: (event) => store.recordDeviceSession(event),
    now: () => alarmClock.now(),
    log,
  });
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
    ectopy: (bedId, event, active, at, value) => {
      const bed = beds.get(bedId);
      if (!bed) return;
      bed.alarms.observeEctopy(event, active, at, value, 'workstation');
      publishAlarms(bed);
    },
    held: (bedId, rhythm, at, value, detail) => {
      const bed = beds.get(bedId);
      if (!bed) return;
      bed.alarms.observeHeldRhythm(rhythm, at, value, detail);
      publishAlarms(bed);
    },
    beats: (bedId, beats) => bus.emit('beats', { bedId, beats }),
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
  // Beats not called normal are kept for review, a few seconds at a time (beats/beat-mark-writer.ts).
  const beatMarks = new BeatMarkWriter(store, log);
  bus.on('beats', ({ bedId, beats }) => {
    for (const beat of beats) beatMarks.add(bedId, beat.atMs, beat.beatClass);
  });
  // Strip PDFs are made in a worker thread: layout and fonts never hold up this thread.
  const stripRenderer = new StripRenderer({ log });
  // A strip of 10 s before and 10 s after every high-priority alarm, once those 10 s are stored.
  const alarmStrips = workstationAlarmStrips(beds, store, stripRenderer, log);
  bus.on('alarms', ({ bedId, log: entries }) => alarmStrips.observe(bedId, entries));

  const publishAlarms = (bed: BedState) => bed.publishAlarms(bus);

  // A store that stopped recording (disk full) or lost data is a technical alarm on every bed.
  // So is a disk filling with data not yet sent to the central server (sync/unsent-data.ts).
  const showStoreHealth = (bed: BedState) => {
    const conditions = storeAlarmConditions(store.health).map((c) =>
      sync.describeStoreCondition(c),
    );
    for (const condition of [...conditions, sync.unsentDataCondition()]) {
      bed.alarms.observeWorkstation(condition, condition.present, alarmClock.now());
    }
    publishAlarms(bed);
  };
  sync.onConditionChange(() => {
    for (const bed of beds.values()) showStoreHealth(bed);
  });
  store.onHealth((health) => {
    log(`store: recording ${health.recording}${health.message ? `: ${health.message}` : ''}`);
    for (const bed of beds.values()) showStoreHealth(bed);
  });

  // The screens open now: with none able to sound, alarming beds say so (screens.ts).
  const screens = new Screens(() => alarmClock.now(), log);
  // NEWS2 at every bed, scored on the alarm system's beat (news2/news2-monitor.ts).
  const news2 = new News2Monitor({ beds, store, bus, now: () => alarmClock.now(), log });
  const alarmTimer = setInterval(() => {
    for (const bed of beds.values()) {
      screens.judge(bed.id, bed.alarms, alarmClock.now());
      news2.rescore(bed, alarmClock.now());
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
      showStoreHealth(bed);
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
        onStatus: (status) => {
          deviceSessions.status(status);
          bus.emit('device', status);
        },
        onConnectionStart: () => acquisition.reset(),
        log,
      }),
    );
    deviceSessions.assigned(sessions.get(deviceId)!.status());
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
  // What the nurses recorded for the patients' stays, before their scores are first shown.
  await news2
    .load([...beds.values()].flatMap((bed) => (bed.patient ? [bed.patient.id] : [])))
    .catch((error: unknown) => {
      log(`store: the NEWS2 observations could not be read back: ${String(error)}`);
    });

  // The hospital's list against the patients in beds: now, on every bed change, every page pulled.
  const hospitalList = new HospitalList({
    store,
    beds,
    admissions,
    bus,
    now: () => alarmClock.now(),
    log,
  });
  sync.onCensusPulled(() => hospitalList.refreshSoon());
  await hospitalList.start();

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

  // The blood-pressure monitor: downloaded for the patient in a bed (devices/bp-downloads.ts).
  const bloodPressure = new BloodPressureDownloads({
    beds,
    store,
    bus,
    monitor: {
      id: omronHem790itDescriptor.id,
      displayName: omronHem790itDescriptor.displayName,
      open: () => (options.openHid ?? openOmron)(omronHem790itDescriptor),
    },
    now: () => alarmClock.now(),
    log,
  });

  async function removeDevice(deviceId: string, actor: string): Promise<boolean> {
    const session = sessions.get(deviceId);
    const config = configs.get(deviceId);
    if (!session || !config) return false;
    const { bedId } = session.status();
    deviceSessions.removed(session.status(), actor);
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

  // Exports from the screen: into the data directory's exports folder, private as the rest.
  const exports = new BedExports({
    store,
    folder: join(options.dataDir, EXPORTS_FOLDER),
    // Sealed at rest under a key derived from the data key, as patients' details are.
    sealKey: exportsKeyOf(store.dataKey),
    keptMs: options.retention?.waveformsMs ?? DEFAULT_RETENTION.waveformsMs,
    ...(options.exportKeepFreeBytes === undefined
      ? {}
      : { keepFreeBytes: options.exportKeepFreeBytes }),
    log,
    bedOf: async (bedId) => {
      const bed = beds.get(bedId);
      if (bed) {
        const place = bed.patient
          ? (await store.readCurrentAdmissions()).find((p) => p.bedId === bedId)
          : undefined;
        return {
          label: bed.label,
          patient: bed.patient ? patientName(bed.patient) : null,
          stayFromMs: place?.lastEventAt ?? null,
        };
      }
      // A bed known only from the store (an imported record) is named by its id.
      const stored = await store.readChannels(bedId);
      return stored.length > 0 ? { label: bedId, patient: null, stayFromMs: null } : null;
    },
  });

  const updater = options.update
    ? openWorkstationUpdater({
        update: options.update,
        dataDir: options.dataDir,
        workstationId: id,
        link: () => sync.liveLink(),
        monitoredBeds: () => monitoredBedsOf(beds),
        log,
      })
    : null;
  const updates = updater?.service ?? null;

  const recordAudit = (event: AuditEventToStore) => {
    store.recordAuditEvent(event).catch((error: unknown) => {
      log(`audit: "${event.action}" by ${event.actor} could not be kept: ${String(error)}`);
    });
  };
  const access = await Access.open({
    store,
    ...(options.idleLockMs === undefined ? {} : { idleLockMs: options.idleLockMs }),
    audit: recordAudit,
    log,
  });
  // Sign-in with the hospital account, through the central server (when enrolled and offered).
  const hospitalSignIn = new HospitalSignIn({
    access,
    link: () => sync.liveLink(),
    pullAccounts: () => sync.pullAccountsNow(),
    log,
  });
  // Remote consults through the central server (telehealth/): kept ones resume asking it.
  const telehealth = new RemoteConsults({
    beds,
    bus,
    store,
    link: () => sync.liveLink(),
    relayAudio: (bedId, frames) => sync.sendAuscultation(bedId, frames),
    // A recording the remote clinician asked for is kept exactly like a local one.
    saveRecording: (recording) =>
      soundRecordingHandlers(store, (id) => ({
        patient: beds.get(id)?.patient ?? null,
      })).saveSoundRecording(recording, { actor: 'telehealth' }),
    log,
  });
  await telehealth.start().catch((error: unknown) => {
    log(`telehealth: the remote consults could not be read back: ${String(error)}`);
  });

  const router = createRouter(
    createHandlers({
      access,
      hospitalSignIn,
      bus,
      notices: store.notices,
      history: store,
      log,
      alarmClock,
      admissions,
      screens,
      beds,
      sessions,
      channelsOfBed,
      soundRecordings: store,
      renderStrip: stripRenderer.render,
      exports,
      sync,
      news2,
      hospitalList,
      telehealth,
      ...(updates ? { updates } : {}),
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
        connect: async (config) => {
          resolveDevice(config, serialOnly); // an unknown driver is named before the port is looked at
          const refusal = await connectRefusal(config.path);
          if (refusal) throw new ConfigurationError(refusal);
          return { deviceId: addDevice(config, { remember: true }) };
        },
        disconnect: removeDevice,
        bloodPressure,
      },
    }),
    (message, error) =>
      log(`${message}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
    { audit: coalescingAudit(recordAudit) },
  );

  // Sending starts once everything at the bedside is up (a failure of sync never stops it).
  await sync.start().catch((error: unknown) => log(`sync: could not start: ${String(error)}`));
  // Live to the central server's relay while enrolled: each bed's stream, as a screen gets it.
  const live = startLivePublisher({
    source: { id, router, beds, bus },
    link: () => sync.liveLink(),
    log,
    // IT published a release: the updater reads the feed now, not at its next periodic read.
    onUpdateFeed: (notice) => updates?.feedChanged(notice),
  });
  sync.useLivePublisher(live); // telehealth's auscultation goes on the live socket
  updates?.start();

  let stopping: Promise<void> | null = null;
  return {
    id,
    bus,
    store,
    router,
    beds,
    sessions,
    exports,
    sync,
    live,
    hospitalList,
    updates,
    access,
    channelsOfBed,
    addDevice,
    removeDevice,
    importBloodPressure: (bedLabel, actor) => bloodPressure.download(bedLabel, actor),
    // Checked as the request's input is (names trimmed, a YYYY-MM-DD date), then admitted.
    admitPatient: (details, actor) =>
      admissions.admit({ ...details, ...PatientDetails.parse(details) }, actor),
    stop() {
      stopping ??= (async () => {
        clearInterval(alarmTimer);
        access.close(); // the idle locks' timers; nothing is audited for a stop
        hospitalSignIn.close();
        await telehealth.stop();

        // A monitor being read is closed first: a download never outlives the workstation.
        await bloodPressure.stop();
        // Exports under way are cancelled (nothing half-written is kept) before the store closes.
        await exports.stop();
        await Promise.all([...sessions.values()].map((session) => session.stop()));
        await alarmStrips.stop();
        await beatMarks.stop();
        await stripRenderer.stop();
        await live.stop();
        await updater?.stop();
        await sync.stop();
        await hospitalList.stop();
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
