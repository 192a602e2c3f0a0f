// The strip layout: header text, 25 mm/s and 10 mm/mV traces, the calibration pulse, fitted
// uncalibrated bands, gaps left as gaps, tall waves drawn beyond their band and cut with a mark
// only at the paper's edge, and rows that spread onto more pages when needed.
import { describe, expect, it } from 'vitest';
import type { DrawOp, PointMm, StripPage } from './strip-drawing';
import { layoutStrip, traceScale, type StripInput, type StripTrace } from './strip-layout';

const FROM = Date.UTC(2026, 10, 21, 7, 5, 0);
const RATE_HZ = 250;
/** Counts per mV at the test traces' scale of 0.005 mV per count. */
const COUNTS_PER_MV = 200;

function ecg(overrides: Partial<StripTrace> = {}): StripTrace {
  // 1 mV square steps every second at 250 Hz.
  const values = Array.from(
    { length: 20 * RATE_HZ },
    (_, k) => (Math.floor(k / RATE_HZ) % 2) * COUNTS_PER_MV,
  );
  return {
    kind: 'ecg',
    label: 'ECG II',
    unit: 'mV',
    scale: 1 / COUNTS_PER_MV,
    rateHz: RATE_HZ,
    segments: [{ t0Ms: FROM, values }],
    ...overrides,
  };
}

/** 10 s of flat baseline with one wave of the given height (mV) at 5 s. */
function ecgWithWave(mV: number, label = 'ECG II'): StripTrace {
  const values = Array.from({ length: 10 * RATE_HZ }, (_, k) =>
    Math.abs(k - 5 * RATE_HZ) < 5 ? mV * COUNTS_PER_MV : 0,
  );
  return ecg({ label, segments: [{ t0Ms: FROM, values }] });
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

const texts = (pages: StripPage[]) => pages.flatMap((p) => p.texts());
const strokes = (page: StripPage) =>
  page.ops.filter((op): op is Extract<DrawOp, { kind: 'stroke' }> => op.kind === 'stroke');
/** The traces' strokes: black, 0.3 mm, more than the 6 points of a calibration pulse. */
const traceLines = (page: StripPage): PointMm[][] =>
  strokes(page)
    .filter((op) => op.widthMm === 0.3 && op.subpaths.flat().length > 6)
    .flatMap((op) => op.subpaths);
/** The red marks of a wave cut at the paper's edge, below the header. */
const cutMarks = (page: StripPage) =>
  page.ops.filter(
    (op): op is Extract<DrawOp, { kind: 'fill-polygon' }> =>
      op.kind === 'fill-polygon' && op.points.every(([, y]) => y >= 45),
  );

describe('layoutStrip', () => {
  it('prints the header: kind, bed, patient, the span once, speed and gain, numerics', () => {
    const all = texts(layoutStrip(input([ecg()])));
    expect(all).toContain('Alarm strip: Desaturation: SpO₂ 80 % < 85');
    expect(all).toContain('Bed: Bed 4   Patient: Test, Fictional   MRN: MRN-0001');
    // One format: local time with its offset from UTC; not the same span again in UTC.
    expect(all).toContain('2026-11-21 08:05:00 to 08:05:20 (UTC+01:00), 20 s');
    expect(all.join('\n')).not.toContain('07:05:00');
    expect(all).toContain('Paper speed 25 mm/s   ECG gain 10 mm/mV   Grid 1 mm / 5 mm');
    expect(all).toContain('At the alarm: SpO₂ 80 %');
    expect(all).toContain('Alarm');
    expect(
      all.some((t) => t.startsWith('Printed 2026-11-21 08:05:21 (UTC+01:00) by workstation')),
    ).toBe(true);
  });

  it('keeps a name, a bed label and an actor each in its own span', () => {
    const page = layoutStrip(
      input([ecg()], {
        bedLabel: 'سرير 3',
        patient: { name: 'الحسيني, فاطمة', mrn: '12345' },
        actor: 'Ковалёва',
      }),
    )[0]!;
    const spans = page.ops.flatMap((op) => (op.kind === 'text' ? [op.spans] : []));
    expect(spans).toContainEqual([
      'Bed: ',
      'سرير 3',
      '   Patient: ',
      'الحسيني, فاطمة',
      '   MRN: ',
      '12345',
    ]);
    expect(spans.some((s) => s[1] === 'Ковалёва')).toBe(true);
  });

  it('draws 20 s as two rows of 250 mm, a 1 mV step as 10 mm', () => {
    const pages = layoutStrip(input([ecg()]));
    expect(pages).toHaveLength(1);
    const lines = traceLines(pages[0]!);
    // One 10 s trace of 2500 samples per row, one 1 mV pulse (6 points) per row.
    expect(lines.map((l) => l.length)).toEqual([2500, 2500]);
    const pulses = strokes(pages[0]!).filter((op) => op.subpaths.flat().length === 6);
    expect(pulses).toHaveLength(2);
    const pulse = pulses[0]!.subpaths[0]!;
    expect(pulse[1]![1] - pulse[2]![1]).toBeCloseTo(10, 9);
    expect(pulse[3]![0] - pulse[2]![0]).toBeCloseTo(5, 9);
    const scale = traceScale(ecg());
    expect(scale.calibrated).toBe(true);
    expect(scale.mmPerCount * COUNTS_PER_MV).toBeCloseTo(10, 9);
    // The step: 1 s at 0 mV then 1 s at 1 mV, 10 mm higher; 25 mm per second along the row.
    const row = lines[0]!;
    expect(row[0]![1] - row[RATE_HZ]![1]).toBeCloseTo(10, 9);
    expect(row[RATE_HZ]![0] - row[0]![0]).toBeCloseTo(25, 9);
    // The trace starts at 22 mm (12 margin + 10 calibration) and covers 250 mm per row.
    expect(row[0]![0]).toBeCloseTo(22, 9);
    expect(row.at(-1)![0]).toBeCloseTo(22 + 250 - 25 / RATE_HZ, 9);
  });

  it('draws a wave taller than its band beyond it, at its true height, without a mark', () => {
    // Row paper 46–81 mm: 5 mm headroom, then the 30 mm band (51–81), baseline at 66 mm.
    const page = layoutStrip(input([ecgWithWave(1.8)], { toMs: FROM + 10_000, eventMs: null }))[0]!;
    const [line] = traceLines(page);
    const top = Math.min(...line!.map(([, y]) => y));
    expect(top).toBeCloseTo(66 - 18, 9); // 1.8 mV = 18 mm up, 3 mm above the band
    expect(cutMarks(page)).toHaveLength(0);

    // A deep S wave of the first lead crosses into the second lead's band: drawn there.
    const two = layoutStrip(
      input([ecgWithWave(-2.5, 'V1'), ecgWithWave(0, 'V5')], {
        toMs: FROM + 10_000,
        eventMs: null,
      }),
    )[0]!;
    const v1 = traceLines(two)[0]!;
    expect(Math.max(...v1.map(([, y]) => y))).toBeCloseTo(66 + 25, 9);
    expect(cutMarks(two)).toHaveLength(0);
  });

  it('cuts a wave only at the edge of the paper, and marks the cut there', () => {
    const page = layoutStrip(input([ecgWithWave(3)], { toMs: FROM + 10_000, eventMs: null }))[0]!;
    const lines = traceLines(page);
    // 3 mV = 30 mm up from 66 mm would be 36 mm: cut at the paper's top edge, 46 mm.
    expect(Math.min(...lines.flat().map(([, y]) => y))).toBeCloseTo(46, 9);
    expect(lines).toHaveLength(2); // the line leaves the paper and comes back
    const marks = cutMarks(page);
    expect(marks).toHaveLength(1);
    const tip = marks[0]!.points.find(([, y]) => y === 46)!;
    expect(tip[0]).toBeCloseTo(22 + 5 * 25 - (4 / RATE_HZ) * 25, 1);
    expect(texts([page]).some((t) => t.startsWith('A wave cut at the edge of the paper'))).toBe(
      true,
    );

    const down = layoutStrip(input([ecgWithWave(-2)], { toMs: FROM + 10_000, eventMs: null }))[0]!;
    expect(
      Math.max(
        ...traceLines(down)
          .flat()
          .map(([, y]) => y),
      ),
    ).toBeCloseTo(81, 9);
    expect(cutMarks(down)).toHaveLength(1);
  });

  it('fits an uncalibrated trace to its band and says so; pleth and resp too', () => {
    const all = texts(
      layoutStrip(
        input([
          ecg({ scale: null, unit: '{count}' }),
          ecg({ kind: 'pleth', label: 'Pleth', scale: null, unit: '{count}' }),
          ecg({ kind: 'resp', label: 'Resp', scale: 1, unit: 'Ohm' }),
        ]),
      ),
    );
    expect(all).toContain('ECG II  uncalibrated');
    expect(all).toContain('Pleth  uncalibrated');
    expect(all).toContain('Resp  scaled to fit');
    // No calibrated trace: no legend about waves beyond their band.
    expect(all.some((t) => t.startsWith('A wave cut'))).toBe(false);
    expect(traceScale(ecg({ scale: null })).mmPerCount * COUNTS_PER_MV).toBeCloseTo(30 * 0.8, 9);
  });

  it('leaves a gap where no samples were stored', () => {
    const values = Array.from({ length: RATE_HZ }, () => 0);
    const gapped = ecg({
      segments: [
        { t0Ms: FROM, values },
        { t0Ms: FROM + 3000, values },
      ],
    });
    const page = layoutStrip(input([gapped], { toMs: FROM + 10_000, eventMs: null }))[0]!;
    // Each run is its own line: from 0 s (22 mm) and from 3 s (22 + 75 mm), nothing between.
    expect(traceLines(page).map((l) => Math.round(l[0]![0]))).toEqual([22, 97]);
  });

  it('spreads many traces over more pages and numbers them', () => {
    const pages = layoutStrip(input([ecg(), ecg(), ecg(), ecg()]));
    expect(pages).toHaveLength(2);
    expect(pages[1]!.texts().some((t) => t.endsWith('Page 2 of 2'))).toBe(true);
  });

  it('says so when nothing was stored', () => {
    const all = texts(layoutStrip(input([], { kind: 'manual', alarmMessage: null })));
    expect(all).toContain('Manual strip');
    expect(all).toContain('No stored waveform in this time.');
  });
});
