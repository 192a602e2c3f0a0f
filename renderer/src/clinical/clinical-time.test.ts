import { describe, expect, it } from 'vitest';
import { strings } from '../strings';
import {
  calendarDate,
  clockTime,
  dateAndTime,
  minutesAgo,
  timeOrDateAndTime,
} from './clinical-time';

// Local times, as the screen shows them (the test runs in whatever zone the machine has).
const afternoon = new Date(2026, 11, 6, 14, 5, 9).getTime();
const morning = new Date(2026, 11, 6, 8, 3, 0).getTime();
const dayBefore = new Date(2026, 11, 5, 23, 59, 0).getTime();

describe('times and dates on screen (issue 12, item 17)', () => {
  it('uses the 24-hour clock and ISO-like dates', () => {
    expect(clockTime(afternoon)).toBe('14:05');
    expect(clockTime(afternoon, { seconds: true })).toBe('14:05:09');
    expect(clockTime(morning)).toBe('08:03');
    expect(calendarDate(afternoon)).toBe('2026-12-06');
    expect(dateAndTime(dayBefore)).toBe('2026-12-05 23:59');
  });

  it('gives the date only when it is not today', () => {
    expect(timeOrDateAndTime(morning, afternoon)).toBe('08:03');
    expect(timeOrDateAndTime(dayBefore, afternoon)).toBe('2026-12-05 23:59');
  });

  it("writes an NIBP reading's time in that style, with its age", () => {
    const measured = afternoon - 31 * 60_000;
    expect(strings.nibp.measuredAt(measured, afternoon)).toBe('13:34 (31 min ago)');
    expect(strings.nibp.measuredAt(dayBefore, afternoon)).toBe('2026-12-05 23:59 (14 h 6 min ago)');
    expect(minutesAgo(afternoon - 59_000, afternoon)).toBe('0 min ago');
  });

  it('writes when the limits were changed in that style', () => {
    expect(strings.limitsEditor.changedBy('nurse', afternoon)).toBe(
      'Limits changed by nurse at 2026-12-06 14:05',
    );
  });
});
