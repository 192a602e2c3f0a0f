// Masimo Radical-7 / Rad-8 / Radical-5 serial ASCII output (Rad-8 set to "ASCII 1").
// Source of truth: ../shared/protocols/README.md §3. One CR LF line per second of space-separated
// `KEY=value` fields after a `MM/DD/YY HH:MM:SS` stamp; `-` or `---` means unavailable.

import type { DecodedFrame, DecoderStats, Driver, FrameDecoder } from '../driver';

export const MASIMO_SPCO = 'MASIMO_SPCO';
export const MASIMO_SPMET = 'MASIMO_SPMET';
export const MASIMO_PVI = 'MASIMO_PVI';

/** Longest line (without its LF) the decoder holds; a real line is about 150 bytes. */
export const MASIMO_MAX_LINE_BYTES = 512;

const LF = 0x0a;
const CR = 0x0d;

const ALARM_FLAGS: ReadonlyArray<readonly [number, string]> = [
  [0x0001, 'device-alarm:spo2-high'],
  [0x0002, 'device-alarm:spo2-low'],
  [0x0004, 'device-alarm:pr-high'],
  [0x0008, 'device-alarm:pr-low'],
  [0x0010, 'device-alarm-active'],
  [0x0020, 'device-alarm-silenced'],
  [0x0040, 'low-battery'],
  [0x0100, 'device-alarm:spco-high'],
  [0x0200, 'device-alarm:spco-low'],
  [0x0400, 'device-alarm:spmet-high'],
  [0x0800, 'device-alarm:spmet-low'],
  [0x1000, 'device-alarm:desat-index'],
  [0x2000, 'device-alarm:pi-delta'],
];

// 0x000800 "SET active" is the normal signal-processing state, not a fault, so it sets no flag.
const EXC_FLAGS: ReadonlyArray<readonly [number, string]> = [
  [0x000001, 'no-sensor'],
  [0x000002, 'defective-sensor'],
  [0x000004, 'low-perfusion'],
  [0x000008, 'pulse-search'],
  [0x000010, 'interference'],
  [0x000020, 'sensor-off'],
  [0x000040, 'ambient-light'],
  [0x000080, 'unrecognized-sensor'],
  [0x000400, 'low-signal-iq'],
  [0x001000, 'no-cable'],
];

const UNAVAILABLE = /^-[-.]*%?$/;
const UNSIGNED = /^\d{1,3}%?$/;
const DECIMAL = /^\d{1,3}(?:\.\d{1,2})?%?$/;
const SIGNED = /^[+-]?\d{1,4}$/;
const HEX = /^[0-9A-Fa-f]{1,8}$/;
const SERIAL_NUMBER = /^[0-9A-Za-z]{1,16}$/;

interface FieldRule {
  /** Syntax of a present value; an unavailable value (`-`, `---`, `--.-%`) is always accepted. */
  pattern: RegExp;
  apply?(value: string, frame: DecodedFrame): void;
}

const parseNumber = (value: string): number => Number.parseFloat(value.replace('%', ''));

function numeric(refId: string, max: number): FieldRule['apply'] {
  return (value, frame) => {
    const number = parseNumber(value);
    if (number <= max) frame.numerics[refId] = number;
  };
}

function bitFlags(table: ReadonlyArray<readonly [number, string]>): FieldRule['apply'] {
  return (value, frame) => {
    const bits = Number.parseInt(value, 16);
    for (const [bit, flag] of table) if (bits & bit) frame.flags.push(flag);
  };
}

/** Every key the output is known to carry; keys without `apply` are recognised but not reported. */
const FIELDS: ReadonlyMap<string, FieldRule> = new Map<string, FieldRule>([
  ['SN', { pattern: SERIAL_NUMBER }],
  ['SPO2', { pattern: UNSIGNED, apply: numeric('MDC_PULS_OXIM_SAT_O2', 100) }],
  ['BPM', { pattern: UNSIGNED, apply: numeric('MDC_PULS_OXIM_PULS_RATE', 999) }],
  ['PI', { pattern: DECIMAL, apply: numeric('MDC_PULS_OXIM_PERF_REL', 100) }],
  ['SPCO', { pattern: DECIMAL, apply: numeric(MASIMO_SPCO, 100) }],
  ['SPMET', { pattern: DECIMAL, apply: numeric(MASIMO_SPMET, 100) }],
  ['PVI', { pattern: SIGNED, apply: numeric(MASIMO_PVI, 100) }],
  ['DESAT', { pattern: SIGNED }],
  ['PIDELTA', { pattern: SIGNED }],
  ['SPHB', { pattern: DECIMAL }],
  ['SPOC', { pattern: DECIMAL }],
  ['ALARM', { pattern: HEX, apply: bitFlags(ALARM_FLAGS) }],
  ['EXC', { pattern: HEX, apply: bitFlags(EXC_FLAGS) }],
  ['EXC1', { pattern: HEX }],
]);

/** Decodes one line (without CR LF); null when it carries no recognisable field. */
export function decodeMasimoLine(line: string): DecodedFrame | null {
  const frame: DecodedFrame = { samples: {}, numerics: {}, flags: [] };
  let recognised = 0;
  for (const token of line.split(/\s+/)) {
    const equals = token.indexOf('=');
    if (equals <= 0) continue; // the date and time, or noise
    const rule = FIELDS.get(token.slice(0, equals).toUpperCase());
    const value = token.slice(equals + 1);
    if (rule === undefined) continue;
    if (UNAVAILABLE.test(value)) {
      recognised++;
      continue;
    }
    if (!rule.pattern.test(value)) continue;
    recognised++;
    rule.apply?.(value, frame);
  }
  return recognised > 0 ? frame : null;
}

class MasimoAsciiDecoder implements FrameDecoder {
  readonly #stats: DecoderStats = { framesOk: 0, framesBad: 0, bytesSkipped: 0 };
  readonly #line = new Uint8Array(MASIMO_MAX_LINE_BYTES);
  #lineBytes = 0;
  /** Inside a line that grew too long: everything up to the next LF is thrown away. */
  #discarding = false;

  get stats(): Readonly<DecoderStats> {
    return this.#stats;
  }

  /** Bytes of an unfinished line (never more than the line limit). */
  get pendingBytes(): number {
    return this.#lineBytes;
  }

  push(chunk: Uint8Array): DecodedFrame[] {
    const frames: DecodedFrame[] = [];
    let at = 0;
    while (at < chunk.length) {
      const lf = chunk.indexOf(LF, at);
      const end = lf === -1 ? chunk.length : lf;
      const terminator = lf === -1 ? 0 : 1;
      if (this.#discarding) {
        this.#stats.bytesSkipped += end - at + terminator;
        this.#discarding = lf === -1;
      } else if (this.#lineBytes + (end - at) > MASIMO_MAX_LINE_BYTES) {
        this.#stats.framesBad++;
        this.#stats.bytesSkipped += this.#lineBytes + (end - at) + terminator;
        this.#lineBytes = 0;
        this.#discarding = lf === -1;
      } else {
        this.#line.set(chunk.subarray(at, end), this.#lineBytes);
        this.#lineBytes += end - at;
        if (lf !== -1) {
          const frame = this.#completeLine();
          if (frame) frames.push(frame);
        }
      }
      at = end + terminator;
    }
    return frames;
  }

  #completeLine(): DecodedFrame | null {
    const lineBytes = this.#lineBytes;
    this.#lineBytes = 0;
    const contentBytes = this.#line[lineBytes - 1] === CR ? lineBytes - 1 : lineBytes;
    const text = String.fromCharCode(...this.#line.subarray(0, contentBytes));
    if (text.trim() === '') {
      this.#stats.bytesSkipped += lineBytes + 1; // a blank line is not a broken one
      return null;
    }
    const frame = decodeMasimoLine(text);
    if (frame) this.#stats.framesOk++;
    else {
      this.#stats.framesBad++;
      this.#stats.bytesSkipped += lineBytes + 1;
    }
    return frame;
  }
}

export const masimoAscii: Driver = {
  descriptor: {
    id: 'masimo-ascii',
    displayName: 'Masimo Radical-7 / Rad-8 / Radical-5 (serial ASCII)',
    deviceKind: 'Pulse oximeter',
    transport: 'serial',
    serial: { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1, rtscts: false },
    usb: [],
    channels: [],
    numerics: [
      { refId: 'MDC_PULS_OXIM_SAT_O2', unit: '%' },
      { refId: 'MDC_PULS_OXIM_PULS_RATE', unit: '/min' },
      { refId: 'MDC_PULS_OXIM_PERF_REL', unit: '%' },
      { refId: MASIMO_SPCO, unit: '%' },
      { refId: MASIMO_SPMET, unit: '%' },
      { refId: MASIMO_PVI, unit: '%' },
    ],
    // One line a second: allow one missed line before calling it silent.
    staleAfterMs: 3000,
    caveats: [
      'Masimo treats the meaning of the ALARM and EXC bits as proprietary; the meanings used here come from the MD PnP project headers and experiments, not from Masimo.',
      'The device has an RS-232 port, usually reached through a generic USB-serial adapter, so no USB ids identify it; choose the port by hand. A Rad-8 must be set to "ASCII 1" output.',
      'The serial output carries no waveform, only numbers once per second.',
      'PVI arrives as a bare integer; it is shown in % because Masimo defines it as the relative variation of PI over the breathing cycle. The line says nothing about units itself.',
      'DESAT, PIDELTA, SpHb, SpOC and EXC1 are recognised but not shown: the public material does not give their units or bit meanings reliably.',
      'The alarm flags report the device’s own alarm state, with the limits set on the device.',
      'The date and time in each line come from the device’s clock and are not used; readings are timed when they arrive.',
    ],
  },
  createDecoder: () => new MasimoAsciiDecoder(),
  // The device pushes its lines on its own and takes no commands.
  commands: {},
};
