// The in-memory record that every export format writes and every import format reads: raw ADC
// counts per channel with the calibration to turn them into physical units, plus annotations.

export interface ExportChannel {
  key: string;
  label: string;
  /** UCUM unit of the physical value, e.g. `mV`, `%`, `mm[Hg]`. */
  unit: string;
  rateHz: number;
  /** Gain: raw counts per physical unit. */
  rawPerUnit: number;
  /** Raw value of physical 0. */
  baseline: number;
  samples: Int32Array;
}

export interface ExportAnnotation {
  /** Milliseconds since record start. */
  timeMs: number;
  /** Machine code, e.g. `SPO2_LOW`, or a WFDB beat symbol such as `N` on import. */
  code: string;
  /** What a person reads, e.g. `raised high: SpO2 84 %`. */
  text: string;
}

export interface ExportRecord {
  name: string;
  /** UTC milliseconds of sample 0. */
  startMs: number;
  channels: ExportChannel[];
  annotations: ExportAnnotation[];
  patient?: { id?: string; name?: string };
}

/** One file of an export: its name (no folder) and its contents. */
export interface ExportFile {
  name: string;
  contents: Uint8Array | string;
}

/** What a writer returns: the files, and what it had to change or drop to write them. */
export interface ExportResult {
  files: ExportFile[];
  warnings: string[];
}

/** Physical value of one raw sample. */
export function physicalValue(
  channel: Pick<ExportChannel, 'baseline' | 'rawPerUnit'>,
  raw: number,
): number {
  return (raw - channel.baseline) / channel.rawPerUnit;
}

// Formats with a single free-text field per annotation (WFDB AUX, EDF+ TAL) carry both the code
// and the text as `CODE: text`, so our own files read back into the same code and text.
const LABELLED = /^([A-Z][A-Z0-9_]*):(?: ([\s\S]*))?$/;

export function annotationLabel(annotation: ExportAnnotation): string {
  return annotation.code === '' ? annotation.text : `${annotation.code}: ${annotation.text}`;
}

/** Splits `CODE: text`; anything else is text under `fallbackCode`. */
export function parseAnnotationLabel(
  label: string,
  fallbackCode: string,
): { code: string; text: string } {
  const match = LABELLED.exec(label);
  return match
    ? { code: match[1] ?? '', text: match[2] ?? '' }
    : { code: fallbackCode, text: label };
}

/** A key for a channel read from a file that has only labels: `ECG II` → `ecg_ii`. */
export function keyFromLabel(label: string, index: number, taken: Set<string>): string {
  const slug = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  let key = slug === '' ? `signal_${index}` : slug;
  if (taken.has(key)) key = `${key}_${index}`;
  taken.add(key);
  return key;
}

/** `YYYY-MM-DD hh:mm:ss.mmm` parts of a UTC instant. */
export function utcParts(ms: number): {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
} {
  const date = new Date(ms);
  if (!Number.isFinite(date.getTime())) throw new Error(`record start ${ms} is not a valid time`);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
    millisecond: date.getUTCMilliseconds(),
  };
}

export function pad2(value: number): string {
  return String(value).padStart(2, '0');
}
