// The words of the central station (part of strings.ts: every sentence a person reads, in one place).
import { clockTime } from '../clinical/clinical-time';

export const centralStrings = {
  title: 'Central station',
  bedsRegion: 'Beds',
  open: (label: string) => `Open ${label}`,
  emptyBed: 'No patient',
  patient: (family: string, given: string) => `${family}, ${given}`,
  noAlarms: 'No alarms',
  noWaveform: 'No waveform',
  urgent: 'Most urgent',
  urgentOpen: (label: string, message: string) => `${label}: ${message} — open the bed`,
  allQuiet: 'No bed is alarming',
  alarmCount: (n: number) => (n === 1 ? '1 alarm' : `${n} alarms`),
  acknowledged: 'acknowledged',
  disconnected: 'Disconnected',
  notMonitored: 'Not monitored — no device',
  audioOff: 'Audio off',
  audioPaused: (remaining: string) => `Audio paused ${remaining}`,
  alarmsOff: (labels: string) => `${labels} alarms off`,
  statesRegion: 'Alarm states',
  /** A hospital central station's bed whose workstation is out of reach. */
  offline: (sinceMs: number, lastDataMs: number | null) =>
    `Workstation offline since ${clockTime(sinceMs)} — ` +
    (lastDataMs === null ? 'no data received' : `last data ${clockTime(lastDataMs)}`),
  offlineTrace: 'Not live',
  bedsOffline: (n: number) =>
    `No bed is alarming — ${n === 1 ? '1 bed is' : `${n} beds are`} not live: workstation offline`,
  /** A group of tiles: the unit and the workstation its beds belong to. */
  group: (unit: string | null, workstation: string) => `${unit ?? 'No unit'} · ${workstation}`,
  atTheBed: 'Alarms, limits, devices and patients are handled at the workstation at the bed.',
  noBedsTitle: 'No workstation has sent its beds yet',
  noBedsHint:
    'Enrol a workstation with this central server: its beds appear here as soon as it connects.',
};
