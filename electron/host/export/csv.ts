// A record as CSV (RFC 4180, CRLF line ends): one file per sampling rate,
// `<name>_<rate>Hz.csv` with `time_s,<label> [unit],…` and physical values, and
// `<name>_annotations.csv` with `time_s,code,text`. Pure; signal files are made a piece of rows
// at a time from a sample source.

import { physicalValue, type ExportRecord, type ExportResult } from './record';
import {
  DEFAULT_PIECE_SECONDS,
  collectFile,
  pieceCountOf,
  pieceRanges,
  recordSource,
  type SampleSource,
  type SourceChannel,
  type StreamedFile,
} from './sample-source';

const CRLF = '\r\n';

/** Quotes a field when it holds a comma, quote or line break (RFC 4180 §2.6–2.7). */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Decimals that make value × gain round back to the raw count: 10^d > |gain|. */
export function decimalsForGain(rawPerUnit: number): number {
  return Math.max(0, Math.floor(Math.log10(Math.abs(rawPerUnit))) + 1);
}

/** Decimals for a sample time: milliseconds, or two digits finer than the rate's period. */
function decimalsForRate(rateHz: number): number {
  return Math.max(3, Math.ceil(Math.log10(rateHz)) + 2);
}

/**
 * `(n / rateHz).toFixed(decimals)`, in whole numbers when the period is a whole number of the
 * last decimal (500 Hz at 5 decimals: 200), which is the same text and much faster.
 */
export function timeFormatter(rateHz: number, decimals: number): (n: number) => string {
  const unit = 10 ** decimals;
  const step = unit / rateHz;
  if (!Number.isInteger(step)) return (n) => (n / rateHz).toFixed(decimals);
  // The decimals repeat every second: each distinct text is made once.
  const fractions = new Array<string | undefined>(unit);
  return (n) => {
    const ticks = n * step;
    if (!Number.isSafeInteger(ticks)) return (n / rateHz).toFixed(decimals);
    const whole = Math.floor(ticks / unit);
    const fraction = ticks - whole * unit;
    return `${whole}${(fractions[fraction] ??= `.${String(fraction).padStart(decimals, '0')}`)}`;
  };
}

/** Most distinct raw values whose text is kept per channel: a signal repeats its values. */
const CELL_CACHE_RANGE = 1 << 16;

/** A channel's physical value text of a raw count, each distinct count formatted once. */
function cellFormatter(channel: SourceChannel, decimals: number): (raw: number) => string {
  const format = (raw: number) => physicalValue(channel, raw).toFixed(decimals);
  const { min, max } = channel;
  if (!Number.isFinite(min) || !(max - min < CELL_CACHE_RANGE)) return format;
  const texts = new Array<string | undefined>(max - min + 1);
  return (raw) => (texts[raw - min] ??= format(raw));
}

function rateText(rateHz: number): string {
  return String(rateHz).replace('.', '_');
}

function rateGroups(channels: readonly SourceChannel[]): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  channels.forEach((channel, index) => {
    if (!(channel.rateHz > 0) || !Number.isFinite(channel.rateHz)) {
      throw new Error(
        `channel "${channel.label}" has no valid sampling rate (${channel.rateHz} Hz)`,
      );
    }
    if (!Number.isFinite(channel.rawPerUnit) || channel.rawPerUnit === 0) {
      throw new Error(
        `channel "${channel.label}" has no usable gain (${channel.rawPerUnit} per unit)`,
      );
    }
    groups.set(channel.rateHz, [...(groups.get(channel.rateHz) ?? []), index]);
  });
  return groups;
}

function signalCsv(
  source: SampleSource,
  rateHz: number,
  indices: readonly number[],
  rowsPerPiece: number,
): StreamedFile {
  const channels = indices.map((i) => source.channels[i]!);
  const header = ['time_s', ...channels.map((c) => csvField(`${c.label} [${c.unit}]`))].join(',');
  const decimals = channels.map((c) => decimalsForGain(c.rawPerUnit));
  const timeDecimals = decimalsForRate(rateHz);
  const rows = Math.max(...channels.map((c) => c.length));
  const timeText = timeFormatter(rateHz, timeDecimals);
  const cellText = channels.map((c, i) => cellFormatter(c, decimals[i] ?? 0));
  const rowsOf = (first: number, count: number): string => {
    const values = indices.map((i) => source.read(i, first, count));
    const lines: string[] = new Array<string>(count);
    for (let k = 0; k < count; k++) {
      let line = timeText(first + k);
      for (let i = 0; i < channels.length; i++) {
        // A channel that ends early leaves its cells empty.
        const raw = values[i]![k];
        line += raw === undefined ? ',' : `,${cellText[i]!(raw)}`;
      }
      lines[k] = line;
    }
    return lines.length === 0 ? '' : lines.join(CRLF) + CRLF;
  };
  return {
    name: `${source.name}_${rateText(rateHz)}Hz.csv`,
    pieceCount: 1 + pieceCountOf(rows, rowsPerPiece),
    *pieces() {
      yield header + CRLF;
      for (const [first, count] of pieceRanges(rows, rowsPerPiece)) yield rowsOf(first, count);
    },
  };
}

function annotationCsv(source: SampleSource): string {
  const lines = ['time_s,code,text'];
  for (const a of [...source.annotations].sort((x, y) => x.timeMs - y.timeMs)) {
    lines.push([(a.timeMs / 1000).toFixed(3), csvField(a.code), csvField(a.text)].join(','));
  }
  return lines.join(CRLF) + CRLF;
}

export function writeCsv(record: ExportRecord): ExportResult {
  return {
    files: csvFiles(recordSource(record), { pieceSeconds: Infinity }).map(collectFile),
    warnings: [],
  };
}

/** The record as CSV files, each signal file made `pieceSeconds` of rows at a time. */
export function csvFiles(source: SampleSource, options: { pieceSeconds?: number }): StreamedFile[] {
  const pieceSeconds = options.pieceSeconds ?? DEFAULT_PIECE_SECONDS;
  const files = [...rateGroups(source.channels)].map(([rateHz, indices]) =>
    signalCsv(source, rateHz, indices, Math.min(pieceSeconds * rateHz, 2 ** 40)),
  );
  const annotations = annotationCsv(source);
  files.push({
    name: `${source.name}_annotations.csv`,
    pieceCount: 1,
    pieces: () => [annotations],
  });
  return files;
}
