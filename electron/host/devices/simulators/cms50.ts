// Byte-exact Contec CMS50D+/E/F simulator (../shared/protocols/README.md §1): v5 frames stream by
// themselves; v7 realtime packets stream only between the host's start and stop commands, and only
// while the host keeps sending keep-alives. 60 frames/s, pleth from a synthetic pulse at the HR.

import {
  CMS50V5_FRAME_BYTES,
  CMS50V7_COMMAND_KEEP_ALIVE,
  CMS50V7_COMMAND_START,
  CMS50V7_COMMAND_STOP,
  CMS50V7_PACKET_BYTES,
  CMS50V7_TYPE_COMMAND,
  unpackCms50v7Data,
  type Cms50v5Reading,
  type Cms50v7Realtime,
} from '../drivers/cms50';
import type { DeviceSimulator, SimulatedVitals, SimulatorOptions } from '../simulator';

export type Cms50Protocol = 'v5' | 'v7';
export type Cms50Sample = Cms50v5Reading | Cms50v7Realtime;

/** Encodes one v5 frame: sync bit on byte 0 only, PR bit 7 carried in byte 2 bit 6. */
export function encodeCms50v5Frame(reading: Cms50v5Reading): Uint8Array {
  const flag = (on: boolean, index: number): number => (on ? 1 << index : 0);
  return Uint8Array.of(
    0x80 |
      flag(reading.beep, 6) |
      flag(reading.spo2Dropping, 5) |
      flag(reading.fingerOut, 4) |
      (reading.signalStrength & 0x0f),
    reading.pleth & 0x7f,
    (((reading.pulseRate >> 7) & 1) << 6) |
      flag(reading.searching, 5) |
      flag(reading.probeError, 4) |
      (reading.barGraph & 0x0f),
    reading.pulseRate & 0x7f,
    reading.spo2 & 0x7f,
  );
}

/** Packs seven data bytes into a v7 packet: bit 7 of each moves to the high byte. */
export function encodeCms50v7Packet(type: number, data: readonly number[]): Uint8Array {
  const packet = new Uint8Array(CMS50V7_PACKET_BYTES);
  packet[0] = type & 0x7f;
  let high = 0x80;
  for (let i = 0; i < 7; i++) {
    const byte = data[i] ?? 0;
    high |= ((byte >> 7) & 1) << i;
    packet[2 + i] = 0x80 | (byte & 0x7f);
  }
  packet[1] = high;
  return packet;
}

/** Encodes one v7 realtime (type 0x01) packet. */
export function encodeCms50v7Realtime(reading: Cms50v7Realtime): Uint8Array {
  const flag = (on: boolean, index: number): number => (on ? 1 << index : 0);
  return encodeCms50v7Packet(0x01, [
    flag(reading.probeError, 7) |
      flag(reading.beep, 6) |
      flag(reading.lowSpo2, 5) |
      flag(reading.searchingTooLong, 4) |
      (reading.signalStrength & 0x0f),
    flag(reading.searching, 7) | (reading.pleth & 0x7f),
    flag(reading.piValid, 4) | (reading.barGraph & 0x0f),
    reading.pulseRate & 0xff,
    reading.spo2 & 0xff,
    reading.perfusionIndexRaw & 0xff,
    (reading.perfusionIndexRaw >> 8) & 0xff,
  ]);
}

export interface Cms50SimulatorOptions extends SimulatorOptions {
  /** How often the pacing timer looks for due frames. */
  tickMs?: number;
  /** Sees every frame as it is sent, so tests can record exactly what went out. */
  onFrame?(index: number, sample: Cms50Sample): void;
}

export interface Cms50Simulator extends DeviceSimulator {
  /** True while frames go out (v5: whenever running; v7: between start and stop commands). */
  readonly streaming: boolean;
  /** Frames sent in the current streaming run. */
  readonly framesSent: number;
  /** Clock time (ms) of the current run's frame 0; null while not streaming. */
  readonly startedAt: number | null;
}

const RATE_HZ = 60;
const DEFAULT_TICK_MS = 10;
// A stalled host (laptop asleep) gets no backlog: a real device does not buffer for it either.
const MAX_BACKLOG_MS = 2000;
// The exact device timeout is not public; the notes only say to keep alive every 5 s or it stops.
export const CMS50V7_KEEP_ALIVE_TIMEOUT_MS = 10_000;
// Simulator choices, not device facts: a strong signal, and a fixed PI raw value (its scale is not
// public, so no vital maps onto it); 200 is the worked example's value.
const SIGNAL_STRENGTH = 8;
const PI_RAW = 200;
const PLETH_BASELINE = 10;
const PLETH_AMPLITUDE = 100;
const SYSTOLIC_PHASE = 0.35;

function bump(phase: number, centre: number, width: number): number {
  return Math.exp(-(((phase - centre) / width) ** 2));
}

const clamp = (value: number, low: number, high: number): number =>
  Math.min(high, Math.max(low, Math.round(value)));

/** Pulse-shape generator: the phase advances by HR/60 beats per second, so HR changes are smooth. */
class PulseWave {
  #phase = 0;

  /** Next 60 Hz pleth value (0..127) and whether this frame carries the beat (beep). */
  next(hr: number): { pleth: number; beep: boolean } {
    const before = this.#phase;
    this.#phase = (this.#phase + Math.max(0, hr) / 60 / RATE_HZ) % 1;
    const crossed =
      before < this.#phase
        ? before < SYSTOLIC_PHASE && this.#phase >= SYSTOLIC_PHASE
        : before < SYSTOLIC_PHASE || this.#phase >= SYSTOLIC_PHASE;
    const shape = bump(this.#phase, SYSTOLIC_PHASE, 0.1) + 0.3 * bump(this.#phase, 0.6, 0.08);
    return {
      pleth: clamp(PLETH_BASELINE + PLETH_AMPLITUDE * (shape / 1.05), 0, 127),
      beep: crossed && before !== this.#phase,
    };
  }
}

class Cms50DeviceSimulator implements Cms50Simulator {
  readonly #protocol: Cms50Protocol;
  readonly #options: Cms50SimulatorOptions;
  readonly #now: () => number;
  readonly #wave = new PulseWave();
  #vitals: SimulatedVitals;
  #timer: ReturnType<typeof setInterval> | undefined;
  #startedAt: number | null = null;
  #nextIndex = 0;
  #framesSent = 0;
  #lastHostContactMs = 0;
  /** Host bytes not yet forming a whole command; shorter than one packet. */
  #received: number[] = [];

  constructor(protocol: Cms50Protocol, options: Cms50SimulatorOptions) {
    this.#protocol = protocol;
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#vitals = { ...options.vitals };
  }

  get streaming(): boolean {
    return this.#startedAt !== null;
  }

  get framesSent(): number {
    return this.#framesSent;
  }

  get startedAt(): number | null {
    return this.#startedAt;
  }

  /** Powers the device on; v5 streams at once, v7 waits for the host's start command. */
  start(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => this.#tick(), this.#options.tickMs ?? DEFAULT_TICK_MS);
    if (this.#protocol === 'v5') this.#beginStreaming();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#startedAt = null;
    this.#received = [];
  }

  setVitals(partial: Partial<SimulatedVitals>): void {
    this.#vitals = { ...this.#vitals, ...partial };
  }

  /** v7 host commands (any chunking); ignored by v5 and while the device is off. */
  receive(bytes: Uint8Array): void {
    if (this.#protocol !== 'v7' || this.#timer === undefined) return;
    for (const byte of bytes) {
      // A command starts with its type byte (bit 7 clear); later bytes all have bit 7 set.
      if ((byte & 0x80) === 0) this.#received = [];
      this.#received.push(byte);
      if (this.#received.length === CMS50V7_PACKET_BYTES) {
        const packet = Uint8Array.from(this.#received);
        this.#received = [];
        if (packet[0] === CMS50V7_TYPE_COMMAND) this.#command(unpackCms50v7Data(packet)[0]);
      }
    }
  }

  #command(command: number | undefined): void {
    if (command === CMS50V7_COMMAND_START) {
      this.#lastHostContactMs = this.#now();
      if (!this.streaming) this.#beginStreaming();
    } else if (command === CMS50V7_COMMAND_KEEP_ALIVE) {
      this.#lastHostContactMs = this.#now();
    } else if (command === CMS50V7_COMMAND_STOP) {
      this.#startedAt = null;
    }
  }

  #beginStreaming(): void {
    this.#startedAt = this.#now();
    this.#nextIndex = 0;
    this.#framesSent = 0;
    this.#sendDueFrames();
  }

  #tick(): void {
    const silentMs = this.#now() - this.#lastHostContactMs;
    if (this.#protocol === 'v7' && silentMs > CMS50V7_KEEP_ALIVE_TIMEOUT_MS) {
      this.#startedAt = null;
    }
    this.#sendDueFrames();
  }

  /** Frame n is due at startedAt + n × 1000 / 60 ms; all due frames go out in one write. */
  #sendDueFrames(): void {
    if (this.#startedAt === null) return;
    const elapsedMs = this.#now() - this.#startedAt;
    const dueCount = Math.floor((elapsedMs * RATE_HZ) / 1000) + 1;
    const maxBacklog = Math.ceil((MAX_BACKLOG_MS * RATE_HZ) / 1000);
    if (dueCount - this.#nextIndex > maxBacklog) this.#nextIndex = dueCount - maxBacklog;
    if (dueCount <= this.#nextIndex) return;

    const frameBytes = this.#protocol === 'v5' ? CMS50V5_FRAME_BYTES : CMS50V7_PACKET_BYTES;
    const frames = new Uint8Array((dueCount - this.#nextIndex) * frameBytes);
    for (let at = 0; this.#nextIndex < dueCount; at += frameBytes) {
      const { sample, bytes } = this.#nextFrame();
      frames.set(bytes, at);
      this.#options.onFrame?.(this.#nextIndex, sample);
      this.#nextIndex++;
    }
    this.#framesSent += frames.length / frameBytes;
    this.#options.write(frames);
  }

  #nextFrame(): { sample: Cms50Sample; bytes: Uint8Array } {
    const { pleth, beep } = this.#wave.next(this.#vitals.hr);
    const barGraph = clamp((pleth * 15) / 127, 0, 15);
    const spo2 = clamp(this.#vitals.spo2, 0, 100);
    if (this.#protocol === 'v5') {
      const sample: Cms50v5Reading = {
        beep,
        spo2Dropping: false,
        fingerOut: false,
        signalStrength: SIGNAL_STRENGTH,
        pleth,
        searching: false,
        probeError: false,
        barGraph,
        pulseRate: clamp(this.#vitals.hr, 0, 255),
        spo2,
      };
      return { sample, bytes: encodeCms50v5Frame(sample) };
    }
    const sample: Cms50v7Realtime = {
      probeError: false,
      beep,
      lowSpo2: false,
      searchingTooLong: false,
      signalStrength: SIGNAL_STRENGTH,
      searching: false,
      pleth,
      piValid: true,
      barGraph,
      // 0xFF is the device's "no reading", so a real rate tops out at 254.
      pulseRate: clamp(this.#vitals.hr, 0, 254),
      spo2,
      perfusionIndexRaw: PI_RAW,
    };
    return { sample, bytes: encodeCms50v7Realtime(sample) };
  }
}

export function createCms50Simulator(
  protocol: Cms50Protocol,
  options: Cms50SimulatorOptions,
): Cms50Simulator {
  return new Cms50DeviceSimulator(protocol, options);
}
