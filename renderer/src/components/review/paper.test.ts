import { describe, expect, it } from 'vitest';
import {
  gridLines,
  millivoltsPerCount,
  mmToPx,
  pxToMm,
  timeToX,
  visibleDurationMs,
  xToTime,
} from './paper';
import { layoutRows, valueToY, yToValue } from './paper-layout';
import type { ReviewChannel } from './review-signal';

describe('paper in real millimetres', () => {
  it('maps 25.4 mm to 96 CSS px (one inch)', () => {
    expect(mmToPx(25.4)).toBeCloseTo(96, 9);
    expect(pxToMm(mmToPx(7))).toBeCloseTo(7, 9);
  });

  it('shows 1 s per 25 mm at 25 mm/s, twice as much at 12.5 mm/s', () => {
    expect(visibleDurationMs(mmToPx(250), 25)).toBeCloseTo(10_000, 6);
    expect(visibleDurationMs(mmToPx(250), 12.5)).toBeCloseTo(20_000, 6);
    expect(timeToX(1000 + 200, 1000, 25)).toBeCloseTo(mmToPx(5), 9); // 200 ms = one major square
    expect(xToTime(timeToX(4321, 1000, 50), 1000, 50)).toBeCloseTo(4321, 9);
  });

  it('draws a line every millimetre and a major one every fifth', () => {
    const lines = gridLines(mmToPx(10));
    expect(lines).toHaveLength(11);
    expect(lines.filter((l) => l.major).map((l) => Math.round(pxToMm(l.atPx)))).toEqual([0, 5, 10]);
  });

  it('calibrates voltages only', () => {
    expect(millivoltsPerCount(1 / 200, 'mV')).toBeCloseTo(0.005, 12);
    expect(millivoltsPerCount(2, 'uV')).toBeCloseTo(0.002, 12);
    expect(millivoltsPerCount(2, 'µV')).toBeCloseTo(0.002, 12);
    expect(millivoltsPerCount(null, 'mV')).toBeNull();
    expect(millivoltsPerCount(1, '{count}')).toBeNull();
    expect(millivoltsPerCount(0, 'mV')).toBeNull();
  });
});

describe('rows', () => {
  const channel = (mvPerCount: number | null, values: number[]): ReviewChannel => ({
    key: `k${mvPerCount}`,
    deviceId: 'd',
    channel: 'c',
    label: 'II',
    unit: 'mV',
    rateHz: 100,
    mvPerCount,
    ecg: true,
    runs: [{ t0Ms: 0, values }],
  });

  it('draws a calibrated ECG at 10 mm/mV: 1 mV is 10 mm of height', () => {
    const [row] = layoutRows([channel(0.005, [0, 0, 0, 200])], 10);
    expect(row!.calibrated).toBe(true);
    expect(valueToY(row!, 0) - valueToY(row!, 1)).toBeCloseTo(mmToPx(10), 9);
    expect(yToValue(row!, valueToY(row!, 0.37))).toBeCloseTo(0.37, 9);
  });

  it('fits an uncalibrated channel to its row', () => {
    const [, row] = layoutRows([channel(0.005, [1]), channel(null, [100, 5100])], 10);
    expect(row!.calibrated).toBe(false);
    expect(row!.topPx).toBeCloseTo(mmToPx(6 + 30), 9);
    const span = valueToY(row!, 100) - valueToY(row!, 5100);
    expect(span).toBeCloseTo(row!.heightPx * 0.8, 6);
  });
});
