import { describe, expect, it } from 'vitest';
import { BIDMC_01, BIDMC_RATE_HZ, bidmcColumn } from './bidmc.test-support';
import { FROM_SHARED_DATA, describeWhere, missingFiles } from '../../../test/support/requirements';
import { PulseDetector, detectPulses, type Pulse } from './pulse-detector';
import { syntheticPleth } from './synthetic-pleth-resp.test-support';

const SECONDS = 60;
/** Pulses start after the 3 s learning period; the last may still be open at the end. */
const LEARNING_S = 3.5;
const TAIL_S = 1;

function pushInBlocks(samples: Float64Array, rateHz: number, blockSize: number): Pulse[] {
  const detector = new PulseDetector(rateHz);
  const pulses: Pulse[] = [];
  for (let at = 0; at < samples.length; at += blockSize) {
    pulses.push(...detector.push(samples.subarray(at, at + blockSize)));
  }
  return pulses;
}

describe('PulseDetector on a synthetic pleth', () => {
  for (const rateHz of [25, 60, 100, 500]) {
    it(`finds every upstroke and the pulse rate within 2 bpm at ${rateHz} Hz`, () => {
      for (const bpm of [40, 60, 100, 140, 180]) {
        const { samples, upstrokes } = syntheticPleth(rateHz, SECONDS, { bpm, seed: rateHz + bpm });
        const pulses = detectPulses(samples, rateHz);
        const found = pulses.map((p) => p.sample);
        const expected = upstrokes.filter(
          (u) => u > LEARNING_S * rateHz && u < samples.length - TAIL_S * rateHz,
        );
        // One sample at 25 Hz; the upstroke is ~55 ms wide at rest.
        const tolerance = Math.max(0.04 * rateHz, 1);
        for (const u of expected) {
          const nearest = Math.min(...found.map((p) => Math.abs(p - u)));
          expect(nearest, `upstroke at ${u} (${bpm} bpm)`).toBeLessThanOrEqual(tolerance);
        }
        for (const p of found) {
          const nearest = Math.min(...upstrokes.map((u) => Math.abs(p - u)));
          expect(nearest, `pulse at ${p} (${bpm} bpm) is no upstroke`).toBeLessThanOrEqual(
            tolerance,
          );
        }
        // The true rate over the same last 8 intervals.
        const last = pulses.at(-1)!;
        const matched = upstrokes.filter((u) => u <= last.sample + tolerance).slice(-9);
        const trueBpm = (60 * rateHz * 8) / (matched[8]! - matched[0]!);
        expect(Math.abs(last.pulseRateBpm! - trueBpm), `${bpm} bpm`).toBeLessThanOrEqual(2);
        expect(Math.abs(last.pulseRateBpm! - bpm), `${bpm} bpm`).toBeLessThanOrEqual(
          2 + 0.04 * bpm,
        );
      }
    });
  }

  it('gives the same pulses whatever the block size', () => {
    const rateHz = 100;
    const { samples } = syntheticPleth(rateHz, 40, { bpm: 95, seed: 7 });
    const whole = detectPulses(samples, rateHz);
    expect(whole.length).toBeGreaterThan(50);
    for (const blockSize of [1, 7, 100, 1000]) {
      expect(pushInBlocks(samples, rateHz, blockSize), `blocks of ${blockSize}`).toEqual(whole);
    }
  });
});

describe('PulseDetector on no pleth', () => {
  it('finds nothing on a flat line, at zero or at an offset', () => {
    for (const level of [0, 2.5, -4000]) {
      expect(detectPulses(new Float64Array(100 * 30).fill(level), 100)).toEqual([]);
    }
  });

  it('stops during a flat stretch (sensor off) and finds pulses again after it', () => {
    const rateHz = 60;
    const { samples, upstrokes } = syntheticPleth(rateHz, 60, { bpm: 80, seed: 3 });
    const gapFrom = 20 * rateHz;
    const gapTo = 40 * rateHz;
    samples.fill(2, gapFrom, gapTo);
    const found = detectPulses(samples, rateHz).map((p) => p.sample);
    expect(found.filter((p) => p > gapFrom + 0.5 * rateHz && p < gapTo)).toEqual([]);
    const after = upstrokes.filter((u) => u > gapTo + 5 * rateHz && u < samples.length - rateHz);
    const hit = after.filter((u) => found.some((p) => Math.abs(p - u) <= 0.04 * rateHz + 1));
    expect(hit.length).toBe(after.length);
  });

  it('survives saturation, huge values, NaN and Infinity, and works afterwards', () => {
    const rateHz = 125;
    const detector = new PulseDetector(rateHz);
    expect(() => {
      detector.push(syntheticPleth(rateHz, 10).samples);
      detector.push(new Float64Array(5 * rateHz).fill(65535));
      detector.push(Float64Array.from({ length: 5 * rateHz }, (_, i) => (i % 2 ? 1e300 : -1e300)));
      detector.push([NaN, Infinity, -Infinity, 0, 1]);
      detector.push(Float64Array.from({ length: 5 * rateHz }, (_, i) => Math.sin(i) * 1e6));
    }).not.toThrow();
    const { samples, upstrokes } = syntheticPleth(rateHz, 40, { seed: 9 });
    const offset = detector.samplesSeen;
    const found = detector.push(samples).map((p) => p.sample - offset);
    const tail = upstrokes.filter((u) => u > 20 * rateHz && u < samples.length - rateHz);
    const hit = tail.filter((u) => found.some((p) => Math.abs(p - u) <= 0.04 * rateHz));
    expect(hit.length).toBe(tail.length);
  });

  it('refuses a sampling rate it cannot filter', () => {
    expect(() => new PulseDetector(10)).toThrow(/sampling rate/);
    expect(() => new PulseDetector(NaN)).toThrow(/sampling rate/);
  });
});

describeWhere(
  missingFiles([BIDMC_01], FROM_SHARED_DATA),
  'PulseDetector on BIDMC record 01',
  () => {
    it('reads 90–94 bpm nine times in ten, and 85–112 bpm throughout', () => {
      // The record's reference numerics (bidmc_01_Numerics.csv) are not stored beside it, so this
      // checks the README's figures (measured: 5th–95th percentile 90.0–93.9, all 87.0–111.1)
      // rather than agreement with the monitor's own pulse rate.
      const pleth = bidmcColumn(BIDMC_01, 'PLETH');
      const pulses = detectPulses(pleth, BIDMC_RATE_HZ);
      const minutes = pleth.length / BIDMC_RATE_HZ / 60;
      const rates = pulses.slice(8).map((p) => p.pulseRateBpm!);
      expect(rates.length).toBeGreaterThan(50 * minutes * 0.9);
      for (const bpm of rates) {
        expect(bpm).toBeGreaterThanOrEqual(85);
        expect(bpm).toBeLessThanOrEqual(112);
      }
      const usual = rates.filter((bpm) => bpm >= 89.5 && bpm < 94.5);
      expect(usual.length).toBeGreaterThanOrEqual(0.9 * rates.length);
      // Beat count and average rate agree: few missed or extra pulses.
      const meanBpm = rates.reduce((a, b) => a + b, 0) / rates.length;
      expect(Math.abs(pulses.length / minutes - meanBpm)).toBeLessThan(0.05 * meanBpm);
    });
  },
);
