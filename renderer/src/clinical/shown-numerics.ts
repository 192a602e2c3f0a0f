// Which numerics a bed shows. The bedside shows every parameter its devices report (a value never
// arrives unseen: EtCO₂, PI, SpCO…); a central tile shows HR (or PR), SpO₂ and RR, and any other
// parameter while it alarms, so an alarm is never about a number that is not on the screen.
import { DEVICE_NUMERIC_TERMS, MDC, isMdcRefId } from '../../../shared/codes/mdc';
import type { Alarm, Numeric } from '../../../shared/model/schemas';
import type { AlarmOff, AlarmParameter } from '../../../shared/model/alarms';
import {
  BEDSIDE_NUMERICS,
  HEART_RATE,
  PARAMETER_COLOURS,
  PULSE_RATE,
  RESP_RATE,
  SPO2,
  TEMPERATURE,
  alarmPriorityFor,
  shownParameter,
  type NumericParameter,
} from './parameters';

/** NIBP has a tile of its own (systolic/diastolic (mean), with the time it was measured). */
export const NIBP_REF_IDS = {
  systolic: 'MDC_PRESS_BLD_NONINV_SYS',
  diastolic: 'MDC_PRESS_BLD_NONINV_DIA',
  mean: 'MDC_PRESS_BLD_NONINV_MEAN',
  pulse: 'MDC_PULS_RATE_NON_INV',
} as const;

const NIBP_CODES: ReadonlySet<string> = new Set(Object.values(NIBP_REF_IDS));
const NIBP_ALARM_PREFIXES = ['NIBP_'];

/** PVCs per minute (the workstation's beat classes): under HR at the bed, on a tile when it alarms. */
export const PVC_RATE: NumericParameter = {
  refId: 'MDC_ECG_V_P_C_CNT',
  label: 'PVC',
  unit: '/min',
  decimals: 0,
  color: PARAMETER_COLOURS.ecg,
  alarmCodePrefixes: ['PVC_'],
};

/** Parameters with a numeric of their own, in monitor order; others follow in the order seen. */
const KNOWN_ORDER: readonly NumericParameter[] = [
  HEART_RATE,
  PULSE_RATE,
  PVC_RATE,
  SPO2,
  RESP_RATE,
  TEMPERATURE,
];

/** A numeric a device reports that has no place of its own: named as the nurse knows it. */
export function reportedParameter(refId: string, numeric: Numeric | undefined): NumericParameter {
  const mdc = isMdcRefId(refId) ? MDC[refId] : undefined;
  const term = DEVICE_NUMERIC_TERMS[refId];
  const decimals =
    term?.decimals ??
    (refId === 'MDC_PULS_OXIM_PERF_REL' || (numeric && !Number.isInteger(numeric.value)) ? 1 : 0);
  return {
    refId,
    label: term?.label ?? mdc?.label ?? refId,
    unit: term?.screenUnit ?? mdc?.screenUnit ?? numeric?.unit ?? '',
    decimals,
    color: PARAMETER_COLOURS.other,
    alarmCodePrefixes: [],
  };
}

/** True when the bed shows HR from an ECG, so an oximeter's PR needs a numeric of its own. */
function pulseRateApart(numerics: Readonly<Record<string, Numeric>>): boolean {
  return (
    numerics[PULSE_RATE.refId] !== undefined &&
    shownParameter(HEART_RATE, numerics).refId === HEART_RATE.refId
  );
}

/** Every numeric the bedside shows, top to bottom (NIBP is drawn after them, on its own tile). */
export function bedsideNumerics(numerics: Readonly<Record<string, Numeric>>): NumericParameter[] {
  const shown: NumericParameter[] = [HEART_RATE];
  if (pulseRateApart(numerics)) shown.push(PULSE_RATE);
  if (numerics[PVC_RATE.refId]) shown.push(PVC_RATE);
  shown.push(...BEDSIDE_NUMERICS.slice(1));
  const placed = new Set(KNOWN_ORDER.map((p) => p.refId));
  for (const [refId, numeric] of Object.entries(numerics)) {
    if (placed.has(refId) || NIBP_CODES.has(refId)) continue;
    shown.push(reportedParameter(refId, numeric));
  }
  return shown;
}

/** HR (or PR), SpO₂, RR on a central tile, and any other parameter while it alarms. */
export function tileNumerics(
  numerics: Readonly<Record<string, Numeric>>,
  alarms: readonly Alarm[],
): NumericParameter[] {
  const shown: NumericParameter[] = [HEART_RATE, SPO2, RESP_RATE];
  const alarming = (p: NumericParameter) => alarmPriorityFor(p, alarms) !== null;
  if (pulseRateApart(numerics) && alarming(PULSE_RATE)) shown.splice(1, 0, PULSE_RATE);
  if (alarming(TEMPERATURE)) shown.push(TEMPERATURE);
  if (alarming(PVC_RATE)) shown.push(PVC_RATE);
  return shown;
}

/** Whether the bed has an NIBP reading, or an NIBP alarm, to show on its own tile. */
export function showsNibp(
  numerics: Readonly<Record<string, Numeric>>,
  alarms: readonly Alarm[],
): boolean {
  return (
    numerics[NIBP_REF_IDS.systolic] !== undefined ||
    alarmPriorityFor(
      { refId: NIBP_REF_IDS.systolic, alarmCodePrefixes: NIBP_ALARM_PREFIXES },
      alarms,
    ) !== null
  );
}

/** The highest priority of the bed's NIBP alarms (systolic, diastolic, mean), if any. */
export function nibpAlarmPriority(alarms: readonly Alarm[]) {
  return alarmPriorityFor(
    { refId: NIBP_REF_IDS.systolic, alarmCodePrefixes: NIBP_ALARM_PREFIXES },
    alarms,
  );
}

const ALARM_PARAMETER_OF_REF_ID: Readonly<Record<string, AlarmParameter>> = {
  MDC_ECG_HEART_RATE: 'hr',
  MDC_PULS_OXIM_PULS_RATE: 'pr',
  MDC_PULS_OXIM_SAT_O2: 'spo2',
  MDC_RESP_RATE: 'rr',
  MDC_TEMP_BODY: 'temp',
  MDC_ECG_V_P_C_CNT: 'pvc',
};

/** The alarms switched off for the parameter a numeric shows (its limits), or null. */
export function limitAlarmsOff(refId: string, alarmsOff: readonly AlarmOff[]): AlarmOff | null {
  const parameter = ALARM_PARAMETER_OF_REF_ID[refId];
  return (parameter && alarmsOff.find((off) => off.parameter === parameter)) || null;
}

/** The rhythm alarms switched off: marked on the ECG heart rate, which has no numeric of its own. */
export function rhythmAlarmsOff(refId: string, alarmsOff: readonly AlarmOff[]): AlarmOff | null {
  if (refId !== HEART_RATE.refId) return null;
  return alarmsOff.find((off) => off.parameter === 'arrhythmia') ?? null;
}

/** The NIBP alarms switched off (systolic, diastolic, mean): marked on the NIBP tile. */
export function nibpAlarmsOff(alarmsOff: readonly AlarmOff[]): AlarmOff[] {
  return alarmsOff.filter((off) => off.parameter.startsWith('nibp'));
}

/** The priority of the bed's NEWS2 alarm (its urgent or emergency band), or null. */
export function news2AlarmPriority(alarms: readonly Alarm[]): Alarm['priority'] | null {
  return alarms.find((alarm) => alarm.code === 'NEWS2')?.priority ?? null;
}

/** Whether a person switched the NEWS2 alarm off (who, why, since). */
export function news2AlarmOff(alarmsOff: readonly AlarmOff[]): AlarmOff | null {
  return alarmsOff.find((off) => off.parameter === 'news2') ?? null;
}
