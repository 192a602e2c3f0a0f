import { describe, expect, it } from 'vitest';
import { RobustScale } from './robust-scale';

describe('RobustScale', () => {
  it('fits the trace with a margin on first sight', () => {
    const scale = new RobustScale();
    const values = Array.from({ length: 1000 }, (_, i) => Math.sin(i / 20) * 100);
    expect(scale.retarget(values)).toBe(true);
    expect(scale.min).toBeLessThan(-100);
    expect(scale.max).toBeGreaterThan(100);
    expect(scale.max).toBeLessThan(150);
  });

  it('ignores a rare spike', () => {
    const scale = new RobustScale();
    const values: (number | null)[] = Array.from({ length: 1000 }, (_, i) => (i % 2 ? 10 : -10));
    values[500] = 100_000;
    scale.retarget(values);
    expect(scale.max).toBeLessThan(20);
  });

  it('skips gaps and reports when there is nothing to scale to', () => {
    const scale = new RobustScale();
    expect(scale.retarget([null, null])).toBe(false);
    expect(scale.retarget([null, 5, null, 7])).toBe(true);
  });

  it('grows quickly and shrinks slowly', () => {
    const scale = new RobustScale();
    scale.retarget([-10, 10]);
    scale.retarget([-100, 100]);
    scale.step(150);
    const grown = scale.max;
    expect(grown).toBeGreaterThan(60);
    scale.retarget([-10, 10]);
    scale.step(150);
    expect(scale.max).toBeGreaterThan(grown * 0.9);
    for (let i = 0; i < 200; i++) scale.step(100);
    expect(scale.max).toBeLessThan(15);
  });

  it('does not magnify a flat line', () => {
    const scale = new RobustScale(1);
    scale.retarget([3, 3, 3]);
    expect(scale.max - scale.min).toBeGreaterThanOrEqual(1);
  });
});
