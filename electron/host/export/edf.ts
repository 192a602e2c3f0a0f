// A record as EDF+C: a 256-byte header, 256 bytes per signal (fields grouped by kind: all
// labels, then all transducers, …), then data records of `durationS` seconds holding each signal's
// 16-bit little-endian samples in turn. The last signal, "EDF Annotations", carries per record a
// time-keeping TAL `+onset\x14\x14\0` and one TAL `+onset\x14CODE: text\x14\0` per annotation.
// Reference: EDF (Kemp 1992) and EDF+ (Kemp & Olivan 2003) specifications. Pure: the file is
// made a piece at a time from a sample source, so a record of any length fits in bounded memory.

import { annotationLabel, pad2, utcParts, type ExportRecord, type ExportResult } from './record';
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

export const EDF_ANNOTATIONS_LABEL = 'EDF Annotations';
export const EDF_MONTHS = [
  'JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC',
]; // prettier-ignore
const DIGITAL_MIN = -32768;
const DIGITAL_MAX = 32767;
const LONGEST_RECORD_S = 60;

/** Printable ASCII only, as EDF headers require; accents dropped, the rest becomes `_`. */
function ascii(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/g, '_');
}

/** A left-aligned, space-padded header field; `what` names it in the warning when cut. */
function field(text: string, width: number, warnings: string[], what = ''): string {
  const clean = ascii(text);
  if (clean.length > width && what !== '')
    warnings.push(`${what} "${clean}" cut to ${width} characters`);
  return clean.slice(0, width).padEnd(width, ' ');
}

/** A number in at most 8 characters, as precise as fits. */
export function edfNumber(value: number): string {
  for (let digits = 12; digits >= 1; digits--) {
    const text = String(Number(value.toPrecision(digits)));
    if (text.length <= 8) return text;
  }
  throw new Error(`${value} does not fit an 8-character EDF field`);
}

/** Seconds with at most millisecond digits and a sign, as TAL onsets are written. */
function onsetText(seconds: number): string {
  const text = String(Number(seconds.toFixed(3)));
  return text.startsWith('-') ? text : `+${text}`;
}

/** The shortest whole-second record duration that gives every channel whole samples per record. */
function recordDuration(channels: readonly { rateHz: number }[]): number {
  for (let seconds = 1; seconds <= LONGEST_RECORD_S; seconds++) {
    if (
      channels.every((c) => Math.abs(c.rateHz * seconds - Math.round(c.rateHz * seconds)) < 1e-9)
    ) {
      return seconds;
    }
  }
  const rates = channels.map((c) => c.rateHz).join(', ');
  throw new Error(
    `no EDF record of 1..${LONGEST_RECORD_S} s holds whole samples at ${rates} Hz; export as CSV`,
  );
}

interface DigitalChannel {
  toDigital(raw: number): number;
  /** What fills the record past the channel's end: physical 0. */
  fill: number;
  physicalMin: string;
  physicalMax: string;
}

/** Raw counts as digital values: unchanged when they fit 16 bits, otherwise rescaled (lossy). */
function digitise(channel: SourceChannel, length: number, warnings: string[]): DigitalChannel {
  const { rawPerUnit: gain, baseline, label, min: low, max: high } = channel;
  if (!Number.isFinite(gain) || gain === 0) {
    throw new Error(`channel "${label}" has no usable gain (${gain} per unit)`);
  }
  const fits = channel.length === 0 || (low >= DIGITAL_MIN && high <= DIGITAL_MAX);
  // Digital d stands for raw rawMin + (d - DIGITAL_MIN) * rawPerStep.
  const rawMin = fits ? DIGITAL_MIN : low;
  const rawPerStep = fits ? 1 : Math.max(high - low, 1) / (DIGITAL_MAX - DIGITAL_MIN);
  if (!fits) {
    warnings.push(
      `channel "${label}": raw values ${low}..${high} exceed 16 bits; rescaled for EDF, ` +
        `which loses up to ${(rawPerStep / 2 / Math.abs(gain)).toPrecision(3)} ${channel.unit}`,
    );
  }
  const toDigital = (raw: number): number =>
    Math.min(
      DIGITAL_MAX,
      Math.max(DIGITAL_MIN, Math.round((raw - rawMin) / rawPerStep) + DIGITAL_MIN),
    );
  if (channel.length < length) {
    warnings.push(
      `channel "${label}" ends ${length - channel.length} samples early; padded with 0 ${channel.unit}`,
    );
  }
  const physicalAt = (raw: number) => (raw - baseline) / gain;
  const exactMin = physicalAt(rawMin);
  const exactMax = physicalAt(rawMin + rawPerStep * (DIGITAL_MAX - DIGITAL_MIN));
  const physicalMin = edfNumber(exactMin);
  const physicalMax = edfNumber(exactMax);
  // Half a step anywhere on the scale is the most an 8-character field may cost.
  const halfStep = (rawPerStep / Math.abs(gain)) * 0.5;
  if (
    Math.abs(Number(physicalMin) - exactMin) + Math.abs(Number(physicalMax) - exactMax) >
    halfStep
  ) {
    warnings.push(
      `channel "${label}": EDF's 8-character physical range rounds its calibration slightly`,
    );
  }
  return { toDigital, fill: toDigital(baseline), physicalMin, physicalMax };
}

/**
 * Each data record's annotation signal: its time-keeping TAL, then a TAL per annotation that
 * falls in it. Made one record at a time; `bytesPerRecord` is the longest (the slot's size).
 */
function annotationRecords(
  source: SampleSource,
  recordCount: number,
  durationS: number,
): { tal(r: number): Uint8Array; bytesPerRecord: number } {
  const startFractionS = utcParts(source.startMs).millisecond / 1000;
  const keeping = (r: number) => `${onsetText(r * durationS + startFractionS)}\x14\x14\0`;
  const extra = new Map<number, string>();
  for (const a of [...source.annotations].sort((x, y) => x.timeMs - y.timeMs)) {
    const r = Math.min(recordCount - 1, Math.max(0, Math.floor(a.timeMs / 1000 / durationS)));
    // eslint-disable-next-line no-control-regex -- control bytes would break the TAL framing
    const label = annotationLabel(a).replace(/[\x00-\x1f]/g, ' ');
    extra.set(
      r,
      `${extra.get(r) ?? ''}${onsetText(startFractionS + a.timeMs / 1000)}\x14${label}\x14\0`,
    );
  }
  const encoder = new TextEncoder();
  const tal = (r: number) => encoder.encode(keeping(r) + (extra.get(r) ?? ''));
  let bytesPerRecord = 0;
  for (let r = 0; r < recordCount; r++) {
    // Time-keeping TALs are ASCII: their length in bytes is their length in characters.
    const length = extra.has(r) ? tal(r).length : keeping(r).length;
    if (length > bytesPerRecord) bytesPerRecord = length;
  }
  return { tal, bytesPerRecord };
}

/** EDF+ date `dd.mm.yy`; years after 2084 are written `yy` as the specification asks. */
function startDate(t: ReturnType<typeof utcParts>): string {
  const yy = t.year >= 1985 && t.year <= 2084 ? pad2(t.year % 100) : 'yy';
  return `${pad2(t.day)}.${pad2(t.month)}.${yy}`;
}

function subfield(value: string | undefined): string {
  const text = (value ?? '').trim().replace(/\s+/g, '_');
  return text === '' ? 'X' : text;
}

export function writeEdf(record: ExportRecord): ExportResult {
  const warnings: string[] = [];
  const file = edfFile(recordSource(record), { pieceSeconds: Infinity }, warnings);
  return { files: [collectFile(file)], warnings };
}

/**
 * The record as one EDF+ file made `pieceSeconds` of data records at a time (header first; the
 * number of data records is known from the channels' lengths). Warnings go to `warnings`.
 */
export function edfFile(
  source: SampleSource,
  options: { pieceSeconds?: number },
  warnings: string[],
): StreamedFile {
  const { channels } = source;
  const durationS = channels.length > 0 ? recordDuration(channels) : 1;
  const perRecord = channels.map((c) => Math.round(c.rateHz * durationS));
  const lastAnnotationS = Math.max(0, ...source.annotations.map((a) => a.timeMs / 1000));
  const recordCount = Math.max(
    1,
    ...channels.map((c, i) => Math.ceil(c.length / (perRecord[i] ?? 1))),
    channels.length === 0 ? Math.floor(lastAnnotationS / durationS) + 1 : 1,
  );
  const digitised = channels.map((c, i) =>
    digitise(c, recordCount * (perRecord[i] ?? 1), warnings),
  );
  const tals = annotationRecords(source, recordCount, durationS);
  const annotationSamples = Math.ceil(tals.bytesPerRecord / 2);

  const t = utcParts(source.startMs);
  const signalCount = channels.length + 1;
  const patient = `${subfield(source.patient?.id)} X X ${subfield(source.patient?.name)}`;
  const recording = `Startdate ${pad2(t.day)}-${EDF_MONTHS[t.month - 1]}-${t.year} X X X`;
  const fixed =
    field('0', 8, warnings) +
    field(patient, 80, warnings, 'patient identification') +
    field(recording, 80, warnings) +
    field(startDate(t), 8, warnings) +
    field(`${pad2(t.hour)}.${pad2(t.minute)}.${pad2(t.second)}`, 8, warnings) +
    field(String(256 * (signalCount + 1)), 8, warnings) +
    field('EDF+C', 44, warnings) +
    field(String(recordCount), 8, warnings) +
    field(String(durationS), 8, warnings) +
    field(String(signalCount), 4, warnings);
  const column = (width: number, values: string[], what = ''): string =>
    values.map((value) => field(value, width, warnings, what)).join('');
  const signalsHeader =
    column(16, [...channels.map((c) => c.label), EDF_ANNOTATIONS_LABEL], 'label') +
    column(80, channels.map(() => '').concat('')) +
    column(8, [...channels.map((c) => c.unit), ''], 'unit') +
    column(8, [...digitised.map((d) => d.physicalMin), '-1']) +
    column(8, [...digitised.map((d) => d.physicalMax), '1']) +
    column(8, [...channels.map(() => String(DIGITAL_MIN)), String(DIGITAL_MIN)]) +
    column(8, [...channels.map(() => String(DIGITAL_MAX)), String(DIGITAL_MAX)]) +
    column(80, channels.map(() => '').concat('')) +
    column(8, [...perRecord.map(String), String(annotationSamples)]) +
    column(32, channels.map(() => '').concat(''));

  const recordBytes = 2 * (perRecord.reduce((sum, n) => sum + n, 0) + annotationSamples);
  const headerBytes = 256 * (signalCount + 1);
  const recordsPerPiece = Math.max(
    1,
    Math.floor((options.pieceSeconds ?? DEFAULT_PIECE_SECONDS) / durationS),
  );
  const header = Uint8Array.from(fixed + signalsHeader, (char) => char.charCodeAt(0));

  function dataRecords(first: number, count: number): Uint8Array {
    const out = new Uint8Array(count * recordBytes);
    const view = new DataView(out.buffer);
    const samples = channels.map((_, s) => {
      const n = perRecord[s] ?? 0;
      return source.read(s, first * n, count * n);
    });
    let at = 0;
    for (let r = 0; r < count; r++) {
      digitised.forEach(({ toDigital, fill }, s) => {
        const n = perRecord[s] ?? 0;
        const values = samples[s]!;
        for (let k = r * n; k < (r + 1) * n; k++, at += 2) {
          view.setInt16(at, k < values.length ? toDigital(values[k]!) : fill, true);
        }
      });
      out.set(tals.tal(first + r), at); // the rest of the slot stays 0
      at += 2 * annotationSamples;
    }
    return out;
  }

  if (header.length !== headerBytes) throw new Error('EDF header has the wrong length');
  return {
    name: `${source.name}.edf`,
    pieceCount: 1 + pieceCountOf(recordCount, recordsPerPiece),
    *pieces() {
      yield header;
      for (const [first, count] of pieceRanges(recordCount, recordsPerPiece)) {
        yield dataRecords(first, count);
      }
    },
  };
}
