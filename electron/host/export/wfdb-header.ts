// WFDB `.hea` header text: a record line `name nsig fs nframes [hh:mm:ss[.sss] [dd/mm/yyyy]]`,
// then one line per signal `file format[xspf][:skew][+offset] gain[(baseline)][/unit] adcres
// adczero initval checksum blocksize description`, then `#` comments. Reference: WFDB header(5).

import { pad2, utcParts } from './record';
import { WFDB_FORMATS, type WfdbFormat } from './wfdb-signals';

export interface WfdbSignalLine {
  fileName: string;
  format: WfdbFormat;
  samplesPerFrame: number;
  byteOffset: number;
  gain: number;
  baseline: number;
  unit: string;
  adcResolution: number;
  adcZero: number;
  initialValue: number;
  /** Undefined when a header read from a file leaves it out. */
  checksum: number | undefined;
  blockSize: number;
  description: string;
}

export interface WfdbHeaderFields {
  recordName: string;
  /** Frame frequency: the rate of a signal with one sample per frame. */
  frameHz: number;
  frameCount: number;
  /** UTC ms of the first sample, or undefined when the header gives no base time. */
  startMs: number | undefined;
  signals: WfdbSignalLine[];
  /** `#` lines without the `#` and surrounding blanks. */
  comments: string[];
}

/** The shortest text that reads back as the same number (WFDB reads gains with strtod). */
function numberText(value: number): string {
  return String(value);
}

function baseTimeText(startMs: number): string {
  const t = utcParts(startMs);
  const ms = t.millisecond === 0 ? '' : `.${String(t.millisecond).padStart(3, '0')}`;
  return `${pad2(t.hour)}:${pad2(t.minute)}:${pad2(t.second)}${ms} ${pad2(t.day)}/${pad2(t.month)}/${t.year}`;
}

/** WFDB fields are blank-separated: blanks inside units and descriptions would split them. */
function oneToken(text: string): string {
  const token = text.trim().replace(/\s+/g, '_');
  return token === '' ? 'NU' : token;
}

export function formatWfdbHeader(header: WfdbHeaderFields): string {
  const lines = [
    `${header.recordName} ${header.signals.length} ${numberText(header.frameHz)} ${header.frameCount}` +
      (header.startMs === undefined ? '' : ` ${baseTimeText(header.startMs)}`),
  ];
  for (const s of header.signals) {
    const format = s.samplesPerFrame > 1 ? `${s.format}x${s.samplesPerFrame}` : `${s.format}`;
    const gain = `${numberText(s.gain)}(${s.baseline})/${oneToken(s.unit)}`;
    const description = s.description.replace(/[\r\n]+/g, ' ').trim();
    lines.push(
      [
        s.fileName,
        format,
        gain,
        s.adcResolution,
        s.adcZero,
        s.initialValue,
        s.checksum ?? 0,
        s.blockSize,
        description,
      ]
        .join(' ')
        .trimEnd(),
    );
  }
  for (const comment of header.comments) lines.push(`# ${comment.replace(/[\r\n]+/g, ' ')}`);
  return `${lines.join('\n')}\n`;
}

function numberField(value: string | undefined, name: string, line: string): number {
  const parsed = Number(value);
  if (value === undefined || value === '' || !Number.isFinite(parsed)) {
    throw new Error(`WFDB header: ${name} is missing or not a number in line "${line}"`);
  }
  return parsed;
}

function integerField(value: string | undefined, name: string, line: string): number {
  const parsed = numberField(value, name, line);
  if (!Number.isInteger(parsed)) {
    throw new Error(`WFDB header: ${name} "${value}" is not a whole number in line "${line}"`);
  }
  return parsed;
}

/** `hh:mm:ss[.sss]` (or `mm:ss`, `ss`) and `dd/mm/yyyy` to UTC ms; the date defaults to 1970. */
function parseBaseTime(time: string | undefined, date: string | undefined, line: string) {
  if (time === undefined) return undefined;
  const parts = time.split(':').map((part) => numberField(part, 'base time', line));
  const [s = 0, m = 0, h = 0] = parts.reverse();
  if (parts.length > 3) throw new Error(`WFDB header: bad base time "${time}" in "${line}"`);
  let dayMs = 0;
  if (date !== undefined) {
    const match = /^(\d{1,2})\/(\d{1,2})\/(\d{1,4})$/.exec(date);
    if (!match) throw new Error(`WFDB header: bad base date "${date}" in line "${line}"`);
    dayMs = Date.UTC(Number(match[3]), Number(match[2]) - 1, Number(match[1]));
  }
  return dayMs + Math.round(((h * 60 + m) * 60 + s) * 1000);
}

function parseFormat(field: string | undefined, line: string) {
  const match = /^(\d+)(?:x(\d+))?(?::(\d+))?(?:\+(\d+))?$/.exec(field ?? '');
  if (!match) throw new Error(`WFDB header: bad format field "${field}" in line "${line}"`);
  const format = Number(match[1]);
  if (!WFDB_FORMATS.includes(format as WfdbFormat)) {
    throw new Error(
      `WFDB signal format ${format} is not supported (supported: ${WFDB_FORMATS.join(', ')}); ` +
        `convert the record first, e.g. with xform -f 16`,
    );
  }
  if (Number(match[3] ?? 0) !== 0) {
    throw new Error(`WFDB header: skewed signals are not supported in line "${line}"`);
  }
  const samplesPerFrame = Number(match[2] ?? 1);
  if (samplesPerFrame < 1) throw new Error(`WFDB header: 0 samples per frame in line "${line}"`);
  return { format: format as WfdbFormat, samplesPerFrame, byteOffset: Number(match[4] ?? 0) };
}

function parseSignalLine(line: string): WfdbSignalLine {
  const fields = line.split(/\s+/);
  const { format, samplesPerFrame, byteOffset } = parseFormat(fields[1], line);
  const adcResolution =
    fields[3] === undefined
      ? format === 212
        ? 12
        : 16
      : integerField(fields[3], 'ADC resolution', line);
  const adcZero = fields[4] === undefined ? 0 : integerField(fields[4], 'ADC zero', line);
  // gain[(baseline)][/unit]; a missing or 0 gain means "uncalibrated", which WFDB reads as 200.
  let gain = 200;
  let baseline = adcZero;
  let unit = 'mV';
  if (fields[2] !== undefined) {
    const match = /^([^(/]+)(?:\(([^)]*)\))?(?:\/(.*))?$/.exec(fields[2]);
    if (!match) throw new Error(`WFDB header: bad gain field "${fields[2]}" in line "${line}"`);
    gain = numberField(match[1], 'gain', line) || 200;
    if (match[2] !== undefined) baseline = integerField(match[2], 'baseline', line);
    if (match[3] !== undefined && match[3] !== '') unit = match[3];
  }
  return {
    fileName: fields[0] ?? '',
    format,
    samplesPerFrame,
    byteOffset,
    gain,
    baseline,
    unit,
    adcResolution,
    adcZero,
    initialValue: fields[5] === undefined ? 0 : integerField(fields[5], 'initial value', line),
    checksum: fields[6] === undefined ? undefined : integerField(fields[6], 'checksum', line),
    blockSize: fields[7] === undefined ? 0 : integerField(fields[7], 'block size', line),
    description: fields.slice(8).join(' '),
  };
}

/** Parses a single-segment header; throws naming the line when it is malformed. */
export function parseWfdbHeader(text: string): WfdbHeaderFields {
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  const comments = lines.filter((l) => l.startsWith('#')).map((l) => l.slice(1).trim());
  const content = lines.filter((line) => line !== '' && !line.startsWith('#'));
  const recordLine = content[0];
  if (recordLine === undefined)
    throw new Error('WFDB header: no record line; is this a .hea file?');
  const [recordName = '', nsig, fs, nframes, baseTime, baseDate] = recordLine.split(/\s+/);
  if (recordName.includes('/')) {
    throw new Error(`WFDB header: multi-segment record "${recordName}" is not supported`);
  }
  const signalCount = integerField(nsig, 'number of signals', recordLine);
  if (signalCount < 0 || signalCount > content.length - 1) {
    throw new Error(
      `WFDB header: ${signalCount} signals declared, ${content.length - 1} signal lines present`,
    );
  }
  // fs may be `fs/counterfreq(basecounter)`; only the frame rate matters here.
  const frameHz =
    fs === undefined ? 250 : numberField(fs.split('/')[0], 'sampling frequency', recordLine);
  if (frameHz <= 0)
    throw new Error(`WFDB header: sampling frequency must be positive in "${recordLine}"`);
  const frameCount =
    nframes === undefined ? -1 : integerField(nframes, 'number of samples', recordLine);
  return {
    recordName,
    frameHz,
    frameCount,
    startMs: parseBaseTime(baseTime, baseDate, recordLine),
    signals: content.slice(1, 1 + signalCount).map(parseSignalLine),
    comments,
  };
}
