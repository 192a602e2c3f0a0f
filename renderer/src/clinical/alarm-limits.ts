// Pure helpers of the limits editor: the editable form of a bed's limits, its validation (the same
// rules the host applies: shared/model/limit-rules.ts), and the list of changes a person confirms
// before anything is sent.
import type {
  AlarmLimits,
  LimitedParameter,
  ParameterLimits,
  PatientCategory,
} from '../../../shared/model/alarms';
import { LIMIT_EDGES, limitProblem, type LimitEdge } from '../../../shared/model/limit-rules';

export const LIMIT_KEYS = LIMIT_EDGES;
export type LimitKey = LimitEdge;

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
  'pvc',
];

/** What the inputs hold: text per parameter and limit ('' = no such limit). */
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

/**
 * What is wrong with a parameter's fields: not a number, not rising, or a limit a person may not
 * set (outside its range, or emptied where the unit has one: `message` says which and why).
 */
export type DraftProblem =
  { kind: 'notANumber' | 'notRising' } | { kind: 'outOfRange' | 'empty'; message: string };

/** Problems per parameter, for a patient of `category`; an empty record means the draft is valid. */
export function validateDraft(
  draft: LimitsDraft,
  category: PatientCategory,
): Partial<Record<LimitedParameter, DraftProblem>> {
  const problems: Partial<Record<LimitedParameter, DraftProblem>> = {};
  for (const p of LIMITED_PARAMETERS) {
    const values: number[] = [];
    for (const key of LIMIT_KEYS) {
      const text = draft[p][key].trim();
      const value = text === '' ? null : Number(text);
      if (value !== null && !Number.isFinite(value)) {
        problems[p] = { kind: 'notANumber' };
        break;
      }
      const rule = limitProblem(category, p, key, value);
      if (rule) {
        problems[p] = { kind: rule.kind, message: rule.message };
        break;
      }
      if (value !== null) values.push(value);
    }
    if (problems[p]) continue;
    if (!values.every((v, i) => i === 0 || values[i - 1]! < v)) problems[p] = { kind: 'notRising' };
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
