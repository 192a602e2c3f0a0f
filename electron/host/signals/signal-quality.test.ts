import { describe, expect, it } from 'vitest';
import { SignalQuality, type SignalQualityChange } from './signal-quality';
import { random, syntheticPleth } from './synthetic-pleth-resp.test-support';

function judge(
  samples: ArrayLike<number>,
  rateHz: number,
  blockSize = 1000,
): SignalQualityChange[] {
  const quality = new SignalQuality(rateHz);
  const changes: SignalQualityChange[] = [];
  for (let at = 0; at < samples.length; at += blockSize) {
    changes.push(...quality.push(Array.prototype.slice.call(samples, at, at + blockSize)));
  }
  return changes;
}

describe('SignalQuality', () => {
  it('calls a clean pleth good, once', () => {
    for (const rateHz of [60, 100, 500]) {
      const changes = judge(syntheticPleth(rateHz, 30).samples, rateHz);
      expect(changes, `${rateHz} Hz`).toEqual([{ state: 'good', since: 4 * rateHz - 1 }]);
    }
  });

  it('calls a flat line flat, and says when it began and ended', () => {
    const rateHz = 100;
    const { samples } = syntheticPleth(rateHz, 30);
    samples.fill(1.5, 10 * rateHz, 20 * rateHz);
    const changes = judge(samples, rateHz);
    expect(changes.map((c) => c.state)).toEqual(['good', 'flat', 'good']);
    // Judged every 250 ms: flat within 250 ms of 2 s in, good once the window holds no flat line.
    const flatAt = changes[1]!.since / rateHz;
    expect(flatAt).toBeGreaterThanOrEqual(11.99);
    expect(flatAt).toBeLessThanOrEqual(12.25);
    expect(changes[2]!.since / rateHz).toBeGreaterThan(20);
    expect(judge(new Float64Array(10 * rateHz), rateHz).map((c) => c.state)).toEqual(['flat']);
  });

  it('calls a stream of garbage flat, without throwing', () => {
    const garbage = Array.from({ length: 1000 }, (_, i) => [NaN, Infinity, -Infinity][i % 3]!);
    expect(judge(garbage, 100).map((c) => c.state)).toEqual(['flat']);
  });

  it('calls a clipped signal saturated', () => {
    const rateHz = 125;
    const { samples } = syntheticPleth(rateHz, 30);
    // The amplifier clips at the rails from 10 s on.
    for (let i = 10 * rateHz; i < samples.length; i++) {
      samples[i] = Math.min(2.6, Math.max(2.2, samples[i]!));
    }
    const changes = judge(samples, rateHz);
    expect(changes.map((c) => c.state)).toEqual(['good', 'saturated']);
    // Within the 4 s window (and a 250 ms judging step) of the clipping starting.
    expect(changes[1]!.since / rateHz).toBeLessThan(14.25);
  });

  it('calls a pleth buried in broadband noise noisy', () => {
    const rateHz = 100;
    const rand = random(5);
    const { samples } = syntheticPleth(rateHz, 30);
    for (let i = 15 * rateHz; i < samples.length; i++) samples[i]! += 2 * (rand() - 0.5);
    expect(judge(samples, rateHz).map((c) => c.state)).toEqual(['good', 'noisy']);
  });

  it('gives the same changes whatever the block size', () => {
    const rateHz = 100;
    const { samples } = syntheticPleth(rateHz, 40);
    samples.fill(1, 10 * rateHz, 15 * rateHz);
    for (let i = 25 * rateHz; i < samples.length; i++) samples[i] = Math.min(2.5, samples[i]!);
    const whole = judge(samples, rateHz, samples.length);
    expect(whole.length).toBeGreaterThanOrEqual(3);
    for (const blockSize of [1, 7, 333]) expect(judge(samples, rateHz, blockSize)).toEqual(whole);
  });
});
