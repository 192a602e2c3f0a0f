// HL7 v2 messages in their usual text form (ER7): segments separated by CR, fields by |,
// repetitions by ~, components by ^, subcomponents by &, with \-escapes for those characters in
// data. What we send is built here with the standard encoding characters; what we read may declare
// its own in MSH-2, and is parsed by what it declares. Nothing here throws past Er7Error.

export interface Encoding {
  field: string;
  component: string;
  repetition: string;
  escape: string;
  subcomponent: string;
}

export const STANDARD_ENCODING: Encoding = {
  field: '|',
  component: '^',
  repetition: '~',
  escape: '\\',
  subcomponent: '&',
};

/** A message that cannot be read as HL7 v2, with the reason in words for a NAK's text. */
export class Er7Error extends Error {}

/** A value as written: empty, a text, or a number (written as it prints). */
export type Er7Value = string | number | null | undefined;
/** A field: one value, its components, or its repetitions (each a list of components). */
export type Er7Field = Er7Value | readonly Er7Value[] | { readonly repeat: readonly Er7Value[][] };

/** Escapes the encoding characters and line breaks of a text (HL7 v2 2.7 escape sequences). */
export function escapeEr7(text: string, enc: Encoding = STANDARD_ENCODING): string {
  let out = '';
  for (const ch of text) {
    if (ch === enc.escape) out += `${enc.escape}E${enc.escape}`;
    else if (ch === enc.field) out += `${enc.escape}F${enc.escape}`;
    else if (ch === enc.component) out += `${enc.escape}S${enc.escape}`;
    else if (ch === enc.subcomponent) out += `${enc.escape}T${enc.escape}`;
    else if (ch === enc.repetition) out += `${enc.escape}R${enc.escape}`;
    else if (ch === '\r') out += `${enc.escape}X0D${enc.escape}`;
    else if (ch === '\n') out += `${enc.escape}X0A${enc.escape}`;
    else out += ch;
  }
  return out;
}

function value(v: Er7Value): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Er7Error(`${v} cannot be written in an HL7 message`);
    return String(v);
  }
  return escapeEr7(v);
}

function components(list: readonly Er7Value[]): string {
  const parts = list.map(value);
  while (parts.length > 1 && parts.at(-1) === '') parts.pop();
  return parts.join(STANDARD_ENCODING.component);
}

function fieldText(f: Er7Field): string {
  if (f === null || f === undefined || typeof f === 'string' || typeof f === 'number')
    return value(f);
  if (Array.isArray(f)) return components(f as readonly Er7Value[]);
  return (f as { repeat: readonly Er7Value[][] }).repeat
    .map(components)
    .join(STANDARD_ENCODING.repetition);
}

/** One segment: its name, then fields 1… (for MSH, give fields from MSH-3 on). */
export function segment(name: string, ...fields: Er7Field[]): string {
  if (!/^[A-Z][A-Z0-9]{2}$/.test(name)) throw new Er7Error(`${name} is not a segment name`);
  const texts = fields.map(fieldText);
  while (texts.length > 0 && texts.at(-1) === '') texts.pop();
  if (name === 'MSH') return ['MSH', '^~\\&', ...texts].join('|');
  return [name, ...texts].join('|');
}

/** Segments joined as a message (CR between and after each, as MLLP receivers expect). */
export function message(segments: readonly string[]): string {
  return segments.map((s) => `${s}\r`).join('');
}

/** HL7's timestamp (DTM) in UTC with its offset: YYYYMMDDHHMMSS+0000. */
export function hl7Time(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}` +
    `${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}+0000`
  );
}

/** Reads an HL7 DTM (YYYY[MM[DD[HH[MM[SS[.S…]]]]]][+/-ZZZZ]); null when it is not one. */
export function parseHl7Time(text: string): number | null {
  const m = /^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:\.(\d{1,4}))?([+-]\d{4})?$/.exec(
    text,
  );
  if (!m) return null;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', s = '00', frac = '', zone] = m;
  const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  const check = new Date(t);
  if (
    check.getUTCMonth() !== Number(mo) - 1 ||
    check.getUTCDate() !== Number(d) ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(s) > 59
  )
    return null;
  if (zone) {
    const sign = zone.startsWith('-') ? -1 : 1;
    const offset = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5)));
    t -= offset * 60_000;
  }
  return t;
}

export interface ParsedSegment {
  name: string;
  /** Raw field texts by field number (index 0 is the name; for MSH, 1 is the field separator). */
  fields: string[];
}

export interface ParsedMessage {
  encoding: Encoding;
  segments: ParsedSegment[];
}

/** Parses a message by the encoding characters its MSH declares. */
export function parseEr7(text: string): ParsedMessage {
  const lines = text.split(/\r\n|\r|\n/).filter((line) => line.length > 0);
  const first = lines[0];
  if (!first || !first.startsWith('MSH')) {
    throw new Er7Error('The message does not begin with an MSH segment.');
  }
  const fieldSep = first[3];
  const chars = first.slice(4, 8);
  if (!fieldSep || chars.length < 4 || /[A-Za-z0-9\r\n]/.test(fieldSep + chars)) {
    throw new Er7Error('MSH-1 and MSH-2 do not declare the encoding characters.');
  }
  const enc: Encoding = {
    field: fieldSep,
    component: chars[0]!,
    repetition: chars[1]!,
    escape: chars[2]!,
    subcomponent: chars[3]!,
  };
  if (new Set([enc.field, enc.component, enc.repetition, enc.escape, enc.subcomponent]).size < 5) {
    throw new Er7Error('The encoding characters in MSH-2 are not five different characters.');
  }
  if (first[8] !== undefined && first[8] !== enc.field) {
    throw new Er7Error('MSH-2 holds more than the four encoding characters.');
  }
  const segments: ParsedSegment[] = [];
  for (const line of lines) {
    const name = line.slice(0, 3);
    if (!/^[A-Z][A-Z0-9]{2}$/.test(name) || (line.length > 3 && line[3] !== enc.field)) {
      throw new Er7Error(`A segment does not begin with a segment name: "${line.slice(0, 20)}"`);
    }
    if (name === 'MSH') {
      const rest = line.length > 9 ? line.slice(9).split(enc.field) : [];
      segments.push({ name, fields: ['MSH', enc.field, chars, ...rest] });
    } else {
      segments.push({ name, fields: line.split(enc.field) });
    }
  }
  return { encoding: enc, segments };
}

/** Undoes the escape sequences of a text read from a message. */
export function unescapeEr7(text: string, enc: Encoding = STANDARD_ENCODING): string {
  if (!text.includes(enc.escape)) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch !== enc.escape) {
      out += ch;
      i += 1;
      continue;
    }
    const end = text.indexOf(enc.escape, i + 1);
    if (end < 0) {
      out += text.slice(i);
      break;
    }
    const seq = text.slice(i + 1, end);
    if (seq === 'F') out += enc.field;
    else if (seq === 'S') out += enc.component;
    else if (seq === 'T') out += enc.subcomponent;
    else if (seq === 'R') out += enc.repetition;
    else if (seq === 'E') out += enc.escape;
    else if (seq === '.br') out += '\n';
    else if (/^X([0-9A-Fa-f]{2})+$/.test(seq)) {
      out += Buffer.from(seq.slice(1), 'hex').toString('latin1');
    } else out += `${enc.escape}${seq}${enc.escape}`;
    i = end + 1;
  }
  return out;
}

/** The first segment of a name, or undefined. */
export function findSegment(msg: ParsedMessage, name: string): ParsedSegment | undefined {
  return msg.segments.find((s) => s.name === name);
}

/**
 * A field's component as text, unescaped: `get(seg, 3, 1)` is PID-3.1 of its first repetition.
 * Missing parts are ''.
 */
export function get(
  msg: ParsedMessage,
  seg: ParsedSegment | undefined,
  field: number,
  component = 1,
  repetition = 0,
): string {
  if (!seg) return '';
  const raw = seg.fields[field] ?? '';
  if (seg.name === 'MSH' && field <= 2) return raw;
  const rep = raw.split(msg.encoding.repetition)[repetition] ?? '';
  const comp = rep.split(msg.encoding.component)[component - 1] ?? '';
  return unescapeEr7(comp, msg.encoding);
}

/** Every repetition of a field, each split into its components (unescaped). */
export function repetitions(
  msg: ParsedMessage,
  seg: ParsedSegment | undefined,
  field: number,
): string[][] {
  const raw = seg?.fields[field] ?? '';
  if (raw === '') return [];
  return raw
    .split(msg.encoding.repetition)
    .map((rep) => rep.split(msg.encoding.component).map((c) => unescapeEr7(c, msg.encoding)));
}

/**
 * A subcomponent as text, unescaped: `getSubcomponent(msg, pv1, 3, 4, 1)` is PV1-3.4.1 (the
 * facility's namespace id). Split before unescaping, so an escaped & stays in the text.
 */
export function getSubcomponent(
  msg: ParsedMessage,
  seg: ParsedSegment | undefined,
  field: number,
  component: number,
  subcomponent: number,
  repetition = 0,
): string {
  if (!seg) return '';
  const raw = seg.fields[field] ?? '';
  const rep = raw.split(msg.encoding.repetition)[repetition] ?? '';
  const comp = rep.split(msg.encoding.component)[component - 1] ?? '';
  const sub = comp.split(msg.encoding.subcomponent)[subcomponent - 1] ?? '';
  return unescapeEr7(sub, msg.encoding);
}
