// NEWS2 against every band edge of the Royal College of Physicians' 2017 chart (both sides of
// each edge), the rounding the chart implies, missing parameters, and properties of the sum and
// its clinical response over any inputs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  NEWS2_MAX_AGE_MS,
  NEWS2_PARAMETERS,
  consciousnessScore,
  news2InputsFrom,
  news2Band,
  pulseScore,
  respirationRateScore,
  scoreNews2,
  spo2Scale1Score,
  spo2Scale2Score,
  systolicScore,
  temperatureScore,
  type Acvpu,
  type News2Inputs,
} from './news2';

/** [value, score] on each side of every edge of the chart's row. */
const EDGES = {
  respirationRate: [
    [8, 3],
    [9, 1],
    [11, 1],
    [12, 0],
    [20, 0],
    [21, 2],
    [24, 2],
    [25, 3],
  ],
  spo2Scale1: [
    [91, 3],
    [92, 2],
    [93, 2],
    [94, 1],
    [95, 1],
    [96, 0],
  ],
  systolic: [
    [90, 3],
    [91, 2],
    [100, 2],
    [101, 1],
    [110, 1],
    [111, 0],
    [219, 0],
    [220, 3],
  ],
  pulse: [
    [40, 3],
    [41, 1],
    [50, 1],
    [51, 0],
    [90, 0],
    [91, 1],
    [110, 1],
    [111, 2],
    [130, 2],
    [131, 3],
  ],
  temperature: [
    [35.0, 3],
    [35.1, 1],
    [36.0, 1],
    [36.1, 0],
    [38.0, 0],
    [38.1, 1],
    [39.0, 1],
    [39.1, 2],
  ],
} as const;

const NORMAL: News2Inputs = {
  respirationRate: 16,
  spo2: 97,
  spo2Scale: 1,
  onOxygen: false,
  systolicBp: 120,
  pulse: 70,
  consciousness: 'A',
  temperature: 37.0,
};

describe('NEWS2 against the RCP 2017 chart', () => {
  it('scores both sides of every band edge of every row', () => {
    for (const [value, score] of EDGES.respirationRate)
      expect(respirationRateScore(value), `RR ${value}`).toBe(score);
    for (const [value, score] of EDGES.spo2Scale1)
      expect(spo2Scale1Score(value), `SpO₂ ${value}`).toBe(score);
    for (const [value, score] of EDGES.systolic)
      expect(systolicScore(value), `SBP ${value}`).toBe(score);
    for (const [value, score] of EDGES.pulse) expect(pulseScore(value), `HR ${value}`).toBe(score);
    for (const [value, score] of EDGES.temperature)
      expect(temperatureScore(value), `T ${value}`).toBe(score);
    for (const level of ['C', 'V', 'P', 'U'] as Acvpu[]) expect(consciousnessScore(level)).toBe(3);
    expect(consciousnessScore('A')).toBe(0);
  });

  it('scores SpO₂ scale 2 by the target range, and by oxygen above it', () => {
    const edges: [number, boolean, number][] = [
      [83, true, 3],
      [84, true, 2],
      [85, false, 2],
      [86, false, 1],
      [87, true, 1],
      [88, true, 0],
      [92, true, 0],
      [93, false, 0],
      [100, false, 0],
      [93, true, 1],
      [94, true, 1],
      [95, true, 2],
      [96, true, 2],
      [97, true, 3],
    ];
    for (const [spo2, oxygen, score] of edges)
      expect(spo2Scale2Score(spo2, oxygen), `${spo2} % on ${oxygen ? 'oxygen' : 'air'}`).toBe(
        score,
      );
    // At or above 93 % nobody can score it without knowing air or oxygen.
    expect(spo2Scale2Score(95, null)).toBeNull();
    expect(spo2Scale2Score(90, null)).toBe(0);
  });

  it('rounds a device value as the chart records it before it meets an edge', () => {
    expect(respirationRateScore(20.4)).toBe(0);
    expect(respirationRateScore(20.5)).toBe(2);
    expect(pulseScore(90.49)).toBe(0);
    expect(pulseScore(90.5)).toBe(1);
    expect(temperatureScore(38.04)).toBe(0);
    expect(temperatureScore(38.05)).toBe(1);
    expect(temperatureScore(35.04)).toBe(3);
  });

  it('scores oxygen 2 and air 0, and gives the RCP clinical response', () => {
    expect(scoreNews2(NORMAL)).toMatchObject({ complete: true, total: 0, band: 'low' });
    expect(scoreNews2({ ...NORMAL, onOxygen: true })).toMatchObject({ total: 2, band: 'low' });
    // A single red score (3) is low–medium even though the sum is low.
    expect(scoreNews2({ ...NORMAL, consciousness: 'V' })).toMatchObject({
      total: 3,
      band: 'low-medium',
    });
    expect(scoreNews2({ ...NORMAL, onOxygen: true, pulse: 115, temperature: 38.5 })).toMatchObject({
      total: 5,
      band: 'medium',
    });
    expect(
      scoreNews2({ ...NORMAL, respirationRate: 26, spo2: 91, pulse: 135, onOxygen: true }),
    ).toMatchObject({ total: 11, band: 'high' });
    expect(news2Band(4, false)).toBe('low');
    expect(news2Band(4, true)).toBe('low-medium');
    expect(news2Band(6, true)).toBe('medium');
    expect(news2Band(7, false)).toBe('high');
  });

  it('never scores a missing parameter as normal', () => {
    const result = scoreNews2({ ...NORMAL, systolicBp: null, onOxygen: null, pulse: Number.NaN });
    expect(result.complete).toBe(false);
    expect(result.total).toBeNull();
    expect(result.missing).toEqual(['airOrOxygen', 'systolicBp', 'pulse']);
    expect(result.atLeast).toBe(0);
    // What is known is a lower bound: already high without the missing ones.
    const high = scoreNews2({ ...NORMAL, respirationRate: 30, spo2: 88, systolicBp: null });
    expect(high).toMatchObject({ complete: false, total: null, atLeast: 6, band: 'medium' });
    expect(
      scoreNews2({
        respirationRate: null,
        spo2: null,
        spo2Scale: 1,
        onOxygen: null,
        systolicBp: null,
        pulse: null,
        consciousness: null,
        temperature: null,
      }),
    ).toMatchObject({ complete: false, atLeast: 0, band: null, parts: [] });
  });
});

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });
const inputs: fc.Arbitrary<News2Inputs> = fc.record({
  respirationRate: maybe(fc.double({ min: 0, max: 80, noNaN: true })),
  spo2: maybe(fc.double({ min: 50, max: 100, noNaN: true })),
  spo2Scale: fc.constantFrom(1 as const, 2 as const),
  onOxygen: maybe(fc.boolean()),
  systolicBp: maybe(fc.double({ min: 30, max: 300, noNaN: true })),
  pulse: maybe(fc.double({ min: 0, max: 300, noNaN: true })),
  consciousness: maybe(fc.constantFrom<Acvpu>('A', 'C', 'V', 'P', 'U')),
  temperature: maybe(fc.double({ min: 25, max: 45, noNaN: true })),
});

describe('NEWS2 over any inputs', () => {
  it('accounts for every parameter once: scored or missing', () => {
    fc.assert(
      fc.property(inputs, (given) => {
        const result = scoreNews2(given);
        const named = [...result.parts.map((p) => p.parameter), ...result.missing];
        expect(named.sort()).toEqual([...NEWS2_PARAMETERS].sort());
        expect(result.complete).toBe(result.missing.length === 0);
      }),
    );
  });

  it('sums to 0–20, and its response follows the sum and any single 3', () => {
    fc.assert(
      fc.property(inputs, (given) => {
        const result = scoreNews2(given);
        const sum = result.parts.reduce((n, p) => n + p.score, 0);
        expect(result.atLeast).toBe(sum);
        expect(sum).toBeGreaterThanOrEqual(0);
        expect(sum).toBeLessThanOrEqual(20);
        if (result.complete) expect(result.total).toBe(sum);
        if (result.parts.length === 0) return;
        const band = result.band!;
        if (sum >= 7) expect(band).toBe('high');
        else if (sum >= 5) expect(band).toBe('medium');
        else if (result.parts.some((p) => p.score === 3)) expect(band).toBe('low-medium');
        else expect(band).toBe('low');
      }),
    );
  });

  it('never lowers the score as a vital moves further from normal', () => {
    const away = (score: (v: number) => number, normal: number) =>
      fc.property(
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (a, b) => {
          const [near, far] = a <= b ? [a, b] : [b, a];
          expect(score(normal + far)).toBeGreaterThanOrEqual(score(normal + near));
          expect(score(Math.max(0, normal - far))).toBeGreaterThanOrEqual(
            score(Math.max(0, normal - near)),
          );
        },
      );
    fc.assert(away(respirationRateScore, 16));
    fc.assert(away(systolicScore, 150));
    fc.assert(away(pulseScore, 70));
    fc.assert(away((v) => temperatureScore(v / 10), 370));
    fc.assert(away((v) => spo2Scale1Score(Math.min(100, v)), 100));
  });
});

describe('NEWS2 inputs from what the bed has', () => {
  const NOW = 1_760_000_000_000;
  const at = (minutesAgo: number) => NOW - minutesAgo * 60_000;
  const entries = {
    spo2Scale: 1 as const,
    onOxygen: { value: true, atMs: at(30) },
    consciousness: { value: 'A' as Acvpu, atMs: at(30) },
  };

  it('takes each vital while it is fresh, the ECG heart rate before the pleth pulse', () => {
    const latest = new Map([
      ['MDC_RESP_RATE', { value: 22, atMs: NOW + 20 }],
      ['MDC_PULS_OXIM_SAT_O2', { value: 93, atMs: at(0.1) }],
      ['MDC_ECG_HEART_RATE', { value: 112, atMs: at(0.1) }],
      ['MDC_PULS_OXIM_PULS_RATE', { value: 60, atMs: at(0.1) }],
      ['MDC_PRESS_BLD_NONINV_SYS', { value: 104, atMs: at(45) }],
      ['MDC_TEMP_BODY', { value: 38.3, atMs: at(180) }],
    ]);
    const inputs = news2InputsFrom(latest, entries, NOW);
    expect(inputs).toEqual({
      respirationRate: 22,
      spo2: 93,
      spo2Scale: 1,
      onOxygen: true,
      systolicBp: 104,
      pulse: 112,
      consciousness: 'A',
      temperature: 38.3,
    });
    // 2 + 2 + 2 + 1 + 2 + 0 + 1
    expect(scoreNews2(inputs)).toMatchObject({ complete: true, total: 10, band: 'high' });
  });

  it('counts a stale, or future, value as missing, never as the last one seen', () => {
    const latest = new Map([
      ['MDC_RESP_RATE', { value: 16, atMs: NOW - NEWS2_MAX_AGE_MS.respirationRate - 1 }],
      ['MDC_PULS_OXIM_SAT_O2', { value: 97, atMs: NOW + 60_000 }],
      ['MDC_ECG_HEART_RATE', { value: 70, atMs: at(10) }],
      ['MDC_PULS_OXIM_PULS_RATE', { value: 72, atMs: at(1) }],
      ['MDC_PRESS_BLD_NONINV_SYS', { value: 120, atMs: at(61) }],
    ]);
    const inputs = news2InputsFrom(
      latest,
      { ...entries, consciousness: { value: 'A', atMs: at(4 * 60 + 1) } },
      NOW,
    );
    expect(inputs).toMatchObject({
      respirationRate: null,
      spo2: null,
      pulse: 72,
      systolicBp: null,
      temperature: null,
      consciousness: null,
      onOxygen: true,
    });
    expect(scoreNews2(inputs).missing).toEqual([
      'respirationRate',
      'spo2',
      'systolicBp',
      'consciousness',
      'temperature',
    ]);
  });

  it("takes the newer of a temperature taken by hand and a device's, while it is fresh", () => {
    const device = new Map([['MDC_TEMP_BODY', { value: 37.0, atMs: at(90) }]]);
    const byHand = (value: number, minutesAgo: number) => ({
      ...entries,
      temperature: { value, atMs: at(minutesAgo) },
    });
    expect(news2InputsFrom(device, byHand(38.6, 10), NOW).temperature).toBe(38.6);
    expect(news2InputsFrom(device, byHand(38.6, 120), NOW).temperature).toBe(37.0);
    expect(news2InputsFrom(new Map(), byHand(38.6, 4 * 60 + 1), NOW).temperature).toBeNull();
  });
});
