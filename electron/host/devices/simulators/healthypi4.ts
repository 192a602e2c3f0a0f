// Byte-exact HealthyPi v4 simulator: type 0x02 frames (../shared/protocols/README.md §2b) paced at
// 125 frames/s, with simple synthetic shapes that follow the vitals' heart and breathing rates.

import type { DeviceSimulator, SimulatedVitals, SimulatorOptions } from '../simulator';

export interface Healthypi4Sample {
  ecg: number;
  resp: number;
  ir: number;
  red: number;
  tempCentiC: number;
  rr: number;
  spo2: number;
  hr: number;
  /** ADS1292R status byte, sent as-is (the simulator sends 0: no status bits set). */
  status: number;
}

const FRAME_BYTES = 27;
const PAYLOAD_BYTES = 20;
const TYPE_SAMPLE = 0x02;
// Bytes 17–18 of every frame: constants the firmware always sends.
const CONSTANT_A = 80;
const CONSTANT_B = 120;

/** Encodes one type 0x02 frame in the §2b layout. */
export function encodeHealthypi4Frame(sample: Healthypi4Sample): Uint8Array {
  const frame = new Uint8Array(FRAME_BYTES);
  const view = new DataView(frame.buffer);
  frame.set([0x0a, 0xfa, PAYLOAD_BYTES, 0x00, TYPE_SAMPLE]);
  view.setInt16(5, sample.ecg, true);
  view.setInt16(7, sample.resp, true);
  view.setInt32(9, sample.ir, true);
  view.setInt32(13, sample.red, true);
  view.setUint16(17, sample.tempCentiC, true);
  frame.set([sample.rr, sample.spo2, sample.hr, CONSTANT_A, CONSTANT_B, sample.status], 19);
  frame.set([0x00, 0x0b], 25);
  return frame;
}

export type Healthypi4SimulatorOptions = SimulatorOptions & {
  /** How often the pacing timer looks for due frames. */
  tickMs?: number;
  /** Sees every frame as it is sent, so tests can record exactly what went out. */
  onFrame?(index: number, sample: Healthypi4Sample): void;
};

const RATE_HZ = 125;
const DEFAULT_TICK_MS = 10;
// A stalled host (laptop asleep) gets no backlog: a real device does not buffer for it either.
const MAX_BACKLOG_FRAMES = 2 * RATE_HZ;

// Simulator choices, not the device's scale (which is not public): ECG counts = µV; IR and red =
// an offset near the worked example plus the pulse wave; respiration ±2000 counts.
const ECG_COUNTS_PER_MV = 1000;
const IR_OFFSET = 123456;
const IR_COUNTS_PER_UNIT = 20000;
const RED_OFFSET = 98765;
const RED_COUNTS_PER_UNIT = 15000;
const RESP_COUNTS = 2000;

function bump(phase: number, centre: number, width: number): number {
  return Math.exp(-(((phase - centre) / width) ** 2));
}

// `+ 0` turns a rounded -0 into 0, which the wire cannot tell apart anyway.
const count = (value: number): number => Math.round(value) + 0;
const byte = (value: number): number => Math.min(255, Math.max(0, Math.round(value)));

/**
 * Frame n is due at startedAt + n × 8 ms. Each tick writes every frame due by then, concatenated
 * into one write, so the host sees the device's pacing to within one tick.
 */
export function createHealthypi4Simulator(options: Healthypi4SimulatorOptions): DeviceSimulator {
  const now = options.now ?? Date.now;
  let vitals: SimulatedVitals = { ...options.vitals };
  let timer: ReturnType<typeof setInterval> | undefined;
  let startedAt = 0;
  let nextIndex = 0;
  // Phases advance per sample at the current rates, so a rate change never jumps the waveform.
  let beatPhase = 0;
  let breathPhase = 0;

  function nextSample(): Healthypi4Sample {
    beatPhase = (beatPhase + vitals.hr / 60 / RATE_HZ) % 1;
    breathPhase = (breathPhase + vitals.rr / 60 / RATE_HZ) % 1;
    const mv =
      1.2 * bump(beatPhase, 0.2, 0.015) -
      0.15 * bump(beatPhase, 0.23, 0.02) +
      0.3 * bump(beatPhase, 0.5, 0.06);
    // Breathing moves the pleth baseline, as in a real finger: without it the trace would rest
    // on exactly one value between beats, which the signal-quality check rightly calls clipped.
    const pleth =
      bump(beatPhase, 0.35, 0.1) +
      0.3 * bump(beatPhase, 0.6, 0.08) +
      0.06 * Math.sin(2 * Math.PI * breathPhase);
    return {
      ecg: count(mv * ECG_COUNTS_PER_MV),
      resp: count(RESP_COUNTS * Math.sin(2 * Math.PI * breathPhase)),
      ir: count(IR_OFFSET + pleth * IR_COUNTS_PER_UNIT),
      red: count(RED_OFFSET + pleth * RED_COUNTS_PER_UNIT),
      tempCentiC: Math.min(0xffff, Math.max(0, Math.round(vitals.tempC * 100))),
      rr: byte(vitals.rr),
      spo2: byte(vitals.spo2),
      hr: byte(vitals.hr),
      status: 0,
    };
  }

  function sendDueFrames(): void {
    const dueCount = Math.floor(((now() - startedAt) * RATE_HZ) / 1000) + 1;
    if (dueCount - nextIndex > MAX_BACKLOG_FRAMES) nextIndex = dueCount - MAX_BACKLOG_FRAMES;
    if (dueCount <= nextIndex) return;
    const frames = new Uint8Array((dueCount - nextIndex) * FRAME_BYTES);
    for (let at = 0; nextIndex < dueCount; at += FRAME_BYTES, nextIndex++) {
      const sample = nextSample();
      frames.set(encodeHealthypi4Frame(sample), at);
      options.onFrame?.(nextIndex, sample);
    }
    options.write(frames);
  }

  return {
    /** Starts a new run: frame 0 goes out now, the rest as they fall due. No-op while running. */
    start() {
      if (timer !== undefined) return;
      startedAt = now();
      nextIndex = 0;
      timer = setInterval(sendDueFrames, options.tickMs ?? DEFAULT_TICK_MS);
      sendDueFrames();
    },
    stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    },
    setVitals(partial) {
      vitals = { ...vitals, ...partial };
    },
  };
}
