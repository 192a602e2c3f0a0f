// Every sentence a person reads on screen, in one place so the UI can be translated later.
import type { AlarmPriority, AlarmState, DeviceState } from '../../shared/model/schemas';
import type { AlarmParameter, PatientCategory } from '../../shared/model/alarms';
import { dateAndTime, minutesAgo, timeOrDateAndTime } from './clinical/clinical-time';
import { accessStrings } from './strings/access';
import { bloodPressureStrings } from './strings/blood-pressure';
import { censusStrings } from './strings/census';
import { news2Strings } from './strings/news2';
import { centralStrings } from './strings/central';
import { devicesStrings } from './strings/devices';
import { exportsStrings } from './strings/exports';
import { patientsStrings } from './strings/patients';
import { reviewStrings } from './strings/review';
import { stripsStrings } from './strings/strips';
import { syncStrings } from './strings/sync';
import { updateStrings } from './strings/update';
import { trendsStrings } from './strings/trends';

export const strings = {
  appTitle: 'Clinical Workstation',

  connecting: 'Connecting to the workstation…',
  unreachableTitle: 'The workstation cannot be reached',
  unreachableHint: 'Check that the workstation is running. Retrying automatically.',
  retryNow: 'Try again now',
  noBedsTitle: 'No beds configured',
  noBedsHint: 'Connect a device below, or start with --demo or --device healthypi5:/dev/ttyACM0',
  waveformSpeed: (label: string) => `${label} paper speed`,
  waveformGain: (label: string) => `${label} gain`,
  mmPerS: (speed: number) => `${speed} mm/s`,
  mmPerMv: (mm: number) => `${mm} mm/mV`,
  gainFit: 'Fit',
  unknownBed: (bedId: string) => `There is no bed “${bedId}” on this workstation`,
  nav: {
    label: 'Views',
    central: 'Central station',
    patients: 'Patients',
    devices: 'Devices',
    settings: 'Settings',
    day: 'Day',
    night: 'Night',
    toDay: 'Switch to the day theme',
    toNight: 'Switch to the night theme',
    bedViews: 'Views of this bed',
    live: 'Live',
    trends: 'Trends',
    review: 'Review',
  },
  access: accessStrings,
  central: centralStrings,
  trends: trendsStrings,
  review: reviewStrings,
  exports: exportsStrings,
  patients: patientsStrings,
  census: censusStrings,
  strips: stripsStrings,
  sync: syncStrings,
  update: updateStrings,
  devices: devicesStrings,
  bloodPressure: bloodPressureStrings,
  news2: news2Strings,
  waitingForBed: 'Waiting for the bed’s data…',

  stethoscope: {
    open: 'Stethoscope',
    title: 'Stethoscope',
    input: 'Audio input',
    defaultInput: 'Default audio input',
    unnamedInput: (n: number) => `Audio input ${n}`,
    inputNamesHidden: 'Input names appear once audio capture has been allowed.',
    site: 'Site',
    sites: { heart: 'Heart', lung: 'Lung' },
    mode: 'Filter',
    modes: {
      bell: 'Bell (20–200 Hz)',
      diaphragm: 'Diaphragm (100–600 Hz)',
      raw: 'Raw (unfiltered)',
    },
    modeHint: 'The filter shapes what you hear and see; the unfiltered sound is what is kept.',
    listen: 'Listen (use headphones)',
    note: 'Note',
    record: 'Record',
    stop: 'Stop and save',
    saving: 'Saving…',
    recording: (seconds: number) => `Recording ${seconds.toFixed(1)} s`,
    saved: 'Recording saved.',
    limitReached: (minutes: number) => `${minutes} minutes reached: the recording was stopped.`,
    saveFailed: (reason: string) => `The recording was not saved: ${reason}`,
    captureFailed: (reason: string) =>
      `The audio input could not be opened (${reason}). Check that the stethoscope is plugged in and that audio capture is allowed.`,
    noCapture: 'This screen cannot capture audio.',
    traceLabel: 'Live phonocardiogram of the stethoscope sound',
    recordings: 'Recordings of this bed',
    noRecordings: 'No recordings yet.',
    listFailed: (reason: string) => `The recordings could not be listed: ${reason}`,
    summary: (seconds: number, rateHz: number) => `${seconds.toFixed(1)} s · ${rateHz} Hz`,
    play: 'Play',
    loading: 'Loading…',
    player: (what: string) => `Playback of ${what}`,
    exportWav: 'Export WAV',
    loadFailed: (reason: string) => `The recording could not be opened: ${reason}`,
    heartRate: (bpm: number) => `HR ${Math.round(bpm)} bpm from heart sounds`,
    noHeartRate: 'no rate found',
    findingHeartRate: 'HR: listening for a rate…',
    liveNoHeartRate: (seconds: number) => `HR: no rate found in the last ${seconds} s`,
    patient: (p: { familyName: string; givenName: string; mrn: string }) =>
      `${p.familyName}, ${p.givenName} · MRN ${p.mrn}`,
    noPatient: 'No patient in the bed',
    playbackTraceLabel: (what: string) =>
      `Phonocardiogram of ${what}; the line marks the playback position. Click or use the arrow keys to move it.`,
  },

  connectionLost: 'Connection to the workstation lost. Reconnecting…',
  cannotConnect: 'No connection could be opened to the workstation.',
  requestTimedOut: 'The workstation did not answer in time. Try again.',
  unreadableMessage: 'The workstation sent a message this screen cannot read.',

  sound: {
    blocked: 'Alarm sound is off until you click here',
    unavailable: 'This screen cannot play alarm sounds: watch the alarms from a screen that can.',
  },

  alarmsRegion: 'Alarms',
  noActiveAlarms: 'No active alarms',
  acknowledge: 'Acknowledge',
  acknowledging: 'Acknowledging…',
  acknowledgeFailed: (reason: string) => `Could not acknowledge the alarm: ${reason}`,
  technicalTag: 'Technical',
  deviceOriginTag: 'Repeated from device',

  alarmAudio: {
    pause: 'Pause audio 2:00',
    paused: (remaining: string) => `Audio paused ${remaining}`,
    resume: 'Resume audio',
    off: 'Audio off…',
    offState: (reason: string, by: string | null, carriedFrom?: string | null) =>
      `Alarm audio OFF — ${reason}${by ? ` (by ${by})` : ''}` +
      (carriedFrom ? `, set in ${carriedFrom} and brought with the patient` : ''),
    on: 'Audio on',
    reason: 'Reason',
    reasonPlaceholder: 'Why the alarm audio is switched off',
    confirmOff: 'Switch audio off',
    cancel: 'Cancel',
    reasonRequired: 'A reason is required.',
    failed: (reason: string) => `The alarm audio was not changed: ${reason}`,
    parameterOff: (parameter: string, reason: string, by: string, carriedFrom?: string | null) =>
      `${parameter} alarms off — ${reason} (by ${by})` +
      (carriedFrom ? `, set in ${carriedFrom} and brought with the patient` : ''),
    switchOn: 'Switch on',
    switchOnLabel: (parameter: string) => `Switch ${parameter} alarms on`,
    controls: 'Alarm audio',
  },
  /** m:ss, for countdowns. */
  countdown: (ms: number): string => {
    const seconds = Math.max(0, Math.ceil(ms / 1000));
    return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  },
  alarmParameter: {
    hr: 'HR',
    pr: 'PR',
    spo2: 'SpO₂',
    rr: 'RR',
    nibpSys: 'NIBP sys',
    nibpDia: 'NIBP dia',
    nibpMean: 'NIBP mean',
    temp: 'Temp',
    arrhythmia: 'Arrhythmia',
    news2: 'NEWS2',
    pvc: 'PVC',
    couplet: 'Couplet',
    vRun: 'PVC run',
    bigeminy: 'Bigeminy',
    trigeminy: 'Trigeminy',
    rOnT: 'R-on-T',
  } satisfies Record<AlarmParameter, string>,
  alarmParameterUnit: {
    hr: 'bpm',
    pr: 'bpm',
    spo2: '%',
    rr: '/min',
    nibpSys: 'mmHg',
    nibpDia: 'mmHg',
    nibpMean: 'mmHg',
    temp: '°C',
    arrhythmia: '',
    news2: '',
    pvc: '/min',
    couplet: '',
    vRun: '',
    bigeminy: '',
    trigeminy: '',
    rOnT: '',
  } satisfies Record<AlarmParameter, string>,
  limitsEditor: {
    open: 'Limits…',
    close: 'Close limits',
    title: 'Alarm limits',
    category: 'Patient category',
    categories: {
      adult: 'Adult',
      paediatric: 'Paediatric',
      neonatal: 'Neonatal',
    } satisfies Record<PatientCategory, string>,
    useDefaults: (category: string) => `Use the ${category} defaults`,
    categoryHint: 'The category changes with the limits once confirmed.',
    parameter: 'Parameter',
    keys: {
      extremeLow: 'Extreme low',
      low: 'Low',
      high: 'High',
      extremeHigh: 'Extreme high',
    },
    key: { extremeLow: 'extreme low', low: 'low', high: 'high', extremeHigh: 'extreme high' },
    emptyIsOff:
      'A limit cannot be left empty: to stop a parameter’s alarms, use “Alarms off…”, which asks for a reason.',
    inputLabel: (parameter: string, key: string) => `${parameter} ${key}`,
    notANumber: 'Enter numbers only.',
    notRising: 'Limits must rise: extreme low < low < high < extreme high.',
    review: 'Review changes',
    noChanges: 'Nothing has changed.',
    changesTitle: 'Confirm these changes',
    change: (parameter: string, key: string, from: string, to: string, unit: string) =>
      `${parameter} ${key} ${from} → ${to}${unit ? ` ${unit}` : ''}`,
    categoryChange: (from: string, to: string) => `Patient category ${from} → ${to}`,
    off: 'off',
    confirm: 'Confirm changes',
    saving: 'Saving…',
    back: 'Back to editing',
    failed: (reason: string) => `The limits were not changed: ${reason}`,
    changedBy: (by: string, at: number) => `Limits changed by ${by} at ${dateAndTime(at)}`,
    changedSince: (by: string, at: number) =>
      `${by} changed these limits at ${dateAndTime(at)}, after you began: review them again.`,
    changedSinceDefaults: 'These limits were reset since you began: review them again.',
    reload: 'Show the current limits',
    defaults: 'Limits are the category defaults.',
    alarmsOff: 'Alarms off…',
    eventsTitle: 'Rhythm, ectopy and NEWS2 alarms (no limits)',
    alarmsOffFor: (parameter: string) => `Switch ${parameter} alarms off`,
    offReason: (parameter: string) => `Reason for switching ${parameter} alarms off`,
    confirmOff: 'Switch off',
    offFailed: (reason: string) => `The alarms were not switched: ${reason}`,
  },
  alarmLog: {
    open: 'Alarm log',
    close: 'Close alarm log',
    title: 'Alarm log',
    time: 'Time',
    event: 'Event',
    priority: 'Priority',
    message: 'Message',
    by: 'By',
    reason: 'Reason',
    empty: 'Nothing logged yet.',
    loading: 'Loading…',
    failed: (reason: string) => `The alarm log could not be read: ${reason}`,
  },
  alarmPriority: {
    high: 'High priority',
    medium: 'Medium priority',
    low: 'Low priority',
  } satisfies Record<AlarmPriority, string>,
  /** Priority marks shown beside the colour, so priority is never told by colour alone. */
  alarmPriorityMark: { high: '!!!', medium: '!!', low: '!' } satisfies Record<
    AlarmPriority,
    string
  >,
  alarmState: {
    active: 'Active',
    acknowledged: 'Acknowledged',
    latched: '(condition ended)',
  } satisfies Record<AlarmState, string>,
  elapsed: (elapsedMs: number): string => {
    const seconds = Math.max(0, Math.floor(elapsedMs / 1000));
    if (seconds < 60) return `${seconds} s ago`;
    const minutes = Math.floor(seconds / 60);
    if (minutes < 60) return `${minutes} min ${seconds % 60} s ago`;
    const hours = Math.floor(minutes / 60);
    return `${hours} h ${minutes % 60} min ago`;
  },

  deviceRegion: 'Devices',
  deviceState: {
    connecting: 'Connecting',
    connected: 'Connected',
    stale: 'No data',
    disconnected: 'Disconnected',
  } satisfies Record<DeviceState, string>,
  deviceFrames: (ok: number, bad: number, skipped: number, skippedPerS: string) =>
    `${ok.toLocaleString('en')} frames ok, ${bad.toLocaleString('en')} bad, ` +
    `${skipped.toLocaleString('en')} bytes skipped` +
    (skipped > 0 ? ` (${skippedPerS} B/s over the last 10 s)` : ''),
  noDevices: 'No device assigned',
  manageDevices: 'Devices…',
  closeDevices: 'Close devices',
  devicePanel: {
    title: (bed: string) => `Devices of ${bed || 'a new bed'}`,
    bedLabel: 'Bed',
    port: 'Port',
    portPlaceholder: '/dev/ttyUSB0 or COM3',
    driver: 'Device type',
    connect: 'Connect to this bed',
    connecting: 'Connecting…',
    disconnect: 'Disconnect…',
    confirmDisconnect: 'Disconnect: its alarms stop',
    cancel: 'Cancel',
    noPorts:
      'The system lists no serial ports. Check the cable (some carry power only), or type the port.',
    portsSeen: (n: number) => `${n} serial port${n === 1 ? '' : 's'} seen. Choose one or type it.`,
    portDescription: (port: {
      manufacturer: string | null;
      vendorId: number | null;
      productId: number | null;
      inUseBy: string | null;
    }) =>
      [
        port.manufacturer,
        port.vendorId !== null
          ? `USB ${hex4(port.vendorId)}:${port.productId !== null ? hex4(port.productId) : '????'}`
          : null,
        port.inUseBy ? `in use by ${port.inUseBy}` : null,
      ]
        .filter(Boolean)
        .join(' · '),
    bpMonitor: (name: string, present: boolean) =>
      present
        ? `${name} (USB) is connected:`
        : `${name} (USB) not seen: switch it on, connect its USB cable, then`,
    bpDownload: 'Download its readings',
    bpFailed: (reason: string) => `Could not download the readings: ${reason}`,
    listFailed: (reason: string) => `Could not list the ports: ${reason}`,
    connectFailed: (reason: string) => `Could not connect the device: ${reason}`,
    disconnectFailed: (reason: string) => `Could not disconnect the device: ${reason}`,
  },

  nibp: {
    label: 'NIBP',
    pulse: (bpm: number) => `pulse ${bpm}`,
    measuredAt: (at: number, now: number) =>
      `${timeOrDateAndTime(at, now)} (${minutesAgo(at, now)})`,
    /** The age alone, where a central tile has room for nothing more. */
    age: (at: number, now: number) => minutesAgo(at, now),
  },

  waveformsRegion: 'Waveforms',
  numericsRegion: 'Vital signs',
  noSignal: 'No signal',
  uncalibrated: 'uncalibrated',
  uncalibratedHint: 'The device does not state its scale: the trace is auto-scaled raw counts.',
  noValue: '---',
  /** The crossed bell on a numeric whose alarms are off, and its words. */
  alarmOffMark: {
    short: 'Alarm off',
    parameter: (label: string) => `${label} alarms off`,
    detail: (label: string, reason: string, by: string) =>
      `${label} alarms off — ${reason} (by ${by})`,
    rhythm: 'Arrhythmia alarms off',
    nibp: (labels: string) => `${labels} alarms off`,
  },
  notMonitored: 'Not monitored — no device',
  staleValue: 'No recent value',
  limits: (low: number | undefined, high: number | undefined) =>
    [high !== undefined ? `↑ ${high}` : null, low !== undefined ? `↓ ${low}` : null]
      .filter(Boolean)
      .join('  '),
} as const;

function hex4(id: number): string {
  return id.toString(16).padStart(4, '0');
}
