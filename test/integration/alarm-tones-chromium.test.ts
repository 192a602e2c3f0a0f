/**
 * The IEC 60601-1-8 alarm sounds as Chromium's Web Audio actually renders them.
 *
 * renderer/src/clinical/alarm-tones.ts is transpiled with TypeScript to an ES module, imported
 * into a real (Debian) Chromium page, and one burst of each priority is rendered with a mono
 * OfflineAudioContext. The samples come back to Node, where this file measures them against the
 * standard as publicly restated (AAMI / Wikipedia summaries of IEC 60601-1-8):
 * - pulses per burst (high 10, medium 3, low 1) from the envelope (RMS in 5 ms frames);
 * - the high priority 3+2, 3+2 rhythm: gaps 3–4 and 8–9 longer than inside a group, 5–6 longer
 *   still, and every onset where the pattern puts it;
 * - pulse duration and rise time from a per-period peak envelope;
 * - the fundamental (Goertzel scan over 150–1000 Hz of a pulse's steady middle) within ±2 % of
 *   the pattern's, and at least 4 harmonics in 300–4000 Hz within ±15 dB of it;
 * - that the priorities are distinct.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ts from 'typescript';
import type { AlarmPriority } from '../../shared/model/schemas';
import { TONE_PATTERNS, burstDurationMs } from '../../renderer/src/clinical/alarm-tones';
import { CHROMIUM_LAUNCH } from '../support/chromium';

const SOURCE = resolve(import.meta.dirname, '../../renderer/src/clinical/alarm-tones.ts');
const SAMPLE_RATE = 48_000;
const LEAD_S = 0.05; // silence before the burst, so the first onset is detectable
const FRAME_S = 0.005;
const PRIORITIES: AlarmPriority[] = ['high', 'medium', 'low'];

/** alarm-tones.ts as a browser ES module (its only import is type-only and disappears). */
function moduleSource(): string {
  const { outputText } = ts.transpileModule(readFileSync(SOURCE, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  if (/^\s*import\s/m.test(outputText)) throw new Error('alarm-tones.ts gained a runtime import');
  return outputText;
}

/** Render one burst of `priority` in the page; returns the mono samples. */
async function renderBurst(page: Page, source: string, priority: AlarmPriority) {
  const seconds = LEAD_S + burstDurationMs(TONE_PATTERNS[priority]) / 1000 + 0.1;
  // A string, not a function: the page runs exactly this, untouched by the test transform.
  const script = `(async () => {
    const url = URL.createObjectURL(new Blob([${JSON.stringify(source)}], { type: 'text/javascript' }));
    const tones = await import(url);
    const ctx = new OfflineAudioContext(1, Math.ceil(${seconds} * ${SAMPLE_RATE}), ${SAMPLE_RATE});
    tones.scheduleBurst(ctx, ctx.destination, ${JSON.stringify(priority)}, ${LEAD_S});
    const buffer = await ctx.startRendering();
    return Array.from(buffer.getChannelData(0));
  })()`;
  return Float32Array.from(await page.evaluate<number[]>(script));
}

// ---- Measurement, all in Node. ----

interface Pulse {
  onsetS: number;
  offsetS: number;
}

function frameRms(samples: Float32Array, frame: number): number[] {
  const out: number[] = [];
  for (let start = 0; start + frame <= samples.length; start += frame) {
    let sum = 0;
    for (let i = start; i < start + frame; i++) sum += (samples[i] ?? 0) ** 2;
    out.push(Math.sqrt(sum / frame));
  }
  return out;
}

/** Pulses from 5 ms RMS frames, with hysteresis (on above 30 %, off below 10 % of the peak). */
function findPulses(samples: Float32Array): Pulse[] {
  const frame = Math.round(FRAME_S * SAMPLE_RATE);
  const rms = frameRms(samples, frame);
  const peak = Math.max(...rms);
  const pulses: Pulse[] = [];
  let onset: number | null = null;
  rms.forEach((level, i) => {
    if (onset === null && level > 0.3 * peak) onset = i;
    else if (onset !== null && level < 0.1 * peak) {
      pulses.push({ onsetS: onset * FRAME_S, offsetS: i * FRAME_S });
      onset = null;
    }
  });
  return pulses;
}

/** Peak |x| over one fundamental period, hopping 0.5 ms: a ripple-free amplitude envelope. */
function peakEnvelope(samples: Float32Array, fundamentalHz: number): number[] {
  const window = Math.ceil(SAMPLE_RATE / fundamentalHz);
  const hop = Math.round(0.0005 * SAMPLE_RATE);
  const out: number[] = [];
  for (let start = 0; start + window <= samples.length; start += hop) {
    let max = 0;
    for (let i = start; i < start + window; i++) max = Math.max(max, Math.abs(samples[i] ?? 0));
    out.push(max);
  }
  return out;
}

/** Rise (10 %→90 %) and duration (above 50 %) of the first pulse, in ms. */
function firstPulseShape(samples: Float32Array, fundamentalHz: number) {
  const env = peakEnvelope(samples, fundamentalHz);
  const peak = Math.max(...env);
  const hopMs = 0.5;
  const firstAbove = (fraction: number) => env.findIndex((v) => v >= fraction * peak);
  const half = firstAbove(0.5);
  const halfEnd = env.findIndex((v, i) => i > half && v < 0.5 * peak);
  return {
    riseMs: (firstAbove(0.9) - firstAbove(0.1)) * hopMs,
    durationMs: (halfEnd - half) * hopMs,
  };
}

/** Magnitude of the DFT of `x` at `hz` (Goertzel recurrence; any frequency, not just bins). */
function goertzel(x: Float32Array, hz: number): number {
  const w = (2 * Math.PI * hz) / SAMPLE_RATE;
  const coeff = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (const sample of x) {
    const s0 = sample + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return Math.sqrt(Math.max(0, s1 * s1 + s2 * s2 - coeff * s1 * s2));
}

function hann(x: Float32Array): Float32Array {
  const n = x.length;
  return x.map((v, i) => v * 0.5 * (1 - Math.cos((2 * Math.PI * i) / (n - 1))));
}

/** The steady middle of a pulse (ramps excluded), Hann-windowed. */
function pulseMiddle(samples: Float32Array, pulse: Pulse, lengthS: number): Float32Array {
  const centre = ((pulse.onsetS + pulse.offsetS) / 2) * SAMPLE_RATE;
  const half = Math.round((lengthS / 2) * SAMPLE_RATE);
  return hann(samples.slice(Math.round(centre) - half, Math.round(centre) + half));
}

/** Strongest component in 150–1000 Hz: 1 Hz scan, refined by a parabola through the peak. */
function fundamentalOf(x: Float32Array): number {
  let best = 150;
  let bestMag = -1;
  for (let hz = 150; hz <= 1000; hz++) {
    const mag = goertzel(x, hz);
    if (mag > bestMag) [best, bestMag] = [hz, mag];
  }
  const [a, b, c] = [best - 1, best, best + 1].map((hz) => 20 * Math.log10(goertzel(x, hz)));
  const shift = (a! - c!) / (2 * (a! - 2 * b! + c!));
  return best + (Number.isFinite(shift) ? shift : 0);
}

interface Analysis {
  pulses: Pulse[];
  fundamentalHz: number;
  harmonicsDb: { n: number; hz: number; db: number }[];
  riseMs: number;
  durationMs: number;
  /** Largest |sample| before the burst starts and after it ends (ramps end at exactly 0). */
  outsideBurstPeak: number;
}

function outsideBurstPeak(samples: Float32Array, priority: AlarmPriority): number {
  const endS = LEAD_S + burstDurationMs(TONE_PATTERNS[priority]) / 1000;
  const before = samples.subarray(0, Math.floor(LEAD_S * SAMPLE_RATE) - 1);
  const after = samples.subarray(Math.ceil(endS * SAMPLE_RATE) + 1);
  return Math.max(...Array.from(before, Math.abs), ...Array.from(after, Math.abs));
}

function analyse(samples: Float32Array, priority: AlarmPriority): Analysis {
  const pattern = TONE_PATTERNS[priority];
  const pulses = findPulses(samples);
  const middle = pulseMiddle(samples, pulses[0]!, (pattern.pulseMs * 0.55) / 1000);
  const fundamentalHz = fundamentalOf(middle);
  const level = goertzel(middle, fundamentalHz);
  const harmonicsDb = [2, 3, 4, 5, 6, 7, 8].map((n) => ({
    n,
    hz: n * fundamentalHz,
    db: 20 * Math.log10(goertzel(middle, n * fundamentalHz) / level),
  }));
  return {
    pulses,
    fundamentalHz,
    harmonicsDb,
    ...firstPulseShape(samples, fundamentalHz),
    outsideBurstPeak: outsideBurstPeak(samples, priority),
  };
}

const round = (v: number, digits = 1) => Number(v.toFixed(digits));

describe('IEC 60601-1-8 alarm tones rendered by Chromium', () => {
  let browser: Browser;
  const results = {} as Record<AlarmPriority, Analysis>;

  beforeAll(async () => {
    browser = await chromium.launch({ ...CHROMIUM_LAUNCH });
    const page = await browser.newPage();
    await page.goto('about:blank');
    const source = moduleSource();
    for (const priority of PRIORITIES) {
      results[priority] = analyse(await renderBurst(page, source, priority), priority);
    }
    console.log(
      JSON.stringify(
        Object.fromEntries(
          PRIORITIES.map((p) => [
            p,
            {
              pulses: results[p].pulses.length,
              onsetsMs: results[p].pulses.map((q) => round((q.onsetS - LEAD_S) * 1000, 0)),
              fundamentalHz: round(results[p].fundamentalHz, 2),
              riseMs: results[p].riseMs,
              outsideBurstPeak: results[p].outsideBurstPeak,
              durationMs: results[p].durationMs,
              harmonicsDb: results[p].harmonicsDb.map((h) => `${h.n}: ${round(h.db)} dB`),
            },
          ]),
        ),
        null,
        1,
      ),
    );
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('pulse count per burst: high 10, medium 3, low 1', () => {
    expect(results.high.pulses).toHaveLength(10);
    expect(results.medium.pulses).toHaveLength(3);
    expect(results.low.pulses).toHaveLength(1);
  });

  it('high priority follows 3+2, 3+2', () => {
    const onsets = results.high.pulses.map((p) => p.onsetS);
    const gaps = results.high.pulses
      .slice(1)
      .map((p, i) => p.onsetS - results.high.pulses[i]!.offsetS);
    const within = [0, 1, 3, 5, 6, 8].map((i) => gaps[i]!);
    const between = [2, 7].map((i) => gaps[i]!);
    expect(Math.min(...between)).toBeGreaterThan(Math.max(...within) + 0.1);
    expect(gaps[4]!).toBeGreaterThan(Math.max(...between) + 0.1);
    // Every onset interval as the pattern has it, to within one analysis frame.
    const expected = TONE_PATTERNS.high.onsetsMs.map((ms) => ms / 1000);
    onsets.forEach((t, i) => {
      expect(Math.abs(t - onsets[0]! - (expected[i]! - expected[0]!))).toBeLessThanOrEqual(FRAME_S);
    });
  });

  it.each(PRIORITIES)('%s: pulse duration and rise time as designed', (priority) => {
    const pattern = TONE_PATTERNS[priority];
    const { riseMs, durationMs } = results[priority];
    // Linear ramp: 10 %→90 % is 0.8 of the ramp; the envelope is read per period (≤ 3 ms).
    expect(Math.abs(riseMs - 0.8 * pattern.riseMs)).toBeLessThanOrEqual(3.5);
    expect(
      Math.abs(durationMs - (pattern.pulseMs - (pattern.riseMs + pattern.fallMs) / 2)),
    ).toBeLessThanOrEqual(4);
  });

  it.each(PRIORITIES)('%s: silent before and after the burst (no tail, no click)', (priority) => {
    expect(results[priority].outsideBurstPeak).toBeLessThan(1e-4);
  });

  it.each(PRIORITIES)(
    '%s: fundamental within ±2 %% of the pattern and in 150–1000 Hz',
    (priority) => {
      const { fundamentalHz } = results[priority];
      expect(fundamentalHz).toBeGreaterThanOrEqual(150);
      expect(fundamentalHz).toBeLessThanOrEqual(1000);
      const target = TONE_PATTERNS[priority].fundamentalHz;
      expect(Math.abs(fundamentalHz - target) / target).toBeLessThanOrEqual(0.02);
    },
  );

  it.each(PRIORITIES)('%s: at least 4 harmonics in 300–4000 Hz within ±15 dB', (priority) => {
    const qualifying = results[priority].harmonicsDb.filter(
      (h) => h.hz >= 300 && h.hz <= 4000 && Math.abs(h.db) <= 15,
    );
    expect(qualifying.length).toBeGreaterThanOrEqual(4);
  });

  it('priorities are distinct in pitch and in rhythm', () => {
    const [high, medium, low] = PRIORITIES.map((p) => results[p]);
    const apart = (a: number, b: number) => Math.abs(a - b) / Math.min(a, b) > 0.05;
    expect(apart(high!.fundamentalHz, medium!.fundamentalHz)).toBe(true);
    expect(apart(medium!.fundamentalHz, low!.fundamentalHz)).toBe(true);
    expect(apart(high!.fundamentalHz, low!.fundamentalHz)).toBe(true);
    expect(new Set(PRIORITIES.map((p) => results[p].pulses.length)).size).toBe(3);
  });
});
