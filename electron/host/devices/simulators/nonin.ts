// Byte-exact Nonin simulator: data formats 2 and 7 (75 frames/s in packets of 25) and 8 (once per
// second), ../shared/protocols/README.md §4. Answers the 9560 format-select command with ACK/NAK.

import {
  FRAMES_PER_PACKET,
  NONIN_ACK,
  NONIN_NAK,
  noninFormatSelect,
  type NoninFormat,
} from '../drivers/nonin';
import type { DeviceSimulator, SimulatedVitals, SimulatorOptions } from '../simulator';

export interface NoninStatus {
  sensorDisconnected?: boolean;
  artifact?: boolean;
  outOfTrack?: boolean;
  sensorAlarm?: boolean;
  /** Green is normal; 'none' sends 00 in the perfusion bits. */
  perfusion?: 'green' | 'red' | 'yellow' | 'none';
}

export interface NoninPlethFrame {
  /** Set in frame 1 of each packet. */
  sync: boolean;
  pleth: number;
  /** The frame-dependent byte (HR, SpO2, … by frame number). */
  data: number;
  status?: NoninStatus;
}

const PERFUSION_BITS = { none: 0b00, green: 0b01, red: 0b10, yellow: 0b11 } as const;

function statusByte(sync: boolean, status: NoninStatus = {}): number {
  let byte = 0x80 | (PERFUSION_BITS[status.perfusion ?? 'green'] << 1);
  if (status.sensorDisconnected) byte |= 0x40;
  if (status.artifact) byte |= 0x20;
  if (status.outOfTrack) byte |= 0x10;
  if (status.sensorAlarm) byte |= 0x08;
  if (sync) byte |= 0x01;
  return byte;
}

function withChecksum(first4: number[]): Uint8Array {
  const sum = first4.reduce((total, byte) => total + byte, 0);
  return Uint8Array.of(...first4, sum & 0xff);
}

/** Format 2: `01, status, pleth (8-bit), data, checksum`. */
export function encodeNoninFormat2(frame: NoninPlethFrame): Uint8Array {
  return withChecksum([0x01, statusByte(frame.sync, frame.status), frame.pleth & 0xff, frame.data]);
}

/** Format 7: `status, pleth MSB, pleth LSB, data, checksum`. */
export function encodeNoninFormat7(frame: NoninPlethFrame): Uint8Array {
  const status = statusByte(frame.sync, frame.status);
  return withChecksum([status, (frame.pleth >> 8) & 0xff, frame.pleth & 0xff, frame.data]);
}

/** The frame-dependent byte of frame `frameNumber` (1..25) carrying `hr` and `spo2`. */
export function noninPacketDataByte(frameNumber: number, hr: number, spo2: number): number {
  if (frameNumber === 1) return (hr >> 7) & 0x03;
  if (frameNumber === 2) return hr & 0x7f;
  if (frameNumber === 3) return spo2 & 0x7f;
  return 0;
}

export interface NoninFormat8Fields {
  hr: number;
  spo2: number;
  sensorDisconnected?: boolean;
  outOfTrack?: boolean;
  lowPerfusion?: boolean;
  marginalPerfusion?: boolean;
  artifact?: boolean;
  sensorAlarm?: boolean;
  lowBattery?: boolean;
  criticalBattery?: boolean;
}

/** Format 8: four bytes, no checksum. */
export function encodeNoninFormat8(fields: NoninFormat8Fields): Uint8Array {
  let status = 0x80 | ((fields.hr >> 7) & 0x03);
  if (fields.sensorDisconnected) status |= 0x40;
  if (fields.outOfTrack) status |= 0x20;
  if (fields.lowPerfusion) status |= 0x10;
  if (fields.marginalPerfusion) status |= 0x08;
  if (fields.artifact) status |= 0x04;
  let status2 = 0;
  if (fields.sensorAlarm) status2 |= 0x08;
  if (fields.criticalBattery) status2 |= 0x02;
  if (fields.lowBattery) status2 |= 0x01;
  return Uint8Array.of(status, fields.hr & 0x7f, fields.spo2 & 0xff, status2);
}

export type NoninSimulatorOptions = SimulatorOptions & {
  /** How often the pacing timer looks for due frames. */
  tickMs?: number;
  /** Sees every frame as it is sent (its index in the run and its bytes). */
  onFrame?: (index: number, frame: Uint8Array) => void;
};

export interface NoninSimulator extends DeviceSimulator {
  readonly format: NoninFormat;
  readonly framesSent: number;
  readonly startedAt: number | null;
  receive(bytes: Uint8Array): void;
}

const DEFAULT_TICK_MS = 10;
// A stalled host (laptop asleep) gets no backlog: a real device does not buffer for it either.
const MAX_BACKLOG_MS = 2000;
const PLETH_RATE_HZ = 75;
const FORMAT8_RATE_HZ = 1;
const KNOWN_FORMATS: readonly number[] = [2, 7, 8];
const COMMAND_BYTES = 6;

// Simulator choices, not the device's scale: the pulse shape spans most of each format's range.
const PLETH_RANGE: Record<2 | 7, { offset: number; span: number }> = {
  2: { offset: 20, span: 200 },
  7: { offset: 2000, span: 50000 },
};

function bump(phase: number, centre: number, width: number): number {
  return Math.exp(-(((phase - centre) / width) ** 2));
}

/** A systolic peak and a dicrotic bump, 0..~1, at `hr` beats per minute. */
function pulseShape(beatPhase: number): number {
  return Math.min(1, bump(beatPhase, 0.35, 0.1) + 0.3 * bump(beatPhase, 0.6, 0.08));
}

const clamp = (value: number, low: number, high: number): number =>
  Math.min(high, Math.max(low, Math.round(value)));

/**
 * Frame n is due at startedAt + n × period. Each tick writes every frame due by then in one write.
 * Vitals are latched at frame 1 of each packet so a packet never mixes two heart rates.
 */
export function createNoninSimulator(
  initialFormat: NoninFormat,
  options: NoninSimulatorOptions,
): NoninSimulator {
  const now = options.now ?? Date.now;
  let format: NoninFormat = initialFormat;
  let vitals: SimulatedVitals = { ...options.vitals };
  let timer: ReturnType<typeof setInterval> | undefined;
  let startedAt: number | null = null;
  let nextIndex = 0;
  let framesSent = 0;
  let beatPhase = 0;
  let packetVitals = { hr: 0, spo2: 0 };
  let received: number[] = [];

  const rateHz = (): number => (format === 8 ? FORMAT8_RATE_HZ : PLETH_RATE_HZ);
  const latchedVitals = () => ({ hr: clamp(vitals.hr, 0, 510), spo2: clamp(vitals.spo2, 0, 100) });

  function encodeFrame(index: number): Uint8Array {
    if (format === 8) return encodeNoninFormat8(latchedVitals());
    const frameNumber = (index % FRAMES_PER_PACKET) + 1;
    if (frameNumber === 1) packetVitals = latchedVitals();
    beatPhase = (beatPhase + Math.max(0, vitals.hr) / 60 / PLETH_RATE_HZ) % 1;
    const { offset, span } = PLETH_RANGE[format];
    const frame: NoninPlethFrame = {
      sync: frameNumber === 1,
      pleth: Math.round(offset + span * pulseShape(beatPhase)),
      data: noninPacketDataByte(frameNumber, packetVitals.hr, packetVitals.spo2),
    };
    return format === 2 ? encodeNoninFormat2(frame) : encodeNoninFormat7(frame);
  }

  function sendDueFrames(): void {
    if (startedAt === null) return;
    const rate = rateHz();
    const dueCount = Math.floor(((now() - startedAt) * rate) / 1000) + 1;
    const maxBacklog = Math.ceil((MAX_BACKLOG_MS * rate) / 1000);
    if (dueCount - nextIndex > maxBacklog) {
      nextIndex = dueCount - maxBacklog;
      // Resume at a packet boundary so the host can assemble the next packet at once.
      if (format !== 8) nextIndex = Math.ceil(nextIndex / FRAMES_PER_PACKET) * FRAMES_PER_PACKET;
    }
    if (dueCount <= nextIndex) return;
    const frames: Uint8Array[] = [];
    for (; nextIndex < dueCount; nextIndex++) {
      const frame = encodeFrame(nextIndex);
      options.onFrame?.(nextIndex, frame);
      frames.push(frame);
    }
    const bytes = new Uint8Array(frames.reduce((sum, frame) => sum + frame.length, 0));
    let at = 0;
    for (const frame of frames) {
      bytes.set(frame, at);
      at += frame.length;
    }
    framesSent += frames.length;
    options.write(bytes);
  }

  function beginRun(): void {
    startedAt = now();
    nextIndex = 0;
    framesSent = 0;
  }

  return {
    get format() {
      return format;
    },
    get framesSent() {
      return framesSent;
    },
    get startedAt() {
      return startedAt;
    },
    start() {
      if (timer !== undefined) return;
      beginRun();
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
    // Looks for `02 70 02 02 <fmt> 03` anywhere in what the host wrote; other bytes are ignored.
    receive(bytes) {
      for (const byte of bytes) received.push(byte);
      for (let at = 0; at + COMMAND_BYTES <= received.length; at++) {
        const fmt = received[at + 4] ?? 0;
        const expected = noninFormatSelect(fmt);
        if (!expected.every((byte, i) => received[at + i] === byte)) continue;
        received = received.slice(at + COMMAND_BYTES);
        at = -1;
        if (!KNOWN_FORMATS.includes(fmt)) {
          options.write(Uint8Array.of(NONIN_NAK));
          continue;
        }
        options.write(Uint8Array.of(NONIN_ACK));
        if (fmt !== format) {
          format = fmt as NoninFormat;
          if (timer !== undefined) beginRun(); // the new format starts a new packet sequence
        }
      }
      // Keep only a possible command prefix: memory stays bounded whatever the host sends.
      received = received.slice(-(COMMAND_BYTES - 1));
    },
  };
}
