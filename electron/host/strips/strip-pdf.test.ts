// Strip PDFs made with PDFKit and the bundled fonts, read back with poppler: names in Cyrillic,
// Vietnamese, Chinese, Korean, Greek, Arabic and Hebrew print as typed (pdftotext), right-to-left
// names stand right to left on the page (pdftotext -bbox), only the glyphs used are embedded
// (pdffonts), and the traces and grid are vectors exactly at 25 mm/s and 10 mm/mV.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layoutStrip, type StripHeader, type StripTrace } from './strip-layout';
import { loadStripFonts, stripFontsDir, type StripFonts } from './strip-fonts';
import { stripPdf } from './strip-pdf';
import { A4_LANDSCAPE, StripPage } from './strip-drawing';
import { warmUpStripPrinting } from './strip-warm-up';

const FROM = Date.UTC(2026, 10, 21, 7, 5, 0);
const PT_PER_MM = 72 / 25.4;
const RATE_HZ = 250;

let fonts: StripFonts;
let dir: string;
beforeAll(async () => {
  fonts = await loadStripFonts(stripFontsDir());
  dir = mkdtempSync(join(tmpdir(), 'strip-pdf-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ecg(label: string): StripTrace {
  // 1 mV square steps every second (0.005 mV per count).
  const values = Array.from(
    { length: 20 * RATE_HZ },
    (_, k) => (Math.floor(k / RATE_HZ) % 2) * 200,
  );
  return {
    kind: 'ecg',
    label,
    unit: 'mV',
    scale: 0.005,
    rateHz: RATE_HZ,
    segments: [{ t0Ms: FROM, values }],
  };
}

async function printed(header: Partial<StripHeader>, file: string, compress = true) {
  const pages = layoutStrip({
    header: {
      bedLabel: 'Bed 4',
      patient: null,
      kind: 'alarm',
      alarmMessage: 'Desaturation: SpO₂ 80 % < 85',
      eventMs: FROM + 10_000,
      fromMs: FROM,
      toMs: FROM + 20_000,
      createdAtMs: FROM + 21_000,
      actor: 'nurse.test',
      timeZone: 'Europe/Paris',
      ...header,
    },
    traces: [ecg('II'), ecg('V1')],
    numerics: [
      { label: 'SpO₂', value: 80, unit: '%' },
      { label: 'Temp', value: 37.2, unit: '°C' },
      { label: 'NIBP sys', value: 118, unit: 'mmHg' },
    ],
  });
  const pdf = await stripPdf(pages, { title: 'Alarm strip - Bed 4', createdAtMs: FROM }, fonts, {
    compress,
  });
  const path = join(dir, file);
  writeFileSync(path, pdf);
  return { path, pdf: Buffer.from(pdf) };
}

const pdftotext = (path: string, ...args: string[]) =>
  execFileSync('pdftotext', [...args, path, '-'], { encoding: 'utf8' });

/** The words poppler finds, with where they stand on the page. */
function words(path: string): { text: string; xMin: number; yMin: number }[] {
  return [
    ...pdftotext(path, '-bbox').matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</g),
  ].map((m) => ({ xMin: Number(m[1]), yMin: Number(m[2]), text: m[3]! }));
}

describe('stripPdf', () => {
  it('prints names in Cyrillic, Vietnamese, Chinese, Korean and Greek as typed', async () => {
    const { path } = await printed(
      { patient: { name: 'Ковалёва, Đặng 王', mrn: 'MRN-0001' }, actor: '김민준 Παπαδόπουλος' },
      'latin-cjk.pdf',
    );
    const text = pdftotext(path);
    expect(text).toContain('Bed: Bed 4 Patient: Ковалёва, Đặng 王 MRN: MRN-0001');
    expect(text).toContain('by 김민준 Παπαδόπουλος');
    expect(text).toContain('Alarm strip: Desaturation: SpO₂ 80 % < 85');
    expect(text).toContain('At the alarm: SpO₂ 80 % Temp 37.2 °C NIBP sys 118 mmHg');
    expect(text).toContain('2026-11-21 08:05:00 to 08:05:20 (UTC+01:00), 20 s');
    expect(text).not.toContain('?');
  });

  it('shapes Arabic and Hebrew names and sets them right to left', async () => {
    const { path } = await printed(
      { patient: { name: 'الحسيني, فاطمة', mrn: '12345' }, bedLabel: 'כהן, דוד' },
      'rtl.pdf',
    );
    const text = pdftotext(path);
    // Each word comes back in the order it was typed (poppler undoes the visual order)...
    for (const word of ['الحسيني', 'فاطمة', 'כהן', 'דוד']) expect(text).toContain(word);
    // ...and on the page the family name, typed first, stands rightmost: read first, right to left.
    const found = words(path);
    const x = (w: string) =>
      found.find((f) => f.text.includes(w.split('').reverse().join('')))!.xMin;
    expect(x('الحسيني')).toBeGreaterThan(x('فاطمة'));
    expect(x('כהן')).toBeGreaterThan(x('דוד'));
    expect(text).toContain('MRN: 12345');
  });

  it('embeds only the glyphs it uses, from the bundled Unicode fonts', async () => {
    const { path, pdf } = await printed(
      { patient: { name: 'Ковалёва, Đặng 王 الحسيني כהן', mrn: 'MRN-0001' } },
      'fonts.pdf',
    );
    const table = execFileSync('pdffonts', [path], { encoding: 'utf8' }).split('\n').slice(2);
    const rows = table.filter((row) => row.trim());
    expect(rows.map((row) => row.split(/\s+/)[0]!.replace(/^[A-Z]{6}\+/, '')).sort()).toEqual([
      'DroidSansFallback',
      'NotoSans-Bold',
      'NotoSans-Regular',
      'NotoSansArabic-Bold',
      'NotoSansHebrew-Bold',
    ]);
    // Embedded, subset, with a Unicode map (what pdftotext reads): "yes yes yes".
    for (const row of rows) expect(row).toMatch(/CID TrueType\s+Identity-H\s+yes yes yes/);
    // Subset at print time: the 3.4 MB CJK font contributes a few kilobytes.
    expect(pdf.length).toBeLessThan(200_000);
  });

  it('draws the traces and the grid as vectors at 25 mm/s and 10 mm/mV exactly', async () => {
    const { pdf } = await printed({}, 'vectors.pdf', false);
    const content = pdf.toString('latin1');
    expect(content).not.toMatch(/\/Subtype \/Image/);
    // Two leads × two 10 s rows: four polylines of 2500 points.
    const lineCounts = content.split(/\nS\n/).map((p) => p.match(/ l$/gm)?.length ?? 0);
    expect(lineCounts.filter((n) => n === 2499)).toHaveLength(4);
    // The steps of the first trace: 1 s = 25 mm along, 1 mV = 10 mm up.
    const trace = content.split(/\nS\n/).find((p) => (p.match(/ l$/gm)?.length ?? 0) === 2499)!;
    const points = [...trace.matchAll(/^([\d.]+) ([\d.]+) [ml]$/gm)].map((m) => [
      Number(m[1]) / PT_PER_MM,
      Number(m[2]) / PT_PER_MM,
    ]);
    expect(points[RATE_HZ]![0]! - points[0]![0]!).toBeCloseTo(25, 4);
    expect(points[0]![1]! - points[RATE_HZ]![1]!).toBeCloseTo(10, 4);
    // The 5 mm grid: vertical lines every 5 mm from the paper's left edge at 12 mm to 272 mm.
    const major = content.split('0.88 0.36 0.36 SCN\n')[1]!.split('\nS\n')[0]!;
    const moves = [...major.matchAll(/^([\d.]+) ([\d.]+) m\n([\d.]+) ([\d.]+) l$/gm)];
    const verticalXsMm = moves.filter((m) => m[1] === m[3]).map((m) => Number(m[1]) / PT_PER_MM);
    expect(verticalXsMm).toHaveLength(53);
    verticalXsMm.forEach((xMm, k) => expect(xMm).toBeCloseTo(12 + 5 * k, 5));
    const horizontalYsMm = moves.filter((m) => m[2] === m[4]).map((m) => Number(m[2]) / PT_PER_MM);
    horizontalYsMm.slice(1).forEach((yMm, k) => expect(yMm - horizontalYsMm[k]!).toBeCloseTo(5, 5));
  });

  it('reads back every letter of a strip printed after another (the fonts are shared)', async () => {
    // Fonts fresh from disk, first asked for "ё" and "ö": composites whose parts, "е" and "o",
    // the first PDF's subset reads without their characters.
    const fresh = await loadStripFonts(stripFontsDir());
    const page = (text: string) => new StripPage(A4_LANDSCAPE).text(20, 20, 10, text, 'bold');
    await stripPdf([page('Ковалёва, Jörg')], { title: 'first', createdAtMs: FROM }, fresh);
    const second = await stripPdf(
      [page('Desaturation: not admitted')],
      { title: 'second', createdAtMs: FROM },
      fresh,
    );
    const path = join(dir, 'second.pdf');
    writeFileSync(path, second);
    expect(pdftotext(path).trim()).toBe('Desaturation: not admitted');
  });

  it('prints the warm-up strip the strip worker prints when it starts', async () => {
    await expect(warmUpStripPrinting(fonts)).resolves.toBeUndefined();
  });

  it('prints a name with line breaks and direction overrides as one plain line', async () => {
    const { path } = await printed(
      { patient: { name: 'Test,\nFictional\u202e gnirts', mrn: 'M-1' } },
      'controls.pdf',
    );
    expect(pdftotext(path)).toContain('Patient: Test, Fictional gnirts MRN: M-1');
  });
});
