import { describe, expect, it } from 'vitest';
import { SampleClock } from './sample-clock';

describe('SampleClock', () => {
  const rate = 128;
  const period = 1000 / rate;

  it('places samples on the device grid despite late, jittery arrivals', () => {
    const clock = new SampleClock(rate);
    const start = 1_700_000_000_000;
    // Blocks of 3 samples; each arrives 0–15 ms after its last sample was taken.
    let index = 0;
    let worst = 0;
    for (let block = 0; block < 500; block++) {
      const lastSampleAt = start + (index + 2) * period;
      const lateness = block === 0 ? 0.3 : ((block * 7919) % 150) / 10;
      const t0 = clock.stamp(3, lastSampleAt + lateness);
      worst = Math.max(worst, Math.abs(t0 - (start + index * period)));
      index += 3;
    }
    expect(worst).toBeLessThan(period);
  });

  it('learns a smaller latency when one shows up and never moves later within a window', () => {
    const clock = new SampleClock(rate);
    const first = clock.stamp(1, 1000 + 12);
    const second = clock.stamp(1, 1000 + period + 2);
    expect(first).toBe(1012);
    expect(second).toBeCloseTo(1002 + period, 6);
  });

  it('re-anchors after a gap (device paused, samples lost)', () => {
    const clock = new SampleClock(rate, { gapMs: 500 });
    clock.stamp(10, 10_000);
    const afterGap = clock.stamp(2, 20_000);
    expect(afterGap).toBeCloseTo(20_000 - period, 6);
  });

  it('follows a device clock that runs slow', () => {
    const clock = new SampleClock(rate, { windowMs: 1000 });
    const drift = 1.001; // device period 0.1 % longer than nominal
    let t0 = 0;
    for (let i = 0; i < 128 * 60; i++) t0 = clock.stamp(1, i * period * drift);
    const truth = (128 * 60 - 1) * period * drift;
    expect(Math.abs(t0 - truth)).toBeLessThan(2 * period);
  });
});
