// Which numerics the trends view graphs, grouped as a monitor's trend page stacks them (HR with
// PR, SpO₂, RR, temperature, NIBP), each with its colour and the alarm limits that apply to it.
import { MDC, type MdcRefId } from '../../../../shared/codes/mdc';
import type { LimitedParameter } from '../../../../shared/model/alarms';
import { PARAMETER_COLOURS } from '../../clinical/parameters';

export interface TrendParameter {
  /** An MDC code, or NEWS2 (the workstation's early warning score, which no MDC code names). */
  code: MdcRefId | 'NEWS2' | 'MDC_ECG_V_P_C_CNT';
  label: string;
  unit: string;
  decimals: number;
  /** A colour, or a CSS variable (`var(--text)`) for a trace that must follow the theme. */
  color: string;
  /** The patient's limits for this parameter, drawn as dashed lines; null: it has none. */
  limit: LimitedParameter | null;
}

export interface TrendGroup {
  id: 'rate' | 'pvc' | 'spo2' | 'resp' | 'temp' | 'nibp' | 'news2';
  unit: string;
  parameters: readonly TrendParameter[];
  /** Intermittent measurements (NIBP): drawn as marks, not as a band and line. */
  intermittent: boolean;
}

function parameter(
  code: MdcRefId,
  decimals: number,
  color: string,
  limit: LimitedParameter,
): TrendParameter {
  const term = MDC[code];
  return { code, label: term.label, unit: term.screenUnit, decimals, color, limit };
}

export const TREND_GROUPS: readonly TrendGroup[] = [
  {
    id: 'rate',
    unit: 'bpm',
    intermittent: false,
    parameters: [
      parameter('MDC_ECG_HEART_RATE', 0, PARAMETER_COLOURS.ecg, 'hr'),
      parameter('MDC_PULS_OXIM_PULS_RATE', 0, PARAMETER_COLOURS.pleth, 'pr'),
    ],
  },
  {
    id: 'pvc',
    unit: '/min',
    intermittent: false,
    // PVCs in the last minute, from the workstation's beat classes.
    parameters: [
      {
        code: 'MDC_ECG_V_P_C_CNT',
        label: 'PVC',
        unit: '/min',
        decimals: 0,
        color: PARAMETER_COLOURS.ecg,
        limit: 'pvc',
      },
    ],
  },
  {
    id: 'spo2',
    unit: '%',
    intermittent: false,
    parameters: [parameter('MDC_PULS_OXIM_SAT_O2', 0, PARAMETER_COLOURS.pleth, 'spo2')],
  },
  {
    id: 'resp',
    unit: '/min',
    intermittent: false,
    parameters: [parameter('MDC_RESP_RATE', 0, PARAMETER_COLOURS.resp, 'rr')],
  },
  {
    id: 'temp',
    unit: '°C',
    intermittent: false,
    // The temperature trace is the text colour, so it reads on both themes.
    parameters: [parameter('MDC_TEMP_BODY', 1, 'var(--text)', 'temp')],
  },
  {
    id: 'nibp',
    unit: 'mmHg',
    intermittent: true,
    parameters: [
      parameter('MDC_PRESS_BLD_NONINV_SYS', 0, PARAMETER_COLOURS.other, 'nibpSys'),
      parameter('MDC_PRESS_BLD_NONINV_MEAN', 0, PARAMETER_COLOURS.other, 'nibpMean'),
      parameter('MDC_PRESS_BLD_NONINV_DIA', 0, PARAMETER_COLOURS.other, 'nibpDia'),
    ],
  },
  {
    id: 'news2',
    unit: '',
    intermittent: false,
    // Complete scores only: a score with a parameter missing is not kept (news2-monitor.ts).
    parameters: [
      {
        code: 'NEWS2',
        label: 'NEWS2',
        unit: '',
        decimals: 0,
        color: 'var(--text)',
        limit: null,
      },
    ],
  },
];

export const TREND_PARAMETERS: readonly TrendParameter[] = TREND_GROUPS.flatMap(
  (group) => group.parameters,
);

/** Every code the view asks the store for. */
export const TREND_CODES: readonly string[] = TREND_PARAMETERS.map((p) => p.code);

/** A value as the parameter is shown on screen (HR 72, temperature 36.5). */
export function formatTrendValue(parameter: TrendParameter, value: number | null): string | null {
  return value === null || !Number.isFinite(value) ? null : value.toFixed(parameter.decimals);
}

export const NIBP_CODES = {
  systolic: 'MDC_PRESS_BLD_NONINV_SYS',
  diastolic: 'MDC_PRESS_BLD_NONINV_DIA',
  mean: 'MDC_PRESS_BLD_NONINV_MEAN',
} as const;

/** One NIBP measurement as a nurse writes it: 120/80 (93); null without a systolic and diastolic. */
export function formatNibp(value: (code: string) => number | null): string | null {
  const sys = value(NIBP_CODES.systolic);
  const dia = value(NIBP_CODES.diastolic);
  const mean = value(NIBP_CODES.mean);
  if (sys === null || dia === null) return null;
  return `${Math.round(sys)}/${Math.round(dia)}${mean === null ? '' : ` (${Math.round(mean)})`}`;
}
