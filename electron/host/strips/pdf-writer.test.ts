// The PDF writer: a file whose cross-reference offsets point at its objects, pages of the asked
// size, vector operators in millimetres, escaped Helvetica text; checked with poppler where it is.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { A4_LANDSCAPE, escapePdfText, LETTER_LANDSCAPE, PdfPage, writePdf } from './pdf-writer';

const latin1 = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');
const hasPoppler = spawnSync('pdfinfo', ['-v']).error === undefined;

function drawnPage(size = A4_LANDSCAPE): PdfPage {
  return new PdfPage(size)
    .strokeColor([1, 0, 0])
    .lineWidth(0.5)
    .line(10, 10, 100, 10)
    .polyline([
      [10, 50],
      [20, 40],
      [30, 60],
    ])
    .fillColor([0, 0, 0])
    .text(10, 20, 10, 'Bed 3 (ICU) \\ 25 mm/s');
}

describe('writePdf', () => {
  it('points every cross-reference entry at its object', () => {
    const pdf = latin1(writePdf([drawnPage(), drawnPage(LETTER_LANDSCAPE)]));
    expect(pdf.startsWith('%PDF-1.4\n')).toBe(true);
    expect(pdf.endsWith('%%EOF\n')).toBe(true);
    const startxref = Number(/startxref\n(\d+)\n/.exec(pdf)![1]);
    expect(pdf.slice(startxref, startxref + 4)).toBe('xref');
    const [, first, count] = /^xref\n(\d+) (\d+)\n/.exec(pdf.slice(startxref))!;
    expect(Number(first)).toBe(0);
    const entries = pdf
      .slice(startxref)
      .split('\n')
      .slice(2, 2 + Number(count));
    expect(entries[0]).toBe('0000000000 65535 f ');
    entries.slice(1).forEach((entry, i) => {
      expect(entry).toMatch(/^\d{10} 00000 n $/);
      const offset = Number(entry.slice(0, 10));
      expect(pdf.slice(offset, offset + 12)).toMatch(new RegExp(`^${i + 1} 0 obj\\n`));
    });
    expect(pdf).toContain('/Count 2');
    expect(pdf).toContain('/BaseFont /Helvetica ');
  });

  it('writes millimetres from the top-left as points from the bottom-left', () => {
    const pdf = latin1(writePdf([drawnPage()], {}, { compress: false }));
    // 10 mm = 28.346 pt; y = 10 mm from the top of a 210 mm page = 200 mm = 566.929 pt.
    expect(pdf).toContain('28.346 566.929 m\n283.465 566.929 l\nS');
    expect(pdf).toContain('1.417 w');
    expect(pdf).toContain('1 0 0 RG');
    expect(pdf).toContain('/MediaBox [0 0 841.89 595.276]');
    expect(pdf).toContain('(Bed 3 \\(ICU\\) \\\\ 25 mm/s) Tj');
  });

  it('compresses content streams that inflate back to the operators', () => {
    const bytes = Buffer.from(writePdf([drawnPage()]));
    const pdf = bytes.toString('latin1');
    const start = pdf.indexOf('stream\n', pdf.indexOf('/FlateDecode')) + 'stream\n'.length;
    const length = Number(/\/Length (\d+) \/Filter \/FlateDecode/.exec(pdf)![1]);
    const content = inflateSync(bytes.subarray(start, start + length)).toString('latin1');
    expect(content).toContain('56.693 481.89 l');
    expect(content.match(/ l$/gm)).toHaveLength(3);
  });

  it('refuses a document without pages and coordinates that are not numbers', () => {
    expect(() => writePdf([])).toThrow(/at least one page/);
    expect(() => new PdfPage(A4_LANDSCAPE).moveTo(Number.NaN, 0)).toThrow(/finite/);
  });

  it.skipIf(!hasPoppler)('is read by poppler: page size, page count and text', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pdf-writer-'));
    try {
      const file = join(dir, 'test.pdf');
      writeFileSync(file, writePdf([drawnPage(), drawnPage(LETTER_LANDSCAPE)], { title: 'T' }));
      const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
      expect(info).toMatch(/Pages:\s+2/);
      expect(info).toMatch(/Page size:\s+841.89 x 595.276 pts \(A4\)/);
      expect(info).not.toMatch(/Syntax (Error|Warning)/);
      const text = execFileSync('pdftotext', ['-l', '1', file, '-'], { encoding: 'utf8' });
      expect(text).toContain('Bed 3 (ICU) \\ 25 mm/s');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('escapePdfText', () => {
  it('escapes delimiters and writes non-ASCII as WinAnsi octal codes', () => {
    expect(escapePdfText('a(b)c\\')).toBe('a\\(b\\)c\\\\');
    expect(escapePdfText('37.5 °C – µV')).toBe('37.5 \\260C \\226 \\265V');
    expect(escapePdfText('SpO₂ 80 %')).toBe('SpO2 80 %');
    expect(escapePdfText('心')).toBe('?');
    expect(escapePdfText('a\nb')).toBe('a\\012b');
  });
});
