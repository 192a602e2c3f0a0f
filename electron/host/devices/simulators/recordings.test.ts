import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SignalQuality } from '../../signals/signal-quality';
import { loadDemoRecordings } from './recordings';

const DEMO_DIR = fileURLToPath(new URL('../../../../resources/demo/', import.meta.url));
const FIVE_MINUTES_S = 300;

function range(values: Float32Array): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    min = Math.min(min, value);
    max = Math.max(max, value);
  }
  return { min, max };
}

describe('loadDemoRecordings', () => {
  it('loads 5 minutes of MIT-BIH 101 lead MLII in millivolts', async () => {
    const { ecg } = await loadDemoRecordings(DEMO_DIR);
    expect(ecg.rateHz).toBe(360);
    expect(ecg.mv).toHaveLength(FIVE_MINUTES_S * 360);
    // First sample from the header: (955 − 1024) / 200 mV.
    expect(ecg.mv[0]).toBeCloseTo(-0.345, 6);
    const { min, max } = range(ecg.mv);
    expect(min).toBeGreaterThan(-5);
    expect(max).toBeLessThan(5);
    expect(max - min).toBeGreaterThan(1); // R waves stand out of the baseline
  });

  it('loads 5 minutes of BIDMC 01 pleth and respiration, normalised 0..1', async () => {
    const { pleth, resp } = await loadDemoRecordings(DEMO_DIR);
    for (const signal of [pleth, resp]) {
      expect(signal.rateHz).toBe(125);
      expect(signal.values).toHaveLength(FIVE_MINUTES_S * 125);
      const { min, max } = range(signal.values);
      expect(min).toBeGreaterThanOrEqual(0);
      expect(max).toBeLessThanOrEqual(1);
      expect(max - min).toBeGreaterThan(0.3);
    }
    // First row of bidmc_01_Signals.csv: RESP 0.35386, PLETH 0.43597. RESP's clipped breaths are
    // reconstructed and the whole trace rescaled to 0..1 (resources/demo/NOTICE.md): 0.32745.
    expect(resp.values[0]).toBeCloseTo(0.32713, 5);
    expect(pleth.values[0]).toBeCloseTo(0.43597, 5);
  });

  it('has a respiration trace the signal-quality check never calls saturated', async () => {
    // As published, 12.5 % of RESP sat at 0 or 1 (97 clipped breaths), and half the demo beds
    // carried "Resp signal saturated" for 49 s of every 300 s.
    const { resp } = await loadDemoRecordings(DEMO_DIR);
    const quality = new SignalQuality(resp.rateHz);
    const states = quality.push(Array.from(resp.values, (v) => Math.round(v * 30_000)));
    expect(states.map((s) => s.state)).toEqual(['good']);
  });

  it('says which file is missing', async () => {
    await expect(loadDemoRecordings('/nonexistent/demo')).rejects.toThrow(/mitbih-101-5min|bidmc/);
  });
});
