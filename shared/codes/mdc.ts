// IEEE 11073-10101 (MDC) nomenclature with UCUM units and LOINC codes, for the quantities the
// workstation handles. Source: ../shared/clinical/README.md. Devices disagree in practice, so
// drivers map their own fields onto this table rather than inventing codes.

export interface MdcTerm {
  readonly refId: string;
  readonly code: number;
  /** UCUM unit; `{count}` marks a raw device value whose scale is not publicly documented. */
  readonly unit: string;
  readonly loinc?: string;
  /** Short label a nurse reads on screen. */
  readonly label: string;
  /**
   * Unit as a nurse reads it on screen, one per parameter everywhere (numerics, limits, alarm
   * messages, trends, strips): UCUM `/min` is bpm for a heart or pulse, `/min` for breaths.
   */
  readonly screenUnit: string;
}

export const MDC = {
  MDC_ECG_HEART_RATE: {
    refId: 'MDC_ECG_HEART_RATE',
    code: 147842,
    unit: '/min',
    loinc: '8867-4',
    label: 'HR',
    screenUnit: 'bpm',
  },
  MDC_PULS_OXIM_SAT_O2: {
    refId: 'MDC_PULS_OXIM_SAT_O2',
    code: 150456,
    unit: '%',
    loinc: '59408-5',
    label: 'SpO₂',
    screenUnit: '%',
  },
  MDC_PULS_OXIM_PULS_RATE: {
    refId: 'MDC_PULS_OXIM_PULS_RATE',
    code: 149530,
    unit: '/min',
    loinc: '8867-4',
    label: 'PR',
    screenUnit: 'bpm',
  },
  MDC_PULS_OXIM_PERF_REL: {
    refId: 'MDC_PULS_OXIM_PERF_REL',
    code: 150488,
    unit: '%',
    loinc: '61006-3',
    label: 'PI',
    screenUnit: '%',
  },
  MDC_PRESS_BLD_NONINV_SYS: {
    refId: 'MDC_PRESS_BLD_NONINV_SYS',
    code: 150021,
    unit: 'mm[Hg]',
    loinc: '8480-6',
    label: 'NIBP sys',
    screenUnit: 'mmHg',
  },
  MDC_PRESS_BLD_NONINV_DIA: {
    refId: 'MDC_PRESS_BLD_NONINV_DIA',
    code: 150022,
    unit: 'mm[Hg]',
    loinc: '8462-4',
    label: 'NIBP dia',
    screenUnit: 'mmHg',
  },
  MDC_PULS_RATE_NON_INV: {
    refId: 'MDC_PULS_RATE_NON_INV',
    code: 149546,
    unit: '/min',
    loinc: '8867-4',
    label: 'Pulse (NIBP)',
    screenUnit: 'bpm',
  },
  MDC_PRESS_BLD_NONINV_MEAN: {
    refId: 'MDC_PRESS_BLD_NONINV_MEAN',
    code: 150023,
    unit: 'mm[Hg]',
    loinc: '8478-0',
    label: 'NIBP mean',
    screenUnit: 'mmHg',
  },
  MDC_RESP_RATE: {
    refId: 'MDC_RESP_RATE',
    code: 151562,
    unit: '/min',
    loinc: '9279-1',
    label: 'RR',
    screenUnit: '/min',
  },
  MDC_TEMP_BODY: {
    refId: 'MDC_TEMP_BODY',
    code: 150364,
    unit: 'Cel',
    loinc: '8310-5',
    label: 'Temp',
    screenUnit: '°C',
  },
  // Lead not stated by the device: the unspecified-lead term (partition 2, 0x0100).
  MDC_ECG_ELEC_POTL: {
    refId: 'MDC_ECG_ELEC_POTL',
    code: 131328,
    unit: 'mV',
    label: 'ECG',
    screenUnit: 'mV',
  },
  MDC_ECG_ELEC_POTL_II: {
    refId: 'MDC_ECG_ELEC_POTL_II',
    code: 131330,
    unit: 'mV',
    label: 'ECG II',
    screenUnit: 'mV',
  },
  MDC_PULS_OXIM_PLETH: {
    refId: 'MDC_PULS_OXIM_PLETH',
    code: 150452,
    unit: '1',
    label: 'Pleth',
    screenUnit: '',
  },
  MDC_IMPED_TTHOR: {
    refId: 'MDC_IMPED_TTHOR',
    code: 151780,
    unit: 'Ohm',
    label: 'Resp',
    screenUnit: 'Ω',
  },
} as const satisfies Record<string, MdcTerm>;

export type MdcRefId = keyof typeof MDC;

/** How a nurse reads a numeric that has no confirmed MDC code: its label, unit and decimals. */
export interface ScreenTerm {
  readonly label: string;
  readonly screenUnit: string;
  readonly decimals: number;
}

/**
 * Numerics devices report under names that are not (confirmed) MDC terms, so that every value a
 * device sends is shown with a name a nurse knows. Keyed as the drivers key them.
 */
export const DEVICE_NUMERIC_TERMS: Readonly<Record<string, ScreenTerm>> = {
  // GE Datex S/5: end-tidal CO₂, converted by the driver to mmHg.
  MDC_AWAY_CO2_ET: { label: 'EtCO₂', screenUnit: 'mmHg', decimals: 0 },
  MASIMO_SPCO: { label: 'SpCO', screenUnit: '%', decimals: 1 },
  MASIMO_SPMET: { label: 'SpMet', screenUnit: '%', decimals: 1 },
  MASIMO_PVI: { label: 'PVI', screenUnit: '%', decimals: 0 },
  // PVCs in the last minute, counted by the workstation's beat classifier (as IntelliVue's "PVC"
  // numeric, NOM_ECG_V_P_C_CNT, counts them).
  MDC_ECG_V_P_C_CNT: { label: 'PVC', screenUnit: '/min', decimals: 0 },
  // The CMS50's perfusion index on its own unpublished scale.
  CMS50_PI_RAW: { label: 'PI (raw)', screenUnit: '', decimals: 0 },
};

export function isMdcRefId(id: string): id is MdcRefId {
  return Object.hasOwn(MDC, id);
}
