import { describe, expect, it } from 'vitest';
import { HeartRateFromBeats, averageRateBpm } from './heart-rate';

describe('HeartRateFromBeats', () => {
  it('gives beat-to-beat and averaged rates, starting at the second beat', () => {
    const hr = new HeartRateFromBeats(250);
    expect(hr.beat(0)).toBeUndefined();
    const reading = hr.beat(250);
    expect(reading).toEqual({ beatSample: 250, rrMs: 1000, beatToBeatBpm: 60, averageBpm: 60 });
    expect(hr.beat(450)?.beatToBeatBpm).toBeCloseTo(75);
    expect(hr.beat(650)?.averageBpm).toBeCloseTo(60_000 / ((1000 + 800 + 800) / 3));
  });

  it('drops a missed beat and a spurious one from the average', () => {
    // 80 bpm (750 ms) with one missed beat (1500 ms) and one extra detection (350 + 400 ms).
    expect(averageRateBpm([750, 750, 1500, 750, 350, 400, 750, 750])).toBeCloseTo(80);
  });

  it('averages over the last N intervals only', () => {
    const hr = new HeartRateFromBeats(1000, { averageOver: 8 });
    let t = 0;
    hr.beat(t);
    for (let i = 0; i < 20; i++) hr.beat((t += 1000));
    let last;
    for (let i = 0; i < 8; i++) last = hr.beat((t += 500));
    expect(last?.averageBpm).toBeCloseTo(120);
  });

  it('says how long since the last beat, for the asystole alarm', () => {
    const hr = new HeartRateFromBeats(500);
    expect(hr.msSinceLastBeat(1000)).toBeUndefined();
    hr.beat(1000);
    expect(hr.msSinceLastBeat(3500)).toBe(5000);
  });
});
