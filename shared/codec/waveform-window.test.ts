import { describe, expect, it } from 'vitest';
import { cutWaveformWindow, type WindowRow } from './waveform-window';

/** A row of `values` at 100 Hz (10 ms a sample) from t0Ms. */
function row(t0Ms: number, values: number[], channel = 'ecg'): WindowRow {
  return {
    deviceId: 'dev',
    channel,
    rateHz: 100,
    t0Ms,
    sampleCount: values.length,
    decode: () => Int32Array.from(values),
  };
}

describe('cutWaveformWindow', () => {
  it('cuts to [from, to) and joins rows that follow each other', () => {
    const segments = cutWaveformWindow([row(0, [1, 2, 3, 4]), row(40, [5, 6, 7, 8])], 10, 70);
    expect(segments).toHaveLength(1);
    expect(segments[0]!.t0Ms).toBe(10);
    expect([...segments[0]!.values]).toEqual([2, 3, 4, 5, 6, 7]);
  });

  it('starts a new segment at a gap and for another channel', () => {
    const segments = cutWaveformWindow(
      [row(0, [1, 2]), row(100, [3, 4]), row(0, [9, 9], 'pleth')],
      0,
      1000,
    );
    expect(segments.map((s) => [s.channel, s.t0Ms, [...s.values]])).toEqual([
      ['ecg', 0, [1, 2]],
      ['ecg', 100, [3, 4]],
      ['pleth', 0, [9, 9]],
    ]);
  });

  it('keeps samples written twice once, and new samples that overlap by a clock step', () => {
    const twice = cutWaveformWindow([row(0, [1, 2, 3]), row(10, [2, 3, 4])], 0, 1000);
    expect([...twice[0]!.values]).toEqual([1, 2, 3, 4]);
    const stepped = cutWaveformWindow([row(0, [1, 2, 3]), row(20, [7, 8])], 0, 1000);
    expect([...stepped[0]!.values]).toEqual([1, 2, 3, 7, 8]);
  });

  it('never decodes a row outside the window', () => {
    let decoded = 0;
    const outside: WindowRow = {
      ...row(0, [1, 2]),
      decode: () => (decoded++, Int32Array.of(1, 2)),
    };
    expect(cutWaveformWindow([outside], 500, 600)).toEqual([]);
    expect(decoded).toBe(0);
  });
});
