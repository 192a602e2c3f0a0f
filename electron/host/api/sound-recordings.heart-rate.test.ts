// The heart rate found in real heart sounds: the two PhysioNet/CinC 2016 recordings in
// test/fixtures/heart-sounds, against beats counted by hand (synthetic cases: shared/audio).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { heartSoundRate } from '../../../shared/audio/heart-sound-rate';
import { decodeWav } from '../../../shared/audio/wav';

const HEART_SOUNDS = join(import.meta.dirname, '../../../test/fixtures/heart-sounds');

function recording(name: string) {
  return decodeWav(new Uint8Array(readFileSync(join(HEART_SOUNDS, name))));
}

describe('heart rate from real heart sounds', () => {
  // Expected rates were counted by hand from each file's Shannon envelope (peaks listed with
  // scipy.signal.find_peaks, read as S1–S2 pairs): a0007 has 42 S1 sounds from 0.50 s to 34.80 s,
  // 41 beats in 34.30 s = 71.7 /min, with a marked sinus arrhythmia (beat-to-beat 0.60–1.16 s);
  // a0159 has 37 loud first sounds from 2.16 s to 35.34 s, 36 beats in 33.18 s = 65.1 /min.
  it('finds 72 /min in PhysioNet a0007 (normal, varying with breathing), as counted', () => {
    const { samples, rateHz } = recording('a0007.wav');
    const rate = heartSoundRate(samples, rateHz);
    expect(rate!.bpm).toBeGreaterThan(71.7 - 2);
    expect(rate!.bpm).toBeLessThan(71.7 + 2);
  });

  it('finds 65 /min in PhysioNet a0159 (abnormal, one loud sound a beat), as counted', () => {
    const { samples, rateHz } = recording('a0159.wav');
    const rate = heartSoundRate(samples, rateHz);
    expect(rate!.bpm).toBeGreaterThan(65.1 - 2);
    expect(rate!.bpm).toBeLessThan(65.1 + 2);
  });
});
