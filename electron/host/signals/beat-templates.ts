// The patient's own beat shapes: each beat's 0.5–40 Hz waveform (−100…+160 ms around its R peak,
// every 4 ms, on one or two leads) matched against up to 8 running-average templates, aligned
// within ±40 ms, by Pearson correlation (template matching as in beat classifiers such as
// Hamilton's open-source EP Limited one). The dominant template is the narrowest of the frequent
// ones whose beats were not mostly called ventricular: a patient's own normal beat, whatever its
// shape (a frequent, narrow ventricular shape, as in bigeminy or a run, is not taken for it). Width is an equivalent width: the area of
// |waveform − baseline| over its largest deflection. Pure; memory bounded by the template count.

export const MORPH_LOW_HZ = 0.5;
export const MORPH_HIGH_HZ = 40;
export const MORPH_FROM_MS = -100;
export const MORPH_TO_MS = 160;
export const MORPH_STEP_MS = 4;
const ALIGN_MS = 40;
const BASELINE_POINTS = 3;
/** Extra points on each side of a beat's shape, over which it is aligned with a template. */
export const LAG_POINTS = Math.round(ALIGN_MS / MORPH_STEP_MS);
/** Points of a template (a beat's shape holds 2 × LAG_POINTS more). */
export const TEMPLATE_POINTS = Math.floor((MORPH_TO_MS - MORPH_FROM_MS) / MORPH_STEP_MS) + 1;

const MATCH_CORRELATION = 0.9;
const MATCH_AMPLITUDE = [0.6, 1.67] as const;
const TEMPLATES = 8;
const TEMPLATE_WEIGHT = 1 / 8;
const TEMPLATE_TIMING_WEIGHT = 1 / 4;
const COUNT_DECAY = 0.995;
/** A template is frequent when its count is at least this share of the largest one. */
const FREQUENT_SHARE = 0.2;
/** Matched beats a template needs before it can be the dominant one. */
const MIN_DOMINANT_COUNT = 4;
/** A template whose beats were at least this share called ventricular is an ectopic shape. */
const VENTRICULAR_SHARE = 0.5;

/** One beat's waveform on each lead, with LAG_POINTS more on each side than a template. */
export interface BeatShape {
  leads: Float64Array[];
  /** Equivalent width of each lead's centre part. */
  widthMs: number[];
  /** Peak-to-peak amplitude of each lead's centre part. */
  amplitude: number[];
}

/** A running average of one beat shape, with a decaying count of the beats it matched. */
export interface Template {
  leads: Float64Array[];
  widthMs: number[];
  amplitude: number[];
  count: number;
  matched: number;
  /** Beats matching it that were called ventricular, decaying like `count`. */
  ventricular: number;
  /** Running mean of its beats' RR over the normal RR (< 1: premature beats). */
  prematurity: number;
}

export interface Match {
  /** Correlation of each lead at the best lag of lead 0. */
  correlation: number[];
  /** Mean of the leads' correlations. */
  mean: number;
  /** RMS of the beat over the template's, lead 0. */
  ratio: number;
  lag: number;
}

function pearson(a: Float64Array, b: Float64Array): { correlation: number; ratio: number } {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]! - ma;
    const y = b[i]! - mb;
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  if (aa <= 0 || bb <= 0) return { correlation: 0, ratio: aa === bb ? 1 : 0 };
  return { correlation: ab / Math.sqrt(aa * bb), ratio: Math.sqrt(aa / bb) };
}

/** The centre of a beat's lead, as long as a template, shifted by `lag` points. */
export function centre(lead: Float64Array, lag = 0): Float64Array {
  return lead.subarray(LAG_POINTS + lag, lead.length - LAG_POINTS + lag);
}

/** Equivalent width of a QRS: area of |shape − baseline| over its largest deflection. */
export function equivalentWidthMs(shape: Float64Array): number {
  let baseline = 0;
  for (let i = 0; i < BASELINE_POINTS; i++) baseline += shape[i]!;
  baseline /= BASELINE_POINTS;
  let area = 0;
  let peak = 0;
  for (const v of shape) {
    const d = Math.abs(v - baseline);
    area += d;
    if (d > peak) peak = d;
  }
  return peak > 0 ? (area * MORPH_STEP_MS) / peak : 0;
}

export function peakToPeak(shape: Float64Array): number {
  let min = Infinity;
  let max = -Infinity;
  for (const v of shape) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return max - min;
}

/** A beat's shape from its leads' waveforms (each with the lag margins). */
export function beatShape(leads: Float64Array[]): BeatShape {
  return {
    leads,
    widthMs: leads.map((l) => equivalentWidthMs(centre(l))),
    amplitude: leads.map((l) => peakToPeak(centre(l))),
  };
}

/**
 * The best match of a template with the beat shifted by up to ±LAG_POINTS (lag from lead 0);
 * `mean` over the first `leads` leads (the others are still measured).
 */
export function alignedMatch(beat: BeatShape, template: Template, leads = 2): Match {
  const lead0 = beat.leads[0]!;
  const t0 = template.leads[0]!;
  let best = { correlation: -Infinity, ratio: 0, lag: 0 };
  for (let lag = -LAG_POINTS; lag <= LAG_POINTS; lag++) {
    const m = pearson(centre(lead0, lag), t0);
    if (m.correlation > best.correlation) best = { ...m, lag };
  }
  const correlation = [best.correlation];
  for (let k = 1; k < template.leads.length && k < beat.leads.length; k++) {
    // The other leads at lead 0's lag ±1 point: the same moment, a little timing freedom.
    let c = -Infinity;
    for (let d = -1; d <= 1; d++) {
      const lag = Math.max(-LAG_POINTS, Math.min(LAG_POINTS, best.lag + d));
      c = Math.max(c, pearson(centre(beat.leads[k]!, lag), template.leads[k]!).correlation);
    }
    correlation.push(c);
  }
  const used = correlation.slice(0, Math.max(1, leads));
  const mean = used.reduce((s, c) => s + c, 0) / used.length;
  return { correlation, mean, ratio: best.ratio, lag: best.lag };
}

/** Up to TEMPLATES running-average beat shapes of one patient. */
export class TemplateSet {
  readonly templates: Template[] = [];

  /**
   * The narrowest of the frequent templates (lead 0 width), leaving out those whose beats were
   * mostly called ventricular (a frequent, narrow ectopic shape is still not the normal beat)
   * while any other is frequent.
   */
  dominant(): Template | undefined {
    let most = 0;
    for (const t of this.templates) most = Math.max(most, t.count);
    let best: Template | undefined;
    let bestEctopic: Template | undefined;
    for (const t of this.templates) {
      if (t.matched < MIN_DOMINANT_COUNT || t.count < FREQUENT_SHARE * most) continue;
      if (t.ventricular >= VENTRICULAR_SHARE * t.count) {
        if (!bestEctopic || t.widthMs[0]! < bestEctopic.widthMs[0]!) bestEctopic = t;
      } else if (!best || t.widthMs[0]! < best.widthMs[0]!) {
        best = t;
      }
    }
    return best ?? bestEctopic;
  }

  /** The template the beat matches best (correlation ≥ 0.9, similar size), if any. */
  find(beat: BeatShape, leads = 2): { template: Template; match: Match } | undefined {
    let found: { template: Template; match: Match } | undefined;
    for (const t of this.templates) {
      const match = alignedMatch(beat, t, leads);
      if (match.ratio < MATCH_AMPLITUDE[0] || match.ratio > MATCH_AMPLITUDE[1]) continue;
      if (match.mean >= MATCH_CORRELATION && (!found || match.mean > found.match.mean)) {
        found = { template: t, match };
      }
    }
    return found;
  }

  /** Ages every template by one beat. */
  age(): void {
    for (const t of this.templates) {
      t.count *= COUNT_DECAY;
      t.ventricular *= COUNT_DECAY;
    }
  }

  /** Averages the beat into the template it matched. */
  update(
    template: Template,
    beat: BeatShape,
    lag: number,
    ventricular: boolean,
    prematurity: number,
  ): void {
    template.leads.forEach((shape, k) => {
      const aligned = centre(beat.leads[k]!, lag);
      for (let i = 0; i < shape.length; i++)
        shape[i]! += TEMPLATE_WEIGHT * (aligned[i]! - shape[i]!);
      template.widthMs[k] = equivalentWidthMs(shape);
      template.amplitude[k] = peakToPeak(shape);
    });
    template.count += 1;
    template.matched += 1;
    if (ventricular) template.ventricular += 1;
    template.prematurity += TEMPLATE_TIMING_WEIGHT * (prematurity - template.prematurity);
  }

  /** A new template from the beat, in place of the least used one when all are taken. */
  add(beat: BeatShape, ventricular: boolean, prematurity: number): Template {
    const fresh: Template = {
      leads: beat.leads.map((l) => centre(l).slice()),
      widthMs: [...beat.widthMs],
      amplitude: [...beat.amplitude],
      count: 1,
      matched: 1,
      ventricular: ventricular ? 1 : 0,
      prematurity,
    };
    if (this.templates.length < TEMPLATES) {
      this.templates.push(fresh);
    } else {
      let weakest = 0;
      for (let i = 1; i < this.templates.length; i++) {
        if (this.templates[i]!.count < this.templates[weakest]!.count) weakest = i;
      }
      this.templates[weakest] = fresh;
    }
    return fresh;
  }
}
