// Beat-by-beat comparison of detected beats with reference annotations, the ANSI/AAMI EC57 way
// (as `bxb` does): a detection within ±150 ms of a reference beat matches it; Se = TP/(TP+FN),
// +P = TP/(TP+FP). Only beat annotations count. EC57 leaves the first 5 minutes out as a learning
// period; both the whole-record and the after-5-minutes figures are given. As in EC57 and `bxb`,
// episodes of ventricular flutter or fibrillation (between `[` and `]`) are left out. Pure.

import { readWfdb } from '../export/wfdb';
import { annotationMnemonic, isBeat } from '../export/wfdb-annotations';
import { detectBeats } from './beat-detector';

export const MATCH_WINDOW_MS = 150;
export const LEARNING_PERIOD_MS = 5 * 60 * 1000;
const VF_ONSET = '[';
const VF_END = ']';

export interface BeatScore {
  truePositives: number;
  falseNegatives: number;
  falsePositives: number;
  /** TP / (TP + FN), 0..1; NaN without reference beats. */
  sensitivity: number;
  /** TP / (TP + FP), 0..1; NaN without detections. */
  positivePredictivity: number;
}

function score(truePositives: number, falseNegatives: number, falsePositives: number): BeatScore {
  return {
    truePositives,
    falseNegatives,
    falsePositives,
    sensitivity: truePositives / (truePositives + falseNegatives),
    positivePredictivity: truePositives / (truePositives + falsePositives),
  };
}

/** Gross statistics: the counts of all records added, then Se and +P from the sums. */
export function sumScores(scores: readonly BeatScore[]): BeatScore {
  let tp = 0;
  let fn = 0;
  let fp = 0;
  for (const s of scores) {
    tp += s.truePositives;
    fn += s.falseNegatives;
    fp += s.falsePositives;
  }
  return score(tp, fn, fp);
}

/** A stretch of a record left out of the comparison, in samples, `to` included. */
export interface ExcludedSpan {
  from: number;
  to: number;
}

/**
 * Matches sorted detections to sorted reference beats (both sample indices), each to at most one
 * other, the nearest within `windowSamples`. Events before `fromSample` or inside an excluded span
 * are not counted (a pair counts by its reference beat's time).
 */
export function compareBeats(
  reference: readonly number[],
  detected: readonly number[],
  windowSamples: number,
  fromSample = 0,
  excluded: readonly ExcludedSpan[] = [],
): BeatScore {
  const counted = (sample: number) =>
    sample >= fromSample && !excluded.some((span) => sample >= span.from && sample <= span.to);
  let tp = 0;
  let fn = 0;
  let fp = 0;
  let i = 0;
  let j = 0;
  while (i < reference.length || j < detected.length) {
    const r = reference[i];
    const d = detected[j];
    if (r === undefined || (d !== undefined && d < r - windowSamples)) {
      if (counted(d!)) fp++;
      j++;
    } else if (d === undefined || d > r + windowSamples) {
      if (counted(r)) fn++;
      i++;
    } else {
      // Within the window; but a later detection may fit this beat better, or a later beat this detection.
      const nextD = detected[j + 1];
      const nextR = reference[i + 1];
      if (
        nextD !== undefined &&
        Math.abs(nextD - r) < Math.abs(d - r) &&
        !(nextR !== undefined && Math.abs(nextR - nextD) < Math.abs(r - nextD))
      ) {
        if (counted(d)) fp++;
        j++;
      } else if (
        nextR !== undefined &&
        Math.abs(nextR - d) < Math.abs(r - d) &&
        !(nextD !== undefined && Math.abs(nextD - nextR) < Math.abs(d - nextR))
      ) {
        if (counted(r)) fn++;
        i++;
      } else {
        if (counted(r)) tp++;
        i++;
        j++;
      }
    }
  }
  return score(tp, fn, fp);
}

// WFDB's beat types, and `?` (unclassified beat in the learning period) as EC57 counts it too.
const BEAT_SYMBOLS = new Set([
  ...Array.from({ length: 64 }, (_, type) => type)
    .filter(isBeat)
    .map(annotationMnemonic),
  '?',
]);

/** Whether an annotation code read from a WFDB annotation file is a beat label (N, V, /, …). */
export function isBeatSymbol(code: string): boolean {
  return BEAT_SYMBOLS.has(code);
}

export interface RecordEvaluation {
  record: string;
  rateHz: number;
  lead: number;
  samples: number;
  referenceBeats: number;
  /** Samples inside ventricular flutter or fibrillation, left out of the scores. */
  flutterSamples: number;
  whole: BeatScore;
  afterLearning: BeatScore;
}

/** Runs the detector on one lead of a WFDB record and judges it against the record's `.atr`. */
export function evaluateWfdbRecord(
  headerText: string,
  datBytes: Uint8Array,
  annBytes: Uint8Array,
  lead = 0,
): RecordEvaluation {
  const record = readWfdb(headerText, datBytes, annBytes);
  const channel = record.channels[lead];
  if (!channel) {
    throw new Error(`record ${record.name} has ${record.channels.length} signals, no lead ${lead}`);
  }
  const { rateHz, samples } = channel;
  const toSample = (timeMs: number) => Math.round((timeMs * rateHz) / 1000);
  const reference = record.annotations
    .filter((a) => isBeatSymbol(a.code))
    .map((a) => toSample(a.timeMs));
  const flutter: ExcludedSpan[] = [];
  for (const a of record.annotations) {
    if (a.code === VF_ONSET) flutter.push({ from: toSample(a.timeMs), to: samples.length });
    const open = flutter[flutter.length - 1];
    if (a.code === VF_END && open) open.to = toSample(a.timeMs);
  }
  const detected = detectBeats(samples, rateHz).map((b) => b.sample);
  const window = Math.round((MATCH_WINDOW_MS * rateHz) / 1000);
  const from = Math.round((LEARNING_PERIOD_MS * rateHz) / 1000);
  return {
    record: record.name,
    rateHz,
    lead,
    samples: samples.length,
    referenceBeats: reference.length,
    flutterSamples: flutter.reduce((sum, span) => sum + span.to - span.from + 1, 0),
    whole: compareBeats(reference, detected, window, 0, flutter),
    afterLearning: compareBeats(reference, detected, window, from, flutter),
  };
}
