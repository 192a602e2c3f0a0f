// The words of the central station (part of strings.ts: every sentence a person reads, in one place).
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
};
