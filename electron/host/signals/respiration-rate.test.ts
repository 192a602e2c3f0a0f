import { describe, expect, it } from 'vitest';
import { BIDMC_01, BIDMC_RATE_HZ, bidmcColumn } from './bidmc.test-support';
import { FROM_SHARED_DATA, describeWhere, missingFiles } from '../../../test/support/requirements';
import { RespirationRate, detectBreaths, type Breath } from './respiration-rate';
import { syntheticRespiration } from './synthetic-pleth-resp.test-support';

const SECONDS = 120;

function pushInBlocks(samples: Float64Array, rateHz: number, blockSize: number): Breath[] {
  const detector = new RespirationRate(rateHz);
  const breaths: Breath[] = [];
  for (let at = 0; at < samples.length; at += blockSize) {
    breaths.push(...detector.push(samples.subarray(at, at + blockSize)));
  }
  return breaths;
}

describe('RespirationRate on a synthetic impedance signal', () => {
  for (const rateHz of [10, 25, 125, 500]) {
    it(`gives the rate within 2 breaths/min from 8 to 40 /min at ${rateHz} Hz`, () => {
      for (const perMin of [8, 12, 20, 30, 40]) {
        for (const heartBpm of [60, 120]) {
          const { samples, breaths } = syntheticRespiration(rateHz, SECONDS, {
            perMin,
            heartBpm,
            seed: perMin + rateHz + heartBpm,
          });
          const found = detectBreaths(samples, rateHz);
          // All but the settling and final breaths, and nothing extra.
          expect(found.length, `${perMin} /min`).toBeGreaterThanOrEqual(breaths.length - 3);
          expect(found.length, `${perMin} /min`).toBeLessThanOrEqual(breaths.length);
          const readings = found.filter((b) => b.sample > 40 * rateHz);
          expect(readings.length).toBeGreaterThan(0);
          for (const b of readings) {
            expect(
              Math.abs(b.respirationRatePerMin! - perMin),
              `${perMin} /min`,
            ).toBeLessThanOrEqual(2);
          }
        }
      }
    });
  }

  it('gives the same breaths whatever the block size', () => {
    const rateHz = 125;
    const { samples } = syntheticRespiration(rateHz, 90, { perMin: 18, seed: 4 });
    const whole = detectBreaths(samples, rateHz);
    expect(whole.length).toBeGreaterThan(20);
    for (const blockSize of [1, 13, 125, 4000]) {
      expect(pushInBlocks(samples, rateHz, blockSize), `blocks of ${blockSize}`).toEqual(whole);
    }
  });

  it('follows a change of rate within 30 s', () => {
    const rateHz = 50;
    const slow = syntheticRespiration(rateHz, 60, { perMin: 10, seed: 1 }).samples;
    const fast = syntheticRespiration(rateHz, 60, { perMin: 30, seed: 2 }).samples;
    const detector = new RespirationRate(rateHz);
    detector.push(slow);
    // Continue from where the slow part ended, so the join is no step.
    const shift = slow[slow.length - 1]! - fast[0]!;
    const late = detector.push(fast.map((v) => v + shift)).filter((b) => b.sample > 95 * rateHz);
    expect(late.length).toBeGreaterThan(5);
    for (const b of late) expect(Math.abs(b.respirationRatePerMin! - 30)).toBeLessThanOrEqual(2);
  });
});

describe('RespirationRate on no breathing', () => {
  it('finds nothing on a flat line, at zero or at an offset', () => {
    for (const level of [0, 512, -7]) {
      expect(detectBreaths(new Float64Array(50 * 60).fill(level), 50)).toEqual([]);
    }
  });

  it('keeps at least 1 s between breaths, whatever the input', () => {
    const rateHz = 100;
    const noise = Float64Array.from({ length: 60 * rateHz }, (_, i) => Math.sin(i * 0.37) * 1e3);
    const found = detectBreaths(noise, rateHz);
    for (let i = 1; i < found.length; i++) {
      expect(found[i]!.sample - found[i - 1]!.sample).toBeGreaterThanOrEqual(rateHz);
    }
  });

  it('survives saturation, huge values, NaN and Infinity without throwing', () => {
    const rateHz = 25;
    const detector = new RespirationRate(rateHz);
    expect(() => {
      detector.push(syntheticRespiration(rateHz, 20).samples);
      detector.push(new Float64Array(5 * rateHz).fill(4095));
      detector.push(Float64Array.from({ length: 5 * rateHz }, (_, i) => (i % 2 ? 1e300 : -1e300)));
      detector.push([NaN, Infinity, -Infinity, 0, 1]);
    }).not.toThrow();
  });

  it('refuses a sampling rate it cannot filter', () => {
    expect(() => new RespirationRate(1)).toThrow(/sampling rate/);
  });
});

describeWhere(
  missingFiles([BIDMC_01], FROM_SHARED_DATA),
  'RespirationRate on BIDMC record 01',
  () => {
    it('reads 20–23 /min nine times in ten, and 20–25 /min throughout', () => {
      // The record's reference numerics and breath annotations are not stored beside it, so this
      // checks the README's figures (measured: 5th–95th percentile 20.4–22.6, all 20.1–24.5)
      // rather than agreement with them.
      const resp = bidmcColumn(BIDMC_01, 'RESP');
      const breaths = detectBreaths(resp, BIDMC_RATE_HZ);
      const minutes = resp.length / BIDMC_RATE_HZ / 60;
      expect(breaths.length).toBeGreaterThan(8 * minutes);
      const readings = breaths.filter((b) => b.sample > 30 * BIDMC_RATE_HZ);
      for (const b of readings) {
        expect(b.respirationRatePerMin).toBeGreaterThanOrEqual(20);
        expect(b.respirationRatePerMin).toBeLessThanOrEqual(25);
      }
      const usual = readings.filter((b) => b.respirationRatePerMin! < 23);
      expect(usual.length).toBeGreaterThanOrEqual(0.9 * readings.length);
    });
  },
);
