// The alarm system's condition delays and timings, and which numeric feeds which parameter. The
// default limits by patient category live in shared/ (the limits editor shows them too).
import type {
  AlarmParameter,
  LimitedParameter,
  PatientCategory,
} from '../../../shared/model/alarms';

export { DEFAULT_LIMITS } from '../../../shared/model/alarm-defaults';

export interface AlarmSettings {
  category: PatientCategory;
  /** How long a condition must persist before it alarms (IEC 60601-1-8 alarm condition delay). */
  conditionDelayMs: Record<AlarmParameter, number>;
  /** An audio pause lasts this long. */
  audioPauseMs: number;
  /** An acknowledged alarm whose condition persists reminds this often. */
  reminderMs: number;
}

export const DEFAULT_CONDITION_DELAY_MS: Record<AlarmParameter, number> = {
  hr: 3000,
  pr: 5000,
  spo2: 10_000,
  rr: 10_000,
  // One measurement is the whole condition: it alarms when it arrives.
  nibpSys: 0,
  nibpDia: 0,
  nibpMean: 0,
  temp: 10_000,
  // The rhythm analyser has already watched the rhythm for its own window.
  arrhythmia: 0,
  // A score that stays in its band this long: one flicker of a vital across an edge is not a
  // deterioration (the vital's own limit alarm covers the acute event).
  news2: 30_000,
  // PVCs per minute counts a whole minute already; the ectopy events are decided beat by beat
  // by the analyser (signals/ectopy.ts).
  pvc: 0,
  couplet: 0,
  vRun: 0,
  bigeminy: 0,
  trigeminy: 0,
  rOnT: 0,
};

export function defaultSettings(category: PatientCategory = 'adult'): AlarmSettings {
  return {
    category,
    conditionDelayMs: { ...DEFAULT_CONDITION_DELAY_MS },
    audioPauseMs: 120_000,
    reminderMs: 180_000,
  };
}

export const ADULT_DEFAULTS: AlarmSettings = defaultSettings('adult');

/** Which parameter an MDC numeric feeds. */
export const PARAMETER_OF_REF_ID: Readonly<Record<string, LimitedParameter>> = {
  MDC_ECG_HEART_RATE: 'hr',
  MDC_ECG_V_P_C_CNT: 'pvc',
  MDC_PULS_OXIM_PULS_RATE: 'pr',
  MDC_PULS_OXIM_SAT_O2: 'spo2',
  MDC_RESP_RATE: 'rr',
  MDC_TTHOR_RESP_RATE: 'rr',
  MDC_PRESS_BLD_NONINV_SYS: 'nibpSys',
  MDC_PRESS_BLD_NONINV_DIA: 'nibpDia',
  MDC_PRESS_BLD_NONINV_MEAN: 'nibpMean',
  MDC_TEMP_BODY: 'temp',
  MDC_TEMP: 'temp',
};
