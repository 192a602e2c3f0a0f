// Draws a strip's pages into a PDF with PDFKit: traces, grid and marks as vector paths, text in
// the strips' embedded Unicode fonts (only the glyphs used), each span split into runs of one
// font and one direction (text-runs.ts) and shaped by fontkit, so names print as typed.
import PDFDocument from 'pdfkit';
import type { Font } from 'fontkit';
import type { DrawOp, Rgb, StripPage } from './strip-drawing';
import type { StripFonts } from './strip-fonts';
import { textRuns } from './text-runs';

/** Points (1/72 in) per millimetre. */
const PT_PER_MM = 72 / 25.4;
/** Smallest size text is shrunk to when it would run off the page. */
const MIN_TEXT_PT = 5;

export interface StripPdfInfo {
  title: string;
  /** Shown as the PDF's creation date. */
  createdAtMs: number;
}

/**
 * The pages as PDF bytes. Content streams are compressed unless `compress` is false (tests read
 * the drawing operators directly).
 */
export function stripPdf(
  pages: readonly StripPage[],
  info: StripPdfInfo,
  fonts: StripFonts,
  { compress = true }: { compress?: boolean } = {},
): Promise<Uint8Array> {
  if (pages.length === 0) return Promise.reject(new Error('A strip needs at least one page.'));
  const doc = new PDFDocument({
    autoFirstPage: false,
    compress,
    // No standard font: every glyph comes from the embedded Unicode fonts.
    font: null as unknown as string,
    info: {
      Title: info.title,
      Producer: 'Clinical Workstation',
      Creator: 'Clinical Workstation',
      CreationDate: new Date(info.createdAtMs),
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Uint8Array>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on('error', reject);
  });
  // PDFKit takes an open fontkit font as well as bytes (its typings list only the bytes): each is
  // parsed once per process, and embedded once per document under its PostScript name.
  for (const font of new Set([...fonts.regular, ...fonts.bold])) {
    doc.registerFont(font.postscriptName, font as unknown as Buffer);
  }
  for (const page of pages) {
    doc.addPage({
      size: [page.size.widthMm * PT_PER_MM, page.size.heightMm * PT_PER_MM],
      margin: 0,
    });
    for (const op of page.ops) draw(doc, op, fonts);
  }
  doc.end();
  return done;
}

function draw(doc: PDFKit.PDFDocument, op: DrawOp, fonts: StripFonts): void {
  switch (op.kind) {
    case 'stroke':
      doc
        .lineWidth(op.widthMm * PT_PER_MM)
        .lineJoin(op.roundJoins ? 'round' : 'miter')
        .lineCap(op.roundJoins ? 'round' : 'butt')
        .strokeColor(rgb255(op.color));
      for (const points of op.subpaths) {
        points.forEach(([x, y], i) =>
          i === 0 ? doc.moveTo(pt(x), pt(y)) : doc.lineTo(pt(x), pt(y)),
        );
      }
      doc.stroke();
      return;
    case 'fill-rect':
      doc.rect(pt(op.xMm), pt(op.yMm), pt(op.widthMm), pt(op.heightMm)).fill(rgb255(op.color));
      return;
    case 'fill-polygon':
      doc.polygon(...op.points.map(([x, y]) => [pt(x), pt(y)])).fill(rgb255(op.color));
      return;
    case 'text':
      drawText(doc, op, fonts[op.weight]);
      return;
  }
}

type TextOp = Extract<DrawOp, { kind: 'text' }>;

function drawText(doc: PDFKit.PDFDocument, op: TextOp, chain: readonly Font[]): void {
  const covers = (font: number, codePoint: number) => chain[font]!.hasGlyphForCodePoint(codePoint);
  const runs = op.spans.flatMap((span) => textRuns(span, chain.length, covers));
  // `features` makes PDFKit shape each run whole: a right-to-left run is reversed as one, not
  // word by word.
  const options: PDFKit.Mixins.TextOptions = {
    lineBreak: false,
    baseline: 'alphabetic',
    features: [],
  };
  const widthAt = (sizePt: number) =>
    runs.reduce(
      (sum, run) => sum + useFont(doc, chain[run.font]!, sizePt).widthOfString(run.text, options),
      0,
    );
  let sizePt = op.sizePt;
  if (op.maxWidthMm !== undefined) {
    const widthPt = widthAt(sizePt);
    const maxPt = pt(op.maxWidthMm);
    if (widthPt > maxPt) sizePt = Math.max(MIN_TEXT_PT, (sizePt * maxPt) / widthPt);
  }
  let x = pt(op.xMm);
  const y = pt(op.yMm);
  doc.fillColor(rgb255(op.color));
  for (const run of runs) {
    const font = useFont(doc, chain[run.font]!, sizePt);
    font.text(run.text, x, y, options);
    x += font.widthOfString(run.text, options);
  }
}

/** Makes one of the registered fonts PDFKit's current font. */
function useFont(doc: PDFKit.PDFDocument, font: Font, sizePt: number): PDFKit.PDFDocument {
  return doc.font(font.postscriptName, sizePt);
}

function pt(mm: number): number {
  return mm * PT_PER_MM;
}

function rgb255([r, g, b]: Rgb): [number, number, number] {
  return [r * 255, g * 255, b * 255];
}
