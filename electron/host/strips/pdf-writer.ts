// A small PDF 1.4 writer of our own, enough for ECG strips: pages in millimetres from the top-left
// corner, vector lines and polylines with widths and RGB colours, filled rectangles, and text in
// the standard Helvetica fonts (WinAnsi). No dependency beyond node:zlib for compressed streams.
import { deflateSync } from 'node:zlib';

/** Points (1/72 in) per millimetre. */
const PT_PER_MM = 72 / 25.4;

export interface PaperSize {
  widthMm: number;
  heightMm: number;
}

export const A4_LANDSCAPE: PaperSize = { widthMm: 297, heightMm: 210 };
export const LETTER_LANDSCAPE: PaperSize = { widthMm: 279.4, heightMm: 215.9 };

/** Red, green, blue from 0 to 1. */
export type Rgb = readonly [number, number, number];

export type PdfFont = 'regular' | 'bold';
const FONT_RESOURCE: Record<PdfFont, string> = { regular: 'F1', bold: 'F2' };

/** One page's drawing, in millimetres from the page's top-left corner. */
export class PdfPage {
  readonly #ops: string[] = [];

  constructor(readonly size: PaperSize) {}

  strokeColor([r, g, b]: Rgb): this {
    this.#ops.push(`${num(r)} ${num(g)} ${num(b)} RG`);
    return this;
  }

  fillColor([r, g, b]: Rgb): this {
    this.#ops.push(`${num(r)} ${num(g)} ${num(b)} rg`);
    return this;
  }

  lineWidth(widthMm: number): this {
    this.#ops.push(`${num(widthMm * PT_PER_MM)} w`);
    return this;
  }

  /** Round joins and caps: a trace's sharp QRS peaks stay continuous. */
  roundJoins(): this {
    this.#ops.push('1 J 1 j');
    return this;
  }

  moveTo(xMm: number, yMm: number): this {
    this.#ops.push(`${this.#x(xMm)} ${this.#y(yMm)} m`);
    return this;
  }

  lineTo(xMm: number, yMm: number): this {
    this.#ops.push(`${this.#x(xMm)} ${this.#y(yMm)} l`);
    return this;
  }

  stroke(): this {
    this.#ops.push('S');
    return this;
  }

  /** A straight line, stroked now. */
  line(x1Mm: number, y1Mm: number, x2Mm: number, y2Mm: number): this {
    return this.moveTo(x1Mm, y1Mm).lineTo(x2Mm, y2Mm).stroke();
  }

  /** One unbroken path through the points (x, y pairs in mm), stroked now. */
  polyline(points: readonly (readonly [number, number])[]): this {
    if (points.length < 2) return this;
    const [first, ...rest] = points;
    this.moveTo(first![0], first![1]);
    for (const [x, y] of rest) this.lineTo(x, y);
    return this.stroke();
  }

  fillRect(xMm: number, yMm: number, widthMm: number, heightMm: number): this {
    const pt = (mm: number) => num(mm * PT_PER_MM);
    this.#ops.push(
      `${this.#x(xMm)} ${this.#y(yMm + heightMm)} ${pt(widthMm)} ${pt(heightMm)} re f`,
    );
    return this;
  }

  /** Text whose baseline starts at (x, y). */
  text(xMm: number, yMm: number, sizePt: number, text: string, font: PdfFont = 'regular'): this {
    this.#ops.push(
      `BT /${FONT_RESOURCE[font]} ${num(sizePt)} Tf ${this.#x(xMm)} ${this.#y(yMm)} Td ` +
        `(${escapePdfText(text)}) Tj ET`,
    );
    return this;
  }

  /** The page's content stream, as PDF operators. */
  content(): string {
    return this.#ops.join('\n');
  }

  #x(mm: number): string {
    return num(mm * PT_PER_MM);
  }

  #y(mm: number): string {
    return num((this.size.heightMm - mm) * PT_PER_MM);
  }
}

export interface PdfDocumentInfo {
  title?: string;
  /** Shown as the PDF's creation date. */
  createdAtMs?: number;
}

/**
 * The document as PDF 1.4 bytes. Content streams are Flate-compressed unless `compress` is
 * false (tests read the operators directly).
 */
export function writePdf(
  pages: readonly PdfPage[],
  info: PdfDocumentInfo = {},
  { compress = true }: { compress?: boolean } = {},
): Uint8Array {
  if (pages.length === 0) throw new Error('A PDF needs at least one page.');
  // Objects: 1 catalog, 2 page tree, 3 and 4 fonts, 5 info, then a page and its content each.
  const objects: Buffer[] = [];
  const pageIds = pages.map((_, i) => 6 + i * 2);
  objects.push(ascii('<< /Type /Catalog /Pages 2 0 R >>'));
  objects.push(
    ascii(
      `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`,
    ),
  );
  objects.push(ascii(fontObject('Helvetica')));
  objects.push(ascii(fontObject('Helvetica-Bold')));
  const infoEntries = [`/Producer (${escapePdfText('Clinical Workstation')})`];
  if (info.title) infoEntries.push(`/Title (${escapePdfText(info.title)})`);
  if (info.createdAtMs !== undefined) {
    infoEntries.push(`/CreationDate (${pdfDate(info.createdAtMs)})`);
  }
  objects.push(ascii(`<< ${infoEntries.join(' ')} >>`));
  pages.forEach((page, i) => {
    const w = num(page.size.widthMm * PT_PER_MM);
    const h = num(page.size.heightMm * PT_PER_MM);
    objects.push(
      ascii(
        `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${w} ${h}] ` +
          `/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${pageIds[i]! + 1} 0 R >>`,
      ),
    );
    const raw = Buffer.from(page.content(), 'latin1');
    const data = compress ? deflateSync(raw) : raw;
    const filter = compress ? ' /Filter /FlateDecode' : '';
    objects.push(
      Buffer.concat([
        ascii(`<< /Length ${data.length}${filter} >>\nstream\n`),
        data,
        ascii('\nendstream'),
      ]),
    );
  });

  // A binary comment after the header tells transfer tools the file is not text.
  const parts: Buffer[] = [ascii('%PDF-1.4\n'), Buffer.from([0x25, 0xe2, 0xe3, 0xcf, 0xd3, 0x0a])];
  let offset = parts[0]!.length + parts[1]!.length;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(offset);
    const object = Buffer.concat([ascii(`${i + 1} 0 obj\n`), body, ascii('\nendobj\n')]);
    parts.push(object);
    offset += object.length;
  });
  // Each cross-reference entry is exactly 20 bytes, its end of line included.
  const xref = [
    'xref',
    `0 ${objects.length + 1}`,
    '0000000000 65535 f \n' +
      offsets.map((at) => `${String(at).padStart(10, '0')} 00000 n \n`).join('') +
      'trailer',
    `<< /Size ${objects.length + 1} /Root 1 0 R /Info 5 0 R >>`,
    'startxref',
    String(offset),
    '%%EOF\n',
  ].join('\n');
  parts.push(ascii(xref));
  return new Uint8Array(Buffer.concat(parts));
}

function fontObject(baseFont: string): string {
  return `<< /Type /Font /Subtype /Type1 /BaseFont /${baseFont} /Encoding /WinAnsiEncoding >>`;
}

function ascii(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

/** A number as PDF writes it: at most 3 decimals, no exponent, no trailing zeros. */
function num(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`A PDF coordinate must be finite, not ${value}.`);
  const fixed = value.toFixed(3).replace(/\.?0+$/, '');
  return fixed === '-0' ? '0' : fixed;
}

/** WinAnsi codes of the characters outside Latin-1 that strips may print. */
const WIN_ANSI_EXTRA: Record<string, number> = {
  '€': 0x80,
  '‚': 0x82,
  '…': 0x85,
  '‘': 0x91,
  '’': 0x92,
  '“': 0x93,
  '”': 0x94,
  '•': 0x95,
  '–': 0x96,
  '—': 0x97,
  '™': 0x99,
};

/**
 * Text for a PDF string literal in WinAnsi: backslash and parentheses escaped, everything outside
 * printable ASCII written as an octal escape; characters WinAnsi lacks fall back to their
 * compatibility form (SpO₂ → SpO2) or "?".
 */
export function escapePdfText(text: string): string {
  let out = '';
  for (const char of text) {
    let code = WIN_ANSI_EXTRA[char] ?? char.codePointAt(0)!;
    if (code > 0xff || (code >= 0x7f && code < 0xa0 && !(char in WIN_ANSI_EXTRA))) {
      const simple = char.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
      code = simple.length === 1 && simple.codePointAt(0)! < 0x7f ? simple.codePointAt(0)! : 0x3f;
    }
    if (code === 0x5c || code === 0x28 || code === 0x29) out += `\\${String.fromCharCode(code)}`;
    else if (code < 0x20 || code > 0x7e) out += `\\${code.toString(8).padStart(3, '0')}`;
    else out += String.fromCharCode(code);
  }
  return out;
}

function pdfDate(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `D:${d.getUTCFullYear()}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}` +
    `${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}Z`
  );
}
