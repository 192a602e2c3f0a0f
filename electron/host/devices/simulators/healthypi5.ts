// Byte-exact HealthyPi 5 simulator: type 0x02 frames (../shared/protocols/README.md §2a) paced at
// 128 frames/s, fed by real demo recordings or, when none is available, by simple synthetic shapes.

import type { DemoRecordings } from './recordings';

export interface Healthypi5Sample {
  ecg: number;
  bioz: number;
  /** True when `bioz` repeats the last value (the device samples BioZ at half the ECG rate). */
  biozSkip: boolean;
  red: number;
  ir: number;
  tempCentiC: number;
  spo2: number;
  hr: number;
  rr: number;
}

const FRAME_BYTES = 29;
const PAYLOAD_BYTES = 22;
const TYPE_SAMPLE = 0x02;

/** Encodes one type 0x02 frame exactly as the firmware's sendData() lays it out. */
export function encodeHealthypi5Frame(sample: Healthypi5Sample): Uint8Array {
  const frame = new Uint8Array(FRAME_BYTES);
  const view = new DataView(frame.buffer);
  frame.set([0x0a, 0xfa, PAYLOAD_BYTES, 0x00, TYPE_SAMPLE]);
  view.setInt32(5, sample.ecg, true);
  view.setInt32(9, sample.bioz, true);
  view.setUint8(13, sample.biozSkip ? 0xff : 0x00);
  view.setInt32(14, sample.red, true);
  view.setInt32(18, sample.ir, true);
  view.setInt16(22, sample.tempCentiC, true);
  view.setUint8(24, sample.spo2);
  view.setUint8(25, sample.hr);
  view.setUint8(26, sample.rr);
  frame.set([0x00, 0x0b], 27);
  return frame;
}

/** Waveform counts at 128 Hz; the simulator takes `bioz` from every other call (64 Hz). */
export interface WaveformSource {
  next(): { ecg: number; ir: number; red: number; bioz: number };
  /** A source that follows the vitals (a synthetic one) hears of every change. */
  setVitals?(vitals: Vitals): void;
}

export interface Vitals {
  hr: number;
  spo2: number;
  rr: number;
  tempC: number;
}

export interface Healthypi5SimulatorOptions {
  write(bytes: Uint8Array): void;
  source: WaveformSource;
  vitals: Vitals;
  /** Clock in ms; Date.now by default. */
  now?: () => number;
  rateHz?: 128;
  /** How often the pacing timer looks for due frames. */
  tickMs?: number;
  /** Sees every frame as it is sent, so tests can record exactly what went out. */
  onFrame?(index: number, sample: Healthypi5Sample): void;
}

const DEFAULT_TICK_MS = 10;
// A stalled host (laptop asleep) gets no backlog: a real device does not buffer for it either.
const MAX_BACKLOG_MS = 2000;

/**
 * Sample n is due at startedAt + n × 1000 / rateHz ms. Each tick writes every frame due by then,
 * concatenated into one write, so the host sees the device's pacing to within one tick.
 */
export class Healthypi5Simulator {
  readonly #options: Healthypi5SimulatorOptions;
  readonly #now: () => number;
  readonly #rateHz: number;
  #vitals: Vitals;
  #timer: ReturnType<typeof setInterval> | undefined;
  #startedAt: number | null = null;
  #nextIndex = 0;
  #framesSent = 0;
  #lastBioz = 0;

  constructor(options: Healthypi5SimulatorOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#rateHz = options.rateHz ?? 128;
    this.#vitals = { ...options.vitals };
  }

  /** Clock time (ms) of the current run's sample 0; null before start(). */
  get startedAt(): number | null {
    return this.#startedAt;
  }

  get framesSent(): number {
    return this.#framesSent;
  }

  /** Starts a new run: sample 0 goes out now, the rest as they fall due. No-op while running. */
  start(): void {
    if (this.#timer !== undefined) return;
    this.#startedAt = this.#now();
    this.#nextIndex = 0;
    this.#framesSent = 0;
    this.#timer = setInterval(() => this.#sendDueFrames(), this.#options.tickMs ?? DEFAULT_TICK_MS);
    this.#sendDueFrames();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Changes the numerics carried by the frames sent from now on. */
  setVitals(partial: Partial<Vitals>): void {
    this.#vitals = { ...this.#vitals, ...partial };
    this.#options.source.setVitals?.(this.#vitals);
  }

  #sendDueFrames(): void {
    if (this.#startedAt === null) return;
    const elapsedMs = this.#now() - this.#startedAt;
    const dueCount = Math.floor((elapsedMs * this.#rateHz) / 1000) + 1;
    const maxBacklog = Math.ceil((MAX_BACKLOG_MS * this.#rateHz) / 1000);
    if (dueCount - this.#nextIndex > maxBacklog) this.#nextIndex = dueCount - maxBacklog;
    if (dueCount <= this.#nextIndex) return;

    const frames = new Uint8Array((dueCount - this.#nextIndex) * FRAME_BYTES);
    for (let at = 0; this.#nextIndex < dueCount; at += FRAME_BYTES) {
      const sample = this.#nextSample(this.#nextIndex);
      frames.set(encodeHealthypi5Frame(sample), at);
      this.#options.onFrame?.(this.#nextIndex, sample);
      this.#nextIndex++;
    }
    this.#framesSent += frames.length / FRAME_BYTES;
    this.#options.write(frames);
  }

  #nextSample(index: number): Healthypi5Sample {
    const waves = this.#options.source.next();
    const biozSkip = index % 2 === 1;
    if (!biozSkip) this.#lastBioz = waves.bioz;
    const vitals = this.#vitals;
    return {
      ecg: waves.ecg,
      bioz: this.#lastBioz,
      biozSkip,
      red: waves.red,
      ir: waves.ir,
      tempCentiC: Math.round(vitals.tempC * 100),
      spo2: Math.round(vitals.spo2),
      hr: Math.round(vitals.hr),
      rr: Math.round(vitals.rr),
    };
  }
}

const SOURCE_RATE_HZ = 128;

// Simulator choices, not the device's scale (which is not public): ECG counts = µV (mV × 1000);
// IR and red = an offset near the firmware example values plus the normalised pleth × 20000 and
// × 15000 (red is derived from the same pleth: the recording has no red channel);
// BioZ = (normalised resp − 0.5) × 20000.
const ECG_COUNTS_PER_MV = 1000;
const IR_OFFSET = 200000;
const IR_COUNTS_PER_UNIT = 20000;
const RED_OFFSET = 190000;
const RED_COUNTS_PER_UNIT = 15000;
const BIOZ_COUNTS_PER_UNIT = 20000;

// `+ 0` turns a rounded -0 into 0, which the wire cannot tell apart anyway.
const count = (value: number): number => Math.round(value) + 0;

function toCounts(mv: number, pleth: number, resp: number): ReturnType<WaveformSource['next']> {
  return {
    ecg: count(mv * ECG_COUNTS_PER_MV),
    ir: count(IR_OFFSET + pleth * IR_COUNTS_PER_UNIT),
    red: count(RED_OFFSET + pleth * RED_COUNTS_PER_UNIT),
    bioz: count((resp - 0.5) * BIOZ_COUNTS_PER_UNIT),
  };
}

/** Linear interpolation of a looped recording at time `seconds`. */
function valueAt(values: Float32Array, rateHz: number, seconds: number): number {
  if (values.length === 0) return 0;
  const position = (seconds * rateHz) % values.length;
  const before = Math.floor(position);
  const after = (before + 1) % values.length;
  const fraction = position - before;
  return (values[before] ?? 0) * (1 - fraction) + (values[after] ?? 0) * fraction;
}

/** Plays the demo recordings in a loop, resampled to 128 Hz and scaled to integer counts. */
export function recordingSource(recordings: DemoRecordings): WaveformSource {
  let index = 0;
  return {
    next() {
      const seconds = index++ / SOURCE_RATE_HZ;
      const pleth = valueAt(recordings.pleth.values, recordings.pleth.rateHz, seconds);
      const resp = valueAt(recordings.resp.values, recordings.resp.rateHz, seconds);
      const mv = valueAt(recordings.ecg.mv, recordings.ecg.rateHz, seconds);
      return toCounts(mv, pleth, resp);
    },
  };
}

function bump(phase: number, centre: number, width: number): number {
  return Math.exp(-(((phase - centre) / width) ** 2));
}

/**
 * Fallback when no recording is available, and the waveforms of a scripted scenario: a QRS-and-T
 * beat, a pulse wave and a breath whose rates follow the simulator's vitals as they change, so
 * the workstation's own HR, PR and RR agree with the numerics the device sends.
 */
export function syntheticSource({ hr, rr = 15 }: { hr: number; rr?: number }): WaveformSource {
  let rates = { hr, rr };
  let beat = 0;
  let breath = 0;
  return {
    next() {
      beat = (beat + rates.hr / 60 / SOURCE_RATE_HZ) % 1;
      breath = (breath + rates.rr / 60 / SOURCE_RATE_HZ) % 1;
      // Widths in seconds, not in parts of a beat: a QRS does not narrow as the heart speeds up
      // (one that did would read as high-frequency noise at 135 /min).
      const width = (seconds: number) => (seconds * rates.hr) / 60;
      const mv =
        1.2 * bump(beat, 0.2, width(0.012)) -
        0.15 * bump(beat, 0.23, width(0.016)) +
        0.3 * bump(beat, 0.5, width(0.048));
      const resp = 0.5 + 0.5 * Math.sin(2 * Math.PI * breath);
      // A real pleth's baseline moves with breathing; a flat one sits at the window's minimum
      // for most of each beat, which the workstation rightly reads as a clipped signal.
      const pleth =
        bump(beat, 0.35, 0.1) + 0.3 * bump(beat, 0.6, 0.08) + 0.06 * Math.sin(2 * Math.PI * breath);
      return toCounts(mv, pleth, resp);
    },
    setVitals(vitals) {
      rates = { hr: vitals.hr, rr: vitals.rr };
    },
  };
}
