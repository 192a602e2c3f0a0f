/**
 * Alarm sounds for the three IEC 60601-1-8 priorities, synthesized with Web Audio.
 *
 * Why synthesized rather than sampled: the standard specifies the sound by measurable properties
 * (as publicly restated, e.g. in the IEC 60601-1-8 summaries of AAMI and the Wikipedia article on
 * the standard), so building each pulse from those numbers keeps the sound auditable:
 * - every pulse has a fundamental between 150 and 1000 Hz and at least 4 harmonic components in
 *   300–4000 Hz, each within ±15 dB of the fundamental;
 * - pulse duration t_d is 75–200 ms for high priority and 125–250 ms for medium/low, with rise and
 *   fall times 10–20 % of t_d (gain ramps, so there are no clicks);
 * - high priority is a 10-pulse burst "3+2, 3+2": pulse spacing x of 50–125 ms inside a group,
 *   2x + t_d between pulses 3–4 and 8–9, 0.35–1.30 s between pulses 5–6, repeated every 2.5–15 s;
 * - medium priority is a 3-pulse burst with spacing y of 125–250 ms, repeated every 2.5–30 s;
 * - low priority is one (or two) pulses, repeated no more often than every 15 s.
 *
 * The choices made here (documented in TONE_PATTERNS): high uses C5 (523.25 Hz) with 150 ms
 * pulses, medium G4 (392 Hz) with 200 ms pulses, low E4 (329.63 Hz) with one 200 ms pulse, so the
 * priorities differ by pitch as well as by rhythm. Every priority uses the same harmonic recipe:
 * the fundamental plus harmonics 2–5 at −2 to −8 dB, all of them inside 300–4000 Hz.
 *
 * The module is DOM-free: it only needs a BaseAudioContext, so it renders the same in a live
 * AudioContext and in an OfflineAudioContext (which is how the Chromium test measures it).
 */
import type { AlarmPriority } from '../../../shared/model/schemas';

export interface TonePattern {
  /** Fundamental frequency in Hz (IEC 60601-1-8: 150–1000 Hz). */
  fundamentalHz: number;
  /** Relative amplitudes of the partials: index 0 is the fundamental, index 1 the 2nd harmonic… */
  harmonics: readonly number[];
  /** Pulse duration t_d in ms, ramps included. */
  pulseMs: number;
  /** Rise time in ms (10–20 % of t_d). */
  riseMs: number;
  /** Fall time in ms (10–20 % of t_d). */
  fallMs: number;
  /** Onset of each pulse within the burst, ms from the burst start. */
  onsetsMs: readonly number[];
  /** Burst repetition interval (start to start) in ms. */
  repeatMs: number;
}

/** Fundamental plus harmonics 2–5 at 0, −1.9, −4.4, −6.0 and −8.0 dB. */
const HARMONICS: readonly number[] = [1, 0.8, 0.6, 0.5, 0.4];

/** Onsets of pulses of length `pulseMs` separated by the given silent gaps. */
export function onsetsFromGaps(pulseMs: number, gapsMs: readonly number[]): number[] {
  const onsets = [0];
  for (const gap of gapsMs) onsets.push((onsets[onsets.length - 1] ?? 0) + pulseMs + gap);
  return onsets;
}

/** Silent gaps between consecutive pulses (offset of one to onset of the next), ms. */
export function pulseGapsMs(pattern: TonePattern): number[] {
  return pattern.onsetsMs
    .slice(1)
    .map((onset, i) => onset - (pattern.onsetsMs[i] ?? 0) - pattern.pulseMs);
}

/** Length of one burst, from the first onset to the end of the last pulse, ms. */
export function burstDurationMs(pattern: TonePattern): number {
  return (pattern.onsetsMs[pattern.onsetsMs.length - 1] ?? 0) + pattern.pulseMs;
}

const HIGH_PULSE_MS = 150;
const HIGH_X_MS = 75;
const HIGH_GROUP_GAP_MS = 2 * HIGH_X_MS + HIGH_PULSE_MS; // between pulses 3–4 and 8–9
const HIGH_HALF_GAP_MS = 500; // between pulses 5–6 (0.35–1.30 s)
const MEDIUM_Y_MS = 125;

export const TONE_PATTERNS: Record<AlarmPriority, TonePattern> = {
  high: {
    fundamentalHz: 523.25, // C5
    harmonics: HARMONICS,
    pulseMs: HIGH_PULSE_MS,
    riseMs: 20,
    fallMs: 20,
    onsetsMs: onsetsFromGaps(HIGH_PULSE_MS, [
      HIGH_X_MS,
      HIGH_X_MS,
      HIGH_GROUP_GAP_MS,
      HIGH_X_MS,
      HIGH_HALF_GAP_MS,
      HIGH_X_MS,
      HIGH_X_MS,
      HIGH_GROUP_GAP_MS,
      HIGH_X_MS,
    ]),
    repeatMs: 10_000,
  },
  medium: {
    fundamentalHz: 392, // G4
    harmonics: HARMONICS,
    pulseMs: 200,
    riseMs: 30,
    fallMs: 30,
    onsetsMs: onsetsFromGaps(200, [MEDIUM_Y_MS, MEDIUM_Y_MS]),
    repeatMs: 25_000,
  },
  low: {
    fundamentalHz: 329.63, // E4
    harmonics: HARMONICS,
    pulseMs: 200,
    riseMs: 30,
    fallMs: 30,
    onsetsMs: [0],
    repeatMs: 30_000,
  },
};

/** Visual alarm signal (IEC 60601-1-8): high flashes 1.4–2.8 Hz, medium 0.4–0.8 Hz, low steady. */
export const FLASH: Record<AlarmPriority, { hz: number; duty: number } | null> = {
  high: { hz: 2, duty: 0.5 },
  medium: { hz: 0.5, duty: 0.5 },
  low: null,
};

/** Whether the indicator of a priority is lit `elapsedMs` after its flashing started. */
export function isFlashLit(priority: AlarmPriority, elapsedMs: number): boolean {
  const flash = FLASH[priority];
  if (!flash) return true;
  const periodMs = 1000 / flash.hz;
  const phase = (((elapsedMs % periodMs) + periodMs) % periodMs) / periodMs;
  return phase < flash.duty;
}

/** One scheduled burst: when it ends, and a way to silence it early (with a short fade). */
export interface BurstHandle {
  endTime: number;
  cancel(when?: number): void;
}

const CANCEL_FADE_S = 0.01;
const waveCache = new WeakMap<BaseAudioContext, Map<AlarmPriority, PeriodicWave>>();

function periodicWave(ctx: BaseAudioContext, priority: AlarmPriority): PeriodicWave {
  let perContext = waveCache.get(ctx);
  if (!perContext) waveCache.set(ctx, (perContext = new Map()));
  let wave = perContext.get(priority);
  if (!wave) {
    const { harmonics } = TONE_PATTERNS[priority];
    const real = new Float32Array(harmonics.length + 1);
    const imag = new Float32Array(harmonics.length + 1);
    harmonics.forEach((amplitude, i) => (imag[i + 1] = amplitude));
    // Normalization (the default) scales the summed waveform to a peak of 1: no clipping.
    wave = ctx.createPeriodicWave(real, imag);
    perContext.set(priority, wave);
  }
  return wave;
}

function scheduleEnvelope(param: AudioParam, t0: number, pattern: TonePattern, peak: number) {
  for (const onsetMs of pattern.onsetsMs) {
    const start = t0 + onsetMs / 1000;
    const end = start + pattern.pulseMs / 1000;
    param.setValueAtTime(0, start);
    param.linearRampToValueAtTime(peak, start + pattern.riseMs / 1000);
    param.setValueAtTime(peak, end - pattern.fallMs / 1000);
    param.linearRampToValueAtTime(0, end);
  }
}

function fadeOut(param: AudioParam, at: number) {
  if (typeof param.cancelAndHoldAtTime === 'function') {
    param.cancelAndHoldAtTime(at);
  } else {
    param.cancelScheduledValues(at);
    param.setValueAtTime(param.value, at);
  }
  param.linearRampToValueAtTime(0, at + CANCEL_FADE_S);
}

/**
 * Schedule one burst of `priority` on `ctx`, starting at `startTime` (context seconds, clamped to
 * now) into `destination`: one oscillator carrying the harmonic PeriodicWave, gated by a gain
 * envelope with linear rise and fall ramps.
 */
export function scheduleBurst(
  ctx: BaseAudioContext,
  destination: AudioNode,
  priority: AlarmPriority,
  startTime: number,
  volume = 1,
): BurstHandle {
  const pattern = TONE_PATTERNS[priority];
  const t0 = Math.max(startTime, ctx.currentTime);
  const endTime = t0 + burstDurationMs(pattern) / 1000;
  const oscillator = ctx.createOscillator();
  const gain = ctx.createGain();
  oscillator.setPeriodicWave(periodicWave(ctx, priority));
  oscillator.frequency.value = pattern.fundamentalHz;
  gain.gain.value = 0;
  scheduleEnvelope(gain.gain, t0, pattern, Math.min(1, Math.max(0, volume)));
  oscillator.connect(gain).connect(destination);
  let ended = false;
  oscillator.onended = () => {
    ended = true;
    oscillator.disconnect();
    gain.disconnect();
  };
  oscillator.start(t0);
  oscillator.stop(endTime);
  const cancel = (when = ctx.currentTime) => {
    const at = Math.max(when, ctx.currentTime);
    if (ended || at >= endTime) return;
    fadeOut(gain.gain, at);
    oscillator.stop(at + CANCEL_FADE_S);
  };
  return { endTime, cancel };
}

/** The timer functions AlarmSounder uses; injectable so tests can drive time by hand. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface AlarmSounderOptions {
  /** Where the sound goes; the context's destination unless given. */
  destination?: AudioNode;
  timers?: Timers;
  /** How far ahead of its start a burst is handed to the audio thread, ms. */
  lookaheadMs?: number;
  /** Overrides of the burst repetition intervals, ms. */
  repeatMs?: Partial<Record<AlarmPriority, number>>;
  /** Initial volume, 0..1. */
  volume?: number;
}

const START_LEAD_S = 0.03;
/** A timer firing this little early still counts as on time (no busy re-arming). */
const TIMER_SLACK_S = 0.005;
const VOLUME_SMOOTHING_S = 0.015;

const defaultTimers: Timers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

const clamp01 = (v: number) => Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0));

/**
 * Plays the repeating burst of one priority (the most urgent alarm sounding) until told otherwise.
 * A timer wakes shortly before each burst is due and schedules it on the audio clock, so the
 * rhythm is sample-accurate even if the timer is late. The context is injected and never resumed
 * here: the caller owns it (and its autoplay unlock).
 */
export class AlarmSounder {
  private readonly master: GainNode;
  private readonly timers: Timers;
  private readonly lookaheadS: number;
  private readonly repeatMs: Partial<Record<AlarmPriority, number>>;
  private sounding: AlarmPriority | null = null;
  private bursts: BurstHandle[] = [];
  private timer: unknown = null;
  private nextBurstAt = 0;
  private currentVolume: number;
  private disposed = false;

  constructor(
    private readonly ctx: BaseAudioContext,
    options: AlarmSounderOptions = {},
  ) {
    this.timers = options.timers ?? defaultTimers;
    this.lookaheadS = (options.lookaheadMs ?? 200) / 1000;
    this.repeatMs = options.repeatMs ?? {};
    this.currentVolume = clamp01(options.volume ?? 1);
    this.master = ctx.createGain();
    this.master.gain.value = this.currentVolume;
    this.master.connect(options.destination ?? ctx.destination);
  }

  get priority(): AlarmPriority | null {
    return this.sounding;
  }

  get volume(): number {
    return this.currentVolume;
  }

  /** Sound `priority` (restarting at once if it differs from the current one), or stop on null. */
  setSounding(priority: AlarmPriority | null): void {
    if (this.disposed || priority === this.sounding) return;
    this.silence();
    this.sounding = priority;
    if (priority === null) return;
    this.nextBurstAt = this.ctx.currentTime + START_LEAD_S;
    this.tick();
  }

  setVolume(volume: number): void {
    if (this.disposed) return;
    this.currentVolume = clamp01(volume);
    const gain = this.master.gain;
    gain.cancelScheduledValues(this.ctx.currentTime);
    gain.setTargetAtTime(this.currentVolume, this.ctx.currentTime, VOLUME_SMOOTHING_S);
  }

  dispose(): void {
    if (this.disposed) return;
    this.setSounding(null);
    this.master.disconnect();
    this.disposed = true;
  }

  private repeatSeconds(priority: AlarmPriority): number {
    const ms = this.repeatMs[priority] ?? TONE_PATTERNS[priority].repeatMs;
    // Never let a burst overlap the next one.
    return Math.max(ms, burstDurationMs(TONE_PATTERNS[priority])) / 1000;
  }

  private tick(): void {
    this.timer = null;
    const priority = this.sounding;
    if (priority === null) return;
    const now = this.ctx.currentTime;
    this.bursts = this.bursts.filter((burst) => burst.endTime > now);
    if (this.nextBurstAt - now <= this.lookaheadS + TIMER_SLACK_S) {
      const start = Math.max(this.nextBurstAt, now + START_LEAD_S);
      this.bursts.push(scheduleBurst(this.ctx, this.master, priority, start));
      this.nextBurstAt = start + this.repeatSeconds(priority);
    }
    const delayMs = Math.max(0, (this.nextBurstAt - this.lookaheadS - now) * 1000);
    this.timer = this.timers.setTimeout(() => this.tick(), delayMs);
  }

  private silence(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    for (const burst of this.bursts) burst.cancel();
    this.bursts = [];
  }
}
