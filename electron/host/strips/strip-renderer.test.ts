// The strip worker, for real: a worker thread started from source reads the bundled fonts and makes
// PDFs poppler reads. The main thread stays free to run its timers while strips are made (the
// serial ports, alarms and live screens run on it); a worker that dies or hangs mid-strip costs
// only that strip, said in words, and the next strip is made; input that cannot be drawn is
// refused without ending the worker; stop() refuses what is queued. Only the crash and the hang
// are provoked, by a test bootstrap (strip-worker-faults.test-support.mjs) around the real worker.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { StripInput, StripTrace } from './strip-layout';
import { StripRenderer } from './strip-renderer';
import { StripInterruptedError } from './strip-interrupted';
import {
  latenessSummary,
  medianMs,
  TIMER_LATE_MEDIAN_MAX_MS,
  timerLatenessDuring,
} from './timer-lateness.test-support';

const FROM = Date.UTC(2026, 10, 21, 7, 5, 0);
/** The titles that end the worker, and hang it, in strip-worker-faults.test-support.mjs. */
const CRASH_TITLE = 'End the strip worker now';
const HANG_TITLE = 'Hang the strip worker now';
const failingWorker = {
  path: join(import.meta.dirname, 'strip-worker-faults.test-support.mjs'),
  execArgv: [],
};
const INFO = { title: 'Manual strip - Bed 4', createdAtMs: FROM + 20_000 };
const dir = mkdtempSync(join(tmpdir(), 'strip-renderer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const renderers: StripRenderer[] = [];
afterEach(async () => {
  await Promise.all(renderers.splice(0).map((renderer) => renderer.stop()));
});
function renderer(...args: ConstructorParameters<typeof StripRenderer>): StripRenderer {
  const made = new StripRenderer(...args);
  renderers.push(made);
  return made;
}

function ecg(label: string, values: ArrayLike<number>): StripTrace {
  return {
    kind: 'ecg',
    label,
    unit: 'mV',
    scale: 0.005,
    rateHz: 360,
    segments: [{ t0Ms: FROM, values }],
  };
}

function stripOf(name: string, values: ArrayLike<number> = leadSamples()): StripInput {
  return {
    header: {
      bedLabel: 'Bed 4',
      patient: { name, mrn: 'MRN-0001' },
      kind: 'manual',
      fromMs: FROM,
      toMs: FROM + 20_000,
      createdAtMs: FROM + 20_000,
      actor: 'nurse.test',
      timeZone: 'UTC',
    },
    traces: [ecg('II', values), ecg('V1', values)],
    numerics: [{ label: 'SpO₂', value: 97, unit: '%' }],
  };
}

function leadSamples(): Int32Array {
  return Int32Array.from({ length: 20 * 360 }, (_, k) => Math.round(200 * Math.sin(k / 9)));
}

function pdftotext(pdf: Uint8Array, name: string): string {
  const file = join(dir, name);
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

describe('StripRenderer', () => {
  it('makes the strip in the worker, leaving the samples it was given intact', async () => {
    const samples = leadSamples();
    const pdf = await renderer().render(stripOf('Ковалёва, Đặng 王', samples), INFO);
    expect(Buffer.from(pdf.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    const text = pdftotext(pdf, 'worker.pdf');
    expect(text).toMatch(/Bed: Bed 4\s+Patient: Ковалёва, Đặng 王\s+MRN: MRN-0001/);
    expect(text).toContain('SpO₂ 97 %');
    // Copied, not taken: the caller's array still holds its samples.
    expect(samples.length).toBe(20 * 360);
    expect(samples[9]).toBe(Math.round(200 * Math.sin(1)));
  });

  it("keeps this thread's timers on time while strips are made, from a cold start", async () => {
    const strips = renderer();
    const names = ['Ковалёва, Đặng 王', 'الحسيني, فاطمة', '김민준, Παπαδόπουλος'];
    const { result: made, lateMs } = await timerLatenessDuring(() =>
      Promise.all(names.map((name) => strips.render(stripOf(name), INFO))),
    );
    expect(made).toHaveLength(3);
    expect(medianMs(lateMs), latenessSummary(lateMs)).toBeLessThan(TIMER_LATE_MEDIAN_MAX_MS);
  });

  it('says a strip was lost when the worker dies making it, and makes the next one', async () => {
    const log: string[] = [];
    const strips = renderer({
      log: (message) => log.push(message),
      script: failingWorker,
    });
    const lost = strips.render(stripOf('Demo, Ada'), { ...INFO, title: CRASH_TITLE });
    const queued = strips.render(stripOf('Demo, Ada'), INFO);
    const refusal = await lost.catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(StripInterruptedError);
    expect((refusal as Error).message).toBe(
      'The strip printer stopped while making it; print the strip again.',
    );
    expect(log).toEqual([
      `The strip printer's worker exited with code 70 while making "${CRASH_TITLE}" (asked at ` +
        '2026-11-21T07:05:20.000Z): that strip was not made; the next strip starts a new worker.',
    ]);
    // The strip queued behind it is made by a new worker.
    expect(pdftotext(await queued, 'after-crash.pdf')).toContain('Patient: Demo, Ada');
    expect(pdftotext(await strips.render(stripOf('Demo, Bo'), INFO), 'next.pdf')).toContain(
      'Patient: Demo, Bo',
    );
  });

  it('ends a worker that gives no answer, says the strip was lost, and makes the next one', async () => {
    const log: string[] = [];
    // Long enough for a warm strip on a loaded machine (1.4 s at worst in the benchmark).
    const strips = renderer({
      log: (m) => log.push(m),
      script: failingWorker,
      stripDeadlineMs: 10_000,
    });
    await strips.start();
    const hung = strips.render(stripOf('Demo, Ada'), { ...INFO, title: HANG_TITLE });
    await expect(hung).rejects.toBeInstanceOf(StripInterruptedError);
    expect(log).toEqual([
      `The strip printer's worker gave no answer in 10 s and was ended while making "${HANG_TITLE}" ` +
        '(asked at 2026-11-21T07:05:20.000Z): that strip was not made; the next strip starts a new worker.',
    ]);
    const pdf = await strips.render(stripOf('Demo, Bo'), INFO);
    expect(pdftotext(pdf, 'after-hang.pdf')).toContain('Patient: Demo, Bo');
  });

  it('refuses a strip it cannot draw, in words, and goes on with the next', async () => {
    const log: string[] = [];
    const strips = renderer({ log: (message) => log.push(message) });
    const broken = Float64Array.from(leadSamples(), (v, k) => (k === 100 ? NaN : v));
    await expect(strips.render(stripOf('Demo, Ada', broken), INFO)).rejects.toThrow(
      /A strip coordinate must be a finite number of millimetres, not NaN/,
    );
    expect(log).toEqual([
      'The strip "Manual strip - Bed 4" (asked at 2026-11-21T07:05:20.000Z) could not be made: ' +
        'A strip coordinate must be a finite number of millimetres, not NaN.',
    ]);
    const pdf = await strips.render(stripOf('Demo, Ada'), INFO);
    expect(pdftotext(pdf, 'after-refusal.pdf')).toContain('Patient: Demo, Ada');
  });

  it('says what to do when the fonts cannot be read, and tries again with the next strip', async () => {
    const resources = join(dir, 'packaged');
    mkdirSync(join(resources, 'fonts'), { recursive: true });
    writeFileSync(join(resources, 'fonts', 'NOTICE.md'), '# fonts\n');
    const log: string[] = [];
    const strips = renderer({ resourcesPath: resources, log: (message) => log.push(message) });
    const missingFont =
      /^The font \S+\.ttf for printing strips cannot be read \(.*ENOENT.*\): reinstall the workstation\.$/;
    await expect(strips.render(stripOf('Demo, Ada'), INFO)).rejects.toThrow(missingFont);
    await expect(strips.start()).rejects.toThrow(missingFont);
    expect(log).toHaveLength(2);
    for (const line of log)
      expect(line).toMatch(/^The strip printer cannot start: The font \S+\.ttf /);
  });

  it('refuses the strips queued when stopped, and every strip after', async () => {
    const strips = renderer();
    const queued = [1, 2, 3].map(() => strips.render(stripOf('Demo, Ada'), INFO));
    const outcomes = Promise.allSettled(queued);
    await strips.stop();
    for (const outcome of await outcomes) {
      expect(outcome).toMatchObject({
        status: 'rejected',
        reason: new Error('The workstation is stopping; the strip was not made.'),
      });
    }
    await expect(strips.render(stripOf('Demo, Ada'), INFO)).rejects.toThrow(/stopping/);
  });
});
