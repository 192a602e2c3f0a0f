// Nonin pulse oximeters (OEM III, Xpod 3012LP, Onyx 9560) over RS-232, data formats 2, 7 and 8.
// Source of truth: ../shared/protocols/README.md §4. Formats 2 and 7 send 75 frames/s in packets of
// 25 (sync bit in frame 1, per-frame checksum); format 8 sends 4 bytes once per second, unchecked.

import type { DecodedFrame, DecoderStats, Driver, DriverDescriptor, FrameDecoder } from '../driver';
import { HeldBytes } from './held-bytes';

export const NONIN_PLETH = 'MDC_PULS_OXIM_PLETH';
export const NONIN_PULSE_RATE = 'MDC_PULS_OXIM_PULS_RATE';
export const NONIN_SPO2 = 'MDC_PULS_OXIM_SAT_O2';

export const FRAMES_PER_PACKET = 25;
export const HR_MISSING = 511;
export const SPO2_MISSING = 127;

export const FLAG_SENSOR_DISCONNECTED = 'sensor-disconnected';
export const FLAG_ARTIFACT = 'artifact';
export const FLAG_OUT_OF_TRACK = 'out-of-track';
export const FLAG_SENSOR_ALARM = 'sensor-alarm';
export const FLAG_PERFUSION_RED = 'perfusion-red';
export const FLAG_PERFUSION_YELLOW = 'perfusion-yellow';
export const FLAG_LOW_PERFUSION = 'low-perfusion';
export const FLAG_MARGINAL_PERFUSION = 'marginal-perfusion';
export const FLAG_LOW_BATTERY = 'low-battery';
export const FLAG_CRITICAL_BATTERY = 'critical-battery';

const STATUS_ALWAYS_SET = 0x80;
const STATUS_SYNC = 0x01;
const FORMAT2_START = 0x01;
// Frame-dependent byte of frame 8 ("status 2"): b0 low battery.
const STATUS2_FRAME = 8;
const STATUS2_LOW_BATTERY = 0x01;

/** Which formats the 9560 format-select command may ask for here. */
export type NoninFormat = 2 | 7 | 8;

/** 9560 format-select command: STX 70 02 02 <format> ETX; the device answers ACK 06 or NAK 15. */
export function noninFormatSelect(format: number): Uint8Array {
  return Uint8Array.of(0x02, 0x70, 0x02, 0x02, format & 0xff, 0x03);
}
export const NONIN_ACK = 0x06;
export const NONIN_NAK = 0x15;

type Bytes = Uint8Array;

/** How one fixed-size frame format is recognised and read. */
interface FixedFrameFormat {
  frameBytes: number;
  /** True when the window could be the start of a frame (so a failure counts as a bad frame). */
  looksLikeStart(bytes: Bytes, at: number): boolean;
  isValid(bytes: Bytes, at: number): boolean;
}

function byteAt(bytes: Bytes, at: number): number {
  return bytes[at] ?? 0;
}

function checksumOk(bytes: Bytes, at: number): boolean {
  const sum =
    byteAt(bytes, at) + byteAt(bytes, at + 1) + byteAt(bytes, at + 2) + byteAt(bytes, at + 3);
  return (sum & 0xff) === byteAt(bytes, at + 4);
}

/**
 * Finds fixed-size frames in a byte stream. Every decision looks at one whole frame-sized window,
 * so the result does not depend on how the stream is chunked; fewer bytes than a frame are held.
 */
abstract class FixedFrameDecoder implements FrameDecoder {
  protected readonly statsValue: DecoderStats = { framesOk: 0, framesBad: 0, bytesSkipped: 0 };
  readonly #held = new HeldBytes();

  constructor(private readonly format: FixedFrameFormat) {}

  get stats(): Readonly<DecoderStats> {
    return this.statsValue;
  }

  get pendingBytes(): number {
    return this.#held.length;
  }

  push(chunk: Uint8Array): DecodedFrame[] {
    const bytes = this.#held.before(chunk);
    const { frameBytes } = this.format;
    const frames: DecodedFrame[] = [];
    let at = 0;
    while (bytes.length - at >= frameBytes) {
      if (this.format.isValid(bytes, at)) {
        frames.push(this.decode(bytes, at));
        this.statsValue.framesOk++;
        at += frameBytes;
        continue;
      }
      if (this.format.looksLikeStart(bytes, at)) this.statsValue.framesBad++;
      this.statsValue.bytesSkipped++;
      this.lostSync();
      at++;
    }
    this.#held.keep(bytes, at);
    return frames;
  }

  protected abstract decode(bytes: Bytes, at: number): DecodedFrame;

  /** A byte was skipped: whatever was being assembled across frames can no longer be trusted. */
  protected lostSync(): void {}
}

function statusFlags(status: number): string[] {
  const flags: string[] = [];
  if (status & 0x40) flags.push(FLAG_SENSOR_DISCONNECTED);
  if (status & 0x20) flags.push(FLAG_ARTIFACT);
  if (status & 0x10) flags.push(FLAG_OUT_OF_TRACK);
  if (status & 0x08) flags.push(FLAG_SENSOR_ALARM);
  // b2..1: 01 green (normal), 10 red, 11 yellow; 00 carries no perfusion indication.
  const perfusion = (status >> 1) & 0x03;
  if (perfusion === 0b10) flags.push(FLAG_PERFUSION_RED);
  if (perfusion === 0b11) flags.push(FLAG_PERFUSION_YELLOW);
  return flags;
}

type Numerics = Record<string, number>;

function putVitals(numerics: Numerics, hr: number, spo2: number): void {
  if (hr !== HR_MISSING) numerics[NONIN_PULSE_RATE] = hr;
  if (spo2 !== SPO2_MISSING && spo2 <= 100) numerics[NONIN_SPO2] = spo2;
}

/** Formats 2 and 7: frames numbered from the sync bit, numerics assembled across the packet. */
class NoninPacketDecoder extends FixedFrameDecoder {
  /** Number (1..25) of the last frame in an unbroken run from a sync frame, else null. */
  #frameNumber: number | null = null;
  readonly #dataBytes: number[] = [];

  constructor(private readonly wideFormat: boolean) {
    super({
      frameBytes: 5,
      looksLikeStart: wideFormat
        ? (bytes, at) => (byteAt(bytes, at) & STATUS_ALWAYS_SET) !== 0
        : (bytes, at) =>
            byteAt(bytes, at) === FORMAT2_START &&
            (byteAt(bytes, at + 1) & STATUS_ALWAYS_SET) !== 0,
      isValid: wideFormat
        ? (bytes, at) => (byteAt(bytes, at) & STATUS_ALWAYS_SET) !== 0 && checksumOk(bytes, at)
        : (bytes, at) =>
            byteAt(bytes, at) === FORMAT2_START &&
            (byteAt(bytes, at + 1) & STATUS_ALWAYS_SET) !== 0 &&
            checksumOk(bytes, at),
    });
  }

  protected decode(bytes: Bytes, at: number): DecodedFrame {
    const status = this.wideFormat ? byteAt(bytes, at) : byteAt(bytes, at + 1);
    const pleth = this.wideFormat
      ? (byteAt(bytes, at + 1) << 8) | byteAt(bytes, at + 2)
      : byteAt(bytes, at + 2);
    const data = byteAt(bytes, at + 3);
    const frame: DecodedFrame = {
      samples: { [NONIN_PLETH]: [pleth] },
      numerics: {},
      flags: statusFlags(status),
    };
    if (status & STATUS_SYNC) {
      this.#frameNumber = 1;
      this.#dataBytes.length = 0;
    } else if (this.#frameNumber !== null && this.#frameNumber < FRAMES_PER_PACKET) {
      this.#frameNumber++;
    } else {
      this.#frameNumber = null; // no sync bit after frame 25: the packet boundary is lost
    }
    if (this.#frameNumber === null) return frame;
    this.#dataBytes.push(data);
    if (this.#frameNumber === FRAMES_PER_PACKET) this.#completePacket(frame);
    return frame;
  }

  protected override lostSync(): void {
    this.#frameNumber = null;
  }

  #completePacket(frame: DecodedFrame): void {
    const data = (frameNumber: number): number => this.#dataBytes[frameNumber - 1] ?? 0;
    const hr = ((data(1) & 0x03) << 7) | (data(2) & 0x7f);
    putVitals(frame.numerics, hr, data(3));
    if (data(STATUS2_FRAME) & STATUS2_LOW_BATTERY) frame.flags.push(FLAG_LOW_BATTERY);
  }
}

/** Format 8: four bytes, first with b7 set, the rest with b7 clear; SpO2 0..100 or 127. */
class NoninFormat8Decoder extends FixedFrameDecoder {
  constructor() {
    super({
      frameBytes: 4,
      looksLikeStart: (bytes, at) => (byteAt(bytes, at) & 0x80) !== 0,
      isValid: (bytes, at) => {
        const spo2 = byteAt(bytes, at + 2);
        return (
          (byteAt(bytes, at) & 0x80) !== 0 &&
          (byteAt(bytes, at + 1) & 0x80) === 0 &&
          (spo2 <= 100 || spo2 === SPO2_MISSING) &&
          (byteAt(bytes, at + 3) & 0x80) === 0
        );
      },
    });
  }

  protected decode(bytes: Bytes, at: number): DecodedFrame {
    const status = byteAt(bytes, at);
    const status2 = byteAt(bytes, at + 3);
    const hr = ((status & 0x03) << 7) | (byteAt(bytes, at + 1) & 0x7f);
    const numerics: Numerics = {};
    putVitals(numerics, hr, byteAt(bytes, at + 2));
    const flags: string[] = [];
    if (status & 0x40) flags.push(FLAG_SENSOR_DISCONNECTED);
    if (status & 0x20) flags.push(FLAG_OUT_OF_TRACK);
    if (status & 0x10) flags.push(FLAG_LOW_PERFUSION);
    if (status & 0x08) flags.push(FLAG_MARGINAL_PERFUSION);
    if (status & 0x04) flags.push(FLAG_ARTIFACT);
    if (status2 & 0x08) flags.push(FLAG_SENSOR_ALARM);
    if (status2 & 0x01) flags.push(FLAG_LOW_BATTERY);
    if (status2 & 0x02) flags.push(FLAG_CRITICAL_BATTERY);
    return { samples: {}, numerics, flags };
  }
}

export const NONIN_MAX_FRAME_BYTES = 5;

const SERIAL = { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1, rtscts: false } as const;

const NUMERICS: DriverDescriptor['numerics'] = [
  { refId: NONIN_PULSE_RATE, unit: '/min' },
  { refId: NONIN_SPO2, unit: '%' },
];

const COMMON_CAVEATS = [
  'Nonin oximeters speak RS-232 and usually reach the computer through a generic USB-serial adapter, so no USB ids identify them; choose the port by hand.',
  'The start command is the Onyx 9560 format-select command; the OEM III and Xpod modules ignore it and send the format they are configured for.',
  'A missing heart rate (511) or SpO2 (127) is left out rather than shown as a value.',
];

function plethDescriptor(format: 2 | 7): DriverDescriptor {
  return {
    id: `nonin-${format}`,
    displayName: `Nonin pulse oximeter (data format ${format})`,
    deviceKind: 'Pulse oximeter',
    transport: 'serial',
    serial: SERIAL,
    usb: [],
    channels: [
      {
        key: NONIN_PLETH,
        label: 'Pleth',
        unit: '{count}',
        rateHz: 75,
        scale: null,
        displayed: true,
      },
    ],
    numerics: NUMERICS,
    caveats: [
      ...COMMON_CAVEATS,
      `The pleth is a raw ${format === 2 ? '8' : '16'}-bit value without a published scale.`,
      'Heart rate and SpO2 are assembled across a 25-frame packet and reported once per complete packet (3 times a second); a broken packet reports none.',
    ],
  };
}

export const nonin2: Driver = {
  descriptor: plethDescriptor(2),
  createDecoder: () => new NoninPacketDecoder(false),
  commands: { start: noninFormatSelect(2) },
};

export const nonin7: Driver = {
  descriptor: plethDescriptor(7),
  createDecoder: () => new NoninPacketDecoder(true),
  commands: { start: noninFormatSelect(7) },
};

export const nonin8: Driver = {
  descriptor: {
    id: 'nonin-8',
    displayName: 'Nonin pulse oximeter (data format 8)',
    deviceKind: 'Pulse oximeter',
    transport: 'serial',
    serial: SERIAL,
    usb: [],
    channels: [],
    numerics: NUMERICS,
    // One report a second: allow one missed report before calling it silent.
    staleAfterMs: 3000,
    caveats: [
      ...COMMON_CAVEATS,
      'Format 8 sends no waveform and no checksum: a frame is accepted when its marker bits and SpO2 range are plausible, so line noise can occasionally pass as a reading.',
    ],
  },
  createDecoder: () => new NoninFormat8Decoder(),
  commands: { start: noninFormatSelect(8) },
};
