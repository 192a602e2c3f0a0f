// Synthetic ECG for the rhythm and beat-class tests: narrow (sinus) and wide (ventricular) beats
// at chosen times on a wandering, slightly noisy baseline, in MIT-BIH-like ADC units (200/mV).
import { random } from './random.test-support';

export { random };

// offset from R (s), width (s), amplitude (mV)
export const NARROW = [
  { at: -0.2, width: 0.025, mV: 0.15 },
  { at: -0.03, width: 0.008, mV: -0.12 },
  { at: 0, width: 0.01, mV: 1.2 },
  { at: 0.03, width: 0.009, mV: -0.25 },
  { at: 0.3, width: 0.05, mV: 0.35 },
];
/** A ventricular beat: no P wave, a wide QRS and a discordant T wave. */
export const WIDE = [
  { at: -0.02, width: 0.035, mV: 1.3 },
  { at: 0.06, width: 0.035, mV: -0.6 },
  { at: 0.24, width: 0.06, mV: -0.3 },
];

/** The same beats as a second lead (V1-like) sees them: an rS complex, a wide negative V beat. */
export const NARROW_SECOND = [
  { at: -0.2, width: 0.025, mV: 0.1 },
  { at: -0.01, width: 0.008, mV: 0.3 },
  { at: 0.02, width: 0.012, mV: -0.9 },
  { at: 0.3, width: 0.05, mV: 0.2 },
];
export const WIDE_SECOND = [
  { at: 0, width: 0.04, mV: -1.1 },
  { at: 0.08, width: 0.03, mV: 0.4 },
  { at: 0.26, width: 0.06, mV: 0.3 },
];

export interface Beat {
  at: number;
  wide?: boolean;
}

/**
 * An ECG of the given beats on a wandering, slightly noisy baseline, in ADC units (200/mV), as the
 * first lead (lead II-like) or the second (V1-like) sees them.
 */
export function ecg(
  rateHz: number,
  seconds: number,
  beats: readonly Beat[],
  seed = 1,
  lead: 'first' | 'second' = 'first',
): Float64Array {
  const rand = random(seed);
  const n = Math.round(seconds * rateHz);
  const mv = new Float64Array(n);
  for (const beat of beats) {
    const shapes =
      lead === 'first'
        ? { narrow: NARROW, wide: WIDE }
        : { narrow: NARROW_SECOND, wide: WIDE_SECOND };
    for (const w of beat.wide ? shapes.wide : shapes.narrow) {
      const centre = (beat.at + w.at) * rateHz;
      const half = 4 * w.width * rateHz;
      for (let i = Math.max(0, Math.floor(centre - half)); i < Math.min(n, centre + half); i++) {
        const z = (i - centre) / (w.width * rateHz);
        mv[i]! += w.mV * Math.exp(-0.5 * z * z);
      }
    }
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / rateHz;
    const wander = 0.2 * Math.sin(2 * Math.PI * 0.25 * t);
    out[i] = Math.round((mv[i]! + wander + 0.04 * (rand() - 0.5)) * 200 + 1024);
  }
  return out;
}

/** Beats from `from` to `to` s at `bpm`, RR varying ±`jitter` (share) at random. */
export function beatsAt(from: number, to: number, bpm: number, jitter = 0.03, seed = 2): Beat[] {
  const rand = random(seed);
  const out: Beat[] = [];
  for (let t = from; t < to; t += (60 / bpm) * (1 - jitter + 2 * jitter * rand()))
    out.push({ at: t });
  return out;
}
