import { describe, expect, it } from 'vitest';
import { recordImportPlan } from './record-import-check';
import type { ExportRecord } from './record';
import { EARLIEST_RECORD_MS, RECORD_AHEAD_MS } from '../../../shared/api/time-window';

const NOW = Date.UTC(2026, 5, 1, 12);

/** A record of `seconds` at 100 Hz with the given annotations (ms from its start). */
function record(seconds: number, annotationsMs: number[] = []): ExportRecord {
  return {
    name: 'r1',
    startMs: 0,
    channels: [
      {
        key: 'ECG',
        label: 'MLII',
        unit: 'mV',
        rateHz: 100,
        rawPerUnit: 200,
        baseline: 0,
        samples: new Int32Array(seconds * 100),
      },
    ],
    annotations: annotationsMs.map((timeMs) => ({ timeMs, code: 'N', text: '' })),
  };
}

describe('where an imported record will lie, decided before anything is written', () => {
  it('ends now without a start, and starts where asked with one', () => {
    expect(recordImportPlan(record(60), undefined, NOW)).toEqual({
      fromMs: NOW - 60_000,
      toMs: NOW,
    });
    expect(recordImportPlan(record(60), EARLIEST_RECORD_MS, NOW)).toEqual({
      fromMs: EARLIEST_RECORD_MS,
      toMs: EARLIEST_RECORD_MS + 60_000,
    });
  });

  it('refuses a record whose end would lie more than a day ahead', () => {
    const start = NOW + RECORD_AHEAD_MS - 30_000;
    expect(recordImportPlan(record(60), start, NOW)).toEqual({
      problem:
        'The record would lie outside the times the workstation keeps (a time from 1 January ' +
        '1990 to one day from now): it lasts 60 s; choose another start.',
    });
  });

  it('refuses annotations that would land outside the window', () => {
    expect(recordImportPlan(record(60, [1000, 9e15]), undefined, NOW)).toEqual({
      problem: 'An annotation of the record (N) lies outside the times the workstation keeps.',
    });
  });

  it('refuses a record with no signal, no samples, or signals that cannot be scaled', () => {
    expect(recordImportPlan({ ...record(1), channels: [] }, undefined, NOW)).toEqual({
      problem: 'The WFDB record has no signals.',
    });
    expect(recordImportPlan(record(0), undefined, NOW)).toEqual({
      problem: 'The WFDB record has no samples.',
    });
    const broken = record(1);
    broken.channels[0]!.rawPerUnit = 0;
    expect(recordImportPlan(broken, undefined, NOW)).toEqual({
      problem: 'Signal MLII has no usable gain.',
    });
    broken.channels[0]!.rawPerUnit = 200;
    broken.channels[0]!.rateHz = 0;
    expect(recordImportPlan(broken, undefined, NOW)).toEqual({
      problem: 'Signal MLII has no usable sampling frequency.',
    });
  });
});
