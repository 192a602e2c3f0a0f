// What each input to the alarm system means as an alarm condition: a numeric against its limits,
// a rhythm from the ECG analyser, a channel's signal quality, a flag a device reports. Pure
// tables and functions; the state machine (alarm-system.ts) decides what sounds and when.
import type { AlarmPriority } from '../../../shared/model/schemas';
import type {
  AlarmParameter,
  EctopyEventParameter,
  LimitedParameter,
  ParameterLimits,
} from '../../../shared/model/alarms';
import { PARAMETER_NAMES } from '../../../shared/model/limit-rules';

export { PARAMETER_NAMES };

export interface Condition {
  code: string;
  kind: 'physiological' | 'technical';
  priority: AlarmPriority;
  message: string;
  value: number | null;
  limit: number | null;
  /** Device id, or `workstation` for what the workstation computes. */
  source: string;
  origin: 'workstation' | 'device';
  /** The parameter whose alarm-off and delay apply; null for lethal rhythms and technical alarms. */
  parameter: AlarmParameter | null;
  /** The signal whose poor quality makes this condition untrustworthy. */
  signal: SignalKind | null;
  /** How long it must last before it alarms, where its parameter's delay does not say. */
  onsetMs?: number;
  /** A condition that comes and goes is one alarm: it ends only once gone for this long. */
  clearAfterMs?: number;
}

export type SignalKind = 'ecg' | 'pleth' | 'resp';

export const SIGNAL_OF_PARAMETER: Partial<Record<AlarmParameter, SignalKind>> = {
  hr: 'ecg',
  pvc: 'ecg',
  couplet: 'ecg',
  vRun: 'ecg',
  bigeminy: 'ecg',
  trigeminy: 'ecg',
  rOnT: 'ecg',
  arrhythmia: 'ecg',
  pr: 'pleth',
  spo2: 'pleth',
  rr: 'resp',
};

export const CODE_PREFIX: Record<LimitedParameter, string> = {
  hr: 'HR',
  pr: 'PR',
  spo2: 'SPO2',
  rr: 'RR',
  nibpSys: 'NIBP_SYS',
  nibpDia: 'NIBP_DIA',
  nibpMean: 'NIBP_MEAN',
  temp: 'TEMP',
  pvc: 'PVC',
};

const EXTREME_WORDS: Partial<Record<LimitedParameter, { low: string; high: string }>> = {
  hr: { low: 'Extreme bradycardia', high: 'Extreme tachycardia' },
  spo2: { low: 'Desaturation', high: 'SpO₂ extreme high' },
};

function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** The limit condition a value is in, or null when it is within its limits. */
export function assessLimits(
  parameter: LimitedParameter,
  value: number,
  limits: ParameterLimits,
  source: string,
): Condition | null {
  const { label, unit } = PARAMETER_NAMES[parameter];
  const shown = `${formatValue(value)} ${unit}`;
  const limitText = (limit: number) => `(limit ${formatValue(limit)} ${unit})`;
  const base = {
    kind: 'physiological' as const,
    value,
    source,
    origin: 'workstation' as const,
    parameter,
    signal: SIGNAL_OF_PARAMETER[parameter] ?? null,
  };
  const low = `${CODE_PREFIX[parameter]}_LOW`;
  const high = `${CODE_PREFIX[parameter]}_HIGH`;
  const words = EXTREME_WORDS[parameter];
  if (limits.extremeLow !== null && value < limits.extremeLow) {
    const what = words?.low ?? `${label} extreme low`;
    return {
      ...base,
      code: low,
      priority: 'high',
      limit: limits.extremeLow,
      message: `${what}: ${label} ${shown} ${limitText(limits.extremeLow)}`,
    };
  }
  if (limits.extremeHigh !== null && value > limits.extremeHigh) {
    const what = words?.high ?? `${label} extreme high`;
    return {
      ...base,
      code: high,
      priority: 'high',
      limit: limits.extremeHigh,
      message: `${what}: ${label} ${shown} ${limitText(limits.extremeHigh)}`,
    };
  }
  if (limits.low !== null && value < limits.low) {
    return {
      ...base,
      code: low,
      priority: 'medium',
      limit: limits.low,
      message: `${label} low: ${shown} ${limitText(limits.low)}`,
    };
  }
  if (limits.high !== null && value > limits.high) {
    return {
      ...base,
      code: high,
      priority: 'medium',
      limit: limits.high,
      message: `${label} high: ${shown} ${limitText(limits.high)}`,
    };
  }
  return null;
}

export type Rhythm = 'asystole' | 'vfib' | 'vtach' | 'pause' | 'afib';

interface RhythmAlarm {
  code: string;
  priority: AlarmPriority;
  /** Lethal rhythms alarm at once and cannot be switched off. */
  lethal: boolean;
  message: (value: number | null) => string;
}

export const RHYTHM_ALARMS: Record<Rhythm, RhythmAlarm> = {
  asystole: { code: 'ASYSTOLE', priority: 'high', lethal: true, message: () => 'Asystole' },
  vfib: {
    code: 'VFIB',
    priority: 'high',
    lethal: true,
    message: () => 'Ventricular fibrillation / flutter',
  },
  vtach: {
    code: 'VTACH',
    priority: 'high',
    lethal: true,
    message: (v) => `Ventricular tachycardia${v === null ? '' : ` (HR ${Math.round(v)} bpm)`}`,
  },
  pause: {
    code: 'PAUSE',
    priority: 'medium',
    lethal: false,
    message: (v) => `Pause${v === null ? '' : ` of ${(v / 1000).toFixed(1)} s`}`,
  },
  afib: {
    code: 'AFIB',
    priority: 'low',
    lethal: false,
    message: () => 'Irregular rhythm: atrial fibrillation? (advisory)',
  },
};

/** A condition the ECG analyser decided: no limit, held while the ECG is poor. */
function ecgCondition(
  alarm: { code: string; priority: AlarmPriority; message: (value: number | null) => string },
  parameter: AlarmParameter | null,
  value: number | null,
  source: string,
): Condition {
  return {
    code: alarm.code,
    kind: 'physiological',
    priority: alarm.priority,
    message: alarm.message(value),
    value,
    limit: null,
    source,
    origin: 'workstation',
    parameter,
    signal: 'ecg',
  };
}

export function rhythmCondition(rhythm: Rhythm, value: number | null, source: string): Condition {
  const alarm = RHYTHM_ALARMS[rhythm];
  return ecgCondition(alarm, alarm.lethal ? null : 'arrhythmia', value, source);
}

export const NEWS2_CODE = 'NEWS2';

/** A NEWS2 in its urgent or emergency band: the score and what scored. */
export interface News2Alarming {
  /** The total, or what is known of it when parameters are missing. */
  atLeast: number;
  complete: boolean;
  /** "RR 26 (3), SpO₂ 91 (3), Pulse 115 (2)": the parameters that scored, highest first. */
  contributors: string;
  /** The signals the scoring vitals were measured from: a poor one holds the alarm. */
  signals: SignalKind[];
}

/** The score's band as an alarm: urgent (5–6) medium, emergency (7 or more) high. */
export function news2Condition(score: News2Alarming, poorSignal: SignalKind | null): Condition {
  const emergency = score.atLeast >= 7;
  const shown = `${score.complete ? '' : '≥'}${score.atLeast}`;
  const response = emergency ? 'emergency response' : 'urgent response';
  return {
    code: NEWS2_CODE,
    kind: 'physiological',
    priority: emergency ? 'high' : 'medium',
    message: `NEWS2 ${shown} — ${response}: ${score.contributors}`,
    value: score.atLeast,
    limit: emergency ? 7 : 5,
    source: 'workstation',
    origin: 'workstation',
    parameter: 'news2',
    // Held, like the vital's own alarm, while a signal it scored from is poor.
    signal: poorSignal,
    // A score that dips under its band for a moment (a vital on a band edge) is the same alarm.
    clearAfterMs: 60_000,
  };
}

/** The ventricular ectopy events the ECG analyser reports (signals/ectopy.ts). */
export type EctopyEvent = 'couplet' | 'run' | 'bigeminy' | 'trigeminy' | 'rOnT';

/**
 * IEC 60601-2-27 groups these with the non-lethal arrhythmias: a run of 3–4 PVCs and R-on-T
 * (a PVC on the T wave, which can start VT or VF) at medium priority, a couplet and bigeminy or
 * trigeminy at low. Each is switched off on its own.
 */
const ECTOPY_ALARMS: Record<
  EctopyEvent,
  {
    code: string;
    priority: AlarmPriority;
    parameter: EctopyEventParameter;
    message: (value: number | null) => string;
  }
> = {
  couplet: {
    code: 'ECTOPY_COUPLET',
    priority: 'low',
    parameter: 'couplet',
    message: () => 'Couplet: 2 PVCs in a row',
  },
  run: {
    code: 'ECTOPY_RUN',
    priority: 'medium',
    parameter: 'vRun',
    message: (beats) => `Run of ${beats ?? '3–4'} PVCs`,
  },
  bigeminy: {
    code: 'ECTOPY_BIGEMINY',
    priority: 'low',
    parameter: 'bigeminy',
    message: () => 'Ventricular bigeminy',
  },
  trigeminy: {
    code: 'ECTOPY_TRIGEMINY',
    priority: 'low',
    parameter: 'trigeminy',
    message: () => 'Ventricular trigeminy',
  },
  rOnT: {
    code: 'ECTOPY_R_ON_T',
    priority: 'medium',
    parameter: 'rOnT',
    message: (ms) => `R-on-T PVC${ms === null ? '' : ` (coupled at ${Math.round(ms)} ms)`}`,
  },
};

export function ectopyCondition(
  event: EctopyEvent,
  value: number | null,
  source: string,
): Condition {
  const alarm = ECTOPY_ALARMS[event];
  return ecgCondition(alarm, alarm.parameter, value, source);
}

export type SignalState = 'good' | 'flat' | 'saturated' | 'noisy';

const SIGNAL_WORDS: Record<SignalKind, string> = { ecg: 'ECG', pleth: 'Pleth', resp: 'Resp' };
const SIGNAL_ADVICE: Record<SignalKind, string> = {
  ecg: 'check electrodes',
  pleth: 'check the SpO₂ sensor',
  resp: 'check electrodes',
};

/**
 * Signal quality is judged every 250 ms; a clipped or noisy stretch comes and goes with every
 * breath or movement. So doubt (clipping, noise) alarms only after lasting this long, brief clean
 * gaps included…
 */
export const SIGNAL_ONSET_MS = 5000;
/**
 * …and ends only once the signal has been clean this long: one alarm for a clipped stretch of
 * recording, not one per breath (the demo's clipped respiration is clean for ~13 s between
 * clipped runs; `npm run bench:alarms` measures it).
 */
export const SIGNAL_DOUBT_CLEAN_FOR_MS = 30_000;
/** A lost signal (a flat line) ends sooner once back: an electrode that merely touches does not. */
export const SIGNAL_LOST_CLEAN_FOR_MS = 5000;

/**
 * The technical alarm for a channel of poor quality (its physiological alarms are held). A lost
 * signal hides the patient's state (medium, at once: the flat line has lasted 2 s already);
 * clipping or noise only makes it doubtful (low, after SIGNAL_ONSET_MS, and slower to end).
 */
export function signalCondition(
  signal: SignalKind,
  state: Exclude<SignalState, 'good'>,
  source: string,
): Condition {
  const name = SIGNAL_WORDS[signal];
  const what = { flat: 'signal lost', saturated: 'signal saturated', noisy: 'noisy' }[state];
  const lost = state === 'flat';
  return {
    code: `SIGNAL_${signal.toUpperCase()}`,
    kind: 'technical',
    priority: lost ? 'medium' : 'low',
    message: `${name} ${what} — ${SIGNAL_ADVICE[signal]}`,
    value: null,
    limit: null,
    source,
    origin: 'workstation',
    parameter: null,
    signal: null,
    onsetMs: lost ? 0 : SIGNAL_ONSET_MS,
    clearAfterMs: lost ? SIGNAL_LOST_CLEAN_FOR_MS : SIGNAL_DOUBT_CLEAN_FOR_MS,
  };
}

interface FlagMeaning {
  code: string;
  kind: 'physiological' | 'technical';
  priority: AlarmPriority;
  message: string;
}

/**
 * Flags devices report, as the alarms they repeat. A device's physiological alarm shares its code
 * with ours for the same condition, so the two are never shown twice.
 */
const DEVICE_FLAGS: Readonly<Record<string, FlagMeaning>> = {
  'device-alarm:spo2-low': phys('SPO2_LOW', 'medium', 'SpO₂ low'),
  'device-alarm:spo2-high': phys('SPO2_HIGH', 'medium', 'SpO₂ high'),
  'device-alarm:pr-high': phys('PR_HIGH', 'medium', 'PR high'),
  'device-alarm:pr-low': phys('PR_LOW', 'medium', 'PR low'),
  'device-alarm:spco-high': phys('SPCO_HIGH', 'medium', 'SpCO high'),
  'device-alarm:spco-low': phys('SPCO_LOW', 'medium', 'SpCO low'),
  'device-alarm:spmet-high': phys('SPMET_HIGH', 'medium', 'SpMet high'),
  'device-alarm:spmet-low': phys('SPMET_LOW', 'medium', 'SpMet low'),
  'device-alarm:desat-index': phys('DESAT_INDEX', 'low', 'Desaturation index'),
  'device-alarm:pi-delta': phys('PI_DELTA', 'low', 'Perfusion index fell'),
  'no-sensor': tech('SENSOR_OFF', 'medium', 'No SpO₂ sensor — connect the sensor'),
  'sensor-off': tech('SENSOR_OFF', 'medium', 'SpO₂ sensor off the patient — check the sensor'),
  'sensor-disconnected': tech('SENSOR_OFF', 'medium', 'SpO₂ sensor disconnected'),
  'no-cable': tech('SENSOR_OFF', 'medium', 'No SpO₂ cable — connect the cable'),
  'defective-sensor': tech('SENSOR_FAULT', 'medium', 'SpO₂ sensor faulty — replace it'),
  'unrecognized-sensor': tech('SENSOR_FAULT', 'medium', 'SpO₂ sensor not recognised'),
  'sensor-alarm': tech('SENSOR_FAULT', 'medium', 'SpO₂ sensor problem — check the sensor'),
  'low-perfusion': tech('LOW_PERFUSION', 'low', 'Low perfusion — SpO₂ may be unreliable'),
  'perfusion-red': tech('LOW_PERFUSION', 'low', 'Low perfusion — SpO₂ may be unreliable'),
  'pulse-search': tech('PULSE_SEARCH', 'low', 'Searching for pulse'),
  interference: tech('INTERFERENCE', 'low', 'SpO₂ interference'),
  artifact: tech('INTERFERENCE', 'low', 'SpO₂ artifact — keep the hand still'),
  'low-battery': tech('LOW_BATTERY', 'low', 'Device battery low'),
  'critical-battery': tech('LOW_BATTERY', 'medium', 'Device battery critically low'),
};

function phys(code: string, priority: AlarmPriority, message: string): FlagMeaning {
  return { code, kind: 'physiological', priority, message };
}
function tech(code: string, priority: AlarmPriority, message: string): FlagMeaning {
  return { code, kind: 'technical', priority, message };
}

/** The conditions a device's flags report now (one per code, the most urgent). */
export function deviceFlagConditions(
  flags: readonly string[],
  deviceId: string,
  deviceKind: string,
): Condition[] {
  const byCode = new Map<string, Condition>();
  for (const flag of flags) {
    const meaning = DEVICE_FLAGS[flag];
    if (!meaning) continue;
    // Technical states are the device's own; physiological ones share the bed-wide code.
    const code = meaning.kind === 'technical' ? `${meaning.code}:${deviceId}` : meaning.code;
    const previous = byCode.get(code);
    if (previous && rank[previous.priority] >= rank[meaning.priority]) continue;
    byCode.set(code, {
      code,
      kind: meaning.kind,
      priority: meaning.priority,
      message:
        meaning.kind === 'physiological'
          ? `${meaning.message} (alarm of the ${deviceKind})`
          : meaning.message,
      value: null,
      limit: null,
      source: deviceId,
      origin: 'device',
      parameter: null,
      signal: null,
    });
  }
  return [...byCode.values()];
}

export const rank: Record<AlarmPriority, number> = { high: 3, medium: 2, low: 1 };
