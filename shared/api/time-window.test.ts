import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  EARLIEST_RECORD_MS,
  RECORD_AHEAD_MS,
  RecordTimeMs,
  inRecordWindow,
  timeRangeRequest,
} from './time-window';
import { requests } from './contract';
import { stripsRequests } from './contract-strips';

const NOW = Date.now();

describe('the times a request may name', () => {
  it('are whole milliseconds from 1990 to a day from now', () => {
    expect(inRecordWindow(EARLIEST_RECORD_MS, NOW)).toBe(true);
    expect(inRecordWindow(EARLIEST_RECORD_MS - 1, NOW)).toBe(false);
    expect(inRecordWindow(NOW + RECORD_AHEAD_MS, NOW)).toBe(true);
    expect(inRecordWindow(NOW + RECORD_AHEAD_MS + 1, NOW)).toBe(false);
    for (const bad of [-9007199254740991, 0, 1e300, NOW + 0.5, NaN, Infinity]) {
      expect(inRecordWindow(bad, NOW)).toBe(false);
    }
    expect(RecordTimeMs.safeParse(NOW).success).toBe(true);
    expect(RecordTimeMs.safeParse(Date.UTC(1970, 0, 1)).error?.issues[0]?.message).toBe(
      'Choose a time from 1 January 1990 to one day from now.',
    );
  });

  it('make a range in order and no longer than its span', () => {
    const range = timeRangeRequest({ bedId: z.string() }, 60_000, '1 minute');
    expect(range.safeParse({ bedId: 'b', fromMs: NOW - 60_000, toMs: NOW }).success).toBe(true);
    const messages = (value: unknown) =>
      range
        .safeParse(value)
        .error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    expect(messages({ bedId: 'b', fromMs: NOW, toMs: NOW })).toEqual([
      'toMs: toMs must be after fromMs',
    ]);
    expect(messages({ bedId: 'b', fromMs: NOW - 60_001, toMs: NOW })).toEqual([
      'toMs: at most 1 minute at a time',
    ]);
    expect(range.safeParse({ bedId: 'b', fromMs: NOW - 1, toMs: NOW, extra: 1 }).success).toBe(
      false,
    );
  });

  // The class of bug, not one instance: every request that names a time holds it to the window.
  const timed: Array<[string, z.ZodType, Record<string, unknown>, string[]]> = [
    [
      'importRecord',
      requests.importRecord.input,
      { bedLabel: 'B', header: 'a', signals: 'a' },
      ['startMs'],
    ],
    ['getAlarmLog', requests.getAlarmLog.input, { bedId: 'b' }, ['fromMs', 'toMs']],
    ['printStrip', stripsRequests.printStrip.input, { bedId: 'b' }, ['endMs']],
    [
      'getTrend',
      requests.getTrend.input,
      { bedId: 'b', codes: ['x'], fromMs: NOW - 1000, toMs: NOW },
      ['fromMs', 'toMs'],
    ],
    [
      'getWaveformWindow',
      requests.getWaveformWindow.input,
      { bedId: 'b', fromMs: NOW - 1000, toMs: NOW },
      ['fromMs', 'toMs'],
    ],
    [
      'exportRecord',
      requests.exportRecord.input,
      { bedId: 'b', format: 'csv', fromMs: NOW - 1000, toMs: NOW },
      ['fromMs', 'toMs'],
    ],
    [
      'startExport',
      requests.startExport.input,
      { bedId: 'b', format: 'csv', fromMs: NOW - 1000, toMs: NOW },
      ['fromMs', 'toMs'],
    ],
    [
      'saveSoundRecording',
      requests.saveSoundRecording.input,
      { bedId: 'b', rateHz: 8000, wavBase64: 'AA==', startedAt: NOW },
      ['startedAt'],
    ],
  ];
  for (const [name, schema, valid, fields] of timed) {
    it(`${name} refuses far-past, far-future and fractional times`, () => {
      expect(schema.safeParse(valid).success).toBe(true);
      for (const field of fields) {
        for (const bad of [
          -9007199254740991,
          Date.UTC(1970, 0, 1),
          NOW + 2 * RECORD_AHEAD_MS,
          1e300,
          NOW - 0.5,
        ]) {
          const moved =
            field === 'fromMs' && 'toMs' in valid
              ? { ...valid, fromMs: bad }
              : { ...valid, [field]: bad };
          expect(schema.safeParse(moved).success, `${name}.${field} = ${bad}`).toBe(false);
        }
      }
    });
  }
});
