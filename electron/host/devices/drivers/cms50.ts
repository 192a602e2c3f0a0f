// Contec CMS50D+ / CMS50E / CMS50F pulse oximeters over their CP210x USB-serial cable.
// Source of truth: ../shared/protocols/README.md §1. Two incompatible protocols, one driver each:
// "v5" (5-byte frames, sync = only byte 0 has bit 7 set) and "v7" (9-byte packets, byte 0 has bit 7
// clear and bytes 1..8 have it set). Neither has a checksum, so framing bits are all we can check.

import type { DecodedFrame, DecoderStats, Driver, DriverDescriptor, FrameDecoder } from '../driver';
import { HeldBytes } from './held-bytes';

// Keys shared by the decoder, the descriptors and the simulator.
export const CMS50_PLETH = 'MDC_PULS_OXIM_PLETH';
export const CMS50_SPO2 = 'MDC_PULS_OXIM_SAT_O2';
export const CMS50_PULSE_RATE = 'MDC_PULS_OXIM_PULS_RATE';
export const CMS50_PI_RAW = 'CMS50_PI_RAW';

export const FLAG_FINGER_OUT = 'finger-out';
export const FLAG_SEARCHING = 'searching';
export const FLAG_SEARCHING_TOO_LONG = 'searching-too-long';
export const FLAG_PROBE_ERROR = 'probe-error';
export const FLAG_SPO2_DROPPING = 'spo2-dropping';
export const FLAG_LOW_SPO2 = 'low-spo2';
export const FLAG_DEVICE_DISCONNECTING = 'device-disconnecting';

export const CMS50V5_FRAME_BYTES = 5;
export const CMS50V7_PACKET_BYTES = 9;

const BIT7 = 0x80;
const V7_TYPE_REALTIME = 0x01;
const V7_TYPE_DISCONNECTING = 0x0d;
export const CMS50V7_TYPE_COMMAND = 0x7d;
export const CMS50V7_COMMAND_START = 0xa1;
export const CMS50V7_COMMAND_STOP = 0xa2;
export const CMS50V7_COMMAND_KEEP_ALIVE = 0xaf;
const V7_PR_INVALID = 0xff;
const V7_SPO2_INVALID = 0x7f;
const V7_PI_INVALID = 0xffff;

const bit = (byte: number, index: number): boolean => ((byte >> index) & 1) === 1;

/** Every field of one v5 frame, as the protocol table names them. */
export interface Cms50v5Reading {
  beep: boolean;
  spo2Dropping: boolean;
  fingerOut: boolean;
  /** 0..15 */
  signalStrength: number;
  /** 0..127 */
  pleth: number;
  searching: boolean;
  probeError: boolean;
  /** 0..15 */
  barGraph: number;
  /** 0..255 /min */
  pulseRate: number;
  /** 0..127 % */
  spo2: number;
}

/** Reads the v5 frame at `at`; the caller has checked the sync bits. */
export function readCms50v5Frame(bytes: Uint8Array, at = 0): Cms50v5Reading {
  const b0 = bytes[at] ?? 0;
  const b2 = bytes[at + 2] ?? 0;
  return {
    beep: bit(b0, 6),
    spo2Dropping: bit(b0, 5),
    fingerOut: bit(b0, 4),
    signalStrength: b0 & 0x0f,
    pleth: (bytes[at + 1] ?? 0) & 0x7f,
    searching: bit(b2, 5),
    probeError: bit(b2, 4),
    barGraph: b2 & 0x0f,
    pulseRate: (((b2 >> 6) & 1) << 7) | ((bytes[at + 3] ?? 0) & 0x7f),
    spo2: (bytes[at + 4] ?? 0) & 0x7f,
  };
}

/** Every field of one v7 realtime (type 0x01) packet. */
export interface Cms50v7Realtime {
  probeError: boolean;
  beep: boolean;
  lowSpo2: boolean;
  searchingTooLong: boolean;
  /** 0..15 */
  signalStrength: number;
  searching: boolean;
  /** 0..127 */
  pleth: number;
  piValid: boolean;
  /** 0..15 */
  barGraph: number;
  /** /min; 0xFF = no reading */
  pulseRate: number;
  /** %; 0x7F = no reading */
  spo2: number;
  /** u16, scale not public; 0xFFFF = no reading */
  perfusionIndexRaw: number;
}

/** The seven data bytes of the v7 packet at `at`, with bit 7 restored from the high byte. */
export function unpackCms50v7Data(bytes: Uint8Array, at = 0): number[] {
  const high = bytes[at + 1] ?? 0;
  const data: number[] = [];
  for (let i = 0; i < 7; i++)
    data.push(((bytes[at + 2 + i] ?? 0) & 0x7f) | (((high >> i) & 1) << 7));
  return data;
}

/** Reads a v7 realtime packet from its seven unpacked data bytes. */
export function readCms50v7Realtime(data: readonly number[]): Cms50v7Realtime {
  const [d0 = 0, d1 = 0, d2 = 0, d3 = 0, d4 = 0, d5 = 0, d6 = 0] = data;
  return {
    probeError: bit(d0, 7),
    beep: bit(d0, 6),
    lowSpo2: bit(d0, 5),
    searchingTooLong: bit(d0, 4),
    signalStrength: d0 & 0x0f,
    searching: bit(d1, 7),
    pleth: d1 & 0x7f,
    piValid: bit(d2, 4),
    barGraph: d2 & 0x0f,
    pulseRate: d3,
    spo2: d4,
    perfusionIndexRaw: d5 | (d6 << 8),
  };
}

function v5Frame(reading: Cms50v5Reading): DecodedFrame {
  const flags: string[] = [];
  if (reading.fingerOut) flags.push(FLAG_FINGER_OUT);
  if (reading.searching) flags.push(FLAG_SEARCHING);
  if (reading.probeError) flags.push(FLAG_PROBE_ERROR);
  if (reading.spo2Dropping) flags.push(FLAG_SPO2_DROPPING);
  // The protocol notes name no "no reading" value for v5, so SpO2 and PR pass through as sent.
  return {
    samples: { [CMS50_PLETH]: [reading.pleth] },
    numerics: { [CMS50_SPO2]: reading.spo2, [CMS50_PULSE_RATE]: reading.pulseRate },
    flags,
  };
}

function v7RealtimeFrame(reading: Cms50v7Realtime): DecodedFrame {
  const numerics: Record<string, number> = {};
  if (reading.spo2 !== V7_SPO2_INVALID) numerics[CMS50_SPO2] = reading.spo2;
  if (reading.pulseRate !== V7_PR_INVALID) numerics[CMS50_PULSE_RATE] = reading.pulseRate;
  if (reading.piValid && reading.perfusionIndexRaw !== V7_PI_INVALID) {
    numerics[CMS50_PI_RAW] = reading.perfusionIndexRaw;
  }
  const flags: string[] = [];
  if (reading.searching) flags.push(FLAG_SEARCHING);
  if (reading.searchingTooLong) flags.push(FLAG_SEARCHING_TOO_LONG);
  if (reading.probeError) flags.push(FLAG_PROBE_ERROR);
  if (reading.lowSpo2) flags.push(FLAG_LOW_SPO2);
  return { samples: { [CMS50_PLETH]: [reading.pleth] }, numerics, flags };
}

/**
 * Type 0x01 decodes to a reading; 0x0D (the device is disconnecting) to a frame with only the
 * `device-disconnecting` flag; any other well-framed type (replies the live view never asks for)
 * is skipped whole, counted in bytesSkipped but not as a bad frame.
 */
function decodeV7Packet(bytes: Uint8Array, at: number): DecodedFrame | null {
  const type = bytes[at];
  if (type === V7_TYPE_REALTIME)
    return v7RealtimeFrame(readCms50v7Realtime(unpackCms50v7Data(bytes, at)));
  if (type === V7_TYPE_DISCONNECTING) {
    return { samples: {}, numerics: {}, flags: [FLAG_DEVICE_DISCONNECTING] };
  }
  return null;
}

interface Framing {
  frameBytes: number;
  /** Bit 7 value that marks the first byte of a frame; every later byte has the opposite. */
  startBit7: boolean;
  decode(bytes: Uint8Array, at: number): DecodedFrame | null;
}

const V5_FRAMING: Framing = {
  frameBytes: CMS50V5_FRAME_BYTES,
  startBit7: true,
  decode: (bytes, at) => v5Frame(readCms50v5Frame(bytes, at)),
};

const V7_FRAMING: Framing = {
  frameBytes: CMS50V7_PACKET_BYTES,
  startBit7: false,
  decode: decodeV7Packet,
};

class Cms50Decoder implements FrameDecoder {
  readonly #framing: Framing;
  readonly #stats: DecoderStats = { framesOk: 0, framesBad: 0, bytesSkipped: 0 };
  readonly #held = new HeldBytes();

  constructor(framing: Framing) {
    this.#framing = framing;
  }

  get stats(): Readonly<DecoderStats> {
    return this.#stats;
  }

  get pendingBytes(): number {
    return this.#held.length;
  }

  push(chunk: Uint8Array): DecodedFrame[] {
    const bytes = this.#held.before(chunk);
    const { frameBytes, startBit7, decode } = this.#framing;
    const isStart = (at: number): boolean => (((bytes[at] ?? 0) & BIT7) !== 0) === startBit7;
    const frames: DecodedFrame[] = [];
    let at = 0;
    while (at < bytes.length) {
      if (!isStart(at)) {
        this.#stats.bytesSkipped++;
        at++;
        continue;
      }
      let length = 1;
      while (length < frameBytes && at + length < bytes.length && !isStart(at + length)) length++;
      if (length === frameBytes) {
        const frame = decode(bytes, at);
        if (frame) {
          frames.push(frame);
          this.#stats.framesOk++;
        } else {
          this.#stats.bytesSkipped += frameBytes;
        }
        at += frameBytes;
      } else if (at + length === bytes.length) {
        break;
      } else {
        // A start byte inside the frame: the frame was cut short; resume at that start byte.
        // A start byte with no body byte after it is just noise, not a broken frame.
        if (length > 1) this.#stats.framesBad++;
        this.#stats.bytesSkipped += length;
        at += length;
      }
    }
    this.#held.keep(bytes, at);
    return frames;
  }
}

function v7Command(command: number): Uint8Array {
  // Data byte 0 = command (bit 7 set, so the high byte is 0x81), six zero data bytes sent as 0x80.
  return Uint8Array.of(CMS50V7_TYPE_COMMAND, 0x81, command, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80);
}

const CP210X: DriverDescriptor['usb'] = [
  {
    vendorId: 0x10c4,
    productId: 0xea60,
    note:
      'Silicon Labs CP210x USB-serial bridge in the cable: a generic chip many devices use, so this ' +
      'match is ambiguous (and cannot tell the 5-byte from the 9-byte protocol)',
  },
];

const PLETH_CHANNEL: DriverDescriptor['channels'][number] = {
  key: CMS50_PLETH,
  label: 'Pleth',
  unit: '{count}',
  rateHz: 60,
  scale: null,
  displayed: true,
};

const SHARED_CAVEATS = [
  'The pleth wave is a raw 0..127 value with no public scale.',
  'The same USB cable chip is used by many other devices, so plugging in the cable does not prove a CMS50 is attached.',
  'The frames carry no checksum, so a corrupted byte that keeps the framing bits intact goes unnoticed.',
];

export const cms50v5: Driver = {
  descriptor: {
    id: 'cms50-v5',
    displayName: 'Contec CMS50D+/E/F (5-byte protocol)',
    deviceKind: 'Pulse oximeter',
    transport: 'serial',
    serial: { baudRate: 19200, dataBits: 8, parity: 'odd', stopBits: 1, rtscts: false },
    usb: CP210X,
    channels: [PLETH_CHANNEL],
    numerics: [
      { refId: CMS50_SPO2, unit: '%' },
      { refId: CMS50_PULSE_RATE, unit: '/min' },
    ],
    caveats: [
      ...SHARED_CAVEATS,
      'The 5-byte protocol has no documented "no reading" value, so SpO2 and pulse rate are shown as sent, including 0 while the device is searching.',
    ],
  },
  createDecoder: () => new Cms50Decoder(V5_FRAMING),
  // Live data streams by itself; `F5 F5` / `F6 F6 F6` switch recorded-data download, not used here.
  commands: {},
};

export const cms50v7: Driver = {
  descriptor: {
    id: 'cms50-v7',
    displayName: 'Contec CMS50D+/E/F (9-byte protocol)',
    deviceKind: 'Pulse oximeter',
    transport: 'serial',
    serial: { baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1, rtscts: false },
    usb: CP210X,
    channels: [PLETH_CHANNEL],
    numerics: [
      { refId: CMS50_SPO2, unit: '%' },
      { refId: CMS50_PULSE_RATE, unit: '/min' },
      { refId: CMS50_PI_RAW, unit: '{count}' },
    ],
    caveats: [
      ...SHARED_CAVEATS,
      'The perfusion index is shown as the raw device value: its scale is not publicly confirmed.',
      'Published host code opens the port with XON/XOFF flow control; the workstation does not, and whether the device needs it is not known.',
    ],
  },
  createDecoder: () => new Cms50Decoder(V7_FRAMING),
  commands: {
    start: v7Command(CMS50V7_COMMAND_START),
    // Frames come 60 times a second: a second of silence means it is off or was restarted.
    startAgain: { afterSilenceMs: 1000 },
    keepAlive: { bytes: v7Command(CMS50V7_COMMAND_KEEP_ALIVE), everyMs: 5000 },
    stop: v7Command(CMS50V7_COMMAND_STOP),
  },
};
