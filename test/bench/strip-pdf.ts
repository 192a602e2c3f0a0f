// `npx tsx test/bench/strip-pdf.ts`: what a strip's PDF costs, and what it costs the thread that
// serves the live screens. On a thread: reading the fonts and printing the sample page (the
// warm-up the strip worker does when it starts), a strip printed cold (no warm-up) and warm, and
// the PDF's size. Then the main thread's event-loop lag (`monitorEventLoopDelay`, beyond its
// 10 ms tick; p99 and max) and CPU time (Linux: /proc/thread-self/schedstat) while RUNS strips are
// printed back to back: with nothing printed (this machine's floor), printed on the main thread
// (as before the worker; the loop turns between strips, as the store's reads make it do), and
// sent to the strip worker (StripRenderer, as the workstation does), with each strip's time from
// request to bytes.
// The strip is the README's: two ECG leads at 360 Hz, 20 s, a patient named in Cyrillic,
// Vietnamese and Chinese. One JSON line per result with every run.
import { existsSync, readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { type StripInput } from '../../electron/host/strips/strip-layout';
import {
  loadStripFonts,
  stripFontsDir,
  type StripFonts,
} from '../../electron/host/strips/strip-fonts';
import { renderStripPdf } from '../../electron/host/strips/strip-render';
import { StripRenderer } from '../../electron/host/strips/strip-renderer';
import { warmUpStripPrinting } from '../../electron/host/strips/strip-warm-up';
import { median, quantile, report, round } from './stats';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const FROM = Date.UTC(2026, 10, 21, 7, 5, 0);
const INFO = { title: 'bench', createdAtMs: FROM };
const NAMES = ['Ковалёва, Đặng 王', 'الحسيني, فاطمة', 'Demo, Ada', '김민준, Παπαδόπουλος'];
/** The lag monitor's tick: what it records beyond this is lag. */
const TICK_MS = 10;

function stripInput(name: string): StripInput {
  const values = Int32Array.from(
    { length: 20 * 360 },
    (_, k) => Math.round(200 * Math.sin(k / 9)) + (k % 300 < 6 ? 300 : 0),
  );
  const trace = {
    kind: 'ecg',
    unit: 'mV',
    scale: 0.005,
    rateHz: 360,
    segments: [{ t0Ms: FROM, values }],
  } as const;
  return {
    header: {
      bedLabel: 'Bed 4',
      patient: { name, mrn: 'MRN-0001' },
      kind: 'alarm',
      alarmMessage: 'Desaturation: SpO₂ 80 % < 85',
      eventMs: FROM + 10_000,
      fromMs: FROM,
      toMs: FROM + 20_000,
      createdAtMs: FROM + 21_000,
      actor: 'workstation',
      timeZone: 'Europe/Paris',
    },
    traces: [
      { ...trace, label: 'MLII' },
      { ...trace, label: 'V1' },
    ],
    numerics: [{ label: 'SpO₂', value: 80, unit: '%' }],
  };
}

async function timed(render: () => Promise<Uint8Array>) {
  const start = performance.now();
  const pdf = await render();
  return { ms: performance.now() - start, bytes: pdf.length };
}

const onThread = (fonts: StripFonts, name: string) =>
  timed(() => renderStripPdf(stripInput(name), INFO, fonts));

/** This thread's time on a CPU so far (Linux), in ms; null elsewhere. */
function threadCpuMs(): number | null {
  const file = '/proc/thread-self/schedstat';
  return existsSync(file) ? Number(readFileSync(file, 'utf8').split(' ')[0]) / 1e6 : null;
}

/** The main thread's event-loop lag (ms beyond the monitor's tick) and CPU while `work` runs. */
async function lagDuring<T>(work: () => Promise<T>) {
  const delay = monitorEventLoopDelay({ resolution: TICK_MS });
  const cpuBefore = threadCpuMs();
  delay.enable();
  const result = await work();
  delay.disable();
  const cpuAfter = threadCpuMs();
  const lagMs = (ns: number) => round(Math.max(0, ns / 1e6 - TICK_MS), 0);
  return {
    result,
    p99Ms: lagMs(delay.percentile(99)),
    maxMs: lagMs(delay.max),
    cpuMs: cpuBefore === null || cpuAfter === null ? null : round(cpuAfter - cpuBefore, 0),
  };
}

async function backToBack(print: (name: string) => Promise<{ ms: number; bytes: number }>) {
  const strips: { ms: number; bytes: number }[] = [];
  for (let i = 0; i < RUNS; i++) {
    strips.push(await print(NAMES[i % NAMES.length]!));
    await new Promise((resolve) => setImmediate(resolve));
  }
  return strips;
}

const machine = { node: process.version };

// Cold: fonts fresh from disk, no warm-up: what the first strip of a worker would cost without it.
const coldFonts = await loadStripFonts(stripFontsDir());
const cold = await onThread(coldFonts, NAMES[0]!);

// The warm-up, then strips as they come.
const fonts = await loadStripFonts(stripFontsDir());
const warmStart = performance.now();
await warmUpStripPrinting(fonts);
const warmUpMs = performance.now() - warmStart;
const first = await onThread(fonts, NAMES[0]!);
const inThread = await lagDuring(() => backToBack((name) => onThread(fonts, name)));
const steady = inThread.result;
const idleMs = steady.reduce((sum, s) => sum + s.ms, 0);
const idle = await lagDuring(() => new Promise((resolve) => setTimeout(resolve, idleMs)));

// The worker: started (fonts read and warmed up in its thread), then strips back to back.
const renderer = new StripRenderer();
const started = await lagDuring(() =>
  timed(async () => (await renderer.start(), new Uint8Array())),
);
const inWorker = await lagDuring(() =>
  backToBack((name) => timed(() => renderer.render(stripInput(name), INFO))),
);
await renderer.stop();

const ms = (strips: { ms: number }[]) => strips.map((s) => s.ms);
report({
  bench: 'strip-pdf.cold',
  what: 'first strip of a thread, fonts not warmed',
  unit: 'ms',
  median: round(cold.ms, 0),
  machine,
});
report({
  bench: 'strip-pdf.warm-up',
  what: 'warmUpStripPrinting: print a page of sample text in each of the 7 fonts',
  unit: 'ms',
  median: round(warmUpMs, 0),
  machine,
});
report({
  bench: 'strip-pdf.first-warm',
  what: 'first strip after the warm-up',
  unit: 'ms',
  median: round(first.ms, 0),
  machine,
});
report({
  bench: 'strip-pdf.strip',
  what: 'layout + PDF of a 20 s strip on this thread, 2 leads at 360 Hz, names in 5 scripts in turn',
  unit: 'ms',
  median: round(median(ms(steady)), 0),
  p95: round(quantile(ms(steady), 0.95), 0),
  runs: ms(steady).map((v) => round(v, 0)),
  pdfBytes: median(steady.map((s) => s.bytes)),
  machine,
});
report({
  bench: 'strip-pdf.lag.idle',
  what: `main-thread event-loop lag beyond its ${TICK_MS} ms tick, nothing printed, as long as the strips took`,
  unit: 'ms',
  p99: idle.p99Ms,
  max: idle.maxMs,
  mainThreadCpuMs: idle.cpuMs,
  machine,
});
report({
  bench: 'strip-pdf.lag.in-thread',
  what: `main-thread event-loop lag while ${RUNS} strips are printed back to back on it (before)`,
  unit: 'ms',
  p99: inThread.p99Ms,
  max: inThread.maxMs,
  mainThreadCpuMs: inThread.cpuMs,
  machine,
});
report({
  bench: 'strip-pdf.worker.start',
  what: 'StripRenderer.start(): the worker reads the fonts and warms up; main-thread lag meanwhile',
  unit: 'ms',
  median: round(started.result.ms, 0),
  lagP99: started.p99Ms,
  lagMax: started.maxMs,
  mainThreadCpuMs: started.cpuMs,
  machine,
});
report({
  bench: 'strip-pdf.lag.worker',
  what: `main-thread event-loop lag while ${RUNS} strips are printed back to back by the strip worker (after)`,
  unit: 'ms',
  p99: inWorker.p99Ms,
  max: inWorker.maxMs,
  mainThreadCpuMs: inWorker.cpuMs,
  machine,
});
report({
  bench: 'strip-pdf.worker.strip',
  what: 'a strip through the worker, request to PDF bytes on the main thread',
  unit: 'ms',
  median: round(median(ms(inWorker.result)), 0),
  p95: round(quantile(ms(inWorker.result), 0.95), 0),
  runs: ms(inWorker.result).map((v) => round(v, 0)),
  pdfBytes: median(inWorker.result.map((s) => s.bytes)),
  machine,
});
