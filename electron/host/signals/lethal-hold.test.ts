import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { holdReason, regularPulse, type HeldAlarm } from './lethal-hold';
import { muscleNoise } from './noise-stress.test-support';
import { RhythmAnalyzer, type RhythmChange } from './rhythm';
import { beatsAt, ecg, type Beat } from './rhythm-ecg.test-support';
import { analyzeRecord } from './beat-class-evaluate';
import { SignalQuality, type SignalQualityState } from './signal-quality';
import { readWfdb } from '../export/wfdb';
import {
  FROM_SHARED_DATA,
  describeWhere,
  missingFiles,
  referenceData,
} from '../../../test/support/requirements';

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
  it('never holds on a clean first lead, whatever the second lead or the pleth shows', () => {
    const disagrees = { agrees: false, detail: "the second lead saw 0 of the run's last 5 beats" };
    const pulse = { regular: true, bpm: 72 };
    expect(holdReason({ firstLeadClean: true })).toBeNull();
    expect(holdReason({ firstLeadClean: true, secondLead: disagrees })).toBeNull();
    expect(holdReason({ firstLeadClean: true, secondLead: disagrees, pulse })).toBeNull();
  });

  it('on a noisy first lead, lets a clean second lead decide, then the pulse', () => {
    const agrees = { agrees: true, detail: '' };
    const disagrees = { agrees: false, detail: "the second lead saw 1 of the run's last 5 beats" };
    const pulse = { regular: true, bpm: 72 };
    const noisy = { firstLeadClean: false, firstLeadState: 'noisy' };
    expect(holdReason({ ...noisy, secondLead: agrees, pulse })).toBeNull();
    expect(holdReason({ ...noisy, secondLead: disagrees })).toEqual({
      reason: 'secondLeadDisagrees',
      detail: "the ECG lead is noisy and the second lead saw 1 of the run's last 5 beats",
    });
    expect(holdReason({ ...noisy, pulse })).toEqual({
      reason: 'perfusingPulse',
      detail: 'the ECG lead is noisy and the pleth shows a regular pulse at 72 /min',
    });
    expect(holdReason({ ...noisy, pulse: { regular: false, bpm: 40 } })?.reason).toBe(
      'noisySignal',
    );
    expect(holdReason({ firstLeadClean: false, firstLeadState: 'saturated' })?.detail).toBe(
      'the ECG lead is saturated and no second lead is clean',
    );
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

/** Muscle noise (~0.7 mV RMS at `gain` 150) from `from` s on: the lead's quality turns noisy. */
function noisyFrom(samples: Float64Array, from: number, gain: number): Float64Array {
  const noise = muscleNoise(samples.length, RATE_HZ, 3);
  return samples.map((v, i) => (i >= from * RATE_HZ ? v + gain * noise[i]! : v));
}

const onsets = (changes: readonly RhythmChange[], condition: string) =>
  raised(changes, condition).map((c) => c.sample);

describe('RhythmAnalyzer holding VT and VF', () => {
  const sinus = beatsAt(0.5, 45, 75);
  const pulses = sinus.map((b) => Math.round((b.at + 0.25) * RATE_HZ));

  it('never holds nor delays a VT on a clean lead, whatever the second lead or the pleth shows', () => {
    const first = ecg(RATE_HZ, 45, trueVt(), 1);
    const alone = run(first);
    expect(onsets(alone.changes, 'vtach')).toHaveLength(1);
    expect(onsets(alone.changes, 'vtach')[0]! / RATE_HZ).toBeLessThan(34);
    const seenThere = ecg(RATE_HZ, 45, trueVt(), 2, 'second');
    // A second lead in sinus rhythm: a lead the ventricular focus hardly projects onto, as on
    // MIT-BIH 223, where it saw none of a VT run's beats.
    const notSeen = ecg(RATE_HZ, 45, sinus, 2, 'second');
    for (const result of [
      run(first, seenThere),
      run(first, notSeen),
      run(first, notSeen, pulses),
    ]) {
      expect(onsets(result.changes, 'vtach')).toEqual(onsets(alone.changes, 'vtach'));
      expect(result.held).toEqual([]);
    }
  });

  it('never holds nor delays a VF on a clean lead, whatever the second lead or the pleth shows', () => {
    const first = withVf(ecg(RATE_HZ, 40, sinus, 1));
    const alone = run(first);
    expect(onsets(alone.changes, 'vfib')).toHaveLength(1);
    expect(onsets(alone.changes, 'vfib')[0]! / RATE_HZ).toBeLessThan(20 + 4);
    const second = ecg(RATE_HZ, 40, sinus, 2, 'second');
    for (const result of [
      run(first, second),
      run(first, undefined, pulses),
      run(first, withVf(second)),
    ]) {
      expect(onsets(result.changes, 'vfib')).toEqual(onsets(alone.changes, 'vfib'));
      expect(result.held).toEqual([]);
    }
  });

  it('on a noisy lead, raises a VT a clean second lead shows and holds one it does not', () => {
    // A true VT from 30.3 s, muscle noise on the first lead from 25 s.
    const first = noisyFrom(ecg(RATE_HZ, 45, trueVt(), 1), 25, 150);
    const alone = run(first);
    expect(raised(alone.changes, 'vtach')).toEqual([]);
    expect(alone.held).toMatchObject([{ condition: 'vtach', reason: 'noisySignal' }]);
    const confirmed = run(first, ecg(RATE_HZ, 45, trueVt(), 2, 'second'));
    expect(onsets(confirmed.changes, 'vtach')).toEqual([alone.held[0]!.sample]);
    expect(confirmed.held).toEqual([]);
    // An artefact run on the noisy lead while the clean second lead is in sinus rhythm: held.
    const { changes, held } = run(first, ecg(RATE_HZ, 45, sinus, 2, 'second'));
    expect(raised(changes, 'vtach')).toEqual([]);
    expect(held[0]).toMatchObject({ condition: 'vtach', reason: 'secondLeadDisagrees' });
    expect(held[0]!.detail).toMatch(
      /^the ECG lead is noisy and the second lead saw \d of the run's last 5 beats$/,
    );
    expect(held[0]!.sample / RATE_HZ).toBeGreaterThan(30);
  });

  it('on a noisy lead, holds a VF that the second lead does not show or while a regular pulse goes on', () => {
    const first = noisyFrom(withVf(ecg(RATE_HZ, 40, sinus, 1)), 15, 150);
    const second = ecg(RATE_HZ, 40, sinus, 2, 'second');
    const heldVf = (held: readonly HeldAlarm[]) => held.filter((h) => h.condition === 'vfib');
    const alone = run(first);
    expect(raised(alone.changes, 'vfib')).toEqual([]);
    expect(heldVf(alone.held)).toMatchObject([{ reason: 'noisySignal' }]);
    const twoLeads = run(first, second);
    expect(raised(twoLeads.changes, 'vfib')).toEqual([]);
    expect(heldVf(twoLeads.held)).toMatchObject([{ reason: 'secondLeadDisagrees' }]);
    const withPulse = run(first, undefined, pulses);
    expect(raised(withPulse.changes, 'vfib')).toEqual([]);
    expect(heldVf(withPulse.held)).toMatchObject([{ reason: 'perfusingPulse' }]);
    // VF on a clean second lead too: raised when the noisy lead alone would have been held.
    const both = run(first, withVf(second));
    expect(onsets(both.changes, 'vfib')).toEqual([heldVf(alone.held)[0]!.sample]);
    expect(heldVf(both.held)).toEqual([]);
  });

  it('holds the VT that heavy noise makes of sinus rhythm on a single lead, as noise', () => {
    // Muscle noise of ~1.2 mV RMS from 20 s on.
    const { changes, held } = run(noisyFrom(ecg(RATE_HZ, 45, sinus, 1), 20, 250));
    expect(raised(changes, 'vtach')).toEqual([]);
    expect(held.length).toBeGreaterThan(0);
    expect(held.every((h) => h.condition === 'vtach' && h.reason === 'noisySignal')).toBe(true);
  });
});

const MITBIH = referenceData('mitbih');
const RECORDS = ['203', '223'];

/** A MIT-BIH record through a two-lead analyser, with the first lead's quality at each sample. */
function analyse(record: string) {
  const read = (ext: string) => readFileSync(`${MITBIH}/${record}.${ext}`);
  const rec = readWfdb(read('hea').toString('utf8'), read('dat'));
  const [lead0, lead1] = rec.channels;
  const result = analyzeRecord(lead0!.samples, lead1!.samples, lead0!.rateHz);
  const changes = new SignalQuality(lead0!.rateHz).push(lead0!.samples);
  const qualityAt = (sample: number): SignalQualityState | undefined =>
    changes.filter((c) => c.since <= sample).pop()?.state;
  return { ...result, qualityAt, seconds: (sample: number) => sample / lead0!.rateHz };
}

describeWhere(
  missingFiles(
    RECORDS.map((r) => `${MITBIH}/${r}.dat`),
    FROM_SHARED_DATA,
  ),
  'lethal-alarm holds on MIT-BIH 203 and 223, both leads',
  () => {
    it("raises 223's VT at once though the second lead does not show it", () => {
      const { changes, held, qualityAt, seconds } = analyse('223');
      // The VT of 578–633 s: its second run qualified at 619.2 s, where the second lead saw none
      // of the run's last 5 beats. Before clean leads were exempt it was held then, raised 2.2 s
      // later.
      const vt = onsets(changes, 'vtach').map(seconds);
      expect(
        vt.some((t) => t >= 619 && t < 619.5),
        `VT raised at ${vt.join(', ')} s`,
      ).toBe(true);
      expect(vt.some((t) => t >= 619.5 && t < 625)).toBe(false);
      // Any hold left is on a noisy or saturated first lead, never on a clean one.
      for (const h of held) expect(['noisy', 'saturated']).toContain(qualityAt(h.sample));
    }, 30_000);

    it("raises 203's VF at once though the second lead shows regular beats", () => {
      const { changes, held, qualityAt, seconds } = analyse('203');
      // The VT of 1605.4–1607.8 s turns into a VF alarm at 1609.0 s (the second lead still
      // showing regular beats); before clean leads were exempt it was held then, raised 1 s later.
      const vf = onsets(changes, 'vfib').map(seconds);
      expect(
        vf.some((t) => t >= 1608.9 && t < 1609.5),
        `VF raised at ${vf.join(', ')} s`,
      ).toBe(true);
      for (const h of held) expect(['noisy', 'saturated']).toContain(qualityAt(h.sample));
    }, 30_000);
  },
);
