// Beat classes judged against MIT-BIH reference labels the ANSI/AAMI EC57 way: detections matched
// to reference beats within ±150 ms (nearest first), reference symbols mapped to the EC57 classes
// (N, L, R, e, j → N; A, a, J, S → S; V, E → V; F → F; /, f, Q → Q), VF/VFL episodes left out.
// Per class: Se = beats of the class called it / all beats of the class (missed ones included);
// +P = beats called the class that are it / all called it, where, as EC57 does, a V call on a
// reference F or Q beat and an S call on a reference Q beat count as neither right nor wrong.
// Pure: bytes of a record in, a confusion matrix out.

import { readWfdb } from '../export/wfdb';
import { BEAT_CLASSES, type BeatClass, type ClassifiedBeat } from './beat-class';
import { LEARNING_PERIOD_MS, MATCH_WINDOW_MS, type ExcludedSpan } from './evaluate';
import { RhythmAnalyzer, type HeldAlarm, type RhythmChange, type RhythmOptions } from './rhythm';
import { scoreRhythm, spansOfChanges, type RhythmRecordEvaluation } from './rhythm-evaluate';

const EC57_CLASS: Record<string, BeatClass> = {
  N: 'N',
  L: 'N',
  R: 'N',
  e: 'N',
  j: 'N',
  A: 'S',
  a: 'S',
  J: 'S',
  S: 'S',
  V: 'V',
  E: 'V',
  F: 'F',
  '/': 'Q',
  f: 'Q',
  Q: 'Q',
};

/** The EC57 class of a MIT-BIH beat symbol; undefined for non-beat annotations. */
export function ec57Class(symbol: string): BeatClass | undefined {
  return EC57_CLASS[symbol];
}

/** Reference class (rows) → called class or 'missed' (columns): beat counts. */
export type Confusion = Record<BeatClass, Record<BeatClass | 'missed', number>>;

export interface ClassScore {
  confusion: Confusion;
  /** Detections matching no reference beat, by the class they were called. */
  unmatched: Record<BeatClass, number>;
}

export interface ClassFigures {
  sensitivity: number;
  positivePredictivity: number;
  truePositives: number;
  /** Reference beats of the class. */
  reference: number;
  /** Detections called the class that count for +P. */
  called: number;
}

function emptyScore(): ClassScore {
  const row = () =>
    Object.fromEntries([...BEAT_CLASSES, 'missed'].map((c) => [c, 0])) as Record<
      BeatClass | 'missed',
      number
    >;
  return {
    confusion: Object.fromEntries(BEAT_CLASSES.map((c) => [c, row()])) as Confusion,
    unmatched: Object.fromEntries(BEAT_CLASSES.map((c) => [c, 0])) as Record<BeatClass, number>,
  };
}

/**
 * Matches sorted detections to sorted reference beats, each at most once, the nearest within
 * `windowSamples`; counts only beats at or after `fromSample` and outside `excluded`.
 */
export function compareClasses(
  reference: readonly { sample: number; class: BeatClass }[],
  detected: readonly ClassifiedBeat[],
  windowSamples: number,
  fromSample = 0,
  excluded: readonly ExcludedSpan[] = [],
): ClassScore {
  const score = emptyScore();
  const counted = (sample: number) =>
    sample >= fromSample && !excluded.some((span) => sample >= span.from && sample <= span.to);
  const used = new Uint8Array(detected.length);
  let j = 0;
  for (const r of reference) {
    while (j < detected.length && detected[j]!.sample < r.sample - windowSamples) j++;
    let best = -1;
    for (let k = j; k < detected.length && detected[k]!.sample <= r.sample + windowSamples; k++) {
      if (used[k]) continue;
      if (
        best < 0 ||
        Math.abs(detected[k]!.sample - r.sample) < Math.abs(detected[best]!.sample - r.sample)
      ) {
        best = k;
      }
    }
    if (best >= 0) used[best] = 1;
    if (!counted(r.sample)) continue;
    score.confusion[r.class][best >= 0 ? detected[best]!.class : 'missed']++;
  }
  detected.forEach((d, k) => {
    if (!used[k] && counted(d.sample)) score.unmatched[d.class]++;
  });
  return score;
}

/** Counts of several records added. */
export function sumClassScores(scores: readonly ClassScore[]): ClassScore {
  const total = emptyScore();
  for (const s of scores) {
    for (const r of BEAT_CLASSES) {
      for (const c of [...BEAT_CLASSES, 'missed'] as const)
        total.confusion[r][c] += s.confusion[r][c];
      total.unmatched[r] += s.unmatched[r];
    }
  }
  return total;
}

/** Se and +P of one class, with the EC57 exemptions named above. */
export function classFigures(score: ClassScore, cls: BeatClass): ClassFigures {
  const { confusion, unmatched } = score;
  const truePositives = confusion[cls][cls];
  const reference = [...BEAT_CLASSES, 'missed' as const].reduce((s, c) => s + confusion[cls][c], 0);
  const exempt: readonly BeatClass[] = cls === 'V' ? ['F', 'Q'] : cls === 'S' ? ['Q'] : [];
  const called =
    BEAT_CLASSES.filter((r) => !exempt.includes(r)).reduce((s, r) => s + confusion[r][cls], 0) +
    unmatched[cls];
  return {
    sensitivity: truePositives / reference,
    positivePredictivity: truePositives / called,
    truePositives,
    reference,
    called,
  };
}

export interface ClassRecordEvaluation {
  record: string;
  hours: number;
  leads: number;
  whole: ClassScore;
  afterLearning: ClassScore;
  beats: ClassifiedBeat[];
  changes: RhythmChange[];
  held: HeldAlarm[];
  /** The rhythm alarms of the same run, scored against the record's rhythm labels. */
  rhythm: RhythmRecordEvaluation;
}

/** Runs the rhythm analyzer (one or both leads) in 1 s blocks over a record; judges its classes. */
export function evaluateBeatClasses(
  headerText: string,
  datBytes: Uint8Array,
  atrBytes: Uint8Array,
  leads = 2,
  options: RhythmOptions = {},
): ClassRecordEvaluation {
  const rec = readWfdb(headerText, datBytes, atrBytes);
  const lead0 = rec.channels[0]!;
  const lead1 = leads > 1 ? rec.channels[1] : undefined;
  const { rateHz } = lead0;
  const toSample = (timeMs: number) => Math.round((timeMs * rateHz) / 1000);
  const reference: { sample: number; class: BeatClass }[] = [];
  const flutter: ExcludedSpan[] = [];
  for (const a of rec.annotations) {
    const cls = ec57Class(a.code);
    if (cls) reference.push({ sample: toSample(a.timeMs), class: cls });
    if (a.code === '[') flutter.push({ from: toSample(a.timeMs), to: lead0.samples.length });
    const open = flutter[flutter.length - 1];
    if (a.code === ']' && open) open.to = toSample(a.timeMs);
  }
  const { beats, changes, held } = analyzeRecord(lead0.samples, lead1?.samples, rateHz, options);
  const endMs = (lead0.samples.length * 1000) / rateHz;
  const window = Math.round((MATCH_WINDOW_MS * rateHz) / 1000);
  const from = Math.round((LEARNING_PERIOD_MS * rateHz) / 1000);
  return {
    record: rec.name,
    hours: lead0.samples.length / rateHz / 3600,
    leads: lead1 ? 2 : 1,
    whole: compareClasses(reference, beats, window, 0, flutter),
    afterLearning: compareClasses(reference, beats, window, from, flutter),
    beats,
    changes,
    held,
    rhythm: scoreRhythm(rec, endMs, spansOfChanges(changes, rateHz, endMs), options),
  };
}

/** Every classified beat and rhythm change of a whole recording, fed in 1 s blocks. */
export function analyzeRecord(
  lead0: ArrayLike<number>,
  lead1: ArrayLike<number> | undefined,
  rateHz: number,
  options: RhythmOptions = {},
): { beats: ClassifiedBeat[]; changes: RhythmChange[]; held: HeldAlarm[] } {
  const analyzer = new RhythmAnalyzer(rateHz, { ...options, leads: lead1 ? 2 : 1 });
  const beats: ClassifiedBeat[] = [];
  const changes: RhythmChange[] = [];
  const held: HeldAlarm[] = [];
  const block = Math.round(rateHz);
  const slice = (a: ArrayLike<number>, i: number) =>
    Float64Array.from({ length: Math.min(block, a.length - i) }, (_, k) => a[i + k]!);
  for (let i = 0; i < lead0.length; i += block) {
    changes.push(...analyzer.push(slice(lead0, i), lead1 && slice(lead1, i)));
    beats.push(...analyzer.beats);
    held.push(...analyzer.held);
  }
  return { beats, changes, held };
}
