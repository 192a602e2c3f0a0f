// What the bedside view shows, in which order and colour. Colours follow monitor convention and
// stay clear of red, yellow and cyan, which mean alarms. Each theme defines them (styles.css).
import { MDC, type MdcRefId } from '../../../shared/codes/mdc';
import type { Alarm, AlarmPriority } from '../../../shared/model/schemas';
import type { LimitedParameter } from '../../../shared/model/alarms';
import { waveformKind } from '../../../shared/model/waveforms';

export const PARAMETER_COLOURS = {
  ecg: 'var(--param-ecg)',
  pleth: 'var(--param-pleth)',
  resp: 'var(--param-resp)',
  temp: 'var(--param-temp)',
  other: 'var(--param-other)',
} as const;

export interface NumericParameter {
  refId: string;
  label: string;
  unit: string;
  decimals: number;
  color: string;
  /** Codes of the host's physiological alarms about this parameter start with one of these. */
  alarmCodePrefixes: readonly string[];
  /** Shown instead when the bed has no value of its own (an oximeter's pulse rate for HR). */
  fallback?: MdcRefId;
}

/** The alarm limits that apply to a numeric shown under this reference id. */
export const LIMITS_OF_REF_ID: Partial<Record<MdcRefId, LimitedParameter>> = {
  MDC_ECG_HEART_RATE: 'hr',
  MDC_PULS_OXIM_PULS_RATE: 'pr',
  MDC_PULS_OXIM_SAT_O2: 'spo2',
  MDC_RESP_RATE: 'rr',
  MDC_TEMP_BODY: 'temp',
};

function numeric(
  refId: MdcRefId,
  decimals: number,
  color: string,
  alarmCodePrefixes: readonly string[],
): NumericParameter {
  const term = MDC[refId];
  return { refId, label: term.label, unit: term.screenUnit, decimals, color, alarmCodePrefixes };
}

export const HEART_RATE: NumericParameter = {
  ...numeric('MDC_ECG_HEART_RATE', 0, PARAMETER_COLOURS.ecg, ['HR_']),
  fallback: 'MDC_PULS_OXIM_PULS_RATE',
};
export const PULSE_RATE = numeric('MDC_PULS_OXIM_PULS_RATE', 0, PARAMETER_COLOURS.pleth, ['PR_']);
export const SPO2 = numeric('MDC_PULS_OXIM_SAT_O2', 0, PARAMETER_COLOURS.pleth, ['SPO2_']);
export const RESP_RATE = numeric('MDC_RESP_RATE', 0, PARAMETER_COLOURS.resp, ['RR_', 'RESP_']);
export const TEMPERATURE = numeric('MDC_TEMP_BODY', 1, PARAMETER_COLOURS.temp, ['TEMP_']);

/** The bedside numerics always shown (a dash when the bed has no value), top to bottom. */
export const BEDSIDE_NUMERICS: readonly NumericParameter[] = [
  HEART_RATE,
  SPO2,
  RESP_RATE,
  TEMPERATURE,
];

/** The parameter itself, or its fallback when only the fallback has a value (a bed with an oximeter and no ECG shows PR). */
export function shownParameter(
  parameter: NumericParameter,
  numerics: Readonly<Record<string, unknown>>,
): NumericParameter {
  const useFallback =
    parameter.fallback && !numerics[parameter.refId] && numerics[parameter.fallback];
  if (!useFallback || !parameter.fallback) return parameter;
  return parameter.fallback === PULSE_RATE.refId
    ? { ...PULSE_RATE, color: parameter.color }
    : { ...parameter, ...numeric(parameter.fallback, parameter.decimals, parameter.color, []) };
}

const rank: Record<AlarmPriority, number> = { high: 3, medium: 2, low: 1 };

/** The highest priority among the bed's physiological alarms about `parameter`, if any. */
export function alarmPriorityFor(
  parameter: Pick<NumericParameter, 'refId' | 'alarmCodePrefixes'>,
  alarms: readonly Alarm[],
): AlarmPriority | null {
  let highest: AlarmPriority | null = null;
  for (const alarm of alarms) {
    if (alarm.kind !== 'physiological') continue;
    const about =
      alarm.code.startsWith(parameter.refId) ||
      parameter.alarmCodePrefixes.some((prefix) => alarm.code.startsWith(prefix));
    if (about && (highest === null || rank[alarm.priority] > rank[highest])) {
      highest = alarm.priority;
    }
  }
  return highest;
}

export { orderWaveforms } from '../../../shared/model/waveforms';

export function waveformColour(refId: string): string {
  return PARAMETER_COLOURS[waveformKind(refId)];
}
