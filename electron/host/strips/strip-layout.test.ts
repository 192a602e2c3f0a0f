// The strip layout: header text, 25 mm/s and 10 mm/mV traces, the calibration pulse, fitted
// uncalibrated bands, gaps left as gaps, and rows that spread onto more pages when needed.
import { describe, expect, it } from 'vitest';
import {
  layoutStrip,
  localTime,
  traceScale,
  type StripInput,
  type StripTrace,
} from './strip-layout';

const FROM = Date.UTC(2026, 10, 21, 7, 5, 0);
const MM = 72 / 25.4;

function ecg(overrides: Partial<StripTrace> = {}): StripTrace {
  // 1 mV square steps every second at 250 Hz, scale 0.005 mV per count (200 counts per mV).
  const values = Array.from({ length: 20 * 250 }, (_, k) => (Math.floor(k / 250) % 2) * 200);
  return {
    kind: 'ecg',
    label: 'ECG II',
    unit: 'mV',
    scale: 0.005,
    rateHz: 250,
    segments: [{ t0Ms: FROM, values }],
    ...overrides,
  };
}

function input(traces: StripTrace[], overrides: Partial<StripInput['header']> = {}): StripInput {
  return {
    header: {
      bedLabel: 'Bed 4',
      patient: { name: 'Test, Fictional', mrn: 'MRN-0001' },
      kind: 'alarm',
      alarmMessage: 'Desaturation: SpO₂ 80 % < 85',
      eventMs: FROM + 10_000,
      fromMs: FROM,
      toMs: FROM + 20_000,
      createdAtMs: FROM + 21_000,
      actor: 'workstation',
      timeZone: 'Europe/Paris',
      ...overrides,
    },
    traces,
    numerics: [{ label: 'SpO₂', value: 80, unit: '%' }],
  };
}

const text = (pages: ReturnType<typeof layoutStrip>) => pages.map((p) => p.content()).join('\n');

describe('layoutStrip', () => {
  it('prints the header: kind, bed, patient, local and UTC time, speed and gain', () => {
    const content = text(layoutStrip(input([ecg()])));
    expect(content).toContain('(Alarm strip: Desaturation: SpO2 80 % < 85)');
    expect(content).toContain('Bed: Bed 4   Patient: Test, Fictional   MRN: MRN-0001');
    expect(content).toContain('2026-11-21 08:05:00 CET to 08:05:20');
    expect(content).toContain('2026-11-21 07:05:00 to 07:05:20 UTC');
    expect(content).toContain('Paper speed 25 mm/s   ECG gain 10 mm/mV');
    expect(content).toContain('(At the alarm: SpO2 80 %)');
    expect(content).toContain('(Alarm)');
  });

  it('draws 20 s as two rows of 250 mm, a 1 mV step as 10 mm', () => {
    const pages = layoutStrip(input([ecg()]));
    expect(pages).toHaveLength(1);
    const paths = pages[0]!.content().split(/\nS\n?/);
    const lineCounts = paths.map((p) => p.match(/ l$/gm)?.length ?? 0);
    // One 10 s trace of 2500 samples per row (2499 linetos), one 1 mV pulse (5 linetos) per row.
    expect(lineCounts.filter((n) => n === 2499)).toHaveLength(2);
    expect(lineCounts.filter((n) => n === 5)).toHaveLength(2);
    const scale = traceScale(ecg());
    expect(scale.calibrated).toBe(true);
    // 200 counts = 1 mV = 10 mm.
    expect(scale.mmPerCount * 200).toBeCloseTo(10, 9);
    // The trace starts at 22 mm (12 margin + 10 calibration) and covers 250 mm per row.
    const xs = [...pages[0]!.content().matchAll(/^([\d.]+) [\d.]+ l$/gm)].map(
      (m) => Number(m[1]) / MM,
    );
    expect(Math.max(...xs)).toBeGreaterThan(271.5);
    expect(Math.max(...xs)).toBeLessThanOrEqual(272.01);
  });

  it('fits an uncalibrated trace to its band and says so; pleth and resp too', () => {
    const content = text(
      layoutStrip(
        input([
          ecg({ scale: null, unit: '{count}' }),
          ecg({ kind: 'pleth', label: 'Pleth', scale: null, unit: '{count}' }),
          ecg({ kind: 'resp', label: 'Resp', scale: 1, unit: 'Ohm' }),
        ]),
      ),
    );
    expect(content).toContain('(ECG II  uncalibrated)');
    expect(content).toContain('(Pleth  uncalibrated)');
    expect(content).toContain('(Resp  scaled to fit)');
    expect(traceScale(ecg({ scale: null })).mmPerCount * 200).toBeCloseTo(30 * 0.8, 9);
  });

  it('leaves a gap where no samples were stored', () => {
    const values = Array.from({ length: 250 }, () => 0);
    const gapped = ecg({
      segments: [
        { t0Ms: FROM, values },
        { t0Ms: FROM + 3000, values },
      ],
    });
    const page = layoutStrip(input([gapped], { toMs: FROM + 10_000, eventMs: null }))[0]!;
    // Each run is its own path: moveto at 0 s (22 mm) and at 3 s (22 + 75 mm), nothing between.
    const moves = [
      ...page.content().matchAll(/^([\d.]+) ([\d.]+) m\n[\d.]+ [\d.]+ l\n[\d.]+ [\d.]+ l/gm),
    ]
      .map((m) => Number(m[1]) / MM)
      .filter((x) => x > 21);
    expect(moves.map((x) => Math.round(x))).toEqual([22, 97]);
  });

  it('spreads many traces over more pages and numbers them', () => {
    const many = [ecg(), ecg(), ecg(), ecg()];
    const pages = layoutStrip(input(many));
    expect(pages).toHaveLength(2);
    expect(pages[1]!.content()).toContain('Page 2 of 2');
  });

  it('says so when nothing was stored', () => {
    const content = text(layoutStrip(input([], { kind: 'manual', alarmMessage: null })));
    expect(content).toContain('(Manual strip)');
    expect(content).toContain('No stored waveform in this time.');
  });
});

describe('localTime', () => {
  it('formats in the given zone', () => {
    expect(localTime(FROM, 'UTC')).toBe('2026-11-21 07:05:00 UTC');
    expect(localTime(FROM, 'America/New_York', true)).toBe('02:05:00');
  });
});
