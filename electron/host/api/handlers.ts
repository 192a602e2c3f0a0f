// The contract's requests and streams, implemented on the workstation's services.
import { ApiError } from '../../../shared/api/errors';
import type { BedLiveEvent } from '../../../shared/api/contract';
import type { PortInfo, WaveformChannel } from '../../../shared/model/schemas';
import type { Bus } from '../bus';
import type { BedState } from '../beds';
import type { DeviceSession } from '../devices/session';
import type { Store } from '../store/client';
import { exportBed, ExportError } from '../export/export-bed';
import { importRecordAsBed } from '../export/store-records';
import { readWfdb } from '../export/wfdb';
import { RecordImportError } from '../export/record-import-check';
import type { ApiHandlers } from './router';
import { soundRecordingHandlers, type SoundRecordingStore } from './sound-recordings';
import { alarmHandlers } from './alarm-handlers';
import { deviceHandlers } from './device-handlers';
import { stripBedOf, stripHandlers } from './strip-handlers';
import type { RenderStripPdf } from '../strips/strip-render';
import type { AlarmClock } from '../alarms/alarm-clock';
import { patientHandlers } from './patient-handlers';
import { bloodPressureHandlers } from './blood-pressure-handlers';
import type { BloodPressureDownloads } from '../devices/bp-downloads';
import type { Admissions } from '../admissions';
import { LiveSampleBatch, ShownChannels } from './live-samples';
import type { Screens } from '../screens';
import type { BedExports } from '../export/bed-exports';
import { exportHandlers } from './export-handlers';
import { syncHandlers } from './sync-handlers';
import { NO_UPDATES, updateHandlers, type Updates } from './update-handlers';
import type { WorkstationSync } from '../sync/workstation-sync';
import type { News2Monitor } from '../news2/news2-monitor';
import { news2Handlers } from './news2-handlers';
import { telehealthHandlers } from './telehealth-handlers';
import type { RemoteConsults } from '../telehealth/remote-consults';
import { censusHandlers } from './census-handlers';
import type { HospitalList } from '../census/hospital-list';
import { accessHandlers } from './access-handlers';
import type { Access } from '../access/access';
import type { HospitalSignIn } from '../access/hospital-sign-in';

export interface HandlerServices {
  /** Accounts, sign-in and the screens (access/): the access requests act on the caller's screen. */
  access: Access;
  /** Sign-in with the hospital account through the central server; none: not offered. */
  hospitalSignIn?: HospitalSignIn;
  bus: Bus;
  beds: ReadonlyMap<string, BedState>;
  sessions: ReadonlyMap<string, DeviceSession>;
  channelsOfBed(bedId: string): WaveformChannel[];
  devices: DeviceAdministration;
  /** Where stethoscope recordings are kept (the store). */
  soundRecordings: SoundRecordingStore;
  /** What a person must know about the data store since start. */
  notices: readonly string[];
  /** The stored record: trends and full disclosure. */
  history: Store;
  /** Who exported what goes to the log (the audit trail comes with issue 6's users). */
  log?: (message: string) => void;
  /** The alarm system's clock (a test clock in end-to-end tests). */
  alarmClock: AlarmClock;
  /** Who is in which bed: admit, discharge, transfer, search. */
  admissions: Admissions;
  /** The screens open now and whether any can sound alarms. */
  screens: Screens;
  /** Makes strip PDFs off the main thread (strips/strip-renderer.ts). */
  renderStrip: RenderStripPdf;
  /** Exports of any length into the workstation's exports folder, followed by id. */
  exports: BedExports;
  /** Sync to the central server: its status, enrolment. */
  sync: WorkstationSync;
  /** The early warning score at every bed, and what the nurse records for it. */
  news2: News2Monitor;
  /** The hospital's patient list: searched to admit, held against the patients in beds. */
  hospitalList: HospitalList;
  /** The updater; none in a shell without one (the status is then null). */
  updates?: Updates;
  /** Remote consults through the central server (telehealth/); none: not available here. */
  telehealth?: RemoteConsults;
}

/** What the UI may do with devices: see the ports, assign a device to a bed, take it off. */
export interface DeviceAdministration {
  listPorts(): Promise<Omit<PortInfo, 'inUseBy'>[]>;
  /** Driver ids of the HID devices plugged in now. */
  hidPresent(): Promise<string[]>;
  drivers(): { id: string; displayName: string; deviceKind: string; transport: 'serial' | 'hid' }[];
  /**
   * Rejects with an Error whose message a person can act on when the assignment is impossible
   * (an unknown driver, a port in use, a path that is not a serial port this computer lists).
   */
  connect(config: { driver: string; path: string; bed: string }): Promise<{ deviceId: string }>;
  disconnect(deviceId: string, actor: string): Promise<boolean>;
  /** The blood-pressure monitor: downloads for the patient in a bed, held readings decided. */
  bloodPressure: BloodPressureDownloads;
}

export function createHandlers({
  access,
  bus,
  beds,
  sessions,
  channelsOfBed,
  devices,
  soundRecordings,
  notices,
  history,
  log,
  alarmClock,
  admissions,
  screens,
  renderStrip,
  exports,
  sync,
  news2,
  hospitalList,
  updates = NO_UPDATES,
  hospitalSignIn,
  telehealth: remoteConsults,
}: HandlerServices): ApiHandlers {
  const bedOrThrow = (bedId: string) => {
    const bed = beds.get(bedId);
    if (!bed) throw new ApiError('not_found', `There is no bed "${bedId}" on this workstation.`);
    return bed;
  };

  const exporting = exportHandlers(exports);
  const syncing = syncHandlers(sync, log);
  const telehealth = telehealthHandlers(remoteConsults);
  const census = censusHandlers(hospitalList);
  const updating = updateHandlers(updates, log);
  const accessing = accessHandlers(access, hospitalSignIn ?? null);

  return {
    requests: {
      ...accessing.requests,
      ...exporting.requests,
      ...syncing.requests,
      ...census.requests,
      ...updating.requests,
      ...soundRecordingHandlers(soundRecordings, bedOrThrow),
      ...alarmHandlers(bus, bedOrThrow, history, alarmClock),
      ...deviceHandlers(sessions, log ? { log } : {}),
      ...stripHandlers(history, stripBedOf(beds, history), renderStrip),
      ...patientHandlers(admissions),
      ...bloodPressureHandlers(devices.bloodPressure),
      ...news2Handlers(news2),
      ...telehealth.requests,

      getStatus: () => ({
        devices: [...sessions.values()].map((session) => session.status()),
        beds: [...beds.values()].map((bed) => bed.snapshot()),
        notices: [...notices],
      }),

      acknowledgeAlarm: ({ bedId, alarmId }, caller) => {
        const bed = bedOrThrow(bedId);
        const alarm = bed.alarms.acknowledge(alarmId, caller.actor, alarmClock.now());
        if (!alarm) {
          throw new ApiError(
            'not_found',
            'That alarm is no longer active; the alarm list has been refreshed.',
          );
        }
        bed.publishAlarms(bus);
        return alarm;
      },

      getTrend: (query) => history.readTrend(query),

      getBeatMarks: ({ bedId, fromMs, toMs }) => history.readBeatMarks(bedId, fromMs, toMs),
      findBeatMark: ({ bedId, beatClass, fromMs, direction }) =>
        history.findBeatMark(bedId, beatClass, fromMs, direction),

      getWaveformExtent: ({ bedId }) => history.readWaveformExtent(bedId),

      getWaveformWindow: async (query) => {
        const [segments, channels] = await Promise.all([
          history.readWaveformWindow(query),
          history.readChannels(query.bedId),
        ]);
        return segments.map((segment) => {
          // The channel as recorded, so a review can scale signals of devices since removed.
          const known = channels.find(
            (c) =>
              c.deviceId === segment.deviceId &&
              c.channel === segment.channel &&
              c.rateHz === segment.rateHz,
          );
          return {
            ...segment,
            values: Array.from(segment.values),
            ...(known ? { label: known.label, unit: known.unit, scale: known.scale } : {}),
          };
        });
      },

      exportRecord: async (query, caller) => {
        let result;
        try {
          result = await exportBed(history, query);
        } catch (error) {
          if (error instanceof ExportError) throw new ApiError('invalid_request', error.message);
          throw error;
        }
        log?.(`export of ${query.bedId} (${query.format}) by ${caller.actor}`);
        return {
          files: result.files.map((file) => ({
            name: file.name,
            base64: (typeof file.contents === 'string'
              ? Buffer.from(file.contents, 'utf8')
              : Buffer.from(file.contents)
            ).toString('base64'),
          })),
          warnings: result.warnings,
        };
      },

      importRecord: async ({ bedLabel, header, signals, annotations, startMs }, caller) => {
        let record;
        try {
          record = readWfdb(
            Buffer.from(header, 'base64').toString('utf8'),
            Buffer.from(signals, 'base64'),
            annotations ? Buffer.from(annotations, 'base64') : undefined,
          );
        } catch (error) {
          throw new ApiError(
            'invalid_request',
            `The WFDB record cannot be read: ${(error as Error).message}`,
          );
        }
        // Checked whole before anything is written: a refused record leaves the store untouched.
        const imported = await importRecordAsBed(history, record, {
          bedLabel,
          ...(startMs === undefined ? {} : { startMs }),
          actor: caller.actor,
        }).catch((error: unknown) => {
          if (error instanceof RecordImportError)
            throw new ApiError('invalid_request', error.message);
          throw error;
        });
        log?.(`record ${record.name} imported into ${imported.bedId} by ${caller.actor}`);
        return imported;
      },

      listPorts: async () => {
        const inUse = new Map([...sessions.values()].map((s) => [s.status().path, s.status().id]));
        const [ports, hidPresent] = await Promise.all([devices.listPorts(), devices.hidPresent()]);
        return {
          ports: ports.map((port) => ({ ...port, inUseBy: inUse.get(port.path) ?? null })),
          drivers: devices.drivers(),
          hidPresent,
        };
      },

      connectDevice: async ({ driver, path, bedLabel }) => {
        let deviceId: string;
        try {
          ({ deviceId } = await devices.connect({ driver, path, bed: bedLabel }));
        } catch (error) {
          throw new ApiError('invalid_request', (error as Error).message);
        }
        return { deviceId, bedId: sessions.get(deviceId)!.status().bedId };
      },

      disconnectDevice: async ({ deviceId }, caller) => {
        if (!(await devices.disconnect(deviceId, caller.actor))) {
          throw new ApiError('not_found', `There is no device "${deviceId}" on this workstation.`);
        }
        return {};
      },
    },

    streams: {
      ...accessing.streams,
      ...exporting.streams,
      ...syncing.streams,
      ...census.streams,
      ...updating.streams,
      ...telehealth.streams,
      screen: ({ canSound }, emit) => screens.connect(canSound, emit),

      bedLive: ({ bedId, waveforms = 'all' }, emit) => {
        const bed = bedOrThrow(bedId);
        const send = (event: BedLiveEvent) => emit(event);
        const shown = new ShownChannels(() => channelsOfBed(bedId), waveforms);
        const samples = new LiveSampleBatch((blocks) => send({ type: 'samples', blocks }));
        const sendSnapshot = () => {
          // Samples gathered before the bed changed go first; then the viewer's channels again.
          samples.flush();
          const channels = channelsOfBed(bedId);
          shown.refresh(channels);
          send({
            type: 'snapshot',
            bed: bed.snapshot(),
            devices: bed.deviceIds.flatMap((id) => {
              const session = sessions.get(id);
              return session ? [session.status()] : [];
            }),
            channels,
          });
        };
        sendSnapshot();
        const unsubscribers = [
          () => samples.close(),
          bus.on('samples', (block) => {
            if (block.bedId === bedId && shown.includes(block)) samples.add(block);
          }),
          bus.on('numeric', (event) => {
            if (event.bedId === bedId)
              send({ type: 'numeric', refId: event.refId, numeric: event.numeric });
          }),
          bus.on('alarms', (event) => {
            if (event.bedId !== bedId) return;
            const { alarms, audio, off, settings } = event;
            send({ type: 'alarms', alarms, audio, off, settings });
          }),
          bus.on('device', (device) => {
            if (device.bedId === bedId) send({ type: 'device', device });
          }),
          bus.on('beats', (event) => {
            if (event.bedId === bedId) send({ type: 'beats', beats: event.beats });
          }),
          bus.on('news2', (event) => {
            if (event.bedId === bedId) send({ type: 'news2', news2: event.news2 });
          }),
          bus.on('bed', (event) => {
            if (event.bedId === bedId) sendSnapshot();
          }),
        ];
        return () => unsubscribers.forEach((off) => off());
      },
    },
  };
}
