import { describe, expect, it } from 'vitest';
import { heartSoundRate } from './heart-sound-rate';

const RATE_HZ = 4000;

/** A repeatable noise source (xorshift), Gaussian by the sum of uniforms. */
function noise(seed: number): () => number {
  let state = seed;
  const uniform = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  return () => uniform() + uniform() + uniform() + uniform() - 2;
}

/** A Hann-windowed tone burst: how S1 (longer, lower) and S2 (shorter, higher) sound. */
function addBurst(
  signal: Float32Array,
  atS: number,
  lengthS: number,
  toneHz: number,
  gain: number,
) {
  const start = Math.round(atS * RATE_HZ);
  const length = Math.round(lengthS * RATE_HZ);
  for (let i = 0; i < length && start + i < signal.length; i++) {
    const window = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / length);
    signal[start + i]! += gain * window * Math.sin((2 * Math.PI * toneHz * i) / RATE_HZ);
  }
}

/**
 * Heart sounds at a steady rate: S1 then S2 after the systole for that rate (Bazett-like, 0.33 s
 * at 60 /min, shorter when faster), each beat jittered by up to ±2 % and buried in noise.
 */
function syntheticHeartSounds(bpm: number, seconds: number, seed: number): Float32Array {
  const signal = new Float32Array(seconds * RATE_HZ);
  const random = noise(seed);
  const periodS = 60 / bpm;
  const systoleS = 0.33 * Math.sqrt(periodS);
  for (let beatS = 0.2; beatS < seconds; beatS += periodS * (1 + 0.02 * (random() / 2))) {
    addBurst(signal, beatS, 0.1, 50, 1);
    addBurst(signal, beatS + systoleS, 0.07, 90, 0.7);
  }
  for (let i = 0; i < signal.length; i++) signal[i]! += 0.08 * random();
  return signal;
}

// The real recordings (PhysioNet a0007, a0159) are read from disk, so their tests run on the host:
// electron/host/api/sound-recordings.heart-rate.test.ts.
describe('heart rate from heart sounds', () => {
  it.each([60, 72, 110])('finds %i /min in noisy S1–S2 bursts, not twice it', (bpm) => {
    const rate = heartSoundRate(syntheticHeartSounds(bpm, 20, bpm), RATE_HZ);
    expect(rate).not.toBeNull();
    expect(rate!.bpm).toBeGreaterThan(bpm - 2);
    expect(rate!.bpm).toBeLessThan(bpm + 2);
    expect(rate!.confidence).toBeGreaterThan(0.5);
  });

  it('finds the rate in 8 s, the live window, at 16-bit scale', () => {
    const floats = syntheticHeartSounds(72, 8, 7);
    const counts = Int16Array.from(floats, (value) => Math.round(value * 12_000));
    expect(heartSoundRate(counts, RATE_HZ)!.bpm).toBeCloseTo(72, 0);
  });

  it('finds none in noise alone, nor in silence, nor in too short a recording', () => {
    const random = noise(42);
    const hiss = Float32Array.from({ length: 20 * RATE_HZ }, () => 0.3 * random());
    expect(heartSoundRate(hiss, RATE_HZ)).toBeNull();
    expect(heartSoundRate(new Float32Array(20 * RATE_HZ), RATE_HZ)).toBeNull();
    expect(heartSoundRate(syntheticHeartSounds(72, 3, 1), RATE_HZ)).toBeNull();
  });
});
