// MIT-format WFDB annotation files (`.atr` and kin): a stream of 16-bit little-endian words, the
// top 6 bits an annotation type, the low 10 bits a time step in sample intervals. Types 59..63
// are pseudo-annotations: SKIP (a 32-bit step follows, high 16-bit word first), NUM, SUB, CHN
// (fields of the preceding annotation) and AUX (a text of N bytes follows, padded to even
// length). A zero word ends the file. Reference: WFDB annot(5) and lib/annot.c. Pure.

export interface MitAnnotation {
  /** Sample (frame) number. */
  sample: number;
  /** WFDB annotation type, 1..49 (`NOTE` = 22). */
  type: number;
  /** The AUX text as stored (PhysioNet's often ends in a NUL), or '' when there is none. */
  aux: string;
  /** Subtype, channel and number fields; 0 when absent. */
  sub?: number;
  chan?: number;
  num?: number;
}

export const NOTE = 22;
const SKIP = 59;
const NUM = 60;
const SUB = 61;
const CHN = 62;
const AUX = 63;
const MAX_STEP = 1023;
const MAX_AUX_BYTES = 255;

/** WFDB mnemonics (lib/annot.c `astring`), indexed by annotation type. */
const MNEMONICS = [
  ' ', 'N', 'L', 'R', 'a', 'V', 'F', 'J', 'A', 'S',
  'E', 'j', '/', 'Q', '~', '[15]', '|', '[17]', 's', 'T',
  '*', 'D', '"', '=', 'p', 'B', '^', 't', '+', 'u',
  '?', '!', '[', ']', 'e', 'n', '@', 'x', 'f', '(',
  ')', 'r',
]; // prettier-ignore

/** The symbol `rdann` prints for an annotation type, e.g. `N` for 1, `"` for a NOTE. */
export function annotationMnemonic(type: number): string {
  return MNEMONICS[type] ?? `[${type}]`;
}

/** Beat types (WFDB `isqrs`): the ones a heart-rate counter counts. */
const BEAT_TYPES = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 25, 34, 35, 38, 41]);

export function isBeat(type: number): boolean {
  return BEAT_TYPES.has(type);
}

/** Cuts UTF-8 text to `maxBytes` without splitting a character. */
function utf8Prefix(text: string, maxBytes: number): { bytes: Uint8Array; cut: boolean } {
  const encoder = new TextEncoder();
  let bytes = encoder.encode(text);
  if (bytes.length <= maxBytes) return { bytes, cut: false };
  let chars = Array.from(text);
  while (bytes.length > maxBytes) {
    chars = chars.slice(0, -1);
    bytes = encoder.encode(chars.join(''));
  }
  return { bytes, cut: true };
}

/**
 * Writes annotations, which must be sorted by sample, as an MIT annotation file. AUX texts longer
 * than the format's 255 bytes are cut; `warnings` says which.
 */
export function encodeMitAnnotations(annotations: readonly MitAnnotation[]): {
  bytes: Uint8Array;
  warnings: string[];
} {
  const words: number[] = [];
  const warnings: string[] = [];
  let previous = 0;
  let previousChan = 0;
  let previousNum = 0;
  for (const annotation of annotations) {
    const { sample, type } = annotation;
    if (!Number.isInteger(sample) || sample < previous) {
      throw new Error(`annotation at sample ${sample} is out of order or not a whole sample`);
    }
    if (!Number.isInteger(type) || type < 1 || type >= SKIP) {
      throw new Error(`annotation type ${type} is not a WFDB annotation code (1..58)`);
    }
    let step = sample - previous;
    if (step > MAX_STEP) {
      words.push(SKIP << 10, (step >>> 16) & 0xffff, step & 0xffff);
      step = 0;
    }
    words.push((type << 10) | step);
    previous = sample;
    // As WFDB's putann: a subtype when not 0, channel and number when they change.
    const { sub = 0, chan = 0, num = 0 } = annotation;
    if (sub !== 0) words.push((SUB << 10) | (sub & 0x3ff));
    if (chan !== previousChan) words.push((CHN << 10) | (chan & 0x3ff));
    if (num !== previousNum) words.push((NUM << 10) | (num & 0x3ff));
    previousChan = chan;
    previousNum = num;
    if (annotation.aux !== '') {
      const { bytes, cut } = utf8Prefix(annotation.aux, MAX_AUX_BYTES);
      if (cut) warnings.push(`annotation text at sample ${sample} cut to ${MAX_AUX_BYTES} bytes`);
      words.push((AUX << 10) | bytes.length);
      for (let i = 0; i < bytes.length; i += 2)
        words.push((bytes[i] ?? 0) | ((bytes[i + 1] ?? 0) << 8));
    }
  }
  words.push(0);
  const out = new Uint8Array(words.length * 2);
  words.forEach((word, i) => {
    out[2 * i] = word & 0xff;
    out[2 * i + 1] = word >> 8;
  });
  return { bytes: out, warnings };
}

/** Reads an MIT annotation file. Throws, naming the byte offset, when it ends mid-annotation. */
export function decodeMitAnnotations(bytes: Uint8Array): MitAnnotation[] {
  const decoder = new TextDecoder('utf-8');
  const annotations: MitAnnotation[] = [];
  const wordCount = bytes.length >> 1;
  const word = (i: number): number => (bytes[2 * i] ?? 0) | ((bytes[2 * i + 1] ?? 0) << 8);
  let time = 0;
  let chan = 0;
  let num = 0;
  let i = 0;
  const signed10 = (value: number) => (value & 0x200 ? value - 0x400 : value);
  while (i < wordCount) {
    const current = word(i);
    if (current === 0) return annotations;
    const type = current >> 10;
    const data = current & 0x3ff;
    const at = 2 * i;
    i++;
    switch (type) {
      case SKIP: {
        if (i + 2 > wordCount) throw new Error(`annotation file ends inside a SKIP at byte ${at}`);
        const step = (word(i) << 16) | word(i + 1) | 0; // signed 32-bit
        time += step;
        i += 2;
        break;
      }
      case AUX: {
        const length = data & 0xff;
        if (2 * i + length > bytes.length) {
          throw new Error(`annotation file ends inside an AUX text at byte ${at}`);
        }
        const last = annotations[annotations.length - 1];
        if (last) last.aux = decoder.decode(bytes.subarray(2 * i, 2 * i + length));
        i += (length + 1) >> 1;
        break;
      }
      // Subtype belongs to one annotation; channel and number carry on to the next ones.
      case SUB: {
        const last = annotations[annotations.length - 1];
        if (last) last.sub = signed10(data);
        break;
      }
      case CHN:
      case NUM: {
        const last = annotations[annotations.length - 1];
        if (type === CHN) chan = data;
        else num = signed10(data);
        if (last) Object.assign(last, { chan, num });
        break;
      }
      default:
        time += data;
        // Type 0 with a step is a null annotation (it only moves time), never a real one.
        if (type !== 0) annotations.push({ sample: time, type, aux: '', sub: 0, chan, num });
    }
  }
  return annotations; // no end word: the file was cut, but every annotation in it is whole
}
