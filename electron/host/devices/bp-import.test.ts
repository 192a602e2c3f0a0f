// What a download's readings become: the numerics each carries, and whose they are. Pure: the
// readings are given, as the byte-exact simulator's download yields them in the integration test.
import { describe, expect, it } from 'vitest';
import {
  MONITOR_CLOCK_AHEAD_ALLOWANCE_MS,
  newestReading,
  readingRows,
  sortReadings,
  timedReading,
} from './bp-import';
import type { BpReading } from './drivers/omron-hem790it';

const DEVICE = 'omron-hem790it';
const morning: BpReading = {
  takenAt: '2026-11-20T08:15:00',
  systolic: 128,
  diastolic: 82,
  pulse: 66,
};
const evening: BpReading = {
  takenAt: '2026-11-19T20:02:31',
  systolic: 141,
  diastolic: 90,
  pulse: 71,
};
const admittedAt = new Date(2026, 10, 20, 7, 0).getTime();
const now = new Date(2026, 10, 20, 9, 0).getTime();

const sort = (readings: BpReading[], storedFor = new Map<string, string | null>()) =>
  sortReadings(
    readings.map((r) => timedReading(DEVICE, r)),
    { patientId: 'alice', inBedSinceMs: admittedAt, nowMs: now, storedFor },
  );

describe('a downloaded blood-pressure reading', () => {
  it('is systolic, diastolic and pulse at the time the monitor took it, for one patient', () => {
    const reading = timedReading(DEVICE, morning);
    const rows = readingRows({ bedId: 'bed-1', deviceId: DEVICE, patientId: 'alice' }, reading);
    expect(rows).toEqual([
      expect.objectContaining({ refId: 'MDC_PRESS_BLD_NONINV_SYS', value: 128, unit: 'mm[Hg]' }),
      expect.objectContaining({ refId: 'MDC_PRESS_BLD_NONINV_DIA', value: 82, unit: 'mm[Hg]' }),
      expect.objectContaining({ refId: 'MDC_PULS_RATE_NON_INV', value: 66, unit: '/min' }),
    ]);
    for (const row of rows) {
      expect(row).toMatchObject({
        bedId: 'bed-1',
        patientId: 'alice',
        at: new Date(2026, 10, 20, 8, 15, 0).getTime(),
        sourceKey: `${DEVICE}|2026-11-20T08:15:00|128/82|66`,
      });
    }
  });

  it('taken since the patient came into the bed is theirs; one taken before is held', () => {
    const sorted = sort([morning, evening]);
    expect(sorted.keep.map((r) => r.takenAt)).toEqual([morning.takenAt]);
    expect(sorted.held).toEqual([
      expect.objectContaining({ takenAt: evening.takenAt, reason: 'before-admission' }),
    ]);
    expect(sorted.alreadyStored).toEqual([]);
  });

  it('taken at the very moment of admission is theirs; a second before is held', () => {
    const at = (ms: number) => {
      const d = new Date(ms);
      const p = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
    };
    const exact = { ...morning, takenAt: at(admittedAt) };
    const before = { ...morning, takenAt: at(admittedAt - 1000) };
    const sorted = sort([exact, before]);
    expect(sorted.keep.map((r) => r.takenAt)).toEqual([exact.takenAt]);
    expect(sorted.held.map((r) => r.takenAt)).toEqual([before.takenAt]);
  });

  it('later than now (the monitor clock ahead by more than the allowance) is held', () => {
    const ahead = new Date(now + MONITOR_CLOCK_AHEAD_ALLOWANCE_MS + 60_000);
    const p = (n: number) => String(n).padStart(2, '0');
    const takenAt = `${ahead.getFullYear()}-${p(ahead.getMonth() + 1)}-${p(ahead.getDate())}T${p(ahead.getHours())}:${p(ahead.getMinutes())}:00`;
    const sorted = sort([{ ...morning, takenAt }]);
    expect(sorted.keep).toEqual([]);
    expect(sorted.held).toEqual([expect.objectContaining({ reason: 'in-the-future' })]);
  });

  it('stored before is not stored again, and says when it was kept for someone else', () => {
    const key = timedReading(DEVICE, morning).key;
    const mine = sort([morning], new Map([[key, 'alice']]));
    expect(mine).toMatchObject({ keep: [], held: [], forOthers: 0 });
    expect(mine.alreadyStored).toHaveLength(1);
    const theirs = sort([morning, evening], new Map([[key, 'bob']]));
    expect(theirs.keep).toEqual([]);
    expect(theirs.alreadyStored).toHaveLength(1);
    expect(theirs.forOthers).toBe(1);
    // An earlier evening reading, not stored, is still only held.
    expect(theirs.held).toHaveLength(1);
  });

  it('appears once however often the monitor lists it', () => {
    expect(sort([morning, morning]).keep).toHaveLength(1);
  });

  it('the newest of a download is by its own time, not by its place in the memory', () => {
    const readings = [evening, morning].map((r) => timedReading(DEVICE, r));
    expect(newestReading(readings)?.takenAt).toBe(morning.takenAt);
    expect(newestReading([])).toBeNull();
  });
});
