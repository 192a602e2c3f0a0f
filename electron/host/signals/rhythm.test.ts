import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RhythmAnalyzer, type RhythmChange, type RhythmCondition, rrIrregularity } from './rhythm';
import { evaluateRhythm, formatRhythmTable, summarizeRhythm } from './rhythm-evaluate';
import { syntheticEcg } from './synthetic-ecg.test-support';
import {
  FROM_SHARED_DATA,
  describeWhere,
  missingFiles,
  referenceData,
} from '../../../test/support/requirements';

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// offset from R (s), width (s), amplitude (mV)
const NARROW = [
  { at: -0.2, width: 0.025, mV: 0.15 },
  { at: -0.03, width: 0.008, mV: -0.12 },
  { at: 0, width: 0.01, mV: 1.2 },
  { at: 0.03, width: 0.009, mV: -0.25 },
  { at: 0.3, width: 0.05, mV: 0.35 },
];
/** A ventricular beat: no P wave, a wide QRS and a discordant T wave. */
const WIDE = [
  { at: -0.02, width: 0.035, mV: 1.3 },
  { at: 0.06, width: 0.035, mV: -0.6 },
  { at: 0.24, width: 0.06, mV: -0.3 },
];

interface Beat {
  at: number;
  wide?: boolean;
}

/** An ECG of the given beats on a wandering, slightly noisy baseline, in ADC units (200/mV). */
function ecg(rateHz: number, seconds: number, beats: readonly Beat[], seed = 1): Float64Array {
  const rand = random(seed);
  const n = Math.round(seconds * rateHz);
  const mv = new Float64Array(n);
  for (const beat of beats) {
    for (const w of beat.wide ? WIDE : NARROW) {
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
function beatsAt(from: number, to: number, bpm: number, jitter = 0.03, seed = 2): Beat[] {
  const rand = random(seed);
  const out: Beat[] = [];
  for (let t = from; t < to; t += (60 / bpm) * (1 - jitter + 2 * jitter * rand()))
    out.push({ at: t });
  return out;
}

function run(rateHz: number, samples: ArrayLike<number>, block = rateHz): RhythmChange[] {
  const analyzer = new RhythmAnalyzer(rateHz);
  const out: RhythmChange[] = [];
  for (let i = 0; i < samples.length; i += block) {
    out.push(...analyzer.push(Array.prototype.slice.call(samples, i, i + block) as number[]));
  }
  return out;
}

function onsets(changes: readonly RhythmChange[], condition: RhythmCondition): number[] {
  return changes.filter((c) => c.condition === condition && c.active).map((c) => c.sample);
}

function ends(changes: readonly RhythmChange[], condition: RhythmCondition): number[] {
  return changes.filter((c) => c.condition === condition && !c.active).map((c) => c.sample);
}

const RATES = [125, 360, 1000];

describe.each(RATES)('RhythmAnalyzer at %i Hz', (rateHz) => {
  it('raises asystole ~4 s after the last beat and clears it when beats resume', () => {
    const beats = [...beatsAt(0.5, 20, 72), ...beatsAt(30, 40, 72)];
    const last = beats.filter((b) => b.at < 20).pop()!.at;
    const changes = run(rateHz, ecg(rateHz, 40, beats));
    const on = onsets(changes, 'asystole');
    expect(on).toHaveLength(1);
    expect(on[0]! / rateHz - last).toBeGreaterThanOrEqual(3.9);
    expect(on[0]! / rateHz - last).toBeLessThan(4.7);
    const off = ends(changes, 'asystole');
    expect(off).toHaveLength(1);
    expect(off[0]! / rateHz).toBeGreaterThan(30);
    expect(off[0]! / rateHz).toBeLessThan(32.5);
    // A pause came first, and ended with it.
    expect(onsets(changes, 'pause')[0]!).toBeLessThan(on[0]!);
    for (const c of ['vfib', 'vtach', 'extremeTachy', 'afib'] as const) {
      expect(onsets(changes, c), c).toEqual([]);
    }
  });

  it('raises a pause for a 3.5 s gap, not asystole, and ends it at the next beat', () => {
    const beats = [...beatsAt(0.5, 20, 75), ...beatsAt(23.6, 40, 75)];
    const last = beats.filter((b) => b.at < 20).pop()!.at;
    const next = beats.find((b) => b.at > 20)!.at;
    const changes = run(rateHz, ecg(rateHz, 40, beats));
    expect(onsets(changes, 'asystole')).toEqual([]);
    const on = onsets(changes, 'pause');
    expect(on).toHaveLength(1);
    // Decided half a second late, when the detector would have reported a beat.
    expect(on[0]! / rateHz - last).toBeGreaterThanOrEqual(3);
    expect(on[0]! / rateHz - last).toBeLessThan(3.6);
    const end = changes.find((c) => c.condition === 'pause' && !c.active)!;
    expect(end.sample / rateHz).toBeGreaterThan(next);
    expect(end.sample / rateHz).toBeLessThan(next + 2);
    expect(end.value! / 1000).toBeCloseTo(next - last, 1);
  });

  it('raises extreme tachycardia at 170 bpm, and nothing ventricular', () => {
    const changes = run(rateHz, ecg(rateHz, 30, beatsAt(0.5, 30, 170)));
    const on = changes.find((c) => c.condition === 'extremeTachy' && c.active);
    expect(on).toBeDefined();
    expect(on!.value!).toBeGreaterThan(160);
    expect(on!.sample / rateHz).toBeLessThan(10);
    for (const c of ['vfib', 'vtach', 'asystole', 'pause', 'extremeBrady'] as const) {
      expect(onsets(changes, c), c).toEqual([]);
    }
  });

  it('raises extreme bradycardia at 35 bpm, without a pause', () => {
    const changes = run(rateHz, ecg(rateHz, 40, beatsAt(0.5, 40, 35)));
    const on = changes.find((c) => c.condition === 'extremeBrady' && c.active);
    expect(on).toBeDefined();
    expect(on!.value!).toBeLessThan(40);
    for (const c of ['pause', 'asystole', 'extremeTachy', 'vfib'] as const) {
      expect(onsets(changes, c), c).toEqual([]);
    }
  });

  it('raises VF for a 5 Hz sine within a few seconds', () => {
    const seconds = 40;
    const samples = ecg(rateHz, 20, beatsAt(0.5, 20, 72));
    const all = new Float64Array(seconds * rateHz);
    all.set(samples);
    for (let i = samples.length; i < all.length; i++) {
      all[i] = 1024 + Math.round(150 * Math.sin((2 * Math.PI * 5 * i) / rateHz));
    }
    const changes = run(rateHz, all);
    const on = onsets(changes, 'vfib');
    expect(on).toHaveLength(1);
    expect(on[0]! / rateHz - 20).toBeGreaterThan(1);
    expect(on[0]! / rateHz - 20).toBeLessThan(7);
    expect(onsets(changes, 'asystole')).toEqual([]);
  });

  it('raises VT for a run of 10 wide beats at 180 bpm, and clears it after', () => {
    const beats: Beat[] = [...beatsAt(0.5, 30, 75)];
    for (let k = 0; k < 10; k++) beats.push({ at: 30.3 + k / 3, wide: true });
    beats.push(...beatsAt(34, 45, 75));
    const changes = run(rateHz, ecg(rateHz, 45, beats));
    const on = onsets(changes, 'vtach');
    expect(on).toHaveLength(1);
    expect(on[0]! / rateHz).toBeGreaterThan(31);
    expect(on[0]! / rateHz).toBeLessThan(34);
    expect(ends(changes, 'vtach')[0]! / rateHz).toBeLessThan(35.5);
  });
});

describe('RhythmAnalyzer', () => {
  it('raises AF for irregular RR, not for sinus rhythm', () => {
    const rateHz = 250;
    const rand = random(7);
    const irregular: Beat[] = [];
    for (let t = 0.5; t < 150; t += 0.4 + 0.6 * rand()) irregular.push({ at: t });
    const af = run(rateHz, ecg(rateHz, 150, irregular));
    expect(onsets(af, 'afib')).toHaveLength(1);
    expect(onsets(af, 'afib')[0]! / rateHz).toBeLessThan(90);
    const sinus = run(rateHz, syntheticEcg(rateHz, 150).samples);
    expect(sinus).toEqual([]);
  });

  it('judges RR irregularity as Dash et al. do', () => {
    const regular = rrIrregularity(Array.from({ length: 64 }, (_, i) => 800 + (i % 2)));
    expect(regular.nRmssd).toBeLessThan(0.01);
    const rand = random(3);
    const chaotic = rrIrregularity(Array.from({ length: 64 }, () => 400 + 600 * rand()));
    expect(chaotic.nRmssd).toBeGreaterThan(0.2);
    expect(chaotic.entropy).toBeGreaterThan(0.8);
    expect(chaotic.turningPointRatio).toBeGreaterThan(0.54);
  });

  it('gives the same changes whichever blocks feed the stream', () => {
    const rateHz = 360;
    const beats: Beat[] = [...beatsAt(0.5, 20, 80), ...beatsAt(23.7, 30, 80)];
    for (let k = 0; k < 8; k++) beats.push({ at: 30.2 + k * 0.33, wide: true });
    beats.push(...beatsAt(33, 45, 80));
    const samples = ecg(rateHz, 60, beats);
    for (let i = 45 * rateHz; i < samples.length; i++) {
      samples[i] = 1024 + Math.round(150 * Math.sin((2 * Math.PI * 4.5 * i) / rateHz));
    }
    const whole = run(rateHz, samples, samples.length);
    const conditions = new Set(whole.map((c) => c.condition));
    for (const c of ['pause', 'vtach', 'vfib'] as const) expect(conditions.has(c), c).toBe(true);
    for (const block of [1, 7, 256, 4001]) expect(run(rateHz, samples, block)).toEqual(whole);
  });

  it('takes garbage without throwing, and treats a flat line as no rhythm alarm', () => {
    const rateHz = 250;
    const analyzer = new RhythmAnalyzer(rateHz);
    const junk = [NaN, Infinity, -Infinity, 1e300, -1e300, 0, 5];
    for (let k = 0; k < 200; k++) {
      expect(() => analyzer.push(junk)).not.toThrow();
    }
    const flat = run(rateHz, new Float64Array(30 * rateHz).fill(1024));
    expect(flat).toEqual([]);
    const samples = ecg(rateHz, 30, beatsAt(0.5, 30, 70));
    for (let i = 0; i < samples.length; i += 97) samples[i] = NaN;
    const changes = run(rateHz, samples);
    expect(changes.filter((c) => c.condition !== 'afib')).toEqual([]);
    expect(() => new RhythmAnalyzer(50)).toThrow(/sampling rate/);
  });
});

const MITBIH = referenceData('mitbih');
const RECORDS =
  '101 106 108 109 112 114 115 116 118 119 122 124 201 203 205 207 208 209 215 220 223 230'.split(
    ' ',
  );
const MITBIH_MISSING = missingFiles(
  RECORDS.map((r) => `${MITBIH}/${r}.atr`),
  FROM_SHARED_DATA,
);

describeWhere(MITBIH_MISSING, 'rhythm alarms on MIT-BIH DS1, lead 0', () => {
  it('finds VF, AF and long VT episodes with few false alarms', () => {
    const results = RECORDS.map((r) =>
      evaluateRhythm(
        readFileSync(`${MITBIH}/${r}.hea`, 'utf8'),
        readFileSync(`${MITBIH}/${r}.dat`),
        readFileSync(`${MITBIH}/${r}.atr`),
      ),
    );
    console.log(formatRhythmTable(results));
    const { scored, alarmsPerHour } = summarizeRhythm(results);
    const { vtach, vfib, afib } = scored;
    // The README's table, as claimed (its figures rounded to the digit shown); the data and the
    // detector are deterministic, so nothing here needs room for a noisy machine.
    expect(vfib.sensitivity).toBeGreaterThanOrEqual(1); // 6 / 6
    expect(vfib.falsePerHour).toBeLessThan(0.095); // 0.09 / h
    expect(afib.sensitivity).toBeGreaterThanOrEqual(1); // 24 / 24
    expect(afib.falsePerHour).toBeLessThan(2.65); // 2.6 / h
    expect(vtach.sensitivity).toBeGreaterThanOrEqual(8 / 39);
    expect(vtach.detectedLongEpisodes! / vtach.longEpisodes!).toBeGreaterThanOrEqual(4 / 9);
    expect(vtach.falsePerHour).toBeLessThan(2.05); // 2.0 / h
    expect(alarmsPerHour.asystole).toBeLessThan(0.35); // 0.3 / h
    expect(alarmsPerHour.pause).toBeLessThan(0.55); // 0.5 / h
    expect(alarmsPerHour.extremeBrady).toBeLessThanOrEqual(1.5);
    expect(alarmsPerHour.extremeTachy).toBeLessThanOrEqual(9);
  });
});
