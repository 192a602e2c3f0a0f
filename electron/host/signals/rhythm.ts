// Streaming rhythm alarms from one ECG lead (and a second one where the device has it):
// asystole, ventricular fibrillation/flutter, ventricular tachycardia, extreme bradycardia and
// tachycardia, pause, and (advisory) atrial fibrillation; and each beat's AAMI class. Every rule
// here is a heuristic in the style of bedside monitors, with constants taken from the literature
// or from common monitor defaults, global, never tuned per record:
//
// - Beats come from the streaming Pan–Tompkins `BeatDetector`. A detection counts as a beat only
//   if its 0.5–40 Hz peak-to-peak amplitude is ≥ 25 % of the running QRS amplitude (after a long
//   silence the detector's thresholds sink to the noise; this keeps noise from ending an
//   asystole; the reference halves every 4 s after 4 s without a beat, to follow a gain drop);
//   smaller detections are classed Q. Rates are `averageRateBpm` (outliers around the median
//   dropped) over the last 8 RR intervals.
// - Beat classes (N, S, V, F, Q): `BeatClassifier`, from the patient's own templates, on both
//   leads when there are two; each beat is classed when the next one arrives.
// - Asystole: no beat for ≥ 4 s while the signal is not flat (a flat line is lead-off, a technical
//   alarm the caller raises from `SignalQuality`), not raised during VF. Pause: no beat for ≥ 3 s.
//   Both clear at the next beat. As the detector reports a beat up to ~0.5 s after its R peak,
//   both are decided 0.5 s late, so a beat that is on its way is not taken for silence.
// - Extreme brady/tachy: the averaged rate below 40 / above 150 bpm (cleared 10 bpm inside); a
//   clean second lead counting a rate at or below the limit keeps extreme tachy from being raised.
// - VT: a run of ≥ 5 consecutive V beats at ≥ 100 bpm (cf. the common monitor default "V-Tach:
//   run ≥ 5 beats, HR > 100"), regular: the RR intervals inside the run within 30 % of their mean
//   (a VT is regular; ectopics scattered among beats misread as V are not), one interval of about
//   twice the others counted as two (`splitMissedBeats`: a beat the detector missed).
// - VF/VFL: `VfSpectralTest` (Barro et al. 1989) once a second; two positive judgements in a row
//   raise it, two negative ones clear it.
// - VT and VF are held as probable noise by the rules of `holdReason`, only while the lead is
//   noisy or saturated (a clean second lead that does not show them, a regular pleth pulse told
//   through `pulse`, or nothing to confirm them); on a clean lead they are never held. Each hold
//   is reported once per episode in `held`, with its reason.
// - AF (advisory): RR irregularity over the last 64 RR intervals between non-ventricular beats,
//   after Dash et al. (2009, Ann Biomed Eng 37:1701): trimmed normalized RMSSD ≥ 0.1, normalized
//   Shannon entropy of the 16-bin RR histogram ≥ 0.7 and turning-point ratio within 0.54–0.77;
//   cleared below 0.08 / 0.6 / outside 0.5–0.8.
//
// Fed blocks of any size, it returns the same changes (the beat detector is fed one sample at a
// time and every decision is taken at a sample index); memory is bounded; NaN and ±Infinity are
// cleaned by `InputGuard`. Pure: samples in, alarm changes out.

import { BeatClassifier, type ClassifiedBeat } from './beat-class';
import { BeatDetector } from './beat-detector';
import { averageRateBpm } from './heart-rate';
import { InputGuard } from './input-guard';
import {
  SECOND_LEAD_RUN_BEATS,
  SECOND_LEAD_SEEN,
  holdReason,
  regularPulse,
  type HeldAlarm,
  type LethalCondition,
  type LethalEvidence,
} from './lethal-hold';
import { SecondLead } from './second-lead';
import { SignalQuality } from './signal-quality';
import { VfSpectralTest, type VfJudgement } from './vf-spectrum';

export { vfSpectrum } from './vf-spectrum';
export type { HeldAlarm, HoldReason } from './lethal-hold';

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
  /** ECG leads pushed: 2 when `push` is given a second lead too. */
  leads?: number;
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
  leads: 1,
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
const VF_CONFIRM = 2;
const VT_RR_SPREAD = 0.3;
/** An RR within this share of twice a regular run's median RR hides a missed beat. */
const MISSED_BEAT_TOLERANCE = 0.1;
/** A deflection on the second lead at least this share of its normal QRS counts as a beat there. */
const SECOND_LEAD_QRS_SIZE = 0.5;
const MAX_PULSES = 32;

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

/**
 * RR intervals (ms) of a run, the one interval within ±10 % of twice their (lower) median split
 * in two: a beat the QRS detector missed now and then (a small or fused complex) leaves such an
 * interval in a regular rhythm, while an irregular one seldom lands that near an exact double.
 * Two or more such intervals are left as they are: that is a pattern, not a missed beat.
 */
export function splitMissedBeats(rrMs: readonly number[]): number[] {
  const sorted = [...rrMs].sort((a, b) => a - b);
  const median = sorted[(sorted.length - 1) >> 1]!;
  const missed = (rr: number) => Math.abs(rr - 2 * median) <= MISSED_BEAT_TOLERANCE * 2 * median;
  if (rrMs.filter(missed).length !== 1) return [...rrMs];
  return rrMs.flatMap((rr) => (missed(rr) ? [rr / 2, rr / 2] : [rr]));
}

export class RhythmAnalyzer {
  readonly rateHz: number;
  private readonly options: Required<RhythmOptions>;
  private readonly detector: BeatDetector;
  private readonly guard = new InputGuard();
  private readonly secondGuard = new InputGuard();
  private readonly one = [0];
  private readonly classifier: BeatClassifier;
  private readonly vf: VfSpectralTest;
  private readonly quality: SignalQuality;
  private readonly second: SecondLead | undefined;
  private readonly flatSamples: number;
  private readonly pauseSamples: number;
  private readonly asystoleSamples: number;
  private readonly detectionLag: number;
  /** Running peak-to-peak amplitude of accepted beats (0.5–40 Hz). */
  private amplitude = 0;
  private accepted = 0;

  private vfStreak = 0;
  /** Pleth pulses, as sample indices of this stream, for the lethal-alarm hold. */
  private readonly pulses: number[] = [];
  /** The conditions held now, so each held episode is reported once. */
  private readonly holding = new Set<LethalCondition>();
  /** R peaks of the current run of ventricular beats (the last few). */
  private readonly vRunBeats: number[] = [];

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
  private beatsOut: ClassifiedBeat[] = [];
  private heldOut: HeldAlarm[] = [];

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
    this.classifier = new BeatClassifier(rateHz, this.options.leads);
    this.vf = new VfSpectralTest(rateHz);
    this.quality = new SignalQuality(rateHz);
    this.second = this.options.leads > 1 ? new SecondLead(rateHz) : undefined;
    this.flatSamples = samples(FLAT_MS);
    this.pauseSamples = samples(this.options.pauseMs);
    this.asystoleSamples = samples(this.options.asystoleMs);
    this.detectionLag = samples(DETECTION_LAG_MS);
  }

  /**
   * Feeds the next samples (and, with `leads: 2`, the second lead's samples of the same moments);
   * returns the alarm changes they caused, in order. The beats classified meanwhile are in `beats`,
   * the VT/VF alarms held as probable noise in `held`.
   */
  push(samples: ArrayLike<number>, secondLead?: ArrayLike<number>): RhythmChange[] {
    this.out = [];
    this.beatsOut = [];
    this.heldOut = [];
    for (let i = 0; i < samples.length; i++) this.sample(samples[i]!, secondLead?.[i]);
    return this.out;
  }

  /** The beats classified during the last `push`, in order. */
  get beats(): readonly ClassifiedBeat[] {
    return this.beatsOut;
  }

  /**
   * At the end of a recording: classifies the last beat, which would otherwise wait for the next
   * one; returns the beats classified now.
   */
  end(): readonly ClassifiedBeat[] {
    this.out = [];
    this.beatsOut = [];
    this.heldOut = [];
    this.classifier.end();
    for (const beat of this.classifier.take()) this.onClassified(beat);
    return this.beatsOut;
  }

  /** The VT/VF alarms held during the last `push`, with why. */
  get held(): readonly HeldAlarm[] {
    return this.heldOut;
  }

  /**
   * A pleth pulse, at the sample index of this ECG stream where it was seen (pulses in order):
   * a regular pulse holds a VT or VF alarm while the lead is noisy (never on a clean lead).
   */
  pulse(sample: number): void {
    if (this.pulses.length >= MAX_PULSES) this.pulses.shift();
    this.pulses.push(sample);
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

  private sample(input: number, second: number | undefined): void {
    const x = this.guard.next(input);
    this.classifier.step(x, this.secondGuard.next(second ?? 0));
    this.second?.step(second ?? 0);
    this.one[0] = input;
    this.quality.push(this.one);
    const vf = this.vf.step(x);
    const n = this.n;
    if (Number.isNaN(this.runValue) || Math.abs(x - this.runValue) > this.options.flatTolerance) {
      this.runValue = x;
      this.runStart = n;
    }
    for (const beat of this.detector.push(this.one)) {
      this.onDetectedBeat?.(beat.sample);
      this.onBeat(beat.sample);
    }
    this.classifier.atrialFibrillation = this.isActive('afib');
    for (const beat of this.classifier.take()) this.onClassified(beat);
    this.checkSilence();
    if (vf) this.judgeVf(vf);
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
    const amplitude = this.classifier.peakToPeakAt(sample);
    const big = amplitude === undefined || this.bigEnough(amplitude);
    this.classifier.beat(sample, !big);
    if (!big) return;
    this.lastBeat = sample;
    this.set('asystole', false, null);
    if (previous === undefined) return;
    const rr = ((sample - previous) * 1000) / this.rateHz;
    this.set('pause', false, rr);
    if (this.rrMs.length >= RATE_AVERAGE_OVER) this.rrMs.shift();
    this.rrMs.push(rr);
    this.judgeRate();
  }

  /** A beat's class decided (a beat later): VT runs and AF from the classes. */
  private onClassified(beat: ClassifiedBeat): void {
    this.beatsOut.push(beat);
    if (beat.class === 'Q') return;
    const ventricular = beat.class === 'V';
    const rr = beat.rrMs;
    if (rr !== null) {
      this.judgeVt(ventricular, rr, beat.sample);
      if (!ventricular && !this.lastVentricular && rr <= AF_MAX_RR_MS) this.judgeAf(rr);
    }
    this.lastVentricular = ventricular;
  }

  /**
   * Whether a detection is large enough to be a QRS: at least a share of the running QRS amplitude.
   * After a long silence the detector's thresholds fall to the noise; this keeps noise from ending
   * an asystole. The reference halves every few seconds without a beat, so a lead whose gain drops
   * is followed.
   */
  private bigEnough(amplitude: number): boolean {
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

  private judgeRate(): void {
    if (this.rrMs.length < RATE_AVERAGE_OVER) return;
    const bpm = averageRateBpm(this.rrMs);
    const { extremeBradyBpm, extremeTachyBpm } = this.options;
    if (bpm < extremeBradyBpm) this.set('extremeBrady', true, bpm);
    else if (bpm >= extremeBradyBpm + RATE_HYSTERESIS_BPM) this.set('extremeBrady', false, bpm);
    // A clean second lead at a slower rate says the first lead counts noise as beats.
    const second = this.second?.clean ? this.second.rateBpm() : undefined;
    const secondSlower = second !== undefined && second <= extremeTachyBpm;
    if (bpm > extremeTachyBpm && !secondSlower) this.set('extremeTachy', true, bpm);
    else if (bpm <= extremeTachyBpm - RATE_HYSTERESIS_BPM) this.set('extremeTachy', false, bpm);
  }

  /** A run of ventricular beats; its rate from the RR intervals ending on its beats. */
  private judgeVt(ventricular: boolean, rr: number, sample: number): void {
    if (!ventricular) {
      this.endVtRun();
      return;
    }
    this.vRun++;
    if (this.vRunRr.length >= this.options.vtachMinBeats) this.vRunRr.shift();
    this.vRunRr.push(rr);
    if (this.vRunBeats.length >= SECOND_LEAD_RUN_BEATS) this.vRunBeats.shift();
    this.vRunBeats.push(sample);
    if (this.vRun < this.options.vtachMinBeats) return;
    // A VT is regular: the RR intervals inside the run (the coupling interval left out) within
    // 30 % of their mean. Ectopics scattered among beats misread as V are not. A beat the
    // detector missed counts as the two intervals it hides.
    const within = splitMissedBeats(this.vRunRr.slice(1));
    const intervals = [this.vRunRr[0]!, ...within];
    const mean = intervals.reduce((s, v) => s + v, 0) / intervals.length;
    const bpm = 60_000 / mean;
    const spread = (Math.max(...within) - Math.min(...within)) / mean;
    if (bpm < this.options.vtachBpm) this.set('vtach', false, bpm);
    else if (spread <= VT_RR_SPREAD) this.raiseLethal('vtach', bpm);
  }

  private endVtRun(): void {
    this.vRun = 0;
    this.vRunRr.length = 0;
    this.vRunBeats.length = 0;
    this.holding.delete('vtach');
    this.set('vtach', false, null);
  }

  /** Raises VT or VF, unless the lead is noisy and the other evidence says it shows noise. */
  private raiseLethal(condition: LethalCondition, value: number): void {
    if (this.isActive(condition)) return;
    const hold = holdReason(this.lethalEvidence(condition));
    if (!hold) {
      this.holding.delete(condition);
      this.set(condition, true, value);
      return;
    }
    if (this.holding.has(condition)) return;
    this.holding.add(condition);
    this.heldOut.push({ condition, sample: this.n, value, ...hold });
  }

  private lethalEvidence(condition: LethalCondition): LethalEvidence {
    const state = this.quality.current;
    const firstLeadClean = state !== 'noisy' && state !== 'saturated';
    // A clean first lead is never held: the other evidence is not even asked.
    if (firstLeadClean) return { firstLeadClean };
    const evidence: LethalEvidence = { firstLeadClean, firstLeadState: state };
    const pulse = regularPulse(this.pulses, this.n, this.rateHz);
    if (pulse) evidence.pulse = pulse;
    const second = this.second;
    if (second?.clean) {
      if (condition === 'vtach') {
        // Seen there: its own detector found the beat, or it shows a QRS-sized deflection then.
        const detected = second.seen(this.vRunBeats);
        const sized = this.vRunBeats.filter(
          (b) => (this.classifier.secondLeadSize(b) ?? 0) >= SECOND_LEAD_QRS_SIZE,
        ).length;
        const seen = Math.max(detected, sized);
        evidence.secondLead = {
          agrees: seen >= SECOND_LEAD_SEEN,
          detail: `the second lead saw ${seen} of the run's last ${this.vRunBeats.length} beats`,
        };
      } else {
        const regular = second.regularBeats();
        evidence.secondLead = {
          agrees: second.looksLikeVf || !regular,
          detail: regular
            ? 'the second lead shows regular beats'
            : 'the second lead shows no VF and no regular beats',
        };
      }
    }
    return evidence;
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

  /** Two positive judgements in a row raise VF (unless held), two negative ones clear it. */
  private judgeVf({ positive: spectral, dominantHz }: VfJudgement): void {
    const positive = spectral && !this.flat();
    if (positive === this.isActive('vfib')) {
      this.vfStreak = 0;
      if (!positive) this.holding.delete('vfib');
      return;
    }
    this.vfStreak++;
    if (this.vfStreak < VF_CONFIRM) return;
    if (positive) {
      // A held VF is judged again each second; the streak stays, so it is raised once not held.
      this.raiseLethal('vfib', dominantHz);
      if (this.isActive('vfib')) this.vfStreak = 0;
    } else {
      this.vfStreak = 0;
      this.set('vfib', false, null);
    }
  }
}
