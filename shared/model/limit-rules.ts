// What alarm limits a person may set: each limit within its parameter's range, and no limit left
// empty where the unit's defaults have one (an empty limit would be an alarm switched off with no
// reason and no mark: that is done with "Alarms off", which asks why and shows it). The limits
// editor checks these as the nurse types, and the host refuses a request that breaks them.
import type { AlarmLimits, LimitedParameter, PatientCategory } from './alarms';
import { DEFAULT_LIMITS } from './alarm-defaults';

/** How a parameter is named in sentences about its alarms, with its screen unit. */
export const PARAMETER_NAMES: Record<LimitedParameter, { label: string; unit: string }> = {
  hr: { label: 'HR', unit: 'bpm' },
  pr: { label: 'PR', unit: 'bpm' },
  spo2: { label: 'SpO₂', unit: '%' },
  rr: { label: 'RR', unit: '/min' },
  nibpSys: { label: 'NIBP sys', unit: 'mmHg' },
  nibpDia: { label: 'NIBP dia', unit: 'mmHg' },
  nibpMean: { label: 'NIBP mean', unit: 'mmHg' },
  temp: { label: 'Temp', unit: '°C' },
  pvc: { label: 'PVC', unit: '/min' },
};

/**
 * The range an alarm limit can be set in, per parameter, for every patient category: the
 * adjustment ranges public bedside-monitor manuals give (HR/PR 25–300 bpm, SpO₂ 50–100 %,
 * NIBP systolic 30–270, diastolic 10–245, mean 20–255 mmHg), RR 2–150 /min (a lower limit below
 * 2 would never sound), body temperature 25–45 °C and PVCs 1–99 per minute.
 */
export const LIMIT_RANGES: Record<LimitedParameter, { min: number; max: number }> = {
  hr: { min: 25, max: 300 },
  pr: { min: 25, max: 300 },
  spo2: { min: 50, max: 100 },
  rr: { min: 2, max: 150 },
  nibpSys: { min: 30, max: 270 },
  nibpDia: { min: 10, max: 245 },
  nibpMean: { min: 20, max: 255 },
  temp: { min: 25, max: 45 },
  pvc: { min: 1, max: 99 },
};

export const LIMIT_EDGES = ['extremeLow', 'low', 'high', 'extremeHigh'] as const;
export type LimitEdge = (typeof LIMIT_EDGES)[number];

export const EDGE_WORDS: Record<LimitEdge, string> = {
  extremeLow: 'extreme low',
  low: 'low',
  high: 'high',
  extremeHigh: 'extreme high',
};

export interface LimitProblem {
  parameter: LimitedParameter;
  edge: LimitEdge;
  kind: 'outOfRange' | 'empty';
  /** One sentence for the person who typed it. */
  message: string;
}

/** The limit (or its absence) is not one a person may set; null when it is fine. */
export function limitProblem(
  category: PatientCategory,
  parameter: LimitedParameter,
  edge: LimitEdge,
  value: number | null,
): LimitProblem | null {
  const { label, unit } = PARAMETER_NAMES[parameter];
  const what = `${label} ${EDGE_WORDS[edge]} limit`;
  if (value === null) {
    if (DEFAULT_LIMITS[category][parameter][edge] === null) return null;
    return {
      parameter,
      edge,
      kind: 'empty',
      message: `The ${what} cannot be left empty: to stop ${label} alarms, use "Alarms off" and give a reason.`,
    };
  }
  const { min, max } = LIMIT_RANGES[parameter];
  if (Number.isFinite(value) && value >= min && value <= max) return null;
  return {
    parameter,
    edge,
    kind: 'outOfRange',
    message: `The ${what} of ${value} ${unit} is outside the range a limit can have, ${min}–${max} ${unit}.`,
  };
}

/** Every limit of `limits` that a person may not set for a patient of this category. */
export function limitProblems(category: PatientCategory, limits: AlarmLimits): LimitProblem[] {
  const problems: LimitProblem[] = [];
  for (const parameter of Object.keys(limits) as LimitedParameter[]) {
    for (const edge of LIMIT_EDGES) {
      const problem = limitProblem(category, parameter, edge, limits[parameter][edge]);
      if (problem) problems.push(problem);
    }
  }
  return problems;
}
