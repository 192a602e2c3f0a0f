// OpenBCI Cyton (ADS1299, 8 channels) through its USB radio dongle, 115200 8N1, used here for ECG.
// Source of truth: ../shared/protocols/README.md §8. Frame: 33 bytes, A0 | sample number |
// 8 × i24 BE | 6 aux bytes | footer Cx. No checksum, so a frame is an A0 with a Cx 32 bytes later.

import type { ChannelSpec, DecodedFrame, DecoderStats, Driver, FrameDecoder } from '../driver';
import { HeldBytes } from './held-bytes';

const HEADER = 0xa0;
const FOOTER_MASK = 0xf0;
const FOOTER_BASE = 0xc0;
const FOOTER_ACCEL = 0xc0;
const FRAME_BYTES = 33;
const CHANNELS_AT = 2;
const AUX_AT = 26;
const FOOTER_AT = 32;

export const OPENBCI_CHANNEL_COUNT = 8;
const SAMPLE_RATE_HZ = 250;
const DEFAULT_GAIN = 24;
const VREF_UV = 4_500_000;
/** µV per count at the default gain 24: 4.5 V / 24 / (2^23 − 1) ≈ 0.0223517 µV. */
export const OPENBCI_UV_PER_COUNT = VREF_UV / DEFAULT_GAIN / (2 ** 23 - 1);
/** g per accelerometer count: 0.002 g / 16. */
export const OPENBCI_G_PER_ACCEL_COUNT = 0.002 / 16;

/** Raised when the sample number does not follow the previous frame's (modulo 256). */
export const FLAG_SAMPLES_LOST = 'samples-lost';

/** Key of channel n (1-based), e.g. `OPENBCI_CH1`. */
export const openbciChannelKey = (n: number): string => `OPENBCI_CH${n}`;
export const OPENBCI_ACCEL_KEYS = ['OPENBCI_ACCEL_X', 'OPENBCI_ACCEL_Y', 'OPENBCI_ACCEL_Z'];
const CHANNEL_KEYS = Array.from({ length: OPENBCI_CHANNEL_COUNT }, (_, i) =>
  openbciChannelKey(i + 1),
);

const isFooter = (byte: number | undefined): boolean =>
  byte !== undefined && (byte & FOOTER_MASK) === FOOTER_BASE;

function int24(bytes: Uint8Array, at: number): number {
  const unsigned = ((bytes[at] ?? 0) << 16) | ((bytes[at + 1] ?? 0) << 8) | (bytes[at + 2] ?? 0);
  return unsigned & 0x800000 ? unsigned - 0x1000000 : unsigned;
}

class OpenbciCytonDecoder implements FrameDecoder {
  readonly #stats: DecoderStats = { framesOk: 0, framesBad: 0, bytesSkipped: 0 };
  readonly #held = new HeldBytes();
  #lastSampleNumber: number | null = null;

  get stats(): Readonly<DecoderStats> {
    return this.#stats;
  }

  get pendingBytes(): number {
    return this.#held.length;
  }

  push(chunk: Uint8Array): DecodedFrame[] {
    const bytes = this.#held.before(chunk);
    const frames: DecodedFrame[] = [];
    let at = 0;
    while (at < bytes.length) {
      let header = bytes.indexOf(HEADER, at);
      if (header === -1) header = bytes.length;
      this.#stats.bytesSkipped += header - at;
      at = header;
      if (bytes.length - at < FRAME_BYTES) break;
      if (!isFooter(bytes[at + FOOTER_AT])) {
        // An A0 without its footer: a broken frame, or an A0 inside data. Resume right after it.
        this.#stats.framesBad++;
        this.#stats.bytesSkipped++;
        at++;
        continue;
      }
      frames.push(this.#decodeFrame(bytes, at));
      this.#stats.framesOk++;
      at += FRAME_BYTES;
    }
    this.#held.keep(bytes, at);
    return frames;
  }

  #decodeFrame(bytes: Uint8Array, at: number): DecodedFrame {
    const samples: Record<string, number[]> = {};
    CHANNEL_KEYS.forEach((key, i) => {
      samples[key] = [int24(bytes, at + CHANNELS_AT + 3 * i)];
    });
    const accel = bytes[at + FOOTER_AT] === FOOTER_ACCEL;
    const view = new DataView(bytes.buffer, bytes.byteOffset + at + AUX_AT, 6);
    OPENBCI_ACCEL_KEYS.forEach((key, i) => {
      samples[key] = accel ? [view.getInt16(2 * i, false)] : [];
    });
    const sampleNumber = bytes[at + 1] ?? 0;
    const flags =
      this.#lastSampleNumber !== null && sampleNumber !== ((this.#lastSampleNumber + 1) & 0xff)
        ? [FLAG_SAMPLES_LOST]
        : [];
    this.#lastSampleNumber = sampleNumber;
    return { samples, numerics: {}, flags };
  }
}

export const OPENBCI_FRAME_BYTES = FRAME_BYTES;

const channels: ChannelSpec[] = [
  ...CHANNEL_KEYS.map((key, i) => ({
    key,
    label: i === 0 ? 'ECG (CH1)' : `CH${i + 1}`,
    unit: 'uV',
    rateHz: SAMPLE_RATE_HZ,
    scale: OPENBCI_UV_PER_COUNT,
    // Channel 1 carries the ECG in the usual wiring; the others are recorded, not shown.
    displayed: i === 0,
  })),
  ...OPENBCI_ACCEL_KEYS.map((key, i) => ({
    key,
    label: `Accel ${'XYZ'[i]}`,
    unit: '[g]',
    rateHz: SAMPLE_RATE_HZ,
    scale: OPENBCI_G_PER_ACCEL_COUNT,
    displayed: false,
  })),
];

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

export const openbciCyton: Driver = {
  descriptor: {
    id: 'openbci-cyton',
    displayName: 'OpenBCI Cyton (ECG)',
    deviceKind: 'ECG device',
    transport: 'serial',
    serial: { baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1, rtscts: false },
    // The dongle's FTDI chip carries FTDI's own generic ids, shared by countless other devices.
    usb: [],
    channels,
    numerics: [],
    caveats: [
      "The microvolt scale assumes the board's default gain of 24; if a different gain was set on the board, the ECG amplitude shown is wrong by that factor.",
      'Which electrodes feed channel 1 depends on how the board was wired; it is shown as the ECG but no lead is known.',
      'The board computes no heart rate or other numerics; it sends raw channels only.',
      'The frame has no checksum: a frame is accepted on its A0 start and Cx end byte alone, so a corrupted value inside a frame cannot be detected.',
      'The USB radio dongle uses a generic FTDI chip whose USB ids many other devices share, so the device is not recognised by its USB id and must be picked by port.',
      'The documented reset ("v", then wait for "$$$") is not sent; streaming is started with "b" and stopped with "s" only.',
      'The protocol notes do not say how often the accelerometer updates; the aux bytes of every C0 frame are reported as one accelerometer sample.',
      'Frames with footers C1–CF carry other aux data (C3–C6 a timestamp), which is not decoded.',
    ],
  },
  createDecoder: () => new OpenbciCytonDecoder(),
  commands: {
    start: ascii('b'),
    // Frames come 250 times a second: a second of silence means it is off or was reset.
    startAgain: { afterSilenceMs: 1000 },
    stop: ascii('s'),
  },
};
