// Vital signs as FHIR Observations under the vital-signs profile: the LOINC code and the MDC code
// (shared/codes/mdc.ts) side by side, UCUM units, category vital-signs, the patient, the stay and
// the device. A per-minute rollup has an effectivePeriod (the minute) and the mean as its value;
// a single reading has an effectiveDateTime. Systolic and diastolic of the same minute or reading
// travel together as the blood-pressure panel 85354-9. Pure.
import { MDC } from '../codes/mdc';
import type { MdcRefId } from '../codes/mdc';
import { instant, PROFILES, ref, SYSTEMS } from './resources';
import type { Coding, FhirResource } from './resources';

/** A numeric that has a place among vital signs: its LOINC codings and the profile it meets. */
interface VitalSignTerm {
  loinc: Coding[];
  profile: string | null;
}

const loinc = (code: string, display: string): Coding => ({
  system: SYSTEMS.loinc,
  code,
  display,
});

const HEART_RATE: VitalSignTerm = {
  loinc: [loinc('8867-4', 'Heart rate')],
  profile: PROFILES.heartRate,
};

/** Every MDC numeric the api offers as a vital sign (the codes a search may name). */
export const VITAL_SIGN_TERMS: Partial<Record<MdcRefId, VitalSignTerm>> = {
  MDC_ECG_HEART_RATE: HEART_RATE,
  MDC_PULS_OXIM_PULS_RATE: HEART_RATE,
  MDC_PULS_RATE_NON_INV: HEART_RATE,
  // The oxygen-saturation profile asks for 2708-6; 59408-5 says it was measured by pulse oximetry.
  MDC_PULS_OXIM_SAT_O2: {
    loinc: [
      loinc('2708-6', 'Oxygen saturation in Arterial blood'),
      loinc('59408-5', 'Oxygen saturation in Arterial blood by Pulse oximetry'),
    ],
    profile: PROFILES.oxygenSaturation,
  },
  MDC_RESP_RATE: {
    loinc: [loinc('9279-1', 'Respiratory rate')],
    profile: PROFILES.respiratoryRate,
  },
  MDC_TEMP_BODY: {
    loinc: [loinc('8310-5', 'Body temperature')],
    profile: PROFILES.bodyTemperature,
  },
  MDC_PRESS_BLD_NONINV_SYS: {
    loinc: [loinc('8480-6', 'Systolic blood pressure')],
    profile: null,
  },
  MDC_PRESS_BLD_NONINV_DIA: {
    loinc: [loinc('8462-4', 'Diastolic blood pressure')],
    profile: null,
  },
  MDC_PRESS_BLD_NONINV_MEAN: {
    loinc: [loinc('8478-0', 'Mean blood pressure')],
    profile: null,
  },
};

export const BP_PANEL_LOINC = '85354-9';
/** MDC_PRESS_BLD_NONINV: the non-invasive blood pressure as a compound. */
const BP_PANEL_MDC = { system: SYSTEMS.mdc, code: '150020', display: 'MDC_PRESS_BLD_NONINV' };

export function isVitalSign(code: string): code is MdcRefId {
  return Object.hasOwn(VITAL_SIGN_TERMS, code);
}

/** The MDC codes a token search names: `system|code`, `code`, or the BP panel (sys + dia). */
export function vitalSignCodesFor(system: string | null, code: string): MdcRefId[] {
  const all = Object.keys(VITAL_SIGN_TERMS) as MdcRefId[];
  return all.filter((refId) => {
    const term = VITAL_SIGN_TERMS[refId]!;
    const byLoinc =
      term.loinc.some((c) => c.code === code) ||
      (code === BP_PANEL_LOINC &&
        (refId === 'MDC_PRESS_BLD_NONINV_SYS' || refId === 'MDC_PRESS_BLD_NONINV_DIA'));
    const byMdc = String(MDC[refId].code) === code || refId === code;
    if (system === null || system === '') return byLoinc || byMdc;
    if (system === SYSTEMS.loinc) return byLoinc;
    if (system === SYSTEMS.mdc) return byMdc;
    return false;
  });
}

/** One value of one code: a reading, or a minute's mean. */
export interface VitalSignValue {
  code: MdcRefId;
  value: number;
  unit: string;
  /** For a rollup: how many readings, their min and max. */
  count?: number;
  min?: number;
  max?: number;
}

export interface VitalSignInput {
  id: string;
  patientId: string;
  encounterId: string | null;
  deviceId: string | null;
  /** One value, or systolic and diastolic together (the BP panel). */
  values: VitalSignValue[];
  /** A reading's time; for a rollup, the start of its period. */
  atMs: number;
  /** For a rollup: the end of its period (the next minute). */
  untilMs?: number;
}

const CATEGORY = [
  {
    coding: [{ system: SYSTEMS.observationCategory, code: 'vital-signs', display: 'Vital Signs' }],
    text: 'Vital Signs',
  },
];

export function quantity(v: VitalSignValue) {
  // Four significant decimals at most: a mean of readings, not a false precision.
  const value = Math.round(v.value * 10_000) / 10_000;
  return { value, unit: v.unit, system: SYSTEMS.ucum, code: v.unit };
}

const codes = new Map<MdcRefId, ReturnType<typeof makeCode>>();

/**
 * A term's label in plain characters (SpO₂ as SpO2): a day of rollups is megabytes of JSON, and
 * one character beyond Latin-1 makes every string of it twice as slow to write and encode.
 */
export function plainLabel(refId: MdcRefId): string {
  return MDC[refId].label.replace(/[\u2080-\u2089]/g, (d) => String(d.charCodeAt(0) - 0x2080));
}

/** The code of a term, made once and shared by every resource that cites it (never mutated). */
function codeOf(refId: MdcRefId) {
  let code = codes.get(refId);
  if (!code) codes.set(refId, (code = deepFreeze(makeCode(refId))));
  return code;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

function makeCode(refId: MdcRefId) {
  const term = VITAL_SIGN_TERMS[refId]!;
  return {
    coding: [...term.loinc, { system: SYSTEMS.mdc, code: String(MDC[refId].code), display: refId }],
    text: plainLabel(refId),
  };
}

export function rollupMethod(values: VitalSignValue[]) {
  const described = values
    .filter((v) => v.count !== undefined)
    .map((v) =>
      `${plainLabel(v.code)}: mean of ${v.count} reading(s), min ${v.min}, max ${v.max} ${MDC[v.code].screenUnit}`.trim(),
    );
  return described.length > 0 ? { method: { text: described.join('; ') } } : {};
}

/** Systolic and diastolic, when both are there: they travel as one panel. */
export function panelOf(values: VitalSignValue[]) {
  const sys = values.find((v) => v.code === 'MDC_PRESS_BLD_NONINV_SYS');
  const dia = values.find((v) => v.code === 'MDC_PRESS_BLD_NONINV_DIA');
  return sys !== undefined && dia !== undefined ? [sys, dia] : null;
}

export function vitalSignObservation(input: VitalSignInput): FhirResource {
  const members = panelOf(input.values);
  const panel = members !== null;
  const single = input.values[0];
  if (!single) throw new Error('A vital-sign observation needs a value.');
  const profile = panel ? PROFILES.bloodPressure : VITAL_SIGN_TERMS[single.code]?.profile;
  const effective =
    input.untilMs !== undefined
      ? { effectivePeriod: { start: instant(input.atMs), end: instant(input.untilMs) } }
      : { effectiveDateTime: instant(input.atMs) };
  return {
    resourceType: 'Observation',
    id: input.id,
    meta: { profile: [PROFILES.vitalSigns, ...(profile ? [profile] : [])] },
    status: 'final',
    category: CATEGORY,
    code: panel
      ? {
          coding: [
            loinc(BP_PANEL_LOINC, 'Blood pressure panel with all children optional'),
            BP_PANEL_MDC,
          ],
          text: 'NIBP',
        }
      : codeOf(single.code),
    subject: ref('Patient', input.patientId),
    ...(input.encounterId ? { encounter: ref('Encounter', input.encounterId) } : {}),
    ...effective,
    ...(panel
      ? {
          component: members.map((v) => ({
            code: codeOf(v.code),
            valueQuantity: quantity(v),
          })),
        }
      : { valueQuantity: quantity(single) }),
    ...rollupMethod(input.values),
    ...(input.deviceId ? { device: ref('Device', input.deviceId) } : {}),
  };
}
