import { describe, expect, it } from 'vitest';
import { SKIP_RATE_WINDOW_MS, SkipRate } from './skip-rate';

/** Reads the total every 100 ms (as the session's watch does) from `fromMs` to `toMs`. */
function run(rate: SkipRate, fromMs: number, toMs: number, total: (atMs: number) => number) {
  let last = 0;
  for (let at = fromMs; at <= toMs; at += 100) last = rate.observe(at, total(at));
  return last;
}

describe('bytes skipped per second', () => {
  it('is 0 on a clean line', () => {
    const rate = new SkipRate(0);
    expect(run(rate, 0, 30_000, () => 0)).toBe(0);
  });

  it('follows a steady stream of junk, over the last 10 s', () => {
    const rate = new SkipRate(0);
    // 20 bytes of debug text every 100 ms: 200 B/s.
    const perS = run(rate, 0, 30_000, (at) => Math.floor(at / 100) * 20);
    expect(perS).toBeGreaterThan(190);
    expect(perS).toBeLessThanOrEqual(200);
  });

  it('falls back to 0 within the window once the junk stops', () => {
    const rate = new SkipRate(0);
    const junk = (at: number) => Math.floor(Math.min(at, 20_000) / 100) * 20;
    expect(run(rate, 0, 20_000, junk)).toBeGreaterThan(190);
    expect(run(rate, 20_100, 25_000, junk)).toBeGreaterThan(0);
    expect(run(rate, 25_100, 20_000 + SKIP_RATE_WINDOW_MS + 1100, junk)).toBe(0);
  });

  it('counts a burst in a young session over at least a second', () => {
    const rate = new SkipRate(0);
    // The end of a frame cut at connection: 20 bytes in the first 100 ms.
    expect(rate.observe(100, 20)).toBe(20);
    expect(rate.observe(3000, 20)).toBeCloseTo(20 / 3, 5);
  });

  it('keeps a bounded number of readings whatever the traffic', () => {
    const rate = new SkipRate(0);
    run(rate, 0, 600_000, (at) => at);
    expect((rate as unknown as { readings: unknown[] }).readings.length).toBeLessThanOrEqual(12);
  });
});
