// Records for the export tests: made-up data, never a real patient.

import type { ExportChannel, ExportRecord } from './record';

/** A deterministic pseudo-random generator (mulberry32), so failures reproduce. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomSamples(
  count: number,
  min: number,
  max: number,
  random: () => number,
): Int32Array {
  return Int32Array.from({ length: count }, () => min + Math.floor(random() * (max - min + 1)));
}

export function channel(
  overrides: Partial<ExportChannel> & Pick<ExportChannel, 'samples'>,
): ExportChannel {
  return {
    key: 'ecg_ii',
    label: 'ECG II',
    unit: 'mV',
    rateHz: 250,
    rawPerUnit: 200,
    baseline: 0,
    ...overrides,
  };
}

/** Three channels at 250, 500 and 125 Hz, two seconds, with alarms as annotations. */
export function multiRateRecord(min: number, max: number, seed = 1): ExportRecord {
  const random = seededRandom(seed);
  return {
    name: 'bed3_test',
    startMs: Date.UTC(2026, 10, 21, 7, 5, 9, 250),
    channels: [
      channel({ samples: randomSamples(500, min, max, random) }),
      channel({
        key: 'pleth',
        label: 'Pleth',
        unit: '1',
        rateHz: 125,
        rawPerUnit: 1000,
        baseline: 12,
        samples: randomSamples(250, min, max, random),
      }),
      channel({
        key: 'ecg_v',
        label: 'ECG V',
        rateHz: 500,
        rawPerUnit: 409.6,
        baseline: -3,
        samples: randomSamples(1000, min, max, random),
      }),
    ],
    annotations: [
      { timeMs: 0, code: 'ECG_LEADS_OFF', text: 'raised medium: ECG leads off' },
      { timeMs: 1504, code: 'SPO2_LOW', text: 'raised high: SpO2 84 %' },
    ],
    patient: { id: 'TEST-0001', name: 'Test Patient' },
  };
}
