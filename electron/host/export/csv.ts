// A record as CSV (RFC 4180, CRLF line ends): one file per sampling rate,
// `<name>_<rate>Hz.csv` with `time_s,<label> [unit],…` and physical values, and
// `<name>_annotations.csv` with `time_s,code,text`. Pure.

import { physicalValue, type ExportChannel, type ExportRecord, type ExportResult } from './record';

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

function rateText(rateHz: number): string {
  return String(rateHz).replace('.', '_');
}

function rateGroups(channels: readonly ExportChannel[]): Map<number, ExportChannel[]> {
  const groups = new Map<number, ExportChannel[]>();
  for (const channel of channels) {
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
    groups.set(channel.rateHz, [...(groups.get(channel.rateHz) ?? []), channel]);
  }
  return groups;
}

function signalCsv(rateHz: number, channels: readonly ExportChannel[]): string {
  const header = ['time_s', ...channels.map((c) => csvField(`${c.label} [${c.unit}]`))].join(',');
  const decimals = channels.map((c) => decimalsForGain(c.rawPerUnit));
  const timeDecimals = decimalsForRate(rateHz);
  const rows = Math.max(...channels.map((c) => c.samples.length));
  const lines = [header];
  for (let n = 0; n < rows; n++) {
    const cells = [(n / rateHz).toFixed(timeDecimals)];
    channels.forEach((c, i) => {
      // A channel that ends early leaves its cells empty.
      const raw = c.samples[n];
      cells.push(raw === undefined ? '' : physicalValue(c, raw).toFixed(decimals[i] ?? 0));
    });
    lines.push(cells.join(','));
  }
  return lines.join(CRLF) + CRLF;
}

function annotationCsv(record: ExportRecord): string {
  const lines = ['time_s,code,text'];
  for (const a of [...record.annotations].sort((x, y) => x.timeMs - y.timeMs)) {
    lines.push([(a.timeMs / 1000).toFixed(3), csvField(a.code), csvField(a.text)].join(','));
  }
  return lines.join(CRLF) + CRLF;
}

export function writeCsv(record: ExportRecord): ExportResult {
  const files = [...rateGroups(record.channels)].map(([rateHz, channels]) => ({
    name: `${record.name}_${rateText(rateHz)}Hz.csv`,
    contents: signalCsv(rateHz, channels),
  }));
  files.push({ name: `${record.name}_annotations.csv`, contents: annotationCsv(record) });
  return { files, warnings: [] };
}
