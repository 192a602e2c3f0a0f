// A record as a WFDB record: `<name>.hea` header, `<name>.dat` signals (format 16 or 212,
// multi-frequency when rates are whole multiples of the lowest) and `<name>.alm`, an MIT
// annotation file of NOTE annotations whose AUX text is `CODE: text`. `rdsamp -r <name>` and
// `rdann -r <name> -a alm` read them. Pure: records (or sample sources, a piece at a time) in,
// file contents out, and back.

import {
  annotationLabel,
  keyFromLabel,
  parseAnnotationLabel,
  type ExportChannel,
  type ExportRecord,
  type ExportResult,
} from './record';
import {
  NOTE,
  annotationMnemonic,
  decodeMitAnnotations,
  encodeMitAnnotations,
  type MitAnnotation,
} from './wfdb-annotations';
import { formatWfdbHeader, parseWfdbHeader, type WfdbSignalLine } from './wfdb-header';
import {
  WFDB_RANGE,
  decodeSamples,
  deinterleaveFrames,
  encodeSamples,
  interleaveFrames,
  sampleCapacity,
  signalChecksum,
  type WfdbFormat,
} from './wfdb-signals';
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

export interface WfdbWriteOptions {
  /** 16 (default) holds any 16-bit sample; 212 halves the size when every sample fits 12 bits. */
  format?: WfdbFormat;
  /** Annotator name, the annotation file's extension; `alm` unless given. */
  annotator?: string;
}

const KEY_COMMENT = /^workstation-key (\d+) (\S+)$/;
const PATIENT_ID_COMMENT = /^patient-id (.+)$/;
const PATIENT_NAME_COMMENT = /^patient-name (.+)$/;
/** Frame rate of a record with no signals, so annotations keep millisecond resolution. */
const ANNOTATION_ONLY_HZ = 1000;

/** Samples per frame of each channel; throws when a rate is not a whole multiple of the lowest. */
function framing(channels: readonly SourceChannel[]): { frameHz: number; perFrame: number[] } {
  if (channels.length === 0) return { frameHz: ANNOTATION_ONLY_HZ, perFrame: [] };
  for (const c of channels) {
    if (!(c.rateHz > 0) || !Number.isFinite(c.rateHz)) {
      throw new Error(`channel "${c.label}" has no valid sampling rate (${c.rateHz} Hz)`);
    }
  }
  const frameHz = Math.min(...channels.map((c) => c.rateHz));
  const perFrame = channels.map((c) => Math.round(c.rateHz / frameHz));
  const uneven = channels.filter(
    (c, i) => Math.abs(c.rateHz - (perFrame[i] ?? 1) * frameHz) > 1e-9 * c.rateHz,
  );
  if (uneven.length > 0) {
    const rates = [...new Set(channels.map((c) => c.rateHz))].join(', ');
    throw new Error(
      `WFDB needs every sampling rate to be a whole multiple of the lowest (${frameHz} Hz), ` +
        `but the rates are ${rates} Hz; export as EDF or CSV, or export these channels separately`,
    );
  }
  return { frameHz, perFrame };
}

function checkRange(channel: SourceChannel, format: WfdbFormat, warnings: string[]): void {
  const { min, max } = WFDB_RANGE[format];
  const { min: low, max: high } = channel;
  if (low < min || high > max) {
    const advice = format === 212 ? 'export with format 16' : 'export as EDF or CSV instead';
    throw new Error(
      `channel "${channel.label}" has samples from ${low} to ${high}, outside WFDB format ` +
        `${format}'s range ${min}..${max}; ${advice}`,
    );
  }
  if (low === min) warnings.push(`channel "${channel.label}": WFDB tools read ${min} as "no data"`);
}

function checkCalibration(channel: SourceChannel): void {
  if (!Number.isFinite(channel.rawPerUnit) || channel.rawPerUnit === 0) {
    throw new Error(
      `channel "${channel.label}" has no usable gain (${channel.rawPerUnit} per unit)`,
    );
  }
  if (!Number.isInteger(channel.baseline)) {
    throw new Error(
      `channel "${channel.label}": WFDB needs a whole-number baseline, not ${channel.baseline}`,
    );
  }
}

/** The checksum of a signal of `checksum` padded with `missing` samples of `fill`. */
function paddedChecksum(checksum: number, missing: number, fill: number): number {
  const sum = (((checksum + missing * fill) % 0x10000) + 0x10000) % 0x10000;
  return sum >= 0x8000 ? sum - 0x10000 : sum;
}

export function writeWfdb(record: ExportRecord, options: WfdbWriteOptions = {}): ExportResult {
  const warnings: string[] = [];
  const files = wfdbFiles(recordSource(record), { ...options, pieceSeconds: Infinity }, warnings);
  return { files: files.map(collectFile), warnings };
}

/**
 * The record as WFDB files (`.hea`, `.dat`, annotations), the signal file made `pieceSeconds` of
 * frames at a time. Everything the header needs (frame count, checksums, first samples) is known
 * from the source's description, so the files can be written in any order.
 */
export function wfdbFiles(
  source: SampleSource,
  options: WfdbWriteOptions & { pieceSeconds?: number },
  warnings: string[],
): StreamedFile[] {
  const format = options.format ?? 16;
  const annotator = options.annotator ?? 'alm';
  if (!/^[A-Za-z0-9_]+$/.test(source.name)) {
    throw new Error(`WFDB record name "${source.name}" may contain only letters, digits and _`);
  }
  if (!/^[A-Za-z0-9_]+$/.test(annotator)) throw new Error(`bad annotator name "${annotator}"`);
  const { channels } = source;
  const { frameHz, perFrame } = framing(channels);
  channels.forEach((c) => {
    checkCalibration(c);
    checkRange(c, format, warnings);
  });
  const frameCount = Math.max(
    0,
    ...channels.map((c, i) => Math.ceil(c.length / (perFrame[i] ?? 1))),
  );
  const fill = WFDB_RANGE[format].min;
  const missing = channels.map((c, i) => frameCount * (perFrame[i] ?? 1) - c.length);
  channels.forEach((c, i) => {
    if (missing[i]! > 0)
      warnings.push(`channel "${c.label}" ends ${missing[i]} samples early; padded with "no data"`);
  });
  const datName = `${source.name}.dat`;
  const signals: WfdbSignalLine[] = channels.map((c, i) => ({
    fileName: datName,
    format,
    samplesPerFrame: perFrame[i] ?? 1,
    byteOffset: 0,
    gain: c.rawPerUnit,
    baseline: c.baseline,
    unit: c.unit,
    adcResolution: format === 212 ? 12 : 16,
    adcZero: 0,
    initialValue: c.length > 0 ? (source.read(i, 0, 1)[0] ?? 0) : fill,
    checksum: paddedChecksum(c.checksum, missing[i] ?? 0, fill),
    blockSize: 0,
    description: c.label,
  }));
  const comments = channels.map((c, i) => `workstation-key ${i} ${c.key.replace(/\s+/g, '_')}`);
  if (source.patient?.id) comments.push(`patient-id ${source.patient.id}`);
  if (source.patient?.name) comments.push(`patient-name ${source.patient.name}`);
  const header = formatWfdbHeader({
    recordName: source.name,
    frameHz,
    frameCount,
    startMs: source.startMs,
    signals,
    comments,
  });

  const notes: MitAnnotation[] = source.annotations
    .map((a) => {
      let sample = Math.round((a.timeMs * frameHz) / 1000);
      if (!(sample >= 0)) {
        warnings.push(
          `annotation "${annotationLabel(a)}" at ${a.timeMs} ms moved to the record start`,
        );
        sample = 0;
      }
      return { sample, type: NOTE, aux: annotationLabel(a) };
    })
    .sort((x, y) => x.sample - y.sample);
  const encoded = encodeMitAnnotations(notes);
  warnings.push(...encoded.warnings);

  // An even number of frames per piece keeps format 212's sample pairs whole across pieces.
  const pieceSeconds = options.pieceSeconds ?? DEFAULT_PIECE_SECONDS;
  const framesPerPiece = Math.max(2, 2 * Math.floor(Math.min(pieceSeconds * frameHz, 2 ** 40) / 2));
  const signalPiece = (first: number, count: number) =>
    encodeSamples(
      interleaveFrames(
        channels.map((_, i) => source.read(i, first * perFrame[i]!, count * perFrame[i]!)),
        perFrame,
        count,
        fill,
      ),
      format,
    );
  return [
    { name: `${source.name}.hea`, pieceCount: 1, pieces: () => [header] },
    {
      name: datName,
      pieceCount: Math.max(1, pieceCountOf(frameCount, framesPerPiece)),
      *pieces() {
        if (frameCount === 0) yield new Uint8Array(0);
        for (const [first, count] of pieceRanges(frameCount, framesPerPiece)) {
          yield signalPiece(first, count);
        }
      },
    },
    { name: `${source.name}.${annotator}`, pieceCount: 1, pieces: () => [encoded.bytes] },
  ];
}

function checkOneSignalFile(signals: readonly WfdbSignalLine[]): void {
  const files = [...new Set(signals.map((s) => s.fileName))];
  if (files.length > 1) {
    throw new Error(
      `the record keeps its signals in ${files.length} files (${files.join(', ')}); import reads records with one signal file`,
    );
  }
  const formats = [...new Set(signals.map((s) => s.format))];
  const offsets = [...new Set(signals.map((s) => s.byteOffset))];
  if (formats.length > 1 || offsets.length > 1) {
    throw new Error(
      `WFDB header: signals in one file must share format and byte offset (${formats.join(', ')})`,
    );
  }
}

/** Reads a WFDB record (formats 16 and 212, one signal file) and, if given, its annotations. */
export function readWfdb(
  headerText: string,
  datBytes: Uint8Array,
  annBytes?: Uint8Array,
): ExportRecord {
  const header = parseWfdbHeader(headerText);
  const { signals, frameHz } = header;
  checkOneSignalFile(signals);
  const perFrame = signals.map((s) => s.samplesPerFrame);
  const frameSize = perFrame.reduce((sum, n) => sum + n, 0);
  const first = signals[0];
  let series: Int32Array[] = [];
  if (first) {
    const bytes = datBytes.subarray(Math.min(first.byteOffset, datBytes.length));
    const available = Math.floor(sampleCapacity(bytes.length, first.format) / frameSize);
    const frameCount = header.frameCount < 0 ? available : header.frameCount;
    if (frameCount > available) {
      throw new Error(
        `the signal file holds ${available} frames but the header says ${frameCount}: ` +
          `the .dat file is cut short or belongs to another record`,
      );
    }
    series = deinterleaveFrames(
      decodeSamples(bytes, first.format, frameCount * frameSize),
      perFrame,
      frameCount,
    );
  }
  const keys = new Map<number, string>();
  let patientId: string | undefined;
  let patientName: string | undefined;
  for (const comment of header.comments) {
    const key = KEY_COMMENT.exec(comment);
    if (key) keys.set(Number(key[1]), key[2] ?? '');
    patientId = PATIENT_ID_COMMENT.exec(comment)?.[1] ?? patientId;
    patientName = PATIENT_NAME_COMMENT.exec(comment)?.[1] ?? patientName;
  }
  const taken = new Set<string>();
  const channels = signals.map((s, i): ExportChannel => {
    const samples = series[i] ?? new Int32Array(0);
    if (
      s.checksum !== undefined &&
      header.frameCount >= 0 &&
      signalChecksum(samples) !== s.checksum
    ) {
      throw new Error(
        `signal ${i} ("${s.description}") does not match its header checksum: ` +
          `the .dat file is damaged or belongs to another record`,
      );
    }
    const known = keys.get(i);
    if (known) taken.add(known);
    return {
      key: known ?? keyFromLabel(s.description, i, taken),
      label: s.description === '' ? `signal ${i}` : s.description,
      unit: s.unit,
      rateHz: frameHz * s.samplesPerFrame,
      rawPerUnit: s.gain,
      baseline: s.baseline,
      samples,
    };
  });
  const annotations = annBytes
    ? decodeMitAnnotations(annBytes).map((a) => {
        const mnemonic = annotationMnemonic(a.type);
        const aux = a.aux.replace(/\0+$/, '');
        const { code, text } =
          a.type === NOTE ? parseAnnotationLabel(aux, mnemonic) : { code: mnemonic, text: aux };
        return { timeMs: (a.sample * 1000) / frameHz, code, text };
      })
    : [];
  const patient = patientId || patientName ? { id: patientId, name: patientName } : undefined;
  return {
    name: header.recordName,
    startMs: header.startMs ?? 0,
    channels,
    annotations,
    ...(patient ? { patient } : {}),
  };
}
