// Every sentence a person reads on screen, in one place so the UI can be translated later.
import type { AlarmPriority, AlarmState, DeviceState } from '../../shared/model/schemas';

export const strings = {
  appTitle: 'Clinical Workstation',

  connecting: 'Connecting to the workstation…',
  unreachableTitle: 'The workstation cannot be reached',
  unreachableHint: 'Check that the workstation is running. Retrying automatically.',
  retryNow: 'Try again now',
  noBedsTitle: 'No beds configured',
  noBedsHint: 'Start with --demo or --device healthypi5:/dev/ttyACM0',
  bedChooser: 'Bed',
  waitingForBed: 'Waiting for the bed’s data…',

  connectionLost: 'Connection to the workstation lost. Reconnecting…',
  cannotConnect: 'No connection could be opened to the workstation.',
  requestTimedOut: 'The workstation did not answer in time. Try again.',
  unreadableMessage: 'The workstation sent a message this screen cannot read.',

  alarmsRegion: 'Alarms',
  noActiveAlarms: 'No active alarms',
  acknowledge: 'Acknowledge',
  acknowledging: 'Acknowledging…',
  acknowledgeFailed: (reason: string) => `Could not acknowledge the alarm: ${reason}`,
  technicalTag: 'Technical',
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
    latched: 'Condition ended — review',
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
  deviceFrames: (ok: number, bad: number) => `${ok} frames ok, ${bad} bad`,
  noDevices: 'No device assigned',

  waveformsRegion: 'Waveforms',
  numericsRegion: 'Vital signs',
  noSignal: 'No signal',
  uncalibrated: 'uncalibrated',
  uncalibratedHint: 'The device does not state its scale: the trace is auto-scaled raw counts.',
  noValue: '---',
  staleValue: 'No recent value',
  limits: (low: number | undefined, high: number | undefined) =>
    [high !== undefined ? `↑ ${high}` : null, low !== undefined ? `↓ ${low}` : null]
      .filter(Boolean)
      .join('  '),
} as const;
