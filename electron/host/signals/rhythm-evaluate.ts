// Episode-level evaluation of `RhythmAnalyzer` against the rhythm annotations of a WFDB record
// (MIT-BIH style: a `+` annotation whose aux text, e.g. `(VT`, names the rhythm from there to the
// next `+`), in the spirit of ANSI/AAMI EC57's episode sensitivity, simplified:
//
// - Reference episodes: `(VT` → vtach; `(VFL` and `(VF` → vfib; `(AFIB` → afib. Atrial flutter
//   `(AFL` is not scored as AF (a flutter with fixed conduction is regular, which the RR-based AF
//   detector is not meant to flag), but AF alarms during flutter are not counted as false either;
//   flutter episodes are listed separately (`afl`) with how many had an AF alarm.
// - A reference episode is detected when an alarm of its condition is active at any moment from
//   its start to 5 s after its end (alarms come after a confirmation delay). For VT, episodes are
//   also scored apart when they hold at least as many beats as the detector's run length, since a
//   detector set to N beats cannot flag a shorter run by design.
// - A false alarm is an alarm whose active span overlaps no reference episode of a matching rhythm
//   widened by 5 s on each side (for vfib and vtach, VT and VFL episodes both match: a fast VT and
//   flutter look alike). Reported per hour of record.
// - Asystole, pause, extreme brady and extreme tachy have no reference annotations in MIT-BIH
//   (beyond rhythm labels), so only their alarm counts per hour are reported.
//
// Pure: bytes of a record in, figures out.

import type { ExportRecord } from '../export/record';
import { readWfdb } from '../export/wfdb';
import { isBeatSymbol } from './evaluate';
import {
  RhythmAnalyzer,
  RHYTHM_CONDITIONS,
  type RhythmChange,
  type RhythmCondition,
  type RhythmOptions,
} from './rhythm';

export const EPISODE_TOLERANCE_MS = 5000;
export const BLOCK_MS = 1000;

/** A stretch of a record, in ms from its start, `toMs` excluded. */
export interface Span {
  fromMs: number;
  toMs: number;
  /** Beat annotations inside it (reference episodes only). */
  beats?: number;
}

export type ScoredCondition = 'vtach' | 'vfib' | 'afib';
export const SCORED_CONDITIONS: readonly ScoredCondition[] = ['vtach', 'vfib', 'afib'];

/** Rhythm labels of the reference, by the condition they stand for. */
const REFERENCE_LABELS: Record<ScoredCondition, readonly string[]> = {
  vtach: ['(VT'],
  vfib: ['(VFL', '(VF'],
  afib: ['(AFIB'],
};
/** Labels whose episodes an alarm may overlap without being false. */
const MATCHING_LABELS: Record<ScoredCondition, readonly string[]> = {
  vtach: ['(VT', '(VFL', '(VF'],
  vfib: ['(VT', '(VFL', '(VF'],
  afib: ['(AFIB', '(AFL'],
};

export interface EpisodeScore {
  referenceEpisodes: number;
  detectedEpisodes: number;
  /** Reference episodes of at least `vtachMinBeats` beats, and of those detected (VT only). */
  longEpisodes?: number;
  detectedLongEpisodes?: number;
}

export interface ConditionResult extends EpisodeScore {
  alarms: number;
  falseAlarms: number;
}

export interface RhythmRecordEvaluation {
  record: string;
  hours: number;
  /** Alarm spans of every condition. */
  alarms: Record<RhythmCondition, Span[]>;
  /** Reference episodes of the scored conditions, and atrial flutter apart. */
  reference: Record<ScoredCondition | 'afl', Span[]>;
  scored: Record<ScoredCondition, ConditionResult>;
  /** Alarms per hour of every condition. */
  alarmsPerHour: Record<RhythmCondition, number>;
  /** Atrial flutter episodes with an AF alarm during them (not scored). */
  aflWithAfAlarm: number;
}

function record<K extends string, V>(keys: readonly K[], make: (k: K) => V): Record<K, V> {
  return Object.fromEntries(keys.map((k) => [k, make(k)])) as Record<K, V>;
}

/** Rhythm episodes from `+` annotations, each lasting to the next one or the record's end. */
export function rhythmEpisodes(
  annotations: readonly { timeMs: number; code: string; text?: string }[],
  endMs: number,
  isBeat: (code: string) => boolean,
): { label: string; span: Span }[] {
  const out: { label: string; span: Span }[] = [];
  for (const a of annotations) {
    if (a.code === '+' && a.text?.startsWith('(')) {
      const open = out[out.length - 1];
      if (open) open.span.toMs = a.timeMs;
      out.push({ label: a.text.trim(), span: { fromMs: a.timeMs, toMs: endMs, beats: 0 } });
    } else if (isBeat(a.code)) {
      const open = out[out.length - 1];
      if (open) open.span.beats = (open.span.beats ?? 0) + 1;
    }
  }
  return out;
}

/**
 * Runs the analyzer over a whole lead (and a second one, when given) in blocks; returns every
 * alarm's active span in ms.
 */
export function alarmSpans(
  samples: ArrayLike<number>,
  rateHz: number,
  options: RhythmOptions = {},
  blockMs = BLOCK_MS,
  secondLead?: ArrayLike<number>,
): Record<RhythmCondition, Span[]> {
  const analyzer = new RhythmAnalyzer(rateHz, { ...options, leads: secondLead ? 2 : 1 });
  const changes: RhythmChange[] = [];
  const block = Math.max(1, Math.round((blockMs * rateHz) / 1000));
  for (let i = 0; i < samples.length; i += block) {
    const chunk = new Float64Array(Math.min(block, samples.length - i));
    for (let j = 0; j < chunk.length; j++) chunk[j] = samples[i + j]!;
    const second = secondLead && Float64Array.from(chunk, (_, j) => secondLead[i + j] ?? 0);
    changes.push(...analyzer.push(chunk, second));
  }
  return spansOfChanges(changes, rateHz, (samples.length * 1000) / rateHz);
}

/** Every alarm's active spans in ms, from the analyzer's changes over a record `endMs` long. */
export function spansOfChanges(
  changes: readonly RhythmChange[],
  rateHz: number,
  endMs: number,
): Record<RhythmCondition, Span[]> {
  const spans = record(RHYTHM_CONDITIONS, (): Span[] => []);
  for (const change of changes) {
    const ms = (change.sample * 1000) / rateHz;
    const list = spans[change.condition];
    if (change.active) list.push({ fromMs: ms, toMs: endMs });
    else if (list.length > 0) list[list.length - 1]!.toMs = ms;
  }
  return spans;
}

function overlaps(a: Span, b: Span, toleranceMs: number): boolean {
  return a.fromMs <= b.toMs + toleranceMs && a.toMs >= b.fromMs - toleranceMs;
}

/** Episode sensitivity and false alarms of one condition. */
export function scoreCondition(
  reference: readonly Span[],
  matching: readonly Span[],
  alarms: readonly Span[],
  minBeats = 0,
): ConditionResult {
  const detected = (ep: Span) =>
    alarms.some((a) => a.fromMs <= ep.toMs + EPISODE_TOLERANCE_MS && a.toMs >= ep.fromMs);
  const long = reference.filter((ep) => (ep.beats ?? 0) >= minBeats);
  return {
    referenceEpisodes: reference.length,
    detectedEpisodes: reference.filter(detected).length,
    longEpisodes: long.length,
    detectedLongEpisodes: long.filter(detected).length,
    alarms: alarms.length,
    falseAlarms: alarms.filter((a) => !matching.some((ep) => overlaps(a, ep, EPISODE_TOLERANCE_MS)))
      .length,
  };
}

/**
 * Evaluates the analyzer on one lead of a WFDB record (and `secondLead` with it, when given)
 * against its `.atr` rhythm labels.
 */
export function evaluateRhythm(
  headerText: string,
  datBytes: Uint8Array,
  atrBytes: Uint8Array,
  lead = 0,
  options: RhythmOptions = {},
  secondLead?: number,
): RhythmRecordEvaluation {
  const rec = readWfdb(headerText, datBytes, atrBytes);
  const channel = rec.channels[lead];
  if (!channel) {
    throw new Error(`record ${rec.name} has ${rec.channels.length} signals, no lead ${lead}`);
  }
  const { rateHz, samples } = channel;
  const second = secondLead === undefined ? undefined : rec.channels[secondLead];
  if (secondLead !== undefined && !second) {
    throw new Error(`record ${rec.name} has ${rec.channels.length} signals, no lead ${secondLead}`);
  }
  const alarms = alarmSpans(samples, rateHz, options, BLOCK_MS, second?.samples);
  return scoreRhythm(rec, (samples.length * 1000) / rateHz, alarms, options);
}

/** Scores alarm spans over a record `endMs` long against its `.atr` rhythm labels. */
export function scoreRhythm(
  rec: ExportRecord,
  endMs: number,
  alarms: Record<RhythmCondition, Span[]>,
  options: RhythmOptions = {},
): RhythmRecordEvaluation {
  const hours = endMs / 3_600_000;
  const episodes = rhythmEpisodes(rec.annotations, endMs, isBeatSymbol);
  const spansOf = (labels: readonly string[]) =>
    episodes.filter((e) => labels.includes(e.label)).map((e) => e.span);
  const minBeats = options.vtachMinBeats ?? 5;
  const scored = record(SCORED_CONDITIONS, (c) =>
    scoreCondition(
      spansOf(REFERENCE_LABELS[c]),
      spansOf(MATCHING_LABELS[c]),
      alarms[c],
      c === 'vtach' ? minBeats : 0,
    ),
  );
  const afl = spansOf(['(AFL']);
  return {
    record: rec.name,
    hours,
    alarms,
    reference: { ...record(SCORED_CONDITIONS, (c) => spansOf(REFERENCE_LABELS[c])), afl },
    scored,
    alarmsPerHour: record(RHYTHM_CONDITIONS, (c) => alarms[c].length / hours),
    aflWithAfAlarm: afl.filter((ep) => alarms.afib.some((a) => overlaps(a, ep, 0))).length,
  };
}

export interface RhythmSummary {
  hours: number;
  scored: Record<ScoredCondition, ConditionResult & { sensitivity: number; falsePerHour: number }>;
  alarmsPerHour: Record<RhythmCondition, number>;
}

/** Gross figures over records: counts added, then ratios from the sums. */
export function summarizeRhythm(results: readonly RhythmRecordEvaluation[]): RhythmSummary {
  const hours = results.reduce((s, r) => s + r.hours, 0);
  const sum = (f: (r: RhythmRecordEvaluation) => number) => results.reduce((s, r) => s + f(r), 0);
  return {
    hours,
    scored: record(SCORED_CONDITIONS, (c) => {
      const part = (k: keyof ConditionResult) => sum((r) => r.scored[c][k] ?? 0);
      const referenceEpisodes = part('referenceEpisodes');
      const detectedEpisodes = part('detectedEpisodes');
      const falseAlarms = part('falseAlarms');
      return {
        referenceEpisodes,
        detectedEpisodes,
        longEpisodes: part('longEpisodes'),
        detectedLongEpisodes: part('detectedLongEpisodes'),
        alarms: part('alarms'),
        falseAlarms,
        sensitivity: detectedEpisodes / referenceEpisodes,
        falsePerHour: falseAlarms / hours,
      };
    }),
    alarmsPerHour: record(RHYTHM_CONDITIONS, (c) => sum((r) => r.alarms[c].length) / hours),
  };
}

/** A plain-text table of per-record figures and the totals. */
export function formatRhythmTable(results: readonly RhythmRecordEvaluation[]): string {
  const head = [
    'rec',
    ...SCORED_CONDITIONS.map((c) => `${c} det/ref FA`),
    'asys pause brady tachy /h',
  ];
  const rows = results.map((r) => [
    r.record,
    ...SCORED_CONDITIONS.map(
      (c) =>
        `${r.scored[c].detectedEpisodes}/${r.scored[c].referenceEpisodes} ${r.scored[c].falseAlarms}`,
    ),
    (['asystole', 'pause', 'extremeBrady', 'extremeTachy'] as const)
      .map((c) => r.alarmsPerHour[c].toFixed(1))
      .join(' '),
  ]);
  const s = summarizeRhythm(results);
  rows.push([
    'all',
    ...SCORED_CONDITIONS.map(
      (c) =>
        `${s.scored[c].detectedEpisodes}/${s.scored[c].referenceEpisodes} ${s.scored[c].falseAlarms}`,
    ),
    (['asystole', 'pause', 'extremeBrady', 'extremeTachy'] as const)
      .map((c) => s.alarmsPerHour[c].toFixed(1))
      .join(' '),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}
