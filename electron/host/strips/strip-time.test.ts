// Times on a strip: one format, local time with the offset from UTC, said once.
import { describe, expect, it } from 'vitest';
import { localTime, stripTimeRange, stripTimestamp } from './strip-time';

const AT = Date.UTC(2026, 10, 21, 7, 5, 0);

describe('strip times', () => {
  it('gives local time with the zone’s offset from UTC', () => {
    expect(localTime(AT, 'UTC')).toEqual({
      date: '2026-11-21',
      time: '07:05:00',
      offset: 'UTC+00:00',
    });
    expect(localTime(AT, 'America/New_York').offset).toBe('UTC-05:00');
    expect(localTime(AT, 'Asia/Kolkata')).toEqual({
      date: '2026-11-21',
      time: '12:35:00',
      offset: 'UTC+05:30',
    });
    expect(stripTimestamp(AT, 'Europe/Paris')).toBe('2026-11-21 08:05:00 (UTC+01:00)');
  });

  it('says a span’s date and offset once', () => {
    expect(stripTimeRange(AT, AT + 20_000, 'Europe/Paris')).toBe(
      '2026-11-21 08:05:00 to 08:05:20 (UTC+01:00)',
    );
  });

  it('says the second date when the span crosses midnight', () => {
    const beforeMidnight = Date.UTC(2026, 10, 21, 22, 59, 50);
    expect(stripTimeRange(beforeMidnight, beforeMidnight + 20_000, 'Europe/Paris')).toBe(
      '2026-11-21 23:59:50 to 2026-11-22 00:00:10 (UTC+01:00)',
    );
  });

  it('says both offsets when the clocks change within the span', () => {
    // Europe/Paris goes from UTC+01:00 to UTC+02:00 at 01:00 UTC on 2026-03-29.
    const change = Date.UTC(2026, 2, 29, 1, 0, 0);
    expect(stripTimeRange(change - 10_000, change + 10_000, 'Europe/Paris')).toBe(
      '2026-03-29 01:59:50 (UTC+01:00) to 2026-03-29 03:00:10 (UTC+02:00)',
    );
  });
});
