import { describe, expect, it } from 'vitest';
import { markerStepMs, readAmplitudeCaliper, readTimeCaliper } from './calipers';

describe('calipers', () => {
  it('reads an RR interval of 800 ms as 75 per minute, whichever marker is first', () => {
    expect(readTimeCaliper({ aMs: 1000, bMs: 1800 })).toEqual({ intervalMs: 800, ratePerMin: 75 });
    expect(readTimeCaliper({ aMs: 1800, bMs: 1000 }).intervalMs).toBe(800);
    expect(readTimeCaliper({ aMs: 5, bMs: 5 }).ratePerMin).toBeNull();
  });

  it('reads an amplitude difference (ST deviation) in the row unit', () => {
    expect(readAmplitudeCaliper({ rowKey: 'r', aValue: -0.1, bValue: 0.15 })).toBeCloseTo(0.25, 12);
  });

  it('steps markers by 1 mm of paper, 5 mm with Shift', () => {
    expect(markerStepMs(25, false)).toBe(40);
    expect(markerStepMs(25, true)).toBe(200);
    expect(markerStepMs(50, false)).toBe(20);
  });
});
