import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff';

describe('Backoff', () => {
  it('doubles its bound from 1 s to 60 s, with full jitter below the bound', () => {
    const highest = new Backoff(1_000, 60_000, () => 1);
    expect(Array.from({ length: 9 }, () => highest.next())).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000,
    ]);
    const lowest = new Backoff(1_000, 60_000, () => 0);
    expect(lowest.next()).toBe(0);
    const half = new Backoff(1_000, 60_000, () => 0.5);
    half.next();
    expect(half.next()).toBe(1_000);
  });

  it('starts again from the first bound after a success', () => {
    const backoff = new Backoff(1_000, 60_000, () => 1);
    for (let i = 0; i < 5; i++) backoff.next();
    expect(backoff.failures).toBe(5);
    backoff.reset();
    expect(backoff.failures).toBe(0);
    expect(backoff.next()).toBe(1_000);
  });

  it('never overflows after very many failures', () => {
    const backoff = new Backoff(1_000, 60_000, () => 1);
    for (let i = 0; i < 5_000; i++) backoff.next();
    expect(backoff.next()).toBe(60_000);
  });
});
