// Default alarm limits by patient category. They follow common bedside-monitor factory settings
// (adult, paediatric, neonatal); a hospital's clinical lead reviews them before use, as with any
// monitor. A bed starts from its category's defaults; a change is made per patient, confirmed on
// screen and logged.
import type {
  AlarmAudio,
  AlarmLimits,
  AlarmOff,
  BedAlarmSettings,
  PatientCategory,
  StayAlarmSettings,
} from './alarms';

const lim = (
  extremeLow: number | null,
  low: number | null,
  high: number | null,
  extremeHigh: number | null,
) => ({ extremeLow, low, high, extremeHigh });

export const DEFAULT_LIMITS: Record<PatientCategory, AlarmLimits> = {
  adult: {
    hr: lim(40, 50, 120, 150),
    pr: lim(null, 50, 120, null),
    spo2: lim(85, 90, null, null),
    rr: lim(null, 8, 30, null),
    nibpSys: lim(null, 90, 160, null),
    nibpDia: lim(null, 50, 90, null),
    nibpMean: lim(null, 60, 110, null),
    temp: lim(null, 36, 39, null),
    // PVCs per minute: a high limit only (IEC 60601-2-27's "PVCs/min high").
    pvc: lim(null, null, 10, null),
  },
  paediatric: {
    hr: lim(50, 75, 160, 180),
    pr: lim(null, 75, 160, null),
    spo2: lim(85, 90, null, null),
    rr: lim(null, 12, 40, null),
    nibpSys: lim(null, 70, 120, null),
    nibpDia: lim(null, 40, 70, null),
    nibpMean: lim(null, 50, 90, null),
    temp: lim(null, 36, 39, null),
    // PVCs per minute: a high limit only (IEC 60601-2-27's "PVCs/min high").
    pvc: lim(null, null, 10, null),
  },
  neonatal: {
    hr: lim(80, 100, 200, 220),
    pr: lim(null, 100, 200, null),
    spo2: lim(80, 85, 95, null),
    rr: lim(null, 30, 100, null),
    nibpSys: lim(null, 50, 90, null),
    nibpDia: lim(null, 30, 60, null),
    nibpMean: lim(null, 35, 70, null),
    temp: lim(null, 36.5, 37.5, null),
    pvc: lim(null, null, 10, null),
  },
};

/** A bed's alarm state before anything has happened: audio on, nothing off, default limits. */
export function quietBedAlarms(category: PatientCategory = 'adult'): {
  alarmAudio: AlarmAudio;
  alarmsOff: AlarmOff[];
  alarmSettings: BedAlarmSettings;
} {
  return {
    alarmAudio: {
      mode: 'on',
      until: null,
      by: null,
      reason: null,
      sounding: null,
      reminders: 0,
      reminderPriority: null,
      carriedFrom: null,
    },
    alarmsOff: [],
    alarmSettings: {
      category,
      limits: structuredClone(DEFAULT_LIMITS[category]),
      changedBy: null,
      changedAt: null,
      version: 'defaults',
    },
  };
}

/** What a new stay starts from: the category's default limits with every alarm and audio on. */
export function defaultStaySettings(category: PatientCategory): StayAlarmSettings {
  return {
    category,
    limits: structuredClone(DEFAULT_LIMITS[category]),
    alarmsOff: [],
    audioOff: null,
  };
}
