// The central server's strip printer, for real: its own worker thread (from source, as the server's
// tests run it) reads resources/fonts and makes a PDF poppler reads; a folder without the fonts is
// refused in a sentence for IT, and the next strip tries again; the built server finds its worker
// beside out/server/main.js. The viewer's route around it is tested in
// server/telehealth/viewer-strip.test.ts (a real server, PostgreSQL, a consult's cookie).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { StripInput } from '../../shared/strips/strip-layout';
import type { StripRenderer } from '../../shared/strips/strip-renderer';
import { serverStripRenderer, serverStripWorkerScript } from './server-strips';

const FROM = Date.UTC(2026, 10, 21, 7, 5, 0);
const dir = mkdtempSync(join(tmpdir(), 'server-strips-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const printers: StripRenderer[] = [];
const logged: string[] = [];
afterEach(async () => {
  await Promise.all(printers.splice(0).map((printer) => printer.stop()));
});
function printer(fontsDir?: string): StripRenderer {
  const made = serverStripRenderer({
    log: (line) => logged.push(line),
    ...(fontsDir ? { fontsDir } : {}),
  });
  printers.push(made);
  return made;
}

const strip: StripInput = {
  header: {
    bedLabel: 'Bed 2',
    patient: { name: 'Testpatient, Remote', mrn: 'MRN-0042' },
    kind: 'manual',
    alarmMessage: null,
    eventMs: null,
    fromMs: FROM,
    toMs: FROM + 20_000,
    createdAtMs: FROM + 21_000,
    actor: 'Dr Remote (remote consult)',
  },
  traces: [
    {
      kind: 'ecg',
      label: 'II',
      unit: 'mV',
      scale: 0.005,
      rateHz: 250,
      segments: [
        {
          t0Ms: FROM,
          values: Int32Array.from({ length: 5000 }, (_, k) => (k % 200 < 4 ? 600 : 0)),
        },
      ],
    },
  ],
  numerics: [{ label: 'HR', value: 75, unit: '/min' }],
};

describe("the central server's strip printer", () => {
  it('makes the strip in its worker thread: a PDF poppler reads', async () => {
    const pdf = await printer().render(strip, { title: 'Manual strip - Bed 2', createdAtMs: FROM });
    expect(Buffer.from(pdf.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    const file = join(dir, 'strip.pdf');
    writeFileSync(file, pdf);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain('Bed 2');
    expect(text).toContain('Testpatient, Remote');
  });

  it('refuses in a sentence for IT when its fonts are missing, and tries again next time', async () => {
    const empty = mkdtempSync(join(dir, 'no-fonts-'));
    const missing = printer(empty);
    const info = { title: 'Manual strip - Bed 2', createdAtMs: FROM };
    for (let attempt = 0; attempt < 2; attempt++) {
      const refused = await missing.render(strip, info).then(
        () => null,
        (error: unknown) => error as Error,
      );
      expect(refused?.message).toMatch(/^The font .* for printing strips cannot be read/);
      expect(refused?.message).toContain("tell the hospital's IT.");
    }
    expect(logged.filter((line) => line.includes('cannot start'))).toHaveLength(2);
  });

  it('finds its worker beside the built server, and the tsx bootstrap beside the source', () => {
    const built = pathToFileURL(join(dir, 'out', 'server', 'main.js')).href;
    expect(serverStripWorkerScript(built).path).toBe(join(dir, 'out', 'server', 'strip-worker.js'));
    const source = pathToFileURL(join(dir, 'server', 'strips', 'server-strips.ts')).href;
    expect(serverStripWorkerScript(source).path).toBe(
      join(dir, 'server', 'strips', 'strip-worker-from-source.mjs'),
    );
  });
});
