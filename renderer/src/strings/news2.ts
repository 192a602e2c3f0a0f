// The words of the early warning score (part of strings.ts: every sentence a person reads, in one
// place): the tile in the numerics, and the bed's NEWS2 sheet where the nurse records observations.
import type { Acvpu, News2Band, News2Parameter } from '../../../shared/model/news2';
import { timeOrDateAndTime } from '../clinical/clinical-time';

export const news2Strings = {
  label: 'NEWS2',
  /** The score: the total, or what is known of it ("≥ 3") when a parameter is missing. */
  value: (atLeast: number, complete: boolean) => (complete ? String(atLeast) : `≥${atLeast}`),
  band: {
    low: 'Low',
    'low-medium': 'Low–medium: one parameter scores 3',
    medium: 'Medium: urgent response',
    high: 'High: emergency response',
  } satisfies Record<News2Band, string>,
  shortBand: {
    low: 'low',
    'low-medium': 'low–med',
    medium: 'urgent',
    high: 'emergency',
  } satisfies Record<News2Band, string>,
  missing: (names: string) => `Missing: ${names}`,
  parameter: {
    respirationRate: 'Respiration rate',
    spo2: 'SpO₂',
    airOrOxygen: 'Air or oxygen',
    systolicBp: 'Systolic BP',
    pulse: 'Pulse',
    consciousness: 'Consciousness',
    temperature: 'Temperature',
  } satisfies Record<News2Parameter, string>,
  shortParameter: {
    respirationRate: 'RR',
    spo2: 'SpO₂',
    airOrOxygen: 'Air/O₂',
    systolicBp: 'Sys BP',
    pulse: 'Pulse',
    consciousness: 'ACVPU',
    temperature: 'Temp',
  } satisfies Record<News2Parameter, string>,
  acvpu: {
    A: 'A — alert',
    C: 'C — new confusion',
    V: 'V — responds to voice',
    P: 'P — responds to pain',
    U: 'U — unresponsive',
  } satisfies Record<Acvpu, string>,
  open: 'NEWS2…',
  close: 'Close NEWS2',
  title: 'NEWS2 early warning score',
  partsCaption: 'What the score is made of',
  parameterHeading: 'Parameter',
  valueHeading: 'Value',
  scoreHeading: 'Score',
  notMeasured: 'missing',
  shownValue: (parameter: News2Parameter, value: number | boolean | string) => {
    if (parameter === 'airOrOxygen') return value ? 'oxygen' : 'air';
    if (parameter === 'temperature' && typeof value === 'number') return `${value.toFixed(1)} °C`;
    const units: Partial<Record<News2Parameter, string>> = {
      respirationRate: '/min',
      spo2: '%',
      systolicBp: 'mmHg',
      pulse: 'bpm',
    };
    return `${String(value)}${units[parameter] ? ` ${units[parameter]}` : ''}`;
  },
  recordHeading: 'Record at the bed',
  scale: 'SpO₂ scale',
  scale1: 'Scale 1',
  scale2: 'Scale 2 (hypercapnic respiratory failure, target 88–92 %)',
  airOrOxygen: 'Air or oxygen',
  air: 'Air',
  oxygen: 'Oxygen',
  consciousness: 'Consciousness (ACVPU)',
  temperature: 'Temperature by hand (°C)',
  record: 'Record',
  recording: 'Recording…',
  nothingChosen: 'Choose at least one observation to record.',
  recorded: (at: number, now: number) => `recorded ${timeOrDateAndTime(at, now)}`,
  recordedBy: (by: string, at: number, now: number) => `${by}, ${timeOrDateAndTime(at, now)}`,
  lastRecorded: 'Last recorded',
  nothingRecorded: 'nothing yet this stay',
  noPatient: 'Admit the patient to record observations: they are kept with the stay.',
  freshness:
    'Monitored vitals count for 5 minutes after their last value (NIBP 60 minutes); temperature and the nurse’s observations for 4 hours. An older value is missing, never taken as normal.',
  scaleNote: 'Scale 2 only on a clinician’s decision for this patient.',
};
