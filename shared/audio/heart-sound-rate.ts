// Heart rate from heart sounds (a phonocardiogram), where it can be found. A regular rhythm shows
// as the envelope's autocorrelation peaking at one beat period. A rhythm that varies from beat to
// beat (sinus arrhythmia with breathing) smears that peak, but the interval from S1 to S2 stays
// steady: then beats are counted as S1–S2 pairs. Pure, so host (on save) and renderer (live) agree.
import { autocorrelation, ENVELOPE_RATE_HZ, heartSoundEnvelope } from './heart-sound-envelope';

export interface HeartSoundRate {
  /** Beats per minute. */
  bpm: number;
  /**
   * 0–1. A regular rhythm: how alike the envelope is one, two and three beats apart (the least). A varying
   * one: the share of the recording spanned by paired S1–S2 beats.
   */
  confidence: number;
}

export const MIN_HEART_SOUND_BPM = 40;
export const MAX_HEART_SOUND_BPM = 200;
/** Below this, the autocorrelation shows no regular beat: noise, lung sounds, a moving chest piece. */
const MIN_PERIODIC_CONFIDENCE = 0.4;
/** Beats counted as S1–S2 pairs must span this share of the recording. */
const MIN_PAIRED_CONFIDENCE = 0.6;
/** A candidate period's multiples that must correlate too: 1×, 2× and 3×. */
const HARMONICS = 3;
/** Candidate periods scoring within this share of the best are taken as equally good. */
const NEAR_EQUAL_SCORE = 0.85;
/** At least this many beats at the slowest rate must fit in the recording. */
const MIN_BEATS = 3;
const MIN_DURATION_S = (MIN_BEATS * 60) / MIN_HEART_SOUND_BPM;
/** A long recording is read in windows of this length, this far apart (as the live rate is). */
export const WINDOW_S = 8;
export const WINDOW_STEP_S = 2;
/** A long recording has a rate when at least this share of its windows has one. */
const MIN_WINDOWS_WITH_RATE = 0.5;
/** S1 to S2 (systole) lasts 0.2–0.45 s at 40–200 /min. */
const SYSTOLE_S = { min: 0.2, max: 0.45 };
/** The S1–S2 lag must correlate at least this well for pairs to be looked for at all. */
const MIN_SYSTOLE_CORRELATION = 0.15;
/** How far a pair's S1–S2 interval may stray from the recording's typical one. */
const PAIR_TOLERANCE_S = 0.05;
/** A heart sound stands this far above the quiet between sounds (share of floor-to-top). */
const SOUND_THRESHOLD = 0.2;
/** The loudest sounds must be this many times the quiet between them: bursts, not steady noise. */
const MIN_CONTRAST = 3;
/** Two sounds closer than this are one. */
const MIN_SOUND_SPACING_S = 0.12;

const lagOf = (seconds: number) => Math.round(seconds * ENVELOPE_RATE_HZ);

/**
 * The heart rate in a recording of heart sounds (any scale: 16-bit counts or ±1 floats), or null
 * when the recording is too short or no beat between 40 and 200 /min can be found in it. A
 * recording longer than one window is read in overlapping windows and given their median rate,
 * so that a cough, a bumped chest piece or a slow drift in rate does not hide the beat.
 */
export function heartSoundRate(samples: ArrayLike<number>, rateHz: number): HeartSoundRate | null {
  if (!(rateHz > 0) || samples.length / rateHz < MIN_DURATION_S) return null;
  const envelope = heartSoundEnvelope(samples, rateHz);
  const windowLength = lagOf(WINDOW_S);
  const whole = rateInWindow(envelope);
  if (whole || envelope.length <= windowLength + lagOf(WINDOW_STEP_S)) return whole;
  const found: HeartSoundRate[] = [];
  let windows = 0;
  for (let from = 0; from + windowLength <= envelope.length; from += lagOf(WINDOW_STEP_S)) {
    windows++;
    const rate = rateInWindow(envelope.subarray(from, from + windowLength));
    if (rate) found.push(rate);
  }
  if (found.length < windows * MIN_WINDOWS_WITH_RATE) return null;
  const share = found.length / windows;
  return {
    bpm: median(found.map((rate) => rate.bpm)),
    confidence: share * median(found.map((rate) => rate.confidence)),
  };
}

function rateInWindow(envelope: Float64Array): HeartSoundRate | null {
  const clipped = clippedEnvelope(envelope);
  const lastLag = Math.min(
    lagOf(60 / MIN_HEART_SOUND_BPM) * HARMONICS + 1,
    clipped.length - lagOf(60 / MAX_HEART_SOUND_BPM),
  );
  const correlation = autocorrelation(clipped, lastLag);
  return periodicRate(correlation) ?? pairedRate(clipped, correlation);
}

/** The envelope with its loudest 1 % flattened: one loud knock must not outweigh the beats. */
function clippedEnvelope(envelope: Float64Array): Float64Array {
  const ceiling = Float64Array.from(envelope).sort()[Math.floor(envelope.length * 0.99)] ?? 0;
  return envelope.map((value) => Math.min(value, ceiling));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return Number.isInteger(middle)
    ? (sorted[middle - 1]! + sorted[middle]!) / 2
    : sorted[Math.floor(middle)]!;
}

/**
 * A regular rhythm. Each candidate period scores by how well it and its multiples correlate; the
 * S1→S2 or S2→S1 interval correlates once but its multiples fall between the sounds, so it loses
 * to the true period and the rate is not doubled.
 */
function periodicRate(correlation: Float64Array): HeartSoundRate | null {
  const minLag = lagOf(60 / MAX_HEART_SOUND_BPM);
  const maxLag = Math.min(lagOf(60 / MIN_HEART_SOUND_BPM), correlation.length - 2);
  const candidates: { lag: number; score: number }[] = [];
  for (let lag = minLag; lag <= maxLag; lag++) {
    if (!isLocalPeak(correlation, lag)) continue;
    let score = Infinity;
    for (let multiple = 1; multiple <= HARMONICS; multiple++) {
      score = Math.min(score, peakNear(correlation, lag * multiple));
    }
    candidates.push({ lag, score });
  }
  const top = Math.max(...candidates.map((candidate) => candidate.score));
  // Twice the period scores as well as the period itself: of near-equals, the shortest is the beat.
  const best = candidates.find((candidate) => candidate.score >= top * NEAR_EQUAL_SCORE);
  if (!best || best.score < MIN_PERIODIC_CONFIDENCE) return null;
  const bpm = (60 * ENVELOPE_RATE_HZ) / refinedLag(correlation, best.lag);
  if (bpm < MIN_HEART_SOUND_BPM || bpm > MAX_HEART_SOUND_BPM) return null;
  return { bpm, confidence: Math.min(1, best.score) };
}

/**
 * A varying rhythm: the steady S1→S2 interval is the autocorrelation's peak within systole's
 * range; sounds that pair at that interval are beats, and the rate is the mean over the
 * beat-to-beat intervals found (a gap with a beat missed in it is left out).
 */
function pairedRate(envelope: Float64Array, correlation: Float64Array): HeartSoundRate | null {
  let systoleLag = 0;
  let systoleCorrelation = MIN_SYSTOLE_CORRELATION;
  for (let lag = lagOf(SYSTOLE_S.min); lag <= lagOf(SYSTOLE_S.max); lag++) {
    if (isLocalPeak(correlation, lag) && correlation[lag]! >= systoleCorrelation) {
      systoleLag = lag;
      systoleCorrelation = correlation[lag]!;
    }
  }
  if (!systoleLag) return null;
  const sounds = heartSoundTimes(envelope);
  if (!sounds) return null;

  const systoleS = refinedLag(correlation, systoleLag) / ENVELOPE_RATE_HZ;
  const beats: number[] = [];
  for (let i = 0; i < sounds.length - 1; i++) {
    const partner = sounds.findIndex(
      (t, j) => j > i && Math.abs(t - sounds[i]! - systoleS) <= PAIR_TOLERANCE_S,
    );
    if (partner < 0) continue;
    beats.push(sounds[i]!);
    i = partner;
  }
  let spannedS = 0;
  let intervals = 0;
  for (let i = 1; i < beats.length; i++) {
    const intervalS = beats[i]! - beats[i - 1]!;
    const bpm = 60 / intervalS;
    if (bpm < MIN_HEART_SOUND_BPM || bpm > MAX_HEART_SOUND_BPM || intervalS <= systoleS) continue;
    spannedS += intervalS;
    intervals++;
  }
  const confidence = Math.min(1, spannedS / (envelope.length / ENVELOPE_RATE_HZ));
  if (intervals < MIN_BEATS || confidence < MIN_PAIRED_CONFIDENCE) return null;
  return { bpm: (60 * intervals) / spannedS, confidence };
}

/** Times (s) of the envelope's distinct sounds, or null when it has no bursts above its floor. */
function heartSoundTimes(envelope: Float64Array): number[] | null {
  const sorted = Float64Array.from(envelope).sort();
  const floor = sorted[Math.floor(sorted.length * 0.5)]!;
  const top = sorted[Math.floor(sorted.length * 0.98)]!;
  if (!(top > floor * MIN_CONTRAST)) return null;
  const threshold = floor + SOUND_THRESHOLD * (top - floor);
  const spacing = lagOf(MIN_SOUND_SPACING_S);
  const peaks: number[] = [];
  for (let i = 1; i < envelope.length - 1; i++) {
    if (envelope[i]! < threshold || !isLocalPeak(envelope, i)) continue;
    const last = peaks[peaks.length - 1];
    if (last !== undefined && i - last < spacing) {
      if (envelope[i]! > envelope[last]!) peaks[peaks.length - 1] = i;
    } else {
      peaks.push(i);
    }
  }
  return peaks.map((at) => at / ENVELOPE_RATE_HZ);
}

function isLocalPeak(values: Float64Array, at: number): boolean {
  return (
    values[at]! >= (values[at - 1] ?? -Infinity) && values[at]! > (values[at + 1] ?? -Infinity)
  );
}

/** The highest correlation within ±3 % of a lag (a multiple drifts with the rate's variation). */
function peakNear(values: Float64Array, lag: number): number {
  if (lag >= values.length) return 0;
  const reach = Math.max(1, Math.round(lag * 0.03));
  let best = -1;
  for (let at = lag - reach; at <= Math.min(values.length - 1, lag + reach); at++) {
    best = Math.max(best, values[at]!);
  }
  return best;
}

/** The peak's lag to a fraction of a step, from the parabola through it and its neighbours. */
function refinedLag(values: Float64Array, at: number): number {
  const before = values[at - 1];
  const after = values[at + 1];
  if (before === undefined || after === undefined) return at;
  const curvature = before - 2 * values[at]! + after;
  return curvature < 0 ? at + (0.5 * (before - after)) / curvature : at;
}
