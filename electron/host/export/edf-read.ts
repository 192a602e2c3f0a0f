// Reads EDF and EDF+ files (continuous or not, read as continuous) into a record: digital
// samples as raw counts with the gain and baseline their physical range implies, and EDF+
// annotations. Good enough for our own files and ordinary EDF+; throws on anything malformed.

import { EDF_ANNOTATIONS_LABEL, EDF_MONTHS } from './edf';
import {
  keyFromLabel,
  parseAnnotationLabel,
  type ExportAnnotation,
  type ExportChannel,
  type ExportRecord,
} from './record';

interface EdfSignalHeader {
  label: string;
  unit: string;
  physicalMin: number;
  physicalMax: number;
  digitalMin: number;
  digitalMax: number;
  samplesPerRecord: number;
}

class HeaderCursor {
  private at = 0;
  constructor(private readonly text: string) {}
  take(width: number): string {
    const value = this.text.slice(this.at, this.at + width);
    this.at += width;
    return value.trim();
  }
  number(width: number, what: string): number {
    const text = this.take(width);
    const value = Number(text);
    if (text === '' || !Number.isFinite(value)) {
      throw new Error(`EDF header: ${what} "${text}" is not a number; the file is not valid EDF`);
    }
    return value;
  }
}

function parseStart(date: string, time: string, recording: string): number {
  const d = /^(\d\d)\.(\d\d)\.(\d\d|yy)$/.exec(date);
  const t = /^(\d\d)\.(\d\d)\.(\d\d)$/.exec(time);
  if (!d || !t) throw new Error(`EDF header: bad start date/time "${date} ${time}"`);
  // EDF+ writes the 4-digit year in the recording field; plain EDF has only yy (1985..2084).
  const full = /^Startdate \d\d-([A-Z]{3})-(\d{4})\b/.exec(recording);
  let year = d[3] === 'yy' ? NaN : Number(d[3]);
  year = full ? Number(full[2]) : year < 85 ? 2000 + year : 1900 + year;
  if (!Number.isFinite(year)) throw new Error(`EDF header: no start year in "${recording}"`);
  if (full && !EDF_MONTHS.includes(full[1] ?? ''))
    throw new Error(`EDF header: bad month in "${recording}"`);
  return Date.UTC(year, Number(d[2]) - 1, Number(d[1]), Number(t[1]), Number(t[2]), Number(t[3]));
}

/** TALs of one data record: `onset[\x15duration]\x14text\x14…\x14\0`. */
function parseTals(bytes: Uint8Array): { onsetS: number; texts: string[] }[] {
  const text = new TextDecoder('utf-8').decode(bytes);
  const tals: { onsetS: number; texts: string[] }[] = [];
  for (const tal of text.split('\0')) {
    if (tal === '') continue;
    const [timing = '', ...texts] = tal.split('\x14');
    // eslint-disable-next-line no-control-regex -- EDF+ separates a TAL's duration with 0x15
    const onset = /^([+-]\d+(?:\.\d*)?)(?:\x15\d+(?:\.\d*)?)?$/.exec(timing);
    if (!onset) throw new Error(`EDF+ annotation: bad onset "${timing}" in TAL "${tal}"`);
    tals.push({ onsetS: Number(onset[1]), texts: texts.slice(0, -1) });
  }
  return tals;
}

/** `code sex birthdate name` with `X` for unknown and `_` for spaces. */
function parsePatient(field: string): ExportRecord['patient'] {
  const [id, , , name] = field.split(' ');
  const known = (value: string | undefined) =>
    value && value !== 'X' ? value.replace(/_/g, ' ') : undefined;
  const patient = { id: known(id), name: known(name) };
  return patient.id || patient.name ? patient : undefined;
}

export function readEdf(bytes: Uint8Array, name = 'edf'): ExportRecord {
  if (bytes.length < 256)
    throw new Error(`not an EDF file: ${bytes.length} bytes, less than the 256-byte header`);
  const latin1 = new TextDecoder('latin1');
  const fixed = new HeaderCursor(latin1.decode(bytes.subarray(0, 256)));
  if (fixed.take(8) !== '0') throw new Error('not an EDF file: the version field is not "0"');
  const patientField = fixed.take(80);
  const recordingField = fixed.take(80);
  const date = fixed.take(8);
  const time = fixed.take(8);
  const headerBytes = fixed.number(8, 'header size');
  fixed.take(44);
  const declaredRecords = fixed.number(8, 'number of data records');
  const durationS = fixed.number(8, 'data record duration');
  const signalCount = fixed.number(4, 'number of signals');
  if (
    !Number.isInteger(signalCount) ||
    signalCount < 0 ||
    headerBytes !== 256 * (signalCount + 1)
  ) {
    throw new Error(
      `EDF header: ${signalCount} signals do not match a header of ${headerBytes} bytes`,
    );
  }
  if (bytes.length < headerBytes)
    throw new Error(`EDF file is cut short inside its header (${bytes.length} bytes)`);
  const cursor = new HeaderCursor(latin1.decode(bytes.subarray(256, headerBytes)));
  const column = <T>(read: () => T): T[] => Array.from({ length: signalCount }, read);
  const labels = column(() => cursor.take(16));
  column(() => cursor.take(80));
  const units = column(() => cursor.take(8));
  const physicalMins = column(() => cursor.number(8, 'physical minimum'));
  const physicalMaxs = column(() => cursor.number(8, 'physical maximum'));
  const digitalMins = column(() => cursor.number(8, 'digital minimum'));
  const digitalMaxs = column(() => cursor.number(8, 'digital maximum'));
  column(() => cursor.take(80));
  const perRecord = column(() => cursor.number(8, 'samples per data record'));
  const signals: EdfSignalHeader[] = labels.map((label, i) => ({
    label,
    unit: units[i] ?? '',
    physicalMin: physicalMins[i] ?? 0,
    physicalMax: physicalMaxs[i] ?? 0,
    digitalMin: digitalMins[i] ?? 0,
    digitalMax: digitalMaxs[i] ?? 0,
    samplesPerRecord: perRecord[i] ?? 0,
  }));
  if (signals.some((s) => !Number.isInteger(s.samplesPerRecord) || s.samplesPerRecord < 0)) {
    throw new Error('EDF header: samples per data record must be whole numbers');
  }
  const recordBytes = 2 * signals.reduce((sum, s) => sum + s.samplesPerRecord, 0);
  if (recordBytes === 0) throw new Error('EDF header: data records hold no samples');
  const available = Math.floor((bytes.length - headerBytes) / recordBytes);
  const recordCount = declaredRecords === -1 ? available : declaredRecords;
  if (!Number.isInteger(recordCount) || recordCount < 0 || recordCount > available) {
    throw new Error(
      `EDF file holds ${available} data records but its header says ${declaredRecords}: it is cut short`,
    );
  }

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const channels: ExportChannel[] = [];
  const annotations: ExportAnnotation[] = [];
  let firstOnsetS: number | undefined;
  const taken = new Set<string>();
  let offset = 0;
  signals.forEach((s, index) => {
    const isAnnotations = s.label === EDF_ANNOTATIONS_LABEL;
    const samples = new Int32Array(isAnnotations ? 0 : recordCount * s.samplesPerRecord);
    for (let r = 0; r < recordCount; r++) {
      const at = headerBytes + r * recordBytes + offset;
      if (isAnnotations) {
        parseTals(bytes.subarray(at, at + 2 * s.samplesPerRecord)).forEach((tal, t) => {
          if (t === 0 && tal.texts.every((text) => text === '')) {
            if (r === 0) firstOnsetS = tal.onsetS; // time-keeping TAL
            return;
          }
          for (const text of tal.texts)
            annotations.push({ timeMs: tal.onsetS * 1000, ...parseAnnotationLabel(text, '') });
        });
        continue;
      }
      for (let k = 0; k < s.samplesPerRecord; k++) {
        samples[r * s.samplesPerRecord + k] = view.getInt16(at + 2 * k, true);
      }
    }
    offset += 2 * s.samplesPerRecord;
    if (isAnnotations) return;
    if (s.physicalMax === s.physicalMin || s.digitalMax === s.digitalMin || !(durationS > 0)) {
      throw new Error(
        `EDF signal "${s.label}" has an empty physical or digital range or no record duration`,
      );
    }
    const rawPerUnit = (s.digitalMax - s.digitalMin) / (s.physicalMax - s.physicalMin);
    channels.push({
      key: keyFromLabel(s.label, index, taken),
      label: s.label,
      unit: s.unit,
      rateHz: s.samplesPerRecord / durationS,
      rawPerUnit,
      baseline: s.digitalMin - s.physicalMin * rawPerUnit,
      samples,
    });
  });
  const offsetS = firstOnsetS ?? 0;
  for (const a of annotations) a.timeMs = Math.round((a.timeMs - offsetS * 1000) * 1000) / 1000;
  const patient = parsePatient(patientField);
  return {
    name,
    startMs: parseStart(date, time, recordingField) + Math.round(offsetS * 1000),
    channels,
    annotations,
    ...(patient ? { patient } : {}),
  };
}
