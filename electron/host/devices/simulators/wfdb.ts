// PhysioNet WFDB records: the `.hea` header and the format 212 signal file (two 12-bit
// two's-complement samples in 3 bytes, signals interleaved). Reference: WFDB header(5) and
// signal(5) man pages; ../shared/data/README.md. Pure: bytes and text in, numbers out.

export interface WfdbSignalSpec {
  fileName: string;
  format: number;
  /** ADC units per physical unit (adu/mV for ECG). */
  gainPerUnit: number;
  /** Physical unit of the signal, mV unless the header says otherwise. */
  unit: string;
  bitResolution: number;
  /** ADC value that corresponds to 0 physical units. */
  zeroAdu: number;
  firstValueAdu: number;
  /** Sum of all samples mod 2^16 as a signed 16-bit number. */
  checksum: number;
  blockSize: number;
  description: string;
}

export interface WfdbHeader {
  recordName: string;
  signalCount: number;
  samplingHz: number;
  /** Samples per signal. */
  sampleCount: number;
  signals: WfdbSignalSpec[];
  /** `#` comment lines, without the `#`. */
  comments: string[];
}

const DEFAULT_GAIN_PER_UNIT = 200;

function numberField(value: string | undefined, name: string, line: string): number {
  const parsed = Number.parseFloat(value ?? '');
  if (!Number.isFinite(parsed)) {
    throw new Error(`WFDB header: ${name} is missing or not a number in line "${line}"`);
  }
  return parsed;
}

/** Gain field: `gain[(baseline)][/unit]`; a gain of 0 means "uncalibrated", read as 200. */
function parseGain(field: string | undefined, line: string): { gain: number; unit: string } {
  if (field === undefined) return { gain: DEFAULT_GAIN_PER_UNIT, unit: 'mV' };
  const match = /^([-+\d.eE]+)(?:\([-\d]+\))?(?:\/(\S+))?$/.exec(field);
  if (!match) throw new Error(`WFDB header: bad gain field in line "${line}"`);
  const gain = numberField(match[1], 'gain', line);
  return { gain: gain === 0 ? DEFAULT_GAIN_PER_UNIT : gain, unit: match[2] ?? 'mV' };
}

function parseSignalLine(line: string): WfdbSignalSpec {
  const fields = line.trim().split(/\s+/);
  // The format may carry `x<samples per frame>`, `:skew` or `+offset` suffixes.
  const format = numberField(fields[1], 'format', line);
  const { gain, unit } = parseGain(fields[2], line);
  return {
    fileName: fields[0] ?? '',
    format,
    gainPerUnit: gain,
    unit,
    bitResolution: fields[3] === undefined ? 12 : numberField(fields[3], 'bit resolution', line),
    zeroAdu: fields[4] === undefined ? 0 : numberField(fields[4], 'ADC zero', line),
    firstValueAdu: fields[5] === undefined ? 0 : numberField(fields[5], 'first value', line),
    checksum: fields[6] === undefined ? 0 : numberField(fields[6], 'checksum', line),
    blockSize: fields[7] === undefined ? 0 : numberField(fields[7], 'block size', line),
    description: fields.slice(8).join(' '),
  };
}

/** Parses a single-segment WFDB header. Throws with the offending line when it is malformed. */
export function readWfdbHeader(text: string): WfdbHeader {
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  const comments = lines.filter((l) => l.startsWith('#')).map((l) => l.slice(1).trim());
  const content = lines.filter((line) => line !== '' && !line.startsWith('#'));
  const recordLine = content[0];
  if (recordLine === undefined) throw new Error('WFDB header: no record line');
  const [recordName = '', nsig, fs, nsamples] = recordLine.split(/\s+/);
  if (recordName.includes('/')) {
    throw new Error(`WFDB header: multi-segment record "${recordName}" is not supported`);
  }
  const signalCount = numberField(nsig, 'number of signals', recordLine);
  const signals = content.slice(1, 1 + signalCount).map(parseSignalLine);
  if (signals.length !== signalCount) {
    throw new Error(`WFDB header: ${signalCount} signals declared, ${signals.length} described`);
  }
  return {
    recordName,
    signalCount,
    // The frequency may carry `/counter frequency(base counter)`; only the sampling rate matters.
    samplingHz:
      fs === undefined ? 250 : numberField(fs.split('/')[0], 'sampling frequency', recordLine),
    sampleCount:
      nsamples === undefined ? 0 : numberField(nsamples, 'number of samples', recordLine),
    signals,
    comments,
  };
}

function signExtend12(value: number): number {
  return value & 0x800 ? value - 0x1000 : value;
}

/**
 * Decodes a format 212 file with `signalCount` interleaved signals into one array per signal
 * (ADC units). A trailing incomplete frame is dropped.
 */
export function decodeFormat212(bytes: Uint8Array, signalCount: number): Int16Array[] {
  const totalSamples = Math.floor(bytes.length / 3) * 2 + (bytes.length % 3 >= 2 ? 1 : 0);
  const perSignal = Math.floor(totalSamples / signalCount);
  const signals = Array.from({ length: signalCount }, () => new Int16Array(perSignal));
  for (let n = 0; n < perSignal * signalCount; n++) {
    const at = Math.floor(n / 2) * 3;
    const middle = bytes[at + 1] ?? 0;
    const value =
      n % 2 === 0
        ? (bytes[at] ?? 0) | ((middle & 0x0f) << 8)
        : (bytes[at + 2] ?? 0) | ((middle & 0xf0) << 4);
    const signal = signals[n % signalCount];
    if (signal) signal[Math.floor(n / signalCount)] = signExtend12(value);
  }
  return signals;
}

/** The header checksum of a signal: sum of its samples mod 2^16, as a signed 16-bit number. */
export function wfdbChecksum(samples: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum = (sum + (samples[i] ?? 0)) & 0xffff;
  return sum >= 0x8000 ? sum - 0x10000 : sum;
}
