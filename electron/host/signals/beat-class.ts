// Streaming beat classification into the AAMI EC57 classes from the patient's own beats:
// N (normal and bundle-branch), S (supraventricular ectopic), V (ventricular ectopic), F (fusion
// of V and N), Q (unclassifiable: here, a detection the caller says is too small to be a QRS, or
// one whose waveform is no longer held).
//
// Each beat's 0.5–40 Hz shape is matched against the patient's templates (`TemplateSet`) on one or
// two leads (the second takes part while its normal beats match their template well, so a noisy
// or tiny second lead does not vote), and timed against the running RR of normal beats. In order:
// - "Other shape": the beat matched neither the dominant template nor a normal-timed one (≥ 8
//   beats, coming on time on average, ≤ 1.5 × the dominant's width: another normal shape, such as
//   a rate-related bundle-branch block).
// - V timing: RR < 0.9 × the normal RR and (unless the beat before was V) < 0.9 × the RR before
//   it (a steady rhythm is not early, however far the running normal RR lags behind a change of
//   rate); or the next RR ≥ 1.15 × its own (a pause); or its template's beats come early on
//   average; or (a ventricular run) the beat before was V, this one matched a template whose
//   beats were mostly called V, and it comes without a pause (RR < 1.15 × the normal RR).
// - Outline: a lead correlating ≥ 0.97 with the dominant and < 1.4 × as wide shows the normal
//   beat; such a beat is not "unlike" (below).
// - V: another shape with V timing that is inverted (correlation < −0.3) against the dominant on a
//   lead in use, or that matched a template whose beats were mostly called V, unless a lead shows
//   the normal shape as clearly as normal beats do (≥ 0.97, no wider); or another shape unlike
//   the dominant (leads' mean < 0.85, or < 0.9 for a recurring shape ≥ 1.4 × as wide on a lead;
//   no lead plainly normal: ≥ 0.9 and no wider, nor an outline) with V timing, and wider
//   (≥ 1.15 × on a lead), very unlike (< 0.5) or early.
// - F: unlike but neither: correlation ≥ 0.7 with the dominant and with the nearest V template,
//   and narrower than it (a fusion's shape lies between N and V).
// - S: RR < 0.87 × the normal RR, the last 4 normal RRs within ±15 % (a regular rhythm to be
//   early against), not during atrial fibrillation (the analyzer says), and followed by a longer
//   RR (the sinus node reset) or, in a run, clearly early itself (< 0.8 ×), or the first of a run
//   (< 0.8 × the normal RR, the last normal RRs' mean and the RR before it, and the next RR
//   < 0.8 × the normal RR too).
// - N otherwise.
// Each beat is decided when the next one arrives (to see the pause after it), or 2 s after its
// R peak when none does. Every rule is relative to the patient's own beats, so it carries from one
// patient to another; constants are global, never per record. Developed on MIT-BIH DS1: its
// figures there are training figures.
//
// Fed one sample at a time (the caller's block size does not matter); memory is bounded by an
// 8 s ring per lead and the template count. Pure: samples and beat times in, classes out.

import { BiquadCascade, designBandPass } from './band-pass';
import {
  LAG_POINTS,
  MORPH_FROM_MS,
  MORPH_HIGH_HZ,
  MORPH_LOW_HZ,
  MORPH_STEP_MS,
  TEMPLATE_POINTS,
  TemplateSet,
  alignedMatch,
  beatShape,
  type BeatShape,
  type Template,
} from './beat-templates';

export type BeatClass = 'N' | 'S' | 'V' | 'F' | 'Q';
export const BEAT_CLASSES: readonly BeatClass[] = ['N', 'S', 'V', 'F', 'Q'];

export interface ClassifiedBeat {
  /** R peak, sample index since the stream start. */
  sample: number;
  class: BeatClass;
  /** RR interval from the previous (non-Q) beat, ms; null for the first beat. */
  rrMs: number | null;
}

const HISTORY_MS = 8000;
const SECOND_LEAD_SIZES = 16;
/** A beat with no next one this long after it is decided without its following RR. */
const DECIDE_AFTER_MS = 2000;
const UNLIKE_CORRELATION = 0.85;
const VERY_UNLIKE_CORRELATION = 0.5;
/** A lead correlating this well with the normal beat (and no wider) shows it plainly. */
const LIKE_CORRELATION = 0.9;
const INVERTED_CORRELATION = -0.3;
const SURELY_LIKE_CORRELATION = 0.97;
const WIDER_RATIO = 1.15;
const MUCH_WIDER_RATIO = 1.4;
const OUTLINE_WIDER_RATIO = 1.4;
const FUSION_CORRELATION = 0.7;
const VENTRICULAR_TEMPLATE_SHARE = 0.5;
const PREMATURE_RATIO = 0.87;
/** An S beat in a run (no pause after it) must come clearly early: RR < 0.8 × the normal RR. */
const S_RUN_RATIO = 0.8;
/** A ventricular beat comes early (RR < 0.9 × the normal RR) or is followed by a pause (≥ 1.15 × its RR). */
const V_PREMATURE_RATIO = 0.9;
const PAUSE_RATIO = 1.15;
/** A beat after a V beat coming within this share of the normal RR (no pause) continues a V run. */
const V_RUN_RATIO = 1.15;
/** Beats a template needs before its own timing speaks for its beats. */
const TIMED_TEMPLATE_BEATS = 4;
/** A template whose beats come on time (mean RR ≥ 0.93 × normal) with this many beats is a normal shape. */
const NORMAL_TIMED_PREMATURITY = 0.93;
const NORMAL_TIMED_BEATS = 8;
/** …and no more than this much wider than the dominant beat (a far wider QRS is no normal one). */
const NORMAL_TIMED_WIDER = 1.5;
/** Lead 1 takes part in matching while its normal beats correlate this well with its template. */
const RELIABLE_LEAD = 0.85;
const RELIABILITY_WEIGHT = 1 / 16;
/** The normal rhythm around a premature beat: the last normal RRs within this ratio of their mean. */
const REGULAR_SPREAD = 0.15;
const NORMAL_RR_WEIGHT = 1 / 8;
const RECENT_NORMAL_RR = 4;

/** What a beat's class is decided from (exported for tests and evaluation). */
export interface BeatFeatures {
  noise: boolean;
  /** Correlation with the dominant template, per lead; empty while there is none. */
  correlation: number[];
  meanCorrelation: number;
  /** Width over the dominant template's, per lead. */
  widthRatio: number[];
  matchedDominant: boolean;
  /** Matched a frequent template whose beats come on time (another normal shape, e.g. rate-related BBB). */
  matchedNormalTimed: boolean;
  /** Matched template's beats so far, and the mean of their RR over the normal RR. */
  templateBeats: number;
  templatePrematurity: number;
  /** Share of the matched template's beats called V; 0 when the beat matched none. */
  matchedVentricularShare: number;
  /** Correlation with the nearest ventricular template, and its width ratio over the beat's. */
  ventricularCorrelation: number;
  ventricularWiderBy: number;
  rrPreMs: number | null;
  rrPostMs: number | null;
  /** The RR before this beat's own (the previous beat's), ms. */
  rrBeforeMs: number | null;
  /** Mean of the last normal RRs (those `regular` judges), ms; null before them. */
  recentNormalRrMs: number | null;
  normalRrMs: number | null;
  regular: boolean;
  /** The class of the beat before (non-Q). */
  previousClass: BeatClass | undefined;
  /** The rhythm analysis says atrial fibrillation now. */
  atrialFibrillation: boolean;
}

/** The class from a beat's features: the rules above, in order. */
export function classOf(f: BeatFeatures): BeatClass {
  if (f.noise) return 'Q';
  if (f.correlation.length === 0) return 'N';
  const premature =
    f.rrPreMs !== null && f.normalRrMs !== null && f.rrPreMs < PREMATURE_RATIO * f.normalRrMs;
  // A ventricular beat's timing: early, followed by a pause, or of a template whose beats are.
  // Early against the normal RR, and against the RR before it unless that ended a V beat (a
  // steady rhythm is not early, however far the running normal RR lags behind it).
  const vPremature =
    f.rrPreMs !== null &&
    f.normalRrMs !== null &&
    f.rrPreMs < V_PREMATURE_RATIO * f.normalRrMs &&
    (f.previousClass === 'V' ||
      f.rrBeforeMs === null ||
      f.rrPreMs < V_PREMATURE_RATIO * f.rrBeforeMs);
  const vPause = f.rrPreMs !== null && f.rrPostMs !== null && f.rrPostMs >= PAUSE_RATIO * f.rrPreMs;
  const templateEarly =
    f.templateBeats >= TIMED_TEMPLATE_BEATS && f.templatePrematurity < V_PREMATURE_RATIO;
  // In atrial fibrillation every RR is random: being early is no sign, the shape must say more.
  const af = f.atrialFibrillation;
  // In a ventricular run: the beat before was V, this one has a shape mostly called V and comes
  // without a pause (an idioventricular rhythm may be no faster than the normal one).
  const ventricularTemplate = f.matchedVentricularShare >= VENTRICULAR_TEMPLATE_SHARE;
  const vRun =
    f.previousClass === 'V' &&
    ventricularTemplate &&
    f.rrPreMs !== null &&
    f.normalRrMs !== null &&
    f.rrPreMs < V_RUN_RATIO * f.normalRrMs;
  const timing = vPremature || vPause || templateEarly || vRun;
  const normalOn = (k: number, correlation: number) =>
    (f.correlation[k] ?? -1) >= correlation && (f.widthRatio[k] ?? 1) < WIDER_RATIO;
  const otherShape = !f.matchedDominant && !f.matchedNormalTimed;
  // A lead showing the normal beat's outline as clearly as normal beats do, not far wider.
  const outlineOn = (k: number) =>
    (f.correlation[k] ?? -1) >= SURELY_LIKE_CORRELATION &&
    (f.widthRatio[k] ?? 1) < OUTLINE_WIDER_RATIO;
  // A QRS inverted against the normal beat on a lead in use, with a ventricular beat's timing:
  // depolarised another way. Unless a lead shows the normal shape as clearly as normal beats do.
  const used = f.correlation.slice(0, Math.max(1, f.widthRatio.length));
  const inverted = used.some((c) => c < INVERTED_CORRELATION);
  const surelyNormal = normalOn(0, SURELY_LIKE_CORRELATION) || normalOn(1, SURELY_LIKE_CORRELATION);
  if (otherShape && inverted && !surelyNormal && timing) return 'V';
  // Another shape matching a template whose beats were mostly called V, with V timing.
  if (otherShape && ventricularTemplate && !surelyNormal && timing) return 'V';
  // Unlike the normal beat on the leads' mean, and no lead plainly normal (as alike and no wider).
  // A recurring shape (of a template with a few beats, not a one-off that noise may make) far
  // wider than normal beats on a lead counts as unlike at a higher correlation: a wide QRS can
  // keep much of the normal beat's outline.
  const muchWider =
    f.templateBeats >= TIMED_TEMPLATE_BEATS && f.widthRatio.some((r) => r >= MUCH_WIDER_RATIO);
  const unlike =
    otherShape &&
    f.meanCorrelation < (muchWider ? LIKE_CORRELATION : UNLIKE_CORRELATION) &&
    !normalOn(0, LIKE_CORRELATION) &&
    !normalOn(1, LIKE_CORRELATION) &&
    !outlineOn(0) &&
    !outlineOn(1);
  if (unlike) {
    const wider = f.widthRatio.some((r) => r >= WIDER_RATIO);
    // Early and unlike the normal beat: V (an S beat keeps the normal QRS), even when not wider.
    const early = vPremature && !af;
    if ((f.meanCorrelation < VERY_UNLIKE_CORRELATION || wider || early) && timing) return 'V';
    if (
      f.meanCorrelation >= FUSION_CORRELATION &&
      f.ventricularCorrelation >= FUSION_CORRELATION &&
      f.ventricularWiderBy > 1
    ) {
      return 'F';
    }
  }
  // An S beat resets the sinus node: a longer RR follows, unless another S beat does (a run).
  const pause = f.rrPostMs === null || f.rrPreMs === null || f.rrPostMs > f.rrPreMs;
  const inRun =
    f.previousClass === 'S' &&
    f.rrPreMs !== null &&
    f.normalRrMs !== null &&
    f.rrPreMs < S_RUN_RATIO * f.normalRrMs;
  // …or the first of a run: clearly early, abruptly (against the RR before it too: a sinus rhythm
  // speeds up gradually), and the next beat as clearly early again. Early against the shorter of
  // the running normal RR and the last normal RRs' mean: a reference lagging behind a faster
  // sinus rhythm does not make its beats a run.
  const sReference =
    f.recentNormalRrMs === null || f.normalRrMs === null
      ? f.normalRrMs
      : Math.min(f.recentNormalRrMs, f.normalRrMs);
  const runStart =
    f.rrPreMs !== null &&
    f.rrPostMs !== null &&
    sReference !== null &&
    f.rrBeforeMs !== null &&
    f.rrPreMs < S_RUN_RATIO * sReference &&
    f.rrPreMs < S_RUN_RATIO * f.rrBeforeMs &&
    f.rrPostMs < S_RUN_RATIO * sReference;
  // In atrial fibrillation every beat comes at random: none is called premature.
  return premature && f.regular && !f.atrialFibrillation && (pause || inRun || runStart)
    ? 'S'
    : 'N';
}

interface Pending {
  sample: number;
  noise: boolean;
  shape: BeatShape | undefined;
  rrPreMs: number | null;
}

export class BeatClassifier {
  readonly rateHz: number;
  readonly leads: number;
  private readonly filters: BiquadCascade[];
  private readonly rings: Float64Array[];
  private readonly mask: number;
  private readonly offsets: Int32Array;
  private readonly decideAfter: number;
  private readonly templates = new TemplateSet();
  private n = 0;
  private pending: Pending | undefined;
  private lastBeat: number | undefined;
  private lastClass: BeatClass | undefined;
  private lastRrMs: number | null = null;
  private normalRrMs: number | null = null;
  private readonly recentNormalRr: number[] = [];
  /** Set by the rhythm analysis while it finds atrial fibrillation: no beat is then S. */
  atrialFibrillation = false;
  private readonly secondLeadSizes: { sample: number; ratio: number }[] = [];
  /** Running correlation of lead 1 for beats matching the dominant template. */
  private lead1Consistency = 1;
  private out: ClassifiedBeat[] = [];

  constructor(rateHz: number, leads = 1) {
    this.rateHz = rateHz;
    this.leads = Math.max(1, Math.min(2, Math.round(leads)));
    const samples = (ms: number) => Math.max(1, Math.round((ms * rateHz) / 1000));
    this.filters = Array.from(
      { length: this.leads },
      () =>
        new BiquadCascade(
          designBandPass(MORPH_LOW_HZ, Math.min(MORPH_HIGH_HZ, 0.4 * rateHz), rateHz),
        ),
    );
    let size = 1;
    while (size < samples(HISTORY_MS)) size *= 2;
    this.mask = size - 1;
    this.rings = Array.from({ length: this.leads }, () => new Float64Array(size));
    const points = TEMPLATE_POINTS + 2 * LAG_POINTS;
    this.offsets = Int32Array.from({ length: points }, (_, i) =>
      Math.round(((MORPH_FROM_MS + (i - LAG_POINTS) * MORPH_STEP_MS) * rateHz) / 1000),
    );
    this.decideAfter = samples(DECIDE_AFTER_MS);
  }

  /** Feeds one (cleaned) sample of each lead; the second is ignored with one lead. */
  step(lead0: number, lead1 = 0): void {
    const i = this.n & this.mask;
    this.rings[0]![i] = this.filters[0]!.step(lead0);
    if (this.leads > 1) this.rings[1]![i] = this.filters[1]!.step(lead1);
    this.n++;
    const p = this.pending;
    if (p && this.n - p.sample > this.decideAfter) {
      this.pending = undefined;
      this.decide(p, null);
    }
  }

  /** A beat the detector reported at `sample` (at or before the last sample fed). */
  beat(sample: number, noise = false): void {
    if (this.lastBeat !== undefined && sample <= this.lastBeat) return;
    const shape = this.shapeAt(sample);
    const isNoise = noise || !shape;
    const rrPreMs =
      this.lastBeat === undefined || isNoise
        ? null
        : ((sample - this.lastBeat) * 1000) / this.rateHz;
    const p = this.pending;
    if (p && !isNoise) {
      this.pending = undefined;
      this.decide(p, rrPreMs);
    }
    const beat: Pending = { sample, noise: isNoise, shape, rrPreMs };
    if (isNoise) {
      this.emit(beat, 'Q');
      return;
    }
    this.lastBeat = sample;
    this.pending = beat;
  }

  /** Decides the beat still waiting for the next one (at the end of a recording). */
  end(): void {
    const p = this.pending;
    this.pending = undefined;
    if (p) this.decide(p, null);
  }

  /** Beats decided since the last call, in order of their R peaks. */
  take(): ClassifiedBeat[] {
    const out = this.out;
    this.out = [];
    return out.sort((a, b) => a.sample - b.sample);
  }

  /**
   * How large the second lead's deflection was at a recent beat (sample index), over its normal
   * QRS's peak-to-peak amplitude; undefined with one lead or for a beat no longer remembered.
   */
  secondLeadSize(sample: number): number | undefined {
    return this.secondLeadSizes.find((s) => s.sample === sample)?.ratio;
  }

  /** The class the latest decided non-Q beat got. */
  get lastDecided(): BeatClass | undefined {
    return this.lastClass;
  }

  private emit(beat: Pending, cls: BeatClass): void {
    this.out.push({ sample: beat.sample, class: cls, rrMs: beat.rrPreMs });
  }

  /** Features of a beat against the templates, then its class; updates the templates. */
  private decide(beat: Pending, rrPostMs: number | null): void {
    const features = this.features(beat, rrPostMs);
    if (this.leads > 1) {
      // The second lead's deflection at this beat, against its normal QRS (for the VT hold).
      const dominant = this.templates.dominant();
      const normal = dominant?.amplitude[1] ?? 0;
      if (this.secondLeadSizes.length >= SECOND_LEAD_SIZES) this.secondLeadSizes.shift();
      this.secondLeadSizes.push({
        sample: beat.sample,
        ratio: normal > 0 ? beat.shape!.amplitude[1]! / normal : 1,
      });
    }
    const cls = classOf(features.f);
    const prematurity = this.prematurity(beat);
    const shape = beat.shape!;
    this.templates.age();
    if (features.found) {
      this.templates.update(
        features.found.template,
        shape,
        features.found.lag,
        cls === 'V',
        prematurity,
      );
    } else {
      this.templates.add(shape, cls === 'V', prematurity);
    }
    if (features.f.matchedDominant && this.leads > 1) {
      const c1 = features.f.correlation[1] ?? 0;
      this.lead1Consistency += RELIABILITY_WEIGHT * (c1 - this.lead1Consistency);
    }
    if (cls === 'N' && this.lastClass === 'N' && beat.rrPreMs !== null) {
      const rr = beat.rrPreMs;
      this.normalRrMs =
        this.normalRrMs === null ? rr : this.normalRrMs + NORMAL_RR_WEIGHT * (rr - this.normalRrMs);
      if (this.recentNormalRr.length >= RECENT_NORMAL_RR) this.recentNormalRr.shift();
      this.recentNormalRr.push(rr);
    }
    this.lastClass = cls;
    this.lastRrMs = beat.rrPreMs;
    this.emit(beat, cls);
  }

  private features(
    beat: Pending,
    rrPostMs: number | null,
  ): { f: BeatFeatures; found: { template: Template; lag: number } | undefined } {
    const shape = beat.shape!;
    const dominant = this.templates.dominant();
    const leads = this.leads > 1 && this.lead1Consistency >= RELIABLE_LEAD ? 2 : 1;
    const found = this.templates.find(shape, leads);
    const vsDominant = dominant ? alignedMatch(shape, dominant, leads) : undefined;
    const matched = found?.template;
    let ventricularCorrelation = -1;
    let ventricularWiderBy = 0;
    for (const t of this.templates.templates) {
      if (t === dominant || t.ventricular < VENTRICULAR_TEMPLATE_SHARE * t.count) continue;
      const m = alignedMatch(shape, t, leads);
      if (m.mean > ventricularCorrelation) {
        ventricularCorrelation = m.mean;
        ventricularWiderBy = t.widthMs[0]! / Math.max(1e-9, shape.widthMs[0]!);
      }
    }
    const recent = this.recentNormalRr;
    const mean = recent.reduce((s, r) => s + r, 0) / Math.max(1, recent.length);
    const regular =
      recent.length >= RECENT_NORMAL_RR &&
      recent.every((r) => Math.abs(r - mean) <= REGULAR_SPREAD * mean);
    const f: BeatFeatures = {
      noise: beat.noise,
      correlation: vsDominant ? vsDominant.correlation : [],
      meanCorrelation: vsDominant ? vsDominant.mean : 1,
      widthRatio: dominant
        ? shape.widthMs.slice(0, leads).map((w, k) => w / Math.max(1e-9, dominant.widthMs[k]!))
        : [],
      matchedDominant: !!dominant && matched === dominant,
      matchedNormalTimed:
        !!matched &&
        !!dominant &&
        matched.matched >= NORMAL_TIMED_BEATS &&
        matched.prematurity >= NORMAL_TIMED_PREMATURITY &&
        matched.widthMs[0]! <= NORMAL_TIMED_WIDER * dominant.widthMs[0]!,
      templateBeats: matched ? matched.matched : 0,
      templatePrematurity: matched ? matched.prematurity : 1,
      matchedVentricularShare: found
        ? found.template.ventricular / Math.max(1e-9, found.template.count)
        : 0,
      ventricularCorrelation,
      ventricularWiderBy,
      rrPreMs: beat.rrPreMs,
      rrPostMs,
      rrBeforeMs: this.lastRrMs,
      recentNormalRrMs: recent.length >= RECENT_NORMAL_RR ? mean : null,
      normalRrMs: this.normalRrMs,
      regular,
      previousClass: this.lastClass,
      atrialFibrillation: this.atrialFibrillation,
    };
    return { f, found: found && { template: found.template, lag: found.match.lag } };
  }

  /** A beat's RR over the running normal RR; 1 when either is unknown. */
  private prematurity(beat: Pending): number {
    if (beat.rrPreMs === null || this.normalRrMs === null) return 1;
    return beat.rrPreMs / this.normalRrMs;
  }

  /** Peak-to-peak amplitude of lead 0 (0.5–40 Hz) over a beat's window; undefined when not held. */
  peakToPeakAt(sample: number): number | undefined {
    const first = this.offsets[LAG_POINTS]!;
    const last = this.offsets[this.offsets.length - 1 - LAG_POINTS]!;
    if (sample + first < this.n - this.mask || sample + last >= this.n) return undefined;
    const ring = this.rings[0]!;
    let min = Infinity;
    let max = -Infinity;
    for (let i = LAG_POINTS; i < this.offsets.length - LAG_POINTS; i++) {
      const v = ring[(sample + this.offsets[i]!) & this.mask]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    return max - min;
  }

  /** The beat's waveform on each lead, or undefined when the ring no longer (or not yet) holds it. */
  private shapeAt(sample: number): BeatShape | undefined {
    const m = this.mask;
    const first = this.offsets[0]!;
    const last = this.offsets[this.offsets.length - 1]!;
    if (sample + first < this.n - m || sample + last >= this.n) return undefined;
    const leads = this.rings.map((ring) => {
      const shape = new Float64Array(this.offsets.length);
      for (let i = 0; i < shape.length; i++) shape[i] = ring[(sample + this.offsets[i]!) & m]!;
      return shape;
    });
    return beatShape(leads);
  }
}
