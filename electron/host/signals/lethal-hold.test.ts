import { describe, expect, it } from 'vitest';
import { holdReason, regularPulse, type HeldAlarm } from './lethal-hold';
import { muscleNoise } from './noise-stress.test-support';
import { RhythmAnalyzer, type RhythmChange } from './rhythm';
import { beatsAt, ecg, type Beat } from './rhythm-ecg.test-support';

const RATE_HZ = 360;

function run(
  first: Float64Array,
  second?: Float64Array,
  pulses: readonly number[] = [],
): { changes: RhythmChange[]; held: HeldAlarm[] } {
  const analyzer = new RhythmAnalyzer(RATE_HZ, { leads: second ? 2 : 1 });
  const changes: RhythmChange[] = [];
  const held: HeldAlarm[] = [];
  let p = 0;
  for (let i = 0; i < first.length; i += RATE_HZ) {
    // Pulses are told as they come, a little after the samples they fall in.
    while (p < pulses.length && pulses[p]! < i) analyzer.pulse(pulses[p++]!);
    changes.push(
      ...analyzer.push(first.subarray(i, i + RATE_HZ), second?.subarray(i, i + RATE_HZ)),
    );
    held.push(...analyzer.held);
  }
  return { changes, held };
}

const raised = (changes: readonly RhythmChange[], condition: string) =>
  changes.filter((c) => c.condition === condition && c.active);

/** Sinus at 75 bpm, a run of 10 wide beats at 180 bpm from 30.3 s, sinus again from 34 s. */
function trueVt(): Beat[] {
  const beats: Beat[] = [...beatsAt(0.5, 30, 75)];
  for (let k = 0; k < 10; k++) beats.push({ at: 30.3 + k / 3, wide: true });
  beats.push(...beatsAt(34, 45, 75));
  return beats;
}

/** A 5 Hz sine (VF-like) from 20 s on, on a lead that held sinus rhythm before. */
function withVf(samples: Float64Array): Float64Array {
  const out = samples.slice();
  for (let i = 20 * RATE_HZ; i < out.length; i++) {
    out[i] = 1024 + Math.round(150 * Math.sin((2 * Math.PI * 5 * i) / RATE_HZ));
  }
  return out;
}

describe('holdReason', () => {
  it('lets a clean second lead decide, then the first lead quality, then the pulse for VF', () => {
    const agrees = { agrees: true, detail: '' };
    const disagrees = { agrees: false, detail: 'saw 1 of 5' };
    const pulse = { regular: true, bpm: 72 };
    expect(holdReason('vtach', { firstLeadClean: true, secondLead: agrees })).toBeNull();
    expect(holdReason('vtach', { firstLeadClean: false, secondLead: agrees, pulse })).toBeNull();
    expect(holdReason('vtach', { firstLeadClean: true, secondLead: disagrees })?.reason).toBe(
      'secondLeadDisagrees',
    );
    expect(holdReason('vtach', { firstLeadClean: false })?.reason).toBe('noisySignal');
    expect(holdReason('vtach', { firstLeadClean: false, pulse })?.reason).toBe('perfusingPulse');
    // One clean lead and a regular pulse: a VT is raised (a VT can perfuse), a VF is not.
    expect(holdReason('vtach', { firstLeadClean: true, pulse })).toBeNull();
    expect(holdReason('vfib', { firstLeadClean: true, pulse })?.reason).toBe('perfusingPulse');
    expect(
      holdReason('vfib', { firstLeadClean: true, pulse: { regular: false, bpm: 40 } }),
    ).toBeNull();
  });

  it('calls a pulse regular when 4 or more in 8 s come evenly and the last is recent', () => {
    const every = (ms: number, from: number, to: number) =>
      Array.from({ length: Math.floor((to - from) / ms) + 1 }, (_, i) =>
        Math.round(((from + i * ms) * RATE_HZ) / 1000),
      );
    const now = 20 * RATE_HZ;
    expect(regularPulse(every(800, 10_000, 19_800), now, RATE_HZ)).toEqual({
      regular: true,
      bpm: 75,
    });
    expect(regularPulse(every(800, 10_000, 15_000), now, RATE_HZ)?.regular).toBe(false); // 5 s ago
    const uneven = [...every(800, 12_000, 16_000), Math.round(17.9 * RATE_HZ), 19 * RATE_HZ];
    expect(regularPulse(uneven, now, RATE_HZ)?.regular).toBe(false);
    expect(regularPulse([], now, RATE_HZ)).toBeUndefined();
  });
});

describe('RhythmAnalyzer holding VT and VF', () => {
  const sinus = beatsAt(0.5, 45, 75);

  it('never holds a true VT seen on two clean leads, nor on one clean lead', () => {
    const beats = trueVt();
    const first = ecg(RATE_HZ, 45, beats, 1);
    const second = ecg(RATE_HZ, 45, beats, 2, 'second');
    for (const result of [run(first, second), run(first)]) {
      expect(raised(result.changes, 'vtach')).toHaveLength(1);
      expect(raised(result.changes, 'vtach')[0]!.sample / RATE_HZ).toBeLessThan(34);
      expect(result.held).toEqual([]);
    }
    // A regular pulse at the sinus rate does not hold it either: the ECG is clean.
    const pulses = sinus.map((b) => Math.round((b.at + 0.25) * RATE_HZ));
    expect(raised(run(first, second, pulses).changes, 'vtach')).toHaveLength(1);
  });

  it('holds a VT that only the first lead shows (an artefact run while the second lead is in sinus)', () => {
    const first = ecg(RATE_HZ, 45, trueVt(), 1);
    const second = ecg(RATE_HZ, 45, sinus, 2, 'second');
    // Alone, the first lead raises VT…
    expect(raised(run(first).changes, 'vtach')).toHaveLength(1);
    // …the second lead, clean and in sinus rhythm, holds it, and says why.
    const { changes, held } = run(first, second);
    expect(raised(changes, 'vtach')).toEqual([]);
    expect(held.filter((h) => h.condition === 'vtach')).toHaveLength(1);
    expect(held[0]).toMatchObject({ condition: 'vtach', reason: 'secondLeadDisagrees' });
    expect(held[0]!.detail).toMatch(/second lead saw \d of the run's last 5 beats/);
    expect(held[0]!.sample / RATE_HZ).toBeGreaterThan(30);
  });

  it('holds VF that the second lead does not show, or while a regular pulse goes on', () => {
    const first = withVf(ecg(RATE_HZ, 40, sinus, 1));
    const second = ecg(RATE_HZ, 40, sinus, 2, 'second');
    expect(raised(run(first).changes, 'vfib')).toHaveLength(1);
    const twoLeads = run(first, second);
    expect(raised(twoLeads.changes, 'vfib')).toEqual([]);
    const heldVf = (held: readonly HeldAlarm[]) => held.filter((h) => h.condition === 'vfib');
    expect(heldVf(twoLeads.held)).toMatchObject([{ reason: 'secondLeadDisagrees' }]);
    const pulses = sinus.map((b) => Math.round((b.at + 0.25) * RATE_HZ));
    const withPulse = run(first, undefined, pulses);
    expect(raised(withPulse.changes, 'vfib')).toEqual([]);
    expect(heldVf(withPulse.held)).toMatchObject([{ reason: 'perfusingPulse' }]);
    // VF on both leads, no pulse: raised within seconds (held for a moment at most, while the
    // second lead's 4 s window still holds its last regular beats).
    const both = run(first, withVf(second));
    expect(raised(both.changes, 'vfib')).toHaveLength(1);
    expect(raised(both.changes, 'vfib')[0]!.sample / RATE_HZ).toBeLessThan(20 + 7);
  });

  it('holds the VT that heavy noise makes of sinus rhythm on a single lead, as noise', () => {
    const clean = ecg(RATE_HZ, 45, sinus, 1);
    const noise = muscleNoise(clean.length, RATE_HZ, 3);
    // Muscle noise of ~1.2 mV RMS from 20 s on: the lead's quality turns noisy.
    const noisy = clean.map((v, i) => (i >= 20 * RATE_HZ ? v + 250 * noise[i]! : v));
    const { changes, held } = run(noisy);
    expect(raised(changes, 'vtach')).toEqual([]);
    expect(held.length).toBeGreaterThan(0);
    expect(held.every((h) => h.condition === 'vtach' && h.reason === 'noisySignal')).toBe(true);
  });
});
