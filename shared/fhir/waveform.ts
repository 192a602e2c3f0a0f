// A waveform strip as an Observation with valueSampledData, one per lead or signal: physical value
// = origin + factor × datum, period in milliseconds between samples. The MDC term of a channel
// comes from its name as the drivers give it ('ECG II', 'II', 'MDC_PULS_OXIM_PLETH', 'resp'…). Pure.
import { plainLabel } from './vital-signs';
import { isMdcRefId, MDC } from '../codes/mdc';
import type { MdcRefId } from '../codes/mdc';
import { instant, ref, SYSTEMS } from './resources';
import type { FhirResource } from './resources';

/** The waveform terms of shared/codes/mdc.ts a strip can be asked for by. */
export const WAVEFORM_TERMS: readonly MdcRefId[] = [
  'MDC_ECG_ELEC_POTL',
  'MDC_ECG_ELEC_POTL_II',
  'MDC_PULS_OXIM_PLETH',
  'MDC_IMPED_TTHOR',
];

/** Shortest and longest strip the api cuts (the 10 s–60 s). */
export const STRIP_MIN_MS = 10_000;
export const STRIP_MAX_MS = 60_000;

/** The MDC waveform term of a channel name, or null when it is not one we know. */
export function waveformTermOf(channel: string): MdcRefId | null {
  const name = channel.trim();
  if (isMdcRefId(name) && WAVEFORM_TERMS.includes(name)) return name;
  if (/^(ecg[ _-]?)?(lead[ _-]?)?ii$/i.test(name)) return 'MDC_ECG_ELEC_POTL_II';
  if (/^ecg$/i.test(name)) return 'MDC_ECG_ELEC_POTL';
  if (/pleth|ppg[ _-]?ir/i.test(name)) return 'MDC_PULS_OXIM_PLETH';
  if (/^resp|imped/i.test(name)) return 'MDC_IMPED_TTHOR';
  return null;
}

/** The waveform terms a token search names (`system|code` or a bare code). */
export function waveformCodesFor(system: string | null, code: string): MdcRefId[] {
  if (system && system !== SYSTEMS.mdc) return [];
  return WAVEFORM_TERMS.filter((t) => String(MDC[t].code) === code || t === code);
}

export interface WaveformInput {
  id: string;
  patientId: string;
  encounterId: string | null;
  deviceId: string | null;
  /** The channel's name as recorded, and its term when known. */
  channel: string;
  term: MdcRefId | null;
  unit: string;
  rateHz: number;
  /** Physical units per raw count; null when the device's scale is not public (raw counts). */
  scale: number | null;
  startMs: number;
  /** Raw counts as stored; NaN for a gap. */
  values: readonly number[];
}

export function waveformObservation(w: WaveformInput): FhirResource {
  const periodMs = Math.round((1000 / w.rateHz) * 1e6) / 1e6;
  const unit = w.scale === null ? '{count}' : w.unit || '1';
  const endMs = w.startMs + w.values.length * (1000 / w.rateHz);
  return {
    resourceType: 'Observation',
    id: w.id,
    status: 'final',
    code: w.term
      ? {
          coding: [{ system: SYSTEMS.mdc, code: String(MDC[w.term].code), display: w.term }],
          text: plainLabel(w.term),
        }
      : { text: w.channel },
    subject: ref('Patient', w.patientId),
    ...(w.encounterId ? { encounter: ref('Encounter', w.encounterId) } : {}),
    effectivePeriod: { start: instant(w.startMs), end: instant(endMs) },
    valueSampledData: {
      origin: { value: 0, unit, system: SYSTEMS.ucum, code: unit },
      period: periodMs,
      factor: w.scale ?? 1,
      dimensions: 1,
      // "E" marks a sample the record does not have (a gap).
      data: w.values.map((v) => (Number.isFinite(v) ? String(v) : 'E')).join(' '),
    },
    ...(w.deviceId ? { device: ref('Device', w.deviceId) } : {}),
  };
}
