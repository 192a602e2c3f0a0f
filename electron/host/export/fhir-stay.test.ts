// The reads a stay's vital signs are exported in: a day at a time, contiguous, and never a minute
// split between two (a stay that began mid-minute and lasted days wrote that minute twice).
import { describe, expect, it } from 'vitest';
import { readWindows } from './fhir-stay';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

describe('readWindows', () => {
  it('covers a stay that began mid-minute, day by day, no minute in two reads', () => {
    const from = Date.UTC(2026, 11, 1, 8, 0, 37_250);
    const to = from + 3 * DAY + 5 * MINUTE;
    const windows = readWindows(from, to);
    expect(windows[0]![0]).toBe(from);
    expect(windows.at(-1)![1]).toBe(to);
    for (let i = 1; i < windows.length; i++) {
      expect(windows[i]![0]).toBe(windows[i - 1]![1]);
      expect(windows[i]![0] % MINUTE).toBe(0);
    }
    const minutesOf = ([a, b]: [number, number]) =>
      new Set(
        Array.from({ length: Math.ceil((b - a) / MINUTE) + 1 }, (_, k) =>
          Math.floor((a + k * MINUTE) / MINUTE),
        ).filter((m) => m * MINUTE < b),
      );
    const seen = new Set<number>();
    for (const w of windows) {
      for (const m of minutesOf(w)) {
        expect(seen.has(m), `minute ${m} read twice`).toBe(false);
        seen.add(m);
      }
    }
    expect(windows.every(([a, b]) => b - a <= DAY)).toBe(true);
  });

  it('a stay shorter than a day is one read; an empty one none', () => {
    expect(readWindows(1_000, 5_000)).toEqual([[1_000, 5_000]]);
    expect(readWindows(5_000, 5_000)).toEqual([]);
  });
});
