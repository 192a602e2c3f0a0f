import { describe, expect, it } from 'vitest';
import {
  RhythmAnalyzer,
  type RhythmChange,
  type RhythmCondition,
  rrIrregularity,
  splitMissedBeats,
} from './rhythm';
import type { ClassifiedBeat } from './beat-class';
import { syntheticEcg } from './synthetic-ecg.test-support';
import { beatsAt, ecg, random, type Beat } from './rhythm-ecg.test-support';

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

/** Sinus at 75 bpm to 30 s, wide beats at the given times, sinus again from 2 s after the last. */
function wideRun(times: readonly number[]): Beat[] {
  const last = times[times.length - 1]!;
  return [
    ...beatsAt(0.5, 30, 75),
    ...times.map((at) => ({ at, wide: true })),
    ...beatsAt(last + 1.2, last + 12, 75),
  ];
}

function runWithBeats(rateHz: number, samples: Float64Array) {
  const analyzer = new RhythmAnalyzer(rateHz);
  const changes: RhythmChange[] = [];
  const beats: ClassifiedBeat[] = [];
  for (let i = 0; i < samples.length; i += rateHz) {
    changes.push(...analyzer.push(samples.subarray(i, i + rateHz)));
    beats.push(...analyzer.beats);
  }
  return { changes, beats };
}

describe('the VT regularity rule', () => {
  const rateHz = 360;

  it("splits an RR of about twice the run's median in two: a beat the detector missed", () => {
    expect(splitMissedBeats([300, 580, 310])).toEqual([300, 290, 290, 310]);
    expect(splitMissedBeats([300, 310, 290, 305])).toEqual([300, 310, 290, 305]);
    // Irregular intervals are no missed beats (480 ms is 1.6 times the run's 300 ms), nor are
    // two doubles in one run (a pattern).
    expect(splitMissedBeats([300, 480, 310, 290])).toEqual([300, 480, 310, 290]);
    expect(splitMissedBeats([300, 300, 600, 600])).toEqual([300, 300, 600, 600]);
  });

  it('raises VT for a regular run of 7 beats at 180 bpm with one beat missing', () => {
    // The fifth of 8 beats absent (as a small or fused complex is to the detector): an RR of
    // twice the run's stays in every 5-beat window, so the run was never called regular before.
    const times = [0, 1, 2, 3, 5, 6, 7].map((k) => 30.3 + k / 3);
    const { changes, beats } = runWithBeats(rateHz, ecg(rateHz, 45, wideRun(times)));
    const near = (t: number) => beats.find((b) => Math.abs(b.sample / rateHz - t) < 0.1);
    expect(times.slice(1).map((t) => near(t)?.class)).toEqual(times.slice(1).map(() => 'V'));
    const on = onsets(changes, 'vtach');
    expect(on).toHaveLength(1);
    expect(on[0]! / rateHz).toBeGreaterThan(31);
    expect(on[0]! / rateHz).toBeLessThan(34);
  });

  it('does not raise VT for an irregular run of 8 ventricular beats', () => {
    const rr = [0.3, 0.45, 0.28, 0.5, 0.33, 0.42, 0.29];
    const times = rr.reduce((t, d) => [...t, t[t.length - 1]! + d], [30.3]);
    const { changes, beats } = runWithBeats(rateHz, ecg(rateHz, 45, wideRun(times)));
    const near = (t: number) => beats.find((b) => Math.abs(b.sample / rateHz - t) < 0.1);
    // Classed V (the first may not be: no ventricular template yet): it is the regularity rule
    // that keeps the alarm off.
    expect(times.slice(1).map((t) => near(t)?.class)).toEqual(times.slice(1).map(() => 'V'));
    expect(onsets(changes, 'vtach')).toEqual([]);
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

// The MIT-BIH DS1 figures (both leads, with the beat classes) are in beat-class.test.ts.
