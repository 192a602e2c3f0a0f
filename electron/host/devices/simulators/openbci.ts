// Byte-exact OpenBCI Cyton simulator (../shared/protocols/README.md §8): idle until the host sends
// "b", then 250 frames/s until "s". Channel 1 carries a synthetic ECG at the vitals' heart rate.

import type { DeviceSimulator, SimulatedVitals, SimulatorOptions } from '../simulator';

export interface OpenbciSample {
  /** 0–255, wrapping. */
  sampleNumber: number;
  /** Eight signed 24-bit counts. */
  channels: readonly number[];
  /** Accelerometer X, Y, Z in i16 counts (sent with footer C0). */
  accel: readonly [number, number, number];
}

const FRAME_BYTES = 33;
const CHANNEL_COUNT = 8;
const FOOTER_ACCEL = 0xc0;

/** Encodes one frame with footer C0 (accelerometer in the aux bytes). */
export function encodeOpenbciFrame(sample: OpenbciSample): Uint8Array {
  const frame = new Uint8Array(FRAME_BYTES);
  const view = new DataView(frame.buffer);
  frame[0] = 0xa0;
  frame[1] = sample.sampleNumber & 0xff;
  for (let i = 0; i < CHANNEL_COUNT; i++) {
    const value = sample.channels[i] ?? 0;
    frame.set([(value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff], 2 + 3 * i);
  }
  sample.accel.forEach((value, i) => view.setInt16(26 + 2 * i, value, false));
  frame[32] = FOOTER_ACCEL;
  return frame;
}

export type OpenbciSimulatorOptions = SimulatorOptions & {
  /** How often the pacing timer looks for due frames. */
  tickMs?: number;
  /** Sees every frame as it is sent, so tests can record exactly what went out. */
  onFrame?(index: number, sample: OpenbciSample): void;
};

const RATE_HZ = 250;
const DEFAULT_TICK_MS = 10;
// A stalled host (laptop asleep) gets no backlog: a real device does not buffer for it either.
const MAX_BACKLOG_FRAMES = 2 * RATE_HZ;
const COMMAND_START = 0x62; // 'b'
const COMMAND_STOP = 0x73; // 's'

// Counts per mV at the default gain 24: 1000 µV / (4.5 V / 24 / (2^23 − 1)).
const ECG_COUNTS_PER_MV = 1000 / (4_500_000 / 24 / (2 ** 23 - 1));
// 1 g on Z (board lying flat) at 0.002/16 g per count.
const ACCEL_AT_REST: readonly [number, number, number] = [0, 0, 8000];

function bump(phase: number, centre: number, width: number): number {
  return Math.exp(-(((phase - centre) / width) ** 2));
}

/**
 * start() switches the board on, idle; "b" from the host starts a stream whose frame n is due at
 * the stream's start + n × 4 ms, "s" ends it. Each tick writes every due frame in one write.
 */
export function createOpenbciSimulator(options: OpenbciSimulatorOptions): DeviceSimulator {
  const now = options.now ?? Date.now;
  let vitals: SimulatedVitals = { ...options.vitals };
  let poweredOn = false;
  let timer: ReturnType<typeof setInterval> | undefined;
  let streamStartedAt = 0;
  let nextIndex = 0;
  // Advances per sample at the current rate, so a rate change never jumps the waveform.
  let beatPhase = 0;

  function nextSample(index: number): OpenbciSample {
    beatPhase = (beatPhase + vitals.hr / 60 / RATE_HZ) % 1;
    const mv =
      1.2 * bump(beatPhase, 0.2, 0.015) -
      0.15 * bump(beatPhase, 0.23, 0.02) +
      0.3 * bump(beatPhase, 0.5, 0.06);
    const channels = new Array<number>(CHANNEL_COUNT).fill(0);
    channels[0] = Math.round(mv * ECG_COUNTS_PER_MV) + 0;
    return { sampleNumber: index & 0xff, channels, accel: ACCEL_AT_REST };
  }

  function sendDueFrames(): void {
    const dueCount = Math.floor(((now() - streamStartedAt) * RATE_HZ) / 1000) + 1;
    if (dueCount - nextIndex > MAX_BACKLOG_FRAMES) nextIndex = dueCount - MAX_BACKLOG_FRAMES;
    if (dueCount <= nextIndex) return;
    const frames = new Uint8Array((dueCount - nextIndex) * FRAME_BYTES);
    for (let at = 0; nextIndex < dueCount; at += FRAME_BYTES, nextIndex++) {
      const sample = nextSample(nextIndex);
      frames.set(encodeOpenbciFrame(sample), at);
      options.onFrame?.(nextIndex, sample);
    }
    options.write(frames);
  }

  function startStream(): void {
    if (timer !== undefined) return;
    streamStartedAt = now();
    nextIndex = 0;
    timer = setInterval(sendDueFrames, options.tickMs ?? DEFAULT_TICK_MS);
    sendDueFrames();
  }

  function stopStream(): void {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  }

  return {
    start() {
      poweredOn = true;
    },
    stop() {
      stopStream();
      poweredOn = false;
    },
    setVitals(partial) {
      vitals = { ...vitals, ...partial };
    },
    receive(bytes) {
      if (!poweredOn) return;
      for (const byte of bytes) {
        if (byte === COMMAND_START) startStream();
        else if (byte === COMMAND_STOP) stopStream();
      }
    },
  };
}
