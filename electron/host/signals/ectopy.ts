// Ventricular ectopy from classified beats, in the categories of IEC 60601-2-27 arrhythmia
// monitors: PVCs per minute over a limit, couplet, bigeminy, trigeminy, run (3–4 V beats; 5 or
// more is VT, the rhythm analyzer's alarm) and R-on-T. Q beats (noise) are skipped: they neither
// make nor break a pattern.
//
// - PVCs/min: V beats in the last 60 s (by R-peak time), judged at each beat; active while above
//   the limit.
// - Couplet: exactly two V beats in a row; run: exactly 3 or 4. Decided at the first non-V beat
//   after them (only then is the length known).
// - R-on-T: a V beat whose coupling interval (its RR) is shorter than the QT interval expected
//   after the beat before it, by Bazett's formula QT = 0.42 s × √RR (QTc at the upper normal,
//   the RR being the one before the V beat): the beat falls on the T wave. Measurable only when
//   the beat before the V beat was not V and its own RR is known. Decided at the next beat: a PVC
//   leaves the sinus node alone, so the beat after it comes a compensatory pause later (coupling +
//   the RR after ≈ 2 × the RR before); R-on-T is called when that sum is at least 1.6 × the RR
//   before, or when the next beat is V too (a couplet or a run starting on the T wave). A "V" on
//   the T wave followed by a beat on the underlying rhythm (sum ≈ 1×: an artefact, MIT-BIH 101's
//   `|` at 175 s) or by a reset rhythm (in between: a premature atrial beat, or an artefact whose
//   next beat the detector missed, as in 101) is not called R-on-T. A PVC with a non-compensatory
//   pause is missed by this rule.
// - Bigeminy: V and non-V beats alternating over the last 3 cycles (6 beats); trigeminy: one V
//   beat in every 3 over the last 3 cycles (9 beats). Active from the beat that completes the
//   pattern to the first beat that breaks it.
// Couplet, run and R-on-T are events: active when seen, inactive at the first beat 10 s (by
// default) after the last one. Changes carry the sample index of the beat that decided them.
// Fed beats in any grouping, it gives the same changes; memory is bounded. Pure.

import type { ClassifiedBeat } from './beat-class';

export type EctopyCondition = 'pvcRate' | 'couplet' | 'run' | 'bigeminy' | 'trigeminy' | 'rOnT';

export const ECTOPY_CONDITIONS: readonly EctopyCondition[] = [
  'pvcRate',
  'couplet',
  'run',
  'bigeminy',
  'trigeminy',
  'rOnT',
];

export interface EctopyChange {
  condition: EctopyCondition;
  active: boolean;
  /** R peak (sample index since the stream start) of the beat that decided the change. */
  sample: number;
  /**
   * PVCs in the last minute (pvcRate), V beats in the run (couplet: 2, run: 3 or 4), the coupling
   * interval in ms (rOnT); null otherwise and when a change ends an event.
   */
  value: number | null;
}

export interface EctopyOptions {
  /** More PVCs than this in 60 s raises pvcRate. */
  pvcPerMinuteLimit?: number;
  /** An event (couplet, run, R-on-T) stays active this long after it was last seen. */
  eventHoldMs?: number;
}

const DEFAULTS: Required<EctopyOptions> = { pvcPerMinuteLimit: 10, eventHoldMs: 10_000 };
const WINDOW_MS = 60_000;
const QTC_S = 0.42;
/** Coupling + the RR after a PVC, over the RR before: ≈ 2 for a full compensatory pause. */
const COMPENSATORY_PAUSE = 1.6;
const PATTERN_CYCLES = 3;
const HISTORY = 9;

type EventCondition = 'couplet' | 'run' | 'rOnT';

export class EctopyMonitor {
  private readonly options: Required<EctopyOptions>;
  private readonly windowSamples: number;
  private readonly holdSamples: number;
  /** R peaks of V beats in the last minute. */
  private readonly pvcs: number[] = [];
  /** Whether each of the last beats (non-Q) was V, oldest first. */
  private readonly history: boolean[] = [];
  private vRun = 0;
  /** RR of the last non-Q beat, ms, when it was not V (for R-on-T); null otherwise. */
  private lastNormalRrMs: number | null = null;
  private lastSample = -Infinity;
  /** A V beat coupled inside the QT, waiting for the next beat to confirm it. */
  private onT: { sample: number; couplingMs: number; normalRrMs: number } | null = null;
  private readonly active = new Map<EctopyCondition, boolean>();
  private readonly lastSeen = new Map<EventCondition, number>();
  private out: EctopyChange[] = [];

  constructor(
    readonly rateHz: number,
    options: EctopyOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.windowSamples = (WINDOW_MS * rateHz) / 1000;
    this.holdSamples = (this.options.eventHoldMs * rateHz) / 1000;
  }

  /** Takes the next classified beats, in order; returns the changes they caused, in order. */
  push(beats: readonly ClassifiedBeat[]): EctopyChange[] {
    this.out = [];
    for (const beat of beats) this.beat(beat);
    return this.out;
  }

  /** PVCs in the 60 s up to the last beat taken. */
  get pvcPerMinute(): number {
    return this.pvcs.length;
  }

  /** PVCs in the 60 s up to `sample` (now, on a live bed: a minute without beats counts none). */
  pvcsInMinuteTo(sample: number): number {
    this.forgetBefore(sample);
    return this.pvcs.length;
  }

  private forgetBefore(sample: number): void {
    while (this.pvcs.length > 0 && this.pvcs[0]! <= sample - this.windowSamples) this.pvcs.shift();
  }

  isActive(condition: EctopyCondition): boolean {
    return this.active.get(condition) ?? false;
  }

  private set(condition: EctopyCondition, active: boolean, sample: number, value: number | null) {
    if (this.isActive(condition) === active) return;
    this.active.set(condition, active);
    this.out.push({ condition, active, sample, value });
  }

  private event(condition: EventCondition, sample: number, value: number): void {
    this.lastSeen.set(condition, sample);
    if (this.isActive(condition)) {
      // Seen again while active: reported as a new event.
      this.out.push({ condition, active: true, sample, value });
    } else {
      this.set(condition, true, sample, value);
    }
  }

  private beat(beat: ClassifiedBeat): void {
    if (beat.class === 'Q' || beat.sample <= this.lastSample) return;
    const { sample } = beat;
    this.lastSample = sample;
    const ventricular = beat.class === 'V';
    const onT = this.onT;
    this.onT = null;
    if (onT) {
      const noPause =
        !ventricular &&
        beat.rrMs !== null &&
        onT.couplingMs + beat.rrMs < COMPENSATORY_PAUSE * onT.normalRrMs;
      if (!noPause) this.event('rOnT', sample, onT.couplingMs);
    }
    for (const condition of ['couplet', 'run', 'rOnT'] as const) {
      const seen = this.lastSeen.get(condition);
      if (seen !== undefined && sample - seen >= this.holdSamples) {
        this.lastSeen.delete(condition);
        this.set(condition, false, sample, null);
      }
    }

    if (ventricular) {
      this.pvcs.push(sample);
      this.vRun++;
      if (beat.rrMs !== null && this.lastNormalRrMs !== null) {
        const qtMs = 1000 * QTC_S * Math.sqrt(this.lastNormalRrMs / 1000);
        if (beat.rrMs < qtMs) {
          this.onT = { sample, couplingMs: beat.rrMs, normalRrMs: this.lastNormalRrMs };
        }
      }
    } else {
      if (this.vRun === 2) this.event('couplet', sample, 2);
      else if (this.vRun === 3 || this.vRun === 4) this.event('run', sample, this.vRun);
      this.vRun = 0;
    }
    this.lastNormalRrMs = ventricular ? null : beat.rrMs;
    this.forgetBefore(sample);
    const perMinute = this.pvcs.length;
    this.set('pvcRate', perMinute > this.options.pvcPerMinuteLimit, sample, perMinute);

    if (this.history.length >= HISTORY) this.history.shift();
    this.history.push(ventricular);
    this.judgePattern('bigeminy', 2, sample);
    this.judgePattern('trigeminy', 3, sample);
  }

  /**
   * One V beat in every `period` beats: raised when the last 3 cycles hold the pattern, ended by
   * the first beat that breaks it.
   */
  private judgePattern(condition: 'bigeminy' | 'trigeminy', period: number, sample: number) {
    const h = this.history;
    const holds = (length: number) => {
      if (h.length < length) return false;
      const part = h.slice(h.length - length);
      for (let i = 0; i + period <= part.length; i += 1) {
        const cycle = part.slice(i, i + period);
        if (cycle.filter(Boolean).length !== 1) return false;
      }
      return true;
    };
    if (this.isActive(condition)) {
      if (!holds(period + 1)) this.set(condition, false, sample, null);
    } else if (holds(PATTERN_CYCLES * period)) {
      this.set(condition, true, sample, null);
    }
  }
}
