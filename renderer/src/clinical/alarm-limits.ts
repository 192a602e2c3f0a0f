// Pure helpers of the limits editor: the editable form of a bed's limits, its validation, and the
// list of changes a person confirms before anything is sent.
import type { AlarmLimits, LimitedParameter, ParameterLimits } from '../../../shared/model/alarms';

export const LIMIT_KEYS = ['extremeLow', 'low', 'high', 'extremeHigh'] as const;
export type LimitKey = (typeof LIMIT_KEYS)[number];

/** The parameters in the order the editor lists them. */
export const LIMITED_PARAMETERS: readonly LimitedParameter[] = [
  'hr',
  'pr',
  'spo2',
  'rr',
  'nibpSys',
  'nibpDia',
  'nibpMean',
  'temp',
];

/** What the inputs hold: text per parameter and limit ('' = limit off). */
export type LimitsDraft = Record<LimitedParameter, Record<LimitKey, string>>;

export function toDraft(limits: AlarmLimits): LimitsDraft {
  const draft = {} as LimitsDraft;
  for (const p of LIMITED_PARAMETERS) {
    const l = limits[p];
    draft[p] = {
      extremeLow: l.extremeLow === null ? '' : String(l.extremeLow),
      low: l.low === null ? '' : String(l.low),
      high: l.high === null ? '' : String(l.high),
      extremeHigh: l.extremeHigh === null ? '' : String(l.extremeHigh),
    };
  }
  return draft;
}

export type ParseProblem = 'notANumber' | 'notRising';

/** Problems per parameter; an empty record means the draft is valid. */
export function validateDraft(draft: LimitsDraft): Partial<Record<LimitedParameter, ParseProblem>> {
  const problems: Partial<Record<LimitedParameter, ParseProblem>> = {};
  for (const p of LIMITED_PARAMETERS) {
    const values: number[] = [];
    for (const key of LIMIT_KEYS) {
      const text = draft[p][key].trim();
      if (text === '') continue;
      const value = Number(text);
      if (!Number.isFinite(value)) {
        problems[p] = 'notANumber';
        break;
      }
      values.push(value);
    }
    if (problems[p]) continue;
    if (!values.every((v, i) => i === 0 || values[i - 1]! < v)) problems[p] = 'notRising';
  }
  return problems;
}

/** The limits a valid draft stands for. */
export function fromDraft(draft: LimitsDraft): AlarmLimits {
  const limits = {} as AlarmLimits;
  for (const p of LIMITED_PARAMETERS) {
    const parsed = {} as ParameterLimits;
    for (const key of LIMIT_KEYS) {
      const text = draft[p][key].trim();
      (parsed as Record<LimitKey, number | null>)[key] = text === '' ? null : Number(text);
    }
    limits[p] = parsed;
  }
  return limits;
}

export interface LimitChange {
  parameter: LimitedParameter;
  key: LimitKey;
  from: number | null;
  to: number | null;
}

export function diffLimits(before: AlarmLimits, after: AlarmLimits): LimitChange[] {
  const changes: LimitChange[] = [];
  for (const p of LIMITED_PARAMETERS) {
    for (const key of LIMIT_KEYS) {
      const from = before[p][key];
      const to = after[p][key];
      if (from !== to) changes.push({ parameter: p, key, from, to });
    }
  }
  return changes;
}
