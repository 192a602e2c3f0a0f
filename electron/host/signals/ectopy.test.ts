import { describe, expect, it } from 'vitest';
import type { BeatClass, ClassifiedBeat } from './beat-class';
import { EctopyMonitor, type EctopyChange, type EctopyCondition } from './ectopy';

const RATE_HZ = 250;

/**
 * Beats from a pattern of classes: N at `rrMs`, V `couplingMs` after the beat before it, the beat
 * after a V a compensatory pause later (2 × rrMs from the beat before the V).
 */
function beats(pattern: string, rrMs = 800, couplingMs = 500): ClassifiedBeat[] {
  const out: ClassifiedBeat[] = [];
  let t = 1000;
  let previous: number | null = null;
  for (let i = 0; i < pattern.length; i++) {
    const cls = pattern[i] as BeatClass;
    const before = pattern[i - 1];
    const rr =
      i === 0 ? null : cls === 'V' ? couplingMs : before === 'V' ? 2 * rrMs - couplingMs : rrMs;
    t += rr ?? 0;
    const sample = Math.round((t * RATE_HZ) / 1000);
    out.push({ sample, class: cls, rrMs: previous === null ? null : rr });
    previous = sample;
  }
  return out;
}

function run(list: readonly ClassifiedBeat[], options = {}): EctopyChange[] {
  return new EctopyMonitor(RATE_HZ, options).push(list);
}

const onsets = (changes: readonly EctopyChange[], c: EctopyCondition) =>
  changes.filter((x) => x.condition === c && x.active);
const ends = (changes: readonly EctopyChange[], c: EctopyCondition) =>
  changes.filter((x) => x.condition === c && !x.active);

describe('EctopyMonitor', () => {
  it('says nothing of sinus rhythm, or of an isolated PVC', () => {
    expect(run(beats('N'.repeat(100)))).toEqual([]);
    expect(run(beats('NNNNNNVNNNNNN'))).toEqual([]);
  });

  it('calls two V beats in a row a couplet, at the beat after them, and ends it 10 s later', () => {
    const list = beats(`${'N'.repeat(10)}VV${'N'.repeat(30)}`);
    const changes = run(list);
    const on = onsets(changes, 'couplet');
    expect(on).toEqual([
      { condition: 'couplet', active: true, sample: list[12]!.sample, value: 2 },
    ]);
    const off = ends(changes, 'couplet');
    expect(off).toHaveLength(1);
    const heldMs = ((off[0]!.sample - on[0]!.sample) * 1000) / RATE_HZ;
    expect(heldMs).toBeGreaterThanOrEqual(10_000);
    expect(heldMs).toBeLessThan(11_000);
    expect(onsets(changes, 'run')).toEqual([]);
  });

  it('calls 3 and 4 V beats a run with their length, and leaves 5 or more to the VT alarm', () => {
    for (const length of [3, 4]) {
      const changes = run(beats(`NNNNNN${'V'.repeat(length)}NNNNNN`));
      expect(onsets(changes, 'run').map((c) => c.value)).toEqual([length]);
      expect(onsets(changes, 'couplet')).toEqual([]);
    }
    for (const length of [5, 12]) {
      const changes = run(beats(`NNNNNN${'V'.repeat(length)}NNNNNN`));
      expect(onsets(changes, 'run')).toEqual([]);
      expect(onsets(changes, 'couplet')).toEqual([]);
    }
  });

  it('reports a second couplet while the first is still held, as a new event', () => {
    const changes = run(beats('NNNNVVNNNNVVNNNN'));
    expect(onsets(changes, 'couplet')).toHaveLength(2);
    expect(ends(changes, 'couplet')).toEqual([]);
  });

  it('raises bigeminy after 3 cycles of V and N alternating, and ends it when the pattern breaks', () => {
    const list = beats(`NNNNNN${'VN'.repeat(6)}NNNN`);
    const changes = run(list);
    const on = onsets(changes, 'bigeminy');
    expect(on).toHaveLength(1);
    // The third V completes three cycles (the N before the first V opens the first).
    expect(on[0]!.sample).toBe(list[10]!.sample);
    const off = ends(changes, 'bigeminy');
    expect(off).toHaveLength(1);
    // Broken by the second N in a row.
    expect(off[0]!.sample).toBe(list[18]!.sample);
    expect(onsets(changes, 'trigeminy')).toEqual([]);
  });

  it('raises trigeminy after 3 cycles of N N V, not bigeminy', () => {
    const list = beats(`NNNN${'NNV'.repeat(5)}NNNNN`);
    const changes = run(list);
    expect(onsets(changes, 'trigeminy')).toHaveLength(1);
    expect(onsets(changes, 'trigeminy')[0]!.sample).toBe(list[12]!.sample);
    expect(ends(changes, 'trigeminy')).toHaveLength(1);
    expect(onsets(changes, 'bigeminy')).toEqual([]);
  });

  it('counts PVCs over the last minute and raises over the limit, clearing when they thin out', () => {
    // 1 PVC in every 4 beats at 75 bpm: ~19 per minute.
    const list = beats(`${'NNNV'.repeat(60)}${'N'.repeat(120)}`);
    const monitor = new EctopyMonitor(RATE_HZ, { pvcPerMinuteLimit: 10 });
    const changes = monitor.push(list);
    const on = onsets(changes, 'pvcRate');
    expect(on).toHaveLength(1);
    expect(on[0]!.value).toBe(11);
    const off = ends(changes, 'pvcRate');
    expect(off).toHaveLength(1);
    expect(off[0]!.value).toBeLessThanOrEqual(10);
    expect(monitor.pvcPerMinute).toBe(0);
    // A higher limit: never raised.
    expect(onsets(run(list, { pvcPerMinuteLimit: 30 }), 'pvcRate')).toEqual([]);
  });

  it('calls a V beat on the T wave of the beat before it R-on-T, not a later-coupled one', () => {
    // RR 800 ms: QT by Bazett 0.42 × √0.8 = 376 ms. Coupled at 300 ms: on the T wave.
    const early = run(beats('NNNNNVNNNN', 800, 300));
    expect(onsets(early, 'rOnT').map((c) => c.value)).toEqual([300]);
    const late = run(beats('NNNNNVNNNN', 800, 500));
    expect(onsets(late, 'rOnT')).toEqual([]);
    // After a V beat the QT is not measurable: the second beat of a couplet is not judged.
    const couplet = run(beats('NNNNNVVNNNN', 800, 450));
    expect(onsets(couplet, 'rOnT')).toEqual([]);
    // A couplet starting on the T wave is R-on-T, decided at its second beat.
    const onTheT = run(beats('NNNNNVVNNNN', 800, 300));
    expect(onsets(onTheT, 'rOnT').map((c) => c.value)).toEqual([300]);
  });

  it('does not call R-on-T a "V" on the T wave that leaves the rhythm undisturbed (an artefact)', () => {
    // MIT-BIH 101 at 175 s: an artefact (`|`) 300 ms after a beat, the next beat on time.
    const list = beats('NNNNNNNNNN', 800);
    const at = list[5]!.sample + Math.round((300 * RATE_HZ) / 1000);
    const artefact: ClassifiedBeat = { sample: at, class: 'V', rrMs: 300 };
    const next = { ...list[6]!, rrMs: 500 };
    const changes = run([...list.slice(0, 6), artefact, next, ...list.slice(7)]);
    expect(onsets(changes, 'rOnT')).toEqual([]);
    // Nor one followed by a reset rhythm (MIT-BIH 101 at 175 s, where the detector missed the
    // beat after the artefact: 328 + 861 ms after an RR of 894 ms, no compensatory pause).
    const reset = { ...list[6]!, rrMs: 700 };
    expect(onsets(run([...list.slice(0, 6), artefact, reset, ...list.slice(7)]), 'rOnT')).toEqual(
      [],
    );
  });

  it('skips Q beats, and gives the same changes whichever groups the beats come in', () => {
    const list = beats(`NNNNNN${'VN'.repeat(4)}NNVVNNNVVVNNN${'NNV'.repeat(4)}NNNN`);
    const whole = run(list);
    expect(new Set(whole.map((c) => c.condition))).toEqual(
      new Set(['bigeminy', 'couplet', 'run', 'trigeminy', 'pvcRate']),
    );
    for (const size of [1, 3, 7]) {
      const monitor = new EctopyMonitor(RATE_HZ);
      const out: EctopyChange[] = [];
      for (let i = 0; i < list.length; i += size)
        out.push(...monitor.push(list.slice(i, i + size)));
      expect(out).toEqual(whole);
    }
    const withNoise = list.flatMap((b, i) =>
      i % 5 === 2 ? [b, { sample: b.sample + 40, class: 'Q' as const, rrMs: null }] : [b],
    );
    expect(run(withNoise)).toEqual(whole);
  });
});
