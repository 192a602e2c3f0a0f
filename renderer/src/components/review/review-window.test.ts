import { describe, expect, it } from 'vitest';
import {
  blocksCovering,
  centredWindow,
  clampWindow,
  movedWindow,
  neighbourBlocks,
  nextMoment,
  previousMoment,
} from './review-window';

describe('review window arithmetic', () => {
  it('centres a window on a moment', () => {
    expect(centredWindow(50_000, 20_000)).toEqual({ fromMs: 40_000, toMs: 60_000 });
  });

  it('moves by a step and stays within the extent, half a screen of margin at each end', () => {
    const extent = { oldestMs: 100_000, newestMs: 200_000 };
    const w = { fromMs: 150_000, toMs: 160_000 };
    expect(movedWindow(w, 10_000, extent)).toEqual({ fromMs: 160_000, toMs: 170_000 });
    expect(movedWindow(w, -90_000, extent)).toEqual({ fromMs: 95_000, toMs: 105_000 });
    expect(movedWindow(w, 90_000, extent)).toEqual({ fromMs: 195_000, toMs: 205_000 });
    expect(clampWindow(w)).toEqual(w);
  });

  it('fetches in aligned blocks and prefetches the screens around', () => {
    expect(blocksCovering({ fromMs: 12_000, toMs: 31_000 })).toEqual([10_000, 20_000, 30_000]);
    expect(blocksCovering({ fromMs: 10_000, toMs: 20_000 })).toEqual([10_000]);
    expect(neighbourBlocks({ fromMs: 20_000, toMs: 30_000 })).toEqual([10_000, 30_000]);
  });

  it('finds the previous and next event', () => {
    const events = [30, 10, 20];
    expect(nextMoment(events, 10)).toBe(20);
    expect(previousMoment(events, 20)).toBe(10);
    expect(previousMoment(events, 10)).toBeUndefined();
    expect(nextMoment(events, 30)).toBeUndefined();
  });
});
