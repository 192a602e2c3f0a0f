// The one contract between the renderer and the host. Both transports (Electron IPC with
// MessagePorts, WebSocket) carry exactly these requests and streams.
import { z } from 'zod';
import {
  Alarm,
  Bed,
  DeviceStatus,
  DriverInfo,
  PortInfo,
  Numeric,
  SampleBlock,
  Status,
  WaveformChannel,
} from '../model/schemas';
import {
  AuscultationSite,
  MAX_SOUND_RATE_HZ,
  MAX_SOUND_RECORDING_BASE64_CHARS,
  MAX_SOUND_RECORDING_S,
  MIN_SOUND_RATE_HZ,
  SoundRecording,
  SoundRecordingMetadata,
  StethoscopeMode,
} from '../model/sound-recording';
import {
  AlarmAudio,
  AlarmLimits,
  AlarmOff,
  AlarmParameter,
  BedAlarmSettings,
  PatientCategory,
} from '../model/alarms';
import { News2Status } from '../model/news2';
import { accessRequests, accessStreams } from './contract-access';
import { bloodPressureRequests } from './contract-blood-pressure';
import { news2Requests } from './contract-news2';
import { censusRequests, censusStreams } from './contract-census';
import { BeatMark, beatsRequests } from './contract-beats';
import { devicesRequests } from './contract-devices';
import { exportsRequests, exportsStreams } from './contract-exports';
import { patientsRequests } from './contract-patients';
import { stripsRequests } from './contract-strips';
import { syncRequests, syncStreams } from './contract-sync';
import { updateRequests, updateStreams } from './contract-update';
import { telehealthRequests, telehealthStreams } from './contract-telehealth';
import { limitProblems } from '../model/limit-rules';
import { RecordTimeMs, timeRangeRequest } from './time-window';

const Reason = z.string().trim().max(200);

/** One entry of a bed's alarm log, as the store keeps it. */
export const AlarmLogItem = z.object({
  atMs: z.number(),
  event: z.string(),
  alarmId: z.string().nullable(),
  kind: z.string().nullable(),
  priority: z.string().nullable(),
  code: z.string(),
  message: z.string(),
  value: z.number().nullable(),
  limit: z.number().nullable(),
  actor: z.string(),
  reason: z.string().nullable(),
  origin: z.string().nullable(),
});
export type AlarmLogItem = z.infer<typeof AlarmLogItem>;

export const BedLiveEvent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('snapshot'),
    bed: Bed,
    devices: z.array(DeviceStatus),
    channels: z.array(WaveformChannel),
  }),
  /** Samples of the channels the viewer draws, gathered for a few tens of milliseconds. */
  z.object({ type: z.literal('samples'), blocks: z.array(SampleBlock) }),
  z.object({ type: z.literal('numeric'), refId: z.string(), numeric: Numeric }),
  z.object({
    type: z.literal('alarms'),
    alarms: z.array(Alarm),
    audio: AlarmAudio,
    off: z.array(AlarmOff),
    settings: BedAlarmSettings,
  }),
  z.object({ type: z.literal('device'), device: DeviceStatus }),
  /** Beats the classifier did not call normal (S, V, F, Q), as they are classified. */
  z.object({ type: z.literal('beats'), beats: z.array(BeatMark).max(1000) }),
  /** The bed's early warning score changed (its scores, band or missing parameters, or values). */
  z.object({ type: z.literal('news2'), news2: News2Status.nullable() }),
]);
export type BedLiveEvent = z.infer<typeof BedLiveEvent>;

export const requests = {
  ...accessRequests,
  ...patientsRequests,
  ...stripsRequests,
  ...devicesRequests,
  ...bloodPressureRequests,
  ...exportsRequests,
  ...syncRequests,
  ...telehealthRequests,
  ...updateRequests,
  ...news2Requests,
  ...beatsRequests,
  ...censusRequests,
  /** Devices and beds with their latest numerics and alarms. */
  getStatus: { input: z.object({}).strict(), output: Status },
  /** A person acknowledges an alarm: its sound stops, it stays visible while the condition lasts. */
  acknowledgeAlarm: {
    input: z.object({ bedId: z.string().min(1), alarmId: z.string().min(1) }).strict(),
    output: Alarm.nullable(),
  },
  /**
   * The bed's alarm audio: `paused` for 2 min (only a new, higher-priority alarm sounds),
   * `off` (needs a reason; stays shown), or `on` again (also ends a pause).
   */
  setAlarmAudio: {
    input: z
      .object({
        bedId: z.string().min(1),
        mode: z.enum(['on', 'paused', 'off']),
        reason: Reason.optional(),
      })
      .strict(),
    output: AlarmAudio,
  },
  /** Switches one parameter's alarms off (a reason is needed; it stays shown) or on again. */
  setAlarmOff: {
    input: z
      .object({
        bedId: z.string().min(1),
        parameter: AlarmParameter,
        off: z.boolean(),
        reason: Reason.optional(),
      })
      .strict(),
    output: z.array(AlarmOff),
  },
  /**
   * The patient's alarm limits, confirmed on screen; every change is logged with its author.
   * `version` is the settings' version the person edited (a newer change refuses it); each limit
   * must lie in its parameter's range, and a limit the unit's defaults have cannot be emptied
   * (switching alarms off is `setAlarmOff`, with a reason).
   */
  setAlarmLimits: {
    input: z
      .object({
        bedId: z.string().min(1),
        category: PatientCategory,
        limits: AlarmLimits,
        version: z.string().min(1).max(64),
      })
      .strict()
      .superRefine(({ category, limits }, context) => {
        for (const problem of limitProblems(category, limits)) {
          context.addIssue({
            code: 'custom',
            message: problem.message,
            path: ['limits', problem.parameter, problem.edge],
          });
        }
      }),
    output: BedAlarmSettings,
  },
  /** The bed's alarm log, newest first: every state change, with who did it and why. */
  getAlarmLog: {
    input: z
      .object({
        bedId: z.string().min(1),
        fromMs: RecordTimeMs.optional(),
        toMs: RecordTimeMs.optional(),
        limit: z.number().int().min(1).max(5000).optional(),
      })
      .strict()
      .refine((q) => q.fromMs === undefined || q.toMs === undefined || q.toMs > q.fromMs, {
        message: 'toMs must be after fromMs',
        path: ['toMs'],
      }),
    output: z.array(AlarmLogItem),
  },
  /**
   * Moves the alarm system's clock forward. Only a workstation started with a test clock
   * (`serve --test-clock`, for end-to-end tests) accepts it.
   */
  advanceAlarmClock: {
    input: z
      .object({
        ms: z
          .number()
          .int()
          .min(0)
          .max(24 * 3_600_000),
      })
      .strict(),
    output: z.object({ now: z.number() }),
  },
  /** Keeps a stethoscope recording (16-bit PCM WAV, base64) with the bed. */
  saveSoundRecording: {
    input: z
      .object({
        bedId: z.string().min(1),
        label: z.string().trim().max(120).optional(),
        site: AuscultationSite.optional(),
        mode: StethoscopeMode.optional(),
        rateHz: z.number().int().min(MIN_SOUND_RATE_HZ).max(MAX_SOUND_RATE_HZ),
        startedAt: RecordTimeMs,
        wavBase64: z
          .string()
          .min(1)
          .max(
            MAX_SOUND_RECORDING_BASE64_CHARS,
            `The recording is too large: at most ${MAX_SOUND_RECORDING_S / 60} minutes can be kept.`,
          ),
      })
      .strict(),
    output: SoundRecordingMetadata,
  },
  /** The bed's stethoscope recordings, newest first, without their sound. */
  listSoundRecordings: {
    input: z.object({ bedId: z.string().min(1) }).strict(),
    output: z.array(SoundRecordingMetadata),
  },
  /** One recording with its WAV (base64), for playback and export. */
  getSoundRecording: {
    input: z.object({ id: z.string().min(1) }).strict(),
    output: SoundRecording,
  },
  /** Per-minute trends of the bed's numerics over a time range (at most maxPoints per code). */
  getTrend: {
    input: timeRangeRequest(
      {
        bedId: z.string().min(1),
        codes: z.array(z.string().min(1)).min(1).max(64),
        maxPoints: z.number().int().min(10).max(5000).optional(),
      },
      31 * 24 * 3_600_000,
      '31 days',
    ),
    output: z.array(
      z.object({
        code: z.string(),
        points: z.array(
          z.object({
            t: z.number(),
            mean: z.number(),
            min: z.number(),
            max: z.number(),
            last: z.number(),
          }),
        ),
      }),
    ),
  },
  /** The bed's stored waveforms (full disclosure) cut to [fromMs, toMs), raw counts. */
  getWaveformWindow: {
    input: timeRangeRequest(
      {
        bedId: z.string().min(1),
        channels: z.array(z.string().min(1)).max(32).optional(),
      },
      120_000,
      '2 minutes',
    ),
    output: z.array(
      z.object({
        deviceId: z.string(),
        channel: z.string(),
        rateHz: z.number(),
        t0Ms: z.number(),
        values: z.array(z.number()),
        /** As the channel was recorded (absent when the store has no record of it). */
        label: z.string().optional(),
        unit: z.string().optional(),
        /** Physical units per raw count; null when the device's scale is not public. */
        scale: z.number().nullable().optional(),
      }),
    ),
  },
  /** Where a bed's stored signal begins and ends (UTC ms), or null when nothing is stored. */
  getWaveformExtent: {
    input: z.object({ bedId: z.string().min(1) }).strict(),
    output: z.object({ oldestMs: z.number(), newestMs: z.number() }).nullable(),
  },
  /**
   * A bed's stored record as files (WFDB format 16 or 212, CSV, EDF+), base64; at most 1 hour
   * through the api. Any length is written to the workstation's exports folder by `startExport`
   * (contract-exports.ts), and to any folder by the CLI's `workstation export`.
   */
  exportRecord: {
    input: timeRangeRequest(
      { bedId: z.string().min(1), format: z.enum(['wfdb', 'wfdb212', 'csv', 'edf']) },
      3_600_000,
      '1 hour',
    ),
    output: z.object({
      files: z.array(z.object({ name: z.string(), base64: z.string() })),
      warnings: z.array(z.string()),
    }),
  },
  /**
   * Loads a WFDB record (header, signal file, optional annotation file; base64) as a bed for
   * review. Without startMs, the record ends now (so it lies within retention).
   */
  importRecord: {
    input: z
      .object({
        bedLabel: z.string().trim().min(1).max(64),
        header: z.string().min(1).max(1_000_000),
        signals: z.string().min(1).max(40_000_000),
        annotations: z.string().max(10_000_000).optional(),
        startMs: RecordTimeMs.optional(),
      })
      .strict(),
    output: z.object({
      bedId: z.string(),
      deviceId: z.string(),
      fromMs: z.number(),
      toMs: z.number(),
      samples: z.number(),
      annotations: z.number(),
    }),
  },
  /** Serial ports the system sees now and every driver, to assign a device to a bed. */
  listPorts: {
    input: z.object({}).strict(),
    output: z.object({
      ports: z.array(PortInfo),
      drivers: z.array(DriverInfo),
      /** Ids of the USB HID devices (blood-pressure monitors) plugged in now. */
      hidPresent: z.array(z.string()),
    }),
  },
  /**
   * Connects a device to a bed (made if no bed has that label) and remembers the assignment
   * across restarts. The device's state then arrives on the bed's live stream.
   */
  connectDevice: {
    input: z
      .object({
        driver: z.string().min(1).max(64),
        path: z.string().min(1).max(256),
        bedLabel: z.string().trim().min(1).max(64),
      })
      .strict(),
    output: z.object({ deviceId: z.string(), bedId: z.string() }),
  },
  /** Takes a device off its bed on purpose: its technical alarms end, the removal is logged. */
  disconnectDevice: {
    input: z.object({ deviceId: z.string().min(1) }).strict(),
    output: z.object({}),
  },
} as const;

/** How many screens are open on the workstation now, and how many of them can sound alarms. */
export const ScreensEvent = z.object({
  type: z.literal('screens'),
  open: z.number().int().nonnegative(),
  canSound: z.number().int().nonnegative(),
});

export const streams = {
  ...accessStreams,
  ...exportsStreams,
  ...syncStreams,
  ...updateStreams,
  ...telehealthStreams,
  ...censusStreams,
  /** Everything live about one bed: a snapshot first, then samples, numerics, alarms, devices. */
  bedLive: {
    input: z
      .object({
        bedId: z.string().min(1),
        /** Samples of every displayed wave (the bedside), or of the first only (a central tile). */
        waveforms: z.enum(['all', 'primary']).optional(),
      })
      .strict(),
    event: BedLiveEvent,
  },
  /**
   * An open screen, for as long as the subscription lasts, and whether it can sound alarms now
   * (subscribe again when that changes). Answered with the screens' counts, now and on change.
   * With no open screen able to sound, alarming beds get a technical alarm.
   */
  screen: { input: z.object({ canSound: z.boolean() }).strict(), event: ScreensEvent },
} as const;

export type RequestName = keyof typeof requests;
export type StreamName = keyof typeof streams;
export type RequestInput<M extends RequestName> = z.input<(typeof requests)[M]['input']>;
export type RequestOutput<M extends RequestName> = z.output<(typeof requests)[M]['output']>;
export type StreamInput<S extends StreamName> = z.input<(typeof streams)[S]['input']>;
export type StreamEvent<S extends StreamName> = z.output<(typeof streams)[S]['event']>;

export function isRequestName(name: string): name is RequestName {
  return Object.hasOwn(requests, name);
}
export function isStreamName(name: string): name is StreamName {
  return Object.hasOwn(streams, name);
}
