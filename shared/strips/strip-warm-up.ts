// Readies the strip worker before its first strip: fontkit reads a font's shaping tables the first
// time it lays out text, and the layout and PDF code run slowly until the JavaScript engine has
// compiled them (together a few seconds on a busy machine). Printing one sample strip, with a line
// in every script of the fonts, does both, once, in the worker (strip-worker.ts).
import { A4_LANDSCAPE, StripPage } from './strip-drawing';
import type { StripFonts } from './strip-fonts';
import { layoutStrip, type StripTrace } from './strip-layout';
import { stripPdf } from './strip-pdf';

/** A line in each script of the chains. */
const SAMPLES = [
  'Alarm strip: Desaturation: SpO₂ 80 % < 85 — Bed Patient MRN 0123456789 (UTC+01:00) °C µV',
  'Ковалёва Đặng Nguyễn Jörg Παπαδόπουλος',
  'الحسيني, فاطمة ١٢٣',
  'כהן, דוד',
  '王李张 김민준 さくら カタカナ',
];

export async function warmUpStripPrinting(fonts: StripFonts): Promise<void> {
  const fromMs = Date.UTC(2026, 0, 1);
  // Two leads of 20 s with waves tall enough to be cut at the paper's edge.
  const values = Array.from({ length: 20 * 250 }, (_, k) =>
    k % 200 < 4 ? 700 : Math.round(60 * Math.sin(k / 8)),
  );
  const lead = (label: string): StripTrace => ({
    kind: 'ecg',
    label,
    unit: 'mV',
    scale: 0.005,
    rateHz: 250,
    segments: [{ t0Ms: fromMs, values }],
  });
  const pages = layoutStrip({
    header: {
      bedLabel: 'Bed 1',
      patient: { name: SAMPLES[1]!, mrn: 'MRN-0001' },
      kind: 'alarm',
      alarmMessage: 'Desaturation',
      eventMs: fromMs + 10_000,
      fromMs,
      toMs: fromMs + 20_000,
      createdAtMs: fromMs + 21_000,
      actor: 'workstation',
    },
    traces: [lead('II'), lead('V1')],
    numerics: [{ label: 'SpO₂', value: 80, unit: '%' }],
  });
  const samples = new StripPage(A4_LANDSCAPE);
  SAMPLES.forEach((text, i) => {
    samples.text(12, 15 + i * 12, 10, text, 'bold');
    samples.text(12, 21 + i * 12, 7, text, 'regular');
  });
  await stripPdf([...pages, samples], { title: 'warm-up', createdAtMs: fromMs }, fonts);
}
