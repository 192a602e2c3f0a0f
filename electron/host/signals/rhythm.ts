// Streaming rhythm alarms from one ECG lead: asystole, ventricular fibrillation/flutter,
// ventricular tachycardia, extreme bradycardia and tachycardia, pause, and (advisory) atrial
// fibrillation. Every rule here is a heuristic in the style of bedside monitors, with constants
// taken from the literature or from common monitor defaults, global, never tuned per record:
//
// - Beats come from the streaming Pan–Tompkins `BeatDetector`. A detection counts as a beat only
//   if its 0.5–40 Hz peak-to-peak amplitude is ≥ 25 % of the running QRS amplitude (after a long
//   silence the detector's thresholds sink to the noise; this keeps noise from ending an
//   asystole; the reference halves every 4 s after 4 s without a beat, to follow a gain drop).
//   Rates are `averageRateBpm` (outliers around the median dropped) over the last 8 RR intervals.
// - Asystole: no beat for ≥ 4 s while the signal is not flat (a flat line is lead-off, a technical
//   alarm the caller raises from `SignalQuality`), not raised during VF. Pause: no beat for ≥ 3 s.
//   Both clear at the next beat. As the detector reports a beat up to ~0.5 s after its R peak,
//   both are decided 0.5 s late, so a beat that is on its way is not taken for silence.
// - Extreme brady/tachy: the averaged rate below 40 / above 150 bpm (cleared 10 bpm inside).
// - VT: a run of ≥ 5 consecutive ventricular-looking beats at ≥ 100 bpm (cf. the common monitor
//   default "V-Tach: run ≥ 5 beats, HR > 100"). Each beat's 0.5–40 Hz waveform (−100…+160 ms
//   around R) is matched, aligned within ±40 ms, against up to 6 running-average templates by
//   correlation ≥ 0.9 (template matching as in beat classifiers such as Hamilton's open-source
//   EP Limited one). The "normal" template is the narrowest of the frequent ones. A beat looks
//   ventricular when it is not the normal template's, correlates < 0.85 with it, and is ≥ 1.1 ×
//   wider (or correlates < 0.5: a very different shape). Width is an equivalent width: the area of
//   |waveform − baseline| over its largest deflection.
// - VF/VFL: a spectral test in the manner of Barro et al. (1989, "Algorithmic sequential decision
//   making in the frequency domain for life threatening ventricular arrhythmias"): over a 4 s
//   window judged every 1 s, the dominant frequency of the 1–15 Hz band-passed signal lies in
//   2.5–9 Hz (150–540 /min) and ≥ 70 % of the 0.5–20 Hz power lies within 0.7–1.4 × it (an
//   organised rhythm spreads its power over the harmonics of the heart rate and the QRS band).
//   Two positive judgements in a row raise it, two negative ones clear it.
// - AF (advisory): RR irregularity over the last 64 RR intervals between non-ventricular beats,
//   after Dash et al. (2009, Ann Biomed Eng 37:1701): trimmed normalized RMSSD ≥ 0.1, normalized
//   Shannon entropy of the 16-bin RR histogram ≥ 0.7 and turning-point ratio within 0.54–0.77;
//   cleared below 0.08 / 0.6 / outside 0.5–0.8.
//
// Fed blocks of any size, it returns the same changes (the beat detector is fed one sample at a
// time and every decision is taken at a sample index); memory is bounded; NaN and ±Infinity are
// cleaned by `InputGuard`. Pure: samples in, alarm changes out.

import { BiquadCascade, designBandPass } from './band-pass';
import { BeatDetector } from './beat-detector';
import { averageRateBpm } from './heart-rate';
import { InputGuard } from './input-guard';

export type RhythmCondition =
  'asystole' | 'vfib' | 'vtach' | 'extremeBrady' | 'extremeTachy' | 'pause' | 'afib';

export const RHYTHM_CONDITIONS: readonly RhythmCondition[] = [
  'asystole',
  'vfib',
  'vtach',
  'extremeBrady',
  'extremeTachy',
  'pause',
  'afib',
];

export interface RhythmChange {
  condition: RhythmCondition;
  active: boolean;
  /** Sample index since stream start at which the change was decided. */
  sample: number;
  /**
   * Rate in bpm (brady, tachy, VT run rate), time without a beat in ms (pause, asystole; at the
   * end of a pause, the RR interval that ended it), dominant frequency in Hz (VF), or the
   * normalized RMSSD (AF); null when there is none.
   */
  value: number | null;
}

export interface RhythmOptions {
  /** Averaged rate below this raises extreme bradycardia. */
  extremeBradyBpm?: number;
  /** Averaged rate above this raises extreme tachycardia (adult default). */
  extremeTachyBpm?: number;
  /** No beat for this long is a pause. */
  pauseMs?: number;
  /** No beat for this long, the signal not flat, is asystole. */
  asystoleMs?: number;
  /** Consecutive ventricular beats that make a VT run. */
  vtachMinBeats?: number;
  /** Minimum rate of a VT run. */
  vtachBpm?: number;
  /** RR intervals over which AF irregularity is judged. */
  afibWindowBeats?: number;
  /** No change larger than this (input units) for 2 s is a flat line; 0 = exactly constant. */
  flatTolerance?: number;
}

const DEFAULTS: Required<RhythmOptions> = {
  extremeBradyBpm: 40,
  extremeTachyBpm: 150,
  pauseMs: 3000,
  asystoleMs: 4000,
  vtachMinBeats: 5,
  vtachBpm: 100,
  afibWindowBeats: 64,
  flatTolerance: 0,
};

const MIN_RATE_HZ = 100;
const FLAT_MS = 2000;
const RATE_AVERAGE_OVER = 8;
/** The beat detector reports an R peak up to this long after it (refractory period and search). */
const DETECTION_LAG_MS = 500;
/** A detection smaller than this share of the running QRS amplitude is noise. */
const AMPLITUDE_SHARE = 0.25;
const AMPLITUDE_WEIGHT = 1 / 8;
const AMPLITUDE_LEARNING_BEATS = 4;
/** Without a beat for longer than this, the amplitude reference halves every half-life. */
const AMPLITUDE_HOLD_MS = 4000;
const AMPLITUDE_HALF_LIFE_MS = 4000;
const RATE_HYSTERESIS_BPM = 10;
/** A ring of this much signal holds every beat the detector reports, even after search-back. */
const HISTORY_MS = 8000;

// Morphology.
const MORPH_LOW_HZ = 0.5;
const MORPH_HIGH_HZ = 40;
const MORPH_FROM_MS = -100;
const MORPH_TO_MS = 160;
const MORPH_STEP_MS = 4;
const ALIGN_MS = 40;
const BASELINE_POINTS = 3;
const MATCH_CORRELATION = 0.9;
const MATCH_AMPLITUDE = [0.6, 1.67] as const;
const TEMPLATES = 6;
const TEMPLATE_WEIGHT = 1 / 8;
const COUNT_DECAY = 0.995;
/** A template is frequent when its count is at least this share of the largest one. */
const FREQUENT_SHARE = 0.2;
/** Matched beats a template needs before it can be the normal one. */
const MIN_NORMAL_COUNT = 4;
/** A ventricular beat correlates less than this with the normal template… */
const UNLIKE_CORRELATION = 0.85;
/** …and is wider than it by this ratio, or correlates even less than this. */
const WIDER_RATIO = 1.1;
const VERY_UNLIKE_CORRELATION = 0.5;

// VF/VFL spectral test.
const VF_LOW_HZ = 1;
const VF_HIGH_HZ = 15;
const VF_GRID_HZ = 50;
const VF_WINDOW_MS = 4000;
const VF_JUDGE_MS = 1000;
const VF_RESOLUTION_HZ = 0.25;
const VF_SPECTRUM_HZ = [0.5, 20] as const;
const VF_DOMINANT_HZ = [2.5, 9] as const;
const VF_PEAK_BAND = [0.7, 1.4] as const;
const VF_CONCENTRATION = 0.7;
const VF_CONFIRM = 2;

// AF.
const AF_TRIM = 4;
const AF_BINS = 16;
const AF_RMSSD_ON = 0.1;
const AF_RMSSD_OFF = 0.08;
const AF_ENTROPY_ON = 0.7;
const AF_ENTROPY_OFF = 0.6;
const AF_TPR = [0.54, 0.77] as const;
const AF_TPR_OFF = [0.5, 0.8] as const;
const AF_MAX_RR_MS = 3000;

/** A running average of one beat shape, with a decaying count of the beats it matched. */
interface Template {
  shape: Float64Array;
  widthMs: number;
  count: number;
  matched: number;
}

interface BeatShape {
  /** The waveform, with LAG_POINTS more on each side than a template. */
  shape: Float64Array;
  widthMs: number;
}

/** The centre of a beat's shape, as long as a template. */
function centre(beat: BeatShape, lag = 0): Float64Array {
  return beat.shape.subarray(LAG_POINTS + lag, beat.shape.length - LAG_POINTS + lag);
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

/** Extra points on each side of a beat's shape, over which it is aligned with a template. */
const LAG_POINTS = Math.round(ALIGN_MS / MORPH_STEP_MS);

/** The best correlation of a template with the beat shifted by up to ±LAG_POINTS. */
function alignedMatch(
  beat: Float64Array,
  template: Float64Array,
): { correlation: number; ratio: number; lag: number } {
  let best = { correlation: -Infinity, ratio: 0, lag: 0 };
  for (let lag = -LAG_POINTS; lag <= LAG_POINTS; lag++) {
    const part = beat.subarray(LAG_POINTS + lag, LAG_POINTS + lag + template.length);
    const m = pearson(part, template);
    if (m.correlation > best.correlation) best = { ...m, lag };
  }
  return best;
}

/** Equivalent width of a QRS: area of |shape − baseline| over its largest deflection. */
function equivalentWidthMs(shape: Float64Array): number {
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

/**
 * Normal vs ventricular beats by template matching against the patient's own beats. A heuristic:
 * aberrant supraventricular beats are called ventricular too, and a ventricular rhythm that lasts
 * long enough while being the narrowest frequent shape becomes the normal one.
 */
class BeatClassifier {
  private readonly templates: Template[] = [];

  /** Whether the beat looks ventricular; false while no normal template is known. */
  classify(beat: BeatShape): boolean {
    const normal = this.normal();
    const likeNormal = normal ? alignedMatch(beat.shape, normal.shape).correlation : 1;
    const matched = this.match(beat);
    if (!normal || matched === normal || likeNormal >= UNLIKE_CORRELATION) return false;
    return likeNormal < VERY_UNLIKE_CORRELATION || beat.widthMs >= WIDER_RATIO * normal.widthMs;
  }

  /** The narrowest of the frequent templates. */
  private normal(): Template | undefined {
    let most = 0;
    for (const t of this.templates) most = Math.max(most, t.count);
    let best: Template | undefined;
    for (const t of this.templates) {
      if (t.matched < MIN_NORMAL_COUNT || t.count < FREQUENT_SHARE * most) continue;
      if (!best || t.widthMs < best.widthMs) best = t;
    }
    return best;
  }

  /** Updates the templates with the beat; returns the template it matched, if any. */
  private match(beat: BeatShape): Template | undefined {
    for (const t of this.templates) t.count *= COUNT_DECAY;
    let best: Template | undefined;
    let bestCorrelation = MATCH_CORRELATION;
    let bestLag = 0;
    for (const t of this.templates) {
      const { correlation, ratio, lag } = alignedMatch(beat.shape, t.shape);
      if (ratio < MATCH_AMPLITUDE[0] || ratio > MATCH_AMPLITUDE[1]) continue;
      if (correlation >= bestCorrelation) {
        bestCorrelation = correlation;
        best = t;
        bestLag = lag;
      }
    }
    if (best) {
      const s = best.shape;
      const aligned = centre(beat, bestLag);
      for (let i = 0; i < s.length; i++) s[i]! += TEMPLATE_WEIGHT * (aligned[i]! - s[i]!);
      best.widthMs = equivalentWidthMs(s);
      best.count += 1;
      best.matched += 1;
      return best;
    }
    const fresh: Template = {
      shape: centre(beat).slice(),
      widthMs: beat.widthMs,
      count: 1,
      matched: 1,
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
    return undefined;
  }
}

/** Power spectrum features of a window: the dominant frequency and the share of power near it. */
export function vfSpectrum(
  window: ArrayLike<number>,
  gridHz: number,
): { dominantHz: number; concentration: number; power: number } {
  const n = window.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += window[i]!;
  mean /= n;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const hann = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / Math.max(1, n - 1));
    x[i] = (window[i]! - mean) * hann;
  }
  const freqs: number[] = [];
  const power: number[] = [];
  for (
    let f = VF_SPECTRUM_HZ[0];
    f <= Math.min(VF_SPECTRUM_HZ[1], gridHz / 2);
    f += VF_RESOLUTION_HZ
  ) {
    const w = (2 * Math.PI * f) / gridHz;
    // Goertzel recurrence for one frequency.
    const c = 2 * Math.cos(w);
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const s0 = x[i]! + c * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    freqs.push(f);
    power.push(s1 * s1 + s2 * s2 - c * s1 * s2);
  }
  let total = 0;
  let dominantHz = 0;
  let peak = -1;
  for (let k = 0; k < freqs.length; k++) {
    total += power[k]!;
    const f = freqs[k]!;
    if (f >= 1 && f <= 12 && power[k]! > peak) {
      peak = power[k]!;
      dominantHz = f;
    }
  }
  let near = 0;
  for (let k = 0; k < freqs.length; k++) {
    const f = freqs[k]!;
    if (f >= VF_PEAK_BAND[0] * dominantHz && f <= VF_PEAK_BAND[1] * dominantHz) near += power[k]!;
  }
  return { dominantHz, concentration: total > 0 ? near / total : 0, power: total / n };
}

/** Dash et al. (2009) RR irregularity features of a run of RR intervals (ms). */
export function rrIrregularity(rrMs: readonly number[]): {
  nRmssd: number;
  entropy: number;
  turningPointRatio: number;
} {
  const sorted = [...rrMs].sort((a, b) => a - b);
  const lo = sorted[Math.min(AF_TRIM, sorted.length - 1)]!;
  const hi = sorted[Math.max(0, sorted.length - 1 - AF_TRIM)]!;
  const kept = rrMs.filter((rr) => rr >= lo && rr <= hi);
  const mean = kept.reduce((s, rr) => s + rr, 0) / kept.length;
  let sq = 0;
  for (let i = 1; i < kept.length; i++) sq += (kept[i]! - kept[i - 1]!) ** 2;
  const nRmssd = kept.length > 1 ? Math.sqrt(sq / (kept.length - 1)) / mean : 0;
  const bins = new Array<number>(AF_BINS).fill(0);
  const span = hi - lo;
  for (const rr of kept) {
    bins[span > 0 ? Math.min(AF_BINS - 1, Math.floor(((rr - lo) / span) * AF_BINS)) : 0]! += 1;
  }
  let entropy = 0;
  for (const b of bins) {
    if (b === 0) continue;
    const p = b / kept.length;
    entropy -= p * Math.log(p);
  }
  entropy /= Math.log(AF_BINS);
  let turns = 0;
  for (let i = 1; i + 1 < rrMs.length; i++) {
    const a = rrMs[i - 1]!;
    const b = rrMs[i]!;
    const c = rrMs[i + 1]!;
    if ((b > a && b > c) || (b < a && b < c)) turns++;
  }
  return { nRmssd, entropy, turningPointRatio: rrMs.length > 2 ? turns / (rrMs.length - 2) : 0 };
}

export class RhythmAnalyzer {
  readonly rateHz: number;
  private readonly options: Required<RhythmOptions>;
  private readonly detector: BeatDetector;
  private readonly guard = new InputGuard();
  private readonly one = [0];
  private readonly morphFilter: BiquadCascade;
  private readonly vfFilter: BiquadCascade;
  private readonly mask: number;
  private readonly morph: Float64Array;
  private readonly classifier = new BeatClassifier();
  private readonly offsets: Int32Array;
  private readonly flatSamples: number;
  private readonly pauseSamples: number;
  private readonly asystoleSamples: number;
  private readonly detectionLag: number;
  /** Running peak-to-peak amplitude of accepted beats (0.5–40 Hz). */
  private amplitude = 0;
  private accepted = 0;

  // VF: the 1–15 Hz signal averaged in blocks onto a ~50 Hz grid, in a ring of the window.
  private readonly vfBlock: number;
  private readonly vfGridHz: number;
  private readonly vfRing: Float64Array;
  private readonly vfJudge: number;
  private vfSum = 0;
  private vfCount = 0;
  private vfGridN = 0;
  private vfStreak = 0;

  private n = 0;
  private runValue = NaN;
  private runStart = 0;
  private lastBeat: number | undefined;
  private lastVentricular = false;
  private readonly rrMs: number[] = [];
  private readonly afRr: number[] = [];
  private vRun = 0;
  private readonly vRunRr: number[] = [];
  private readonly active = new Map<RhythmCondition, boolean>();
  private out: RhythmChange[] = [];

  /**
   * `onBeat` hears every beat the QRS detector reports (sample index), before the amplitude check
   * the rhythm judgements apply: a caller that wants the heart rate needs no detector of its own.
   */
  constructor(
    rateHz: number,
    options: RhythmOptions = {},
    private readonly onDetectedBeat?: (sample: number) => void,
  ) {
    if (!(rateHz >= MIN_RATE_HZ && Number.isFinite(rateHz))) {
      throw new Error(
        `rhythm analysis needs a sampling rate of at least ${MIN_RATE_HZ} Hz, not ${rateHz} Hz`,
      );
    }
    this.rateHz = rateHz;
    this.options = { ...DEFAULTS, ...options };
    const samples = (ms: number) => Math.max(1, Math.round((ms * rateHz) / 1000));
    this.detector = new BeatDetector(rateHz);
    this.morphFilter = new BiquadCascade(
      designBandPass(MORPH_LOW_HZ, Math.min(MORPH_HIGH_HZ, 0.4 * rateHz), rateHz),
    );
    this.vfFilter = new BiquadCascade(designBandPass(VF_LOW_HZ, VF_HIGH_HZ, rateHz));
    let size = 1;
    while (size < samples(HISTORY_MS)) size *= 2;
    this.mask = size - 1;
    this.morph = new Float64Array(size);
    const points = Math.floor((MORPH_TO_MS - MORPH_FROM_MS) / MORPH_STEP_MS) + 1 + 2 * LAG_POINTS;
    this.offsets = Int32Array.from({ length: points }, (_, i) =>
      Math.round(((MORPH_FROM_MS + (i - LAG_POINTS) * MORPH_STEP_MS) * rateHz) / 1000),
    );
    this.flatSamples = samples(FLAT_MS);
    this.pauseSamples = samples(this.options.pauseMs);
    this.asystoleSamples = samples(this.options.asystoleMs);
    this.detectionLag = samples(DETECTION_LAG_MS);
    this.vfBlock = Math.max(1, Math.floor(rateHz / VF_GRID_HZ));
    this.vfGridHz = rateHz / this.vfBlock;
    this.vfRing = new Float64Array(Math.round((VF_WINDOW_MS / 1000) * this.vfGridHz));
    this.vfJudge = samples(VF_JUDGE_MS);
  }

  /** Feeds the next samples; returns the alarm changes they caused, in order. */
  push(samples: ArrayLike<number>): RhythmChange[] {
    this.out = [];
    for (let i = 0; i < samples.length; i++) this.sample(samples[i]!);
    return this.out;
  }

  /** Whether a condition is active now. */
  isActive(condition: RhythmCondition): boolean {
    return this.active.get(condition) ?? false;
  }

  private set(condition: RhythmCondition, active: boolean, value: number | null): void {
    if (this.isActive(condition) === active) return;
    this.active.set(condition, active);
    this.out.push({ condition, active, sample: this.n, value });
  }

  private sample(input: number): void {
    const x = this.guard.next(input);
    const n = this.n;
    if (Number.isNaN(this.runValue) || Math.abs(x - this.runValue) > this.options.flatTolerance) {
      this.runValue = x;
      this.runStart = n;
    }
    this.morph[n & this.mask] = this.morphFilter.step(x);
    this.feedVf(this.vfFilter.step(x));
    this.one[0] = input;
    for (const beat of this.detector.push(this.one)) {
      this.onDetectedBeat?.(beat.sample);
      this.onBeat(beat.sample);
    }
    this.checkSilence();
    if ((n + 1) % this.vfJudge === 0 && this.vfGridN >= this.vfRing.length) this.judgeVf();
    this.n = n + 1;
  }

  private flat(): boolean {
    return this.n - this.runStart >= this.flatSamples;
  }

  /** Pause and asystole from the time since the last beat (or the stream start). */
  private checkSilence(): void {
    // Judged as of DETECTION_LAG_MS ago: a beat is reported that much after its R peak.
    const since = this.n - this.detectionLag - (this.lastBeat ?? 0);
    const ms = (since * 1000) / this.rateHz;
    if (this.flat()) {
      // Lead off: a technical alarm, not a rhythm one.
      this.set('asystole', false, null);
      this.set('pause', false, null);
      return;
    }
    if (since >= this.pauseSamples && this.lastBeat !== undefined) {
      this.set('pause', true, ms);
      this.endVtRun();
    }
    // VF takes precedence: a fine VF may hold no detectable beat.
    if (since >= this.asystoleSamples && !this.isActive('vfib')) this.set('asystole', true, ms);
  }

  private onBeat(sample: number): void {
    const previous = this.lastBeat;
    if (previous !== undefined && sample <= previous) return;
    const shape = this.shapeAt(sample);
    if (shape && !this.bigEnough(shape)) return;
    this.lastBeat = sample;
    const ventricular = shape ? this.classifier.classify(shape) : false;
    this.set('asystole', false, null);
    if (previous === undefined) {
      this.lastVentricular = ventricular;
      return;
    }
    const rr = ((sample - previous) * 1000) / this.rateHz;
    this.set('pause', false, rr);
    if (this.rrMs.length >= RATE_AVERAGE_OVER) this.rrMs.shift();
    this.rrMs.push(rr);
    this.judgeRate();
    this.judgeVt(ventricular, rr);
    if (!ventricular && !this.lastVentricular && rr <= AF_MAX_RR_MS) this.judgeAf(rr);
    this.lastVentricular = ventricular;
  }

  /**
   * Whether a detection is large enough to be a QRS: at least a share of the running QRS amplitude.
   * After a long silence the detector's thresholds fall to the noise; this keeps noise from ending
   * an asystole. The reference halves every few seconds without a beat, so a lead whose gain drops
   * is followed.
   */
  private bigEnough(beat: BeatShape): boolean {
    const c = centre(beat);
    let min = Infinity;
    let max = -Infinity;
    for (const v of c) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const amplitude = max - min;
    const silentMs = ((this.n - (this.lastBeat ?? 0)) * 1000) / this.rateHz;
    const halvings = Math.max(
      0,
      Math.floor((silentMs - AMPLITUDE_HOLD_MS) / AMPLITUDE_HALF_LIFE_MS),
    );
    const reference = this.amplitude * 0.5 ** halvings;
    if (this.accepted < AMPLITUDE_LEARNING_BEATS) {
      // The first beats set the reference by their mean, so one early artefact cannot dominate.
      this.accepted++;
      this.amplitude += (amplitude - this.amplitude) / this.accepted;
      return true;
    }
    if (amplitude < AMPLITUDE_SHARE * reference) return false;
    this.amplitude = reference + AMPLITUDE_WEIGHT * (amplitude - reference);
    return true;
  }

  /** The beat's 0.5–40 Hz waveform around its largest deflection, and its width. */
  private shapeAt(sample: number): BeatShape | undefined {
    const m = this.mask;
    const first = this.offsets[0]!;
    const last = this.offsets[this.offsets.length - 1]!;
    const oldest = this.n - m;
    if (sample + first < oldest || sample + last > this.n) return undefined;
    const shape = new Float64Array(this.offsets.length);
    for (let i = 0; i < shape.length; i++) shape[i] = this.morph[(sample + this.offsets[i]!) & m]!;
    return {
      shape,
      widthMs: equivalentWidthMs(shape.subarray(LAG_POINTS, shape.length - LAG_POINTS)),
    };
  }

  private judgeRate(): void {
    if (this.rrMs.length < RATE_AVERAGE_OVER) return;
    const bpm = averageRateBpm(this.rrMs);
    const { extremeBradyBpm, extremeTachyBpm } = this.options;
    if (bpm < extremeBradyBpm) this.set('extremeBrady', true, bpm);
    else if (bpm >= extremeBradyBpm + RATE_HYSTERESIS_BPM) this.set('extremeBrady', false, bpm);
    if (bpm > extremeTachyBpm) this.set('extremeTachy', true, bpm);
    else if (bpm <= extremeTachyBpm - RATE_HYSTERESIS_BPM) this.set('extremeTachy', false, bpm);
  }

  /** A run of ventricular beats; its rate from the RR intervals ending on its beats. */
  private judgeVt(ventricular: boolean, rr: number): void {
    if (!ventricular) {
      this.endVtRun();
      return;
    }
    this.vRun++;
    if (this.vRunRr.length >= this.options.vtachMinBeats) this.vRunRr.shift();
    this.vRunRr.push(rr);
    if (this.vRun < this.options.vtachMinBeats) return;
    const bpm = 60_000 / (this.vRunRr.reduce((s, v) => s + v, 0) / this.vRunRr.length);
    this.set('vtach', bpm >= this.options.vtachBpm, bpm);
  }

  private endVtRun(): void {
    this.vRun = 0;
    this.vRunRr.length = 0;
    this.set('vtach', false, null);
  }

  private judgeAf(rr: number): void {
    const window = this.options.afibWindowBeats;
    if (this.afRr.length >= window) this.afRr.shift();
    this.afRr.push(rr);
    if (this.afRr.length < window) return;
    const { nRmssd, entropy, turningPointRatio: tpr } = rrIrregularity(this.afRr);
    if (this.isActive('afib')) {
      const off =
        nRmssd < AF_RMSSD_OFF ||
        entropy < AF_ENTROPY_OFF ||
        tpr < AF_TPR_OFF[0] ||
        tpr > AF_TPR_OFF[1];
      if (off) this.set('afib', false, nRmssd);
    } else {
      const on =
        nRmssd >= AF_RMSSD_ON && entropy >= AF_ENTROPY_ON && tpr >= AF_TPR[0] && tpr <= AF_TPR[1];
      if (on) this.set('afib', true, nRmssd);
    }
  }

  private feedVf(v: number): void {
    this.vfSum += v;
    this.vfCount++;
    if (this.vfCount < this.vfBlock) return;
    this.vfRing[this.vfGridN % this.vfRing.length] = this.vfSum / this.vfCount;
    this.vfGridN++;
    this.vfSum = 0;
    this.vfCount = 0;
  }

  private judgeVf(): void {
    const size = this.vfRing.length;
    const window = new Float64Array(size);
    for (let i = 0; i < size; i++) window[i] = this.vfRing[(this.vfGridN + i) % size]!;
    const { dominantHz, concentration, power } = vfSpectrum(window, this.vfGridHz);
    const positive =
      !this.flat() &&
      power > 0 &&
      dominantHz >= VF_DOMINANT_HZ[0] &&
      dominantHz <= VF_DOMINANT_HZ[1] &&
      concentration >= VF_CONCENTRATION;
    if (positive === this.isActive('vfib')) {
      this.vfStreak = 0;
      return;
    }
    this.vfStreak++;
    if (this.vfStreak >= VF_CONFIRM) {
      this.vfStreak = 0;
      this.set('vfib', positive, positive ? dominantHz : null);
    }
  }
}
