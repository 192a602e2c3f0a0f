import { describe, expect, it } from 'vitest';
import { BeatDetector, detectBeats, type Beat } from './beat-detector';
import { syntheticEcg } from './synthetic-ecg.test-support';

const SECONDS = 60;
/** Beats whose R peak is this close to the end may not be out yet (integration + refractory). */
const TAIL_S = 1;

function pushInBlocks(samples: Float64Array, rateHz: number, blockSize: number): Beat[] {
  const detector = new BeatDetector(rateHz);
  const beats: Beat[] = [];
  for (let at = 0; at < samples.length; at += blockSize) {
    beats.push(...detector.push(samples.subarray(at, at + blockSize)));
  }
  return beats;
}

describe('BeatDetector on a synthetic ECG', () => {
  for (const rateHz of [125, 250, 360, 500, 1000]) {
    it(`finds every beat within 50 ms at ${rateHz} Hz, and nothing else`, () => {
      for (const bpm of [45, 72, 150]) {
        const { samples, rPeaks } = syntheticEcg(rateHz, SECONDS, { bpm, seed: rateHz + bpm });
        const beats = detectBeats(samples, rateHz).map((b) => b.sample);
        const expected = rPeaks.filter((r) => r < samples.length - TAIL_S * rateHz);
        const tolerance = 0.05 * rateHz;
        for (const r of expected) {
          const nearest = Math.min(...beats.map((b) => Math.abs(b - r)));
          expect(nearest, `beat at ${r} (${bpm} bpm)`).toBeLessThanOrEqual(tolerance);
        }
        expect(beats.length, `${bpm} bpm`).toBeGreaterThanOrEqual(expected.length);
        expect(beats.length, `${bpm} bpm`).toBeLessThanOrEqual(rPeaks.length);
      }
    });
  }

  it('places the beat on the R peak, not shifted by the filters', () => {
    const rateHz = 500;
    const { samples, rPeaks } = syntheticEcg(rateHz, 30, { noiseMv: 0 });
    const beats = detectBeats(samples, rateHz).map((b) => b.sample);
    const errorsMs = beats.map(
      (b) => (Math.min(...rPeaks.map((r) => Math.abs(r - b))) * 1000) / rateHz,
    );
    expect(Math.max(...errorsMs)).toBeLessThanOrEqual(4);
  });

  it('gives the same beats whatever the block size', () => {
    const rateHz = 360;
    const { samples } = syntheticEcg(rateHz, 40, { bpm: 95, seed: 7 });
    const whole = detectBeats(samples, rateHz);
    expect(whole.length).toBeGreaterThan(50);
    for (const blockSize of [1, 7, 360]) {
      expect(pushInBlocks(samples, rateHz, blockSize), `blocks of ${blockSize}`).toEqual(whole);
    }
  });
});

describe('BeatDetector on no ECG', () => {
  it('finds nothing on a flat line, at zero or at an offset', () => {
    for (const level of [0, 1024, -3.5]) {
      expect(detectBeats(new Float64Array(360 * 30).fill(level), 360)).toEqual([]);
    }
  });

  it('stops finding beats when the lead goes flat, and finds them again when it comes back', () => {
    const rateHz = 250;
    const { samples, rPeaks } = syntheticEcg(rateHz, 60, { seed: 3 });
    const gapFrom = 20 * rateHz;
    const gapTo = 40 * rateHz;
    samples.fill(1024, gapFrom, gapTo);
    const beats = detectBeats(samples, rateHz).map((b) => b.sample);
    const inGap = beats.filter((b) => b > gapFrom + 0.1 * rateHz && b < gapTo);
    expect(inGap).toEqual([]);
    const after = rPeaks.filter((r) => r > gapTo + 3 * rateHz && r < samples.length - rateHz);
    const found = after.filter((r) => beats.some((b) => Math.abs(b - r) <= 0.05 * rateHz));
    expect(found.length).toBe(after.length);
  });

  it('survives saturation, huge values, NaN and Infinity without throwing', () => {
    const rateHz = 500;
    const detector = new BeatDetector(rateHz);
    const { samples } = syntheticEcg(rateHz, 10);
    expect(() => {
      detector.push(samples);
      detector.push(new Float64Array(5 * rateHz).fill(32767));
      detector.push(new Float64Array(rateHz).fill(-32768));
      detector.push(Float64Array.from({ length: 5 * rateHz }, (_, i) => (i % 2 ? 1e300 : -1e300)));
      detector.push([NaN, Infinity, -Infinity, 0, 1]);
      detector.push(Float64Array.from({ length: 5 * rateHz }, (_, i) => Math.sin(i) * 1e6));
    }).not.toThrow();
    // And it is still a working detector afterwards.
    const { samples: later, rPeaks } = syntheticEcg(rateHz, 20, { seed: 9 });
    const offset = detector.samplesSeen;
    const beats = detector.push(later).map((b) => b.sample - offset);
    const tail = rPeaks.filter((r) => r > 8 * rateHz && r < later.length - rateHz);
    const found = tail.filter((r) => beats.some((b) => Math.abs(b - r) <= 0.05 * rateHz));
    expect(found.length).toBe(tail.length);
  });

  it('refuses a sampling rate it cannot filter', () => {
    expect(() => new BeatDetector(20)).toThrow(/sampling rate/);
    expect(() => new BeatDetector(NaN)).toThrow(/sampling rate/);
  });
});
