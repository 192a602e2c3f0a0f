// Byte-exact Masimo serial ASCII simulator (../shared/protocols/README.md §3): one CR LF line per
// second with SpO2 and pulse rate from the vitals, stamped with the injected clock's local time.

import type { DeviceSimulator, SimulatedVitals, SimulatorOptions } from '../simulator';

export interface MasimoLineFields {
  at: Date;
  serialNumber: string;
  /** Undefined sends `---` (unavailable). */
  spo2?: number;
  bpm?: number;
  piPercent?: number;
  spcoPercent?: number;
  spmetPercent?: number;
  desat?: number;
  piDelta?: number;
  pvi?: number;
  alarmBits?: number;
  excBits?: number;
}

const pad = (value: number | string, width: number): string => String(value).padStart(width, '0');

function signed(value: number, width: number): string {
  return (value < 0 ? '-' : '') + pad(Math.abs(value), width);
}

function field(value: number | undefined, format: (value: number) => string): string {
  return value === undefined ? '---' : format(value);
}

/** `MM/DD/YY HH:MM:SS` in the local time of `at`, as the device prints its own clock. */
export function formatMasimoTimestamp(at: Date): string {
  const date = `${pad(at.getMonth() + 1, 2)}/${pad(at.getDate(), 2)}/${pad(at.getFullYear() % 100, 2)}`;
  const time = `${pad(at.getHours(), 2)}:${pad(at.getMinutes(), 2)}:${pad(at.getSeconds(), 2)}`;
  return `${date} ${time}`;
}

/** One output line, CR LF included, laid out like the worked example in the protocol notes. */
export function encodeMasimoLine(fields: MasimoLineFields): string {
  const parts = [
    formatMasimoTimestamp(fields.at),
    `SN=${fields.serialNumber}`,
    `SPO2=${field(fields.spo2, (v) => `${pad(v, 3)}%`)}`,
    `BPM=${field(fields.bpm, (v) => pad(v, 3))}`,
    `PI=${field(fields.piPercent, (v) => `${v.toFixed(2).padStart(5, '0')}%`)}`,
    `SPCO=${field(fields.spcoPercent, (v) => `${v.toFixed(1).padStart(4, '0')}%`)}`,
    `SPMET=${field(fields.spmetPercent, (v) => `${v.toFixed(1).padStart(4, '0')}%`)}`,
    `DESAT=${field(fields.desat, (v) => signed(v, 2))}`,
    `PIDELTA=${field(fields.piDelta, (v) => signed(v, 2))}`,
    `PVI=${field(fields.pvi, (v) => signed(v, 3))}`,
    `ALARM=${pad((fields.alarmBits ?? 0).toString(16).toUpperCase(), 4)}`,
    `EXC=${pad((fields.excBits ?? 0).toString(16).toUpperCase(), 6)}`,
  ];
  return `${parts.join(' ')}\r\n`;
}

export type MasimoSimulatorOptions = SimulatorOptions & {
  /** How often the pacing timer looks for a due line. */
  tickMs?: number;
  /** Sees every line as it is sent. */
  onLine?: (index: number, line: string) => void;
};

export interface MasimoSimulator extends DeviceSimulator {
  readonly linesSent: number;
  readonly startedAt: number | null;
}

const DEFAULT_TICK_MS = 100;
const LINE_PERIOD_MS = 1000;
// A stalled host gets at most a couple of lines, not a minute of them.
const MAX_BACKLOG_LINES = 2;
const SERIAL_NUMBER = '0000000001';
// Simulator choices for the values the vitals do not carry; SET active is the device's normal state.
const PI_PERCENT = 2.5;
const SPCO_PERCENT = 1.0;
const SPMET_PERCENT = 0.5;
const PVI = 15;
const EXC_SET_ACTIVE = 0x000800;

const clamp = (value: number, low: number, high: number): number =>
  Math.min(high, Math.max(low, Math.round(value)));

/** Line n is due at startedAt + n s; each tick writes every due line in one write. */
export function createMasimoSimulator(options: MasimoSimulatorOptions): MasimoSimulator {
  const now = options.now ?? Date.now;
  const encoder = new TextEncoder();
  let vitals: SimulatedVitals = { ...options.vitals };
  let timer: ReturnType<typeof setInterval> | undefined;
  let startedAt: number | null = null;
  let nextIndex = 0;
  let linesSent = 0;

  function lineFor(at: Date): string {
    return encodeMasimoLine({
      at,
      serialNumber: SERIAL_NUMBER,
      spo2: clamp(vitals.spo2, 0, 100),
      bpm: clamp(vitals.hr, 0, 999),
      piPercent: PI_PERCENT,
      spcoPercent: SPCO_PERCENT,
      spmetPercent: SPMET_PERCENT,
      desat: 0,
      piDelta: 0,
      pvi: PVI,
      excBits: EXC_SET_ACTIVE,
    });
  }

  function sendDueLines(): void {
    if (startedAt === null) return;
    const nowMs = now();
    const dueCount = Math.floor((nowMs - startedAt) / LINE_PERIOD_MS) + 1;
    if (dueCount - nextIndex > MAX_BACKLOG_LINES) nextIndex = dueCount - MAX_BACKLOG_LINES;
    if (dueCount <= nextIndex) return;
    let text = '';
    for (; nextIndex < dueCount; nextIndex++) {
      const line = lineFor(new Date(startedAt + nextIndex * LINE_PERIOD_MS));
      options.onLine?.(nextIndex, line);
      text += line;
      linesSent++;
    }
    options.write(encoder.encode(text));
  }

  return {
    get linesSent() {
      return linesSent;
    },
    get startedAt() {
      return startedAt;
    },
    start() {
      if (timer !== undefined) return;
      startedAt = now();
      nextIndex = 0;
      linesSent = 0;
      timer = setInterval(sendDueLines, options.tickMs ?? DEFAULT_TICK_MS);
      sendDueLines();
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
