import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import type { DecodedFrame } from '../driver';
import { healthypi5 } from '../drivers/healthypi5';
import { SignalQuality } from '../../signals/signal-quality';
import {
  encodeHealthypi5Frame,
  Healthypi5Simulator,
  recordingSource,
  syntheticSource,
  type Healthypi5Sample,
  type Healthypi5SimulatorOptions,
} from './healthypi5';
import type { DemoRecordings } from './recordings';
import {
  decodeCleanly,
  recordingSimulator,
  useFakeTimersInEachTest,
} from '../testing/simulator-harness';

const VITALS = { hr: 72, spo2: 98, rr: 16, tempC: 36.5 };

/** What the driver must report for a frame the simulator encoded from `sample`. */
function expectedFrame(sample: Healthypi5Sample): DecodedFrame {
  return {
    samples: {
      MDC_ECG_ELEC_POTL: [sample.ecg],
      MDC_PULS_OXIM_PLETH: [sample.ir],
      HPI5_PPG_RED: [sample.red],
      MDC_IMPED_TTHOR: sample.biozSkip ? [] : [sample.bioz],
    },
    numerics: {
      MDC_ECG_HEART_RATE: sample.hr,
      MDC_PULS_OXIM_SAT_O2: sample.spo2,
      MDC_RESP_RATE: sample.rr,
      MDC_TEMP_BODY: sample.tempCentiC / 100,
    },
    flags: [],
  };
}

/** A simulator on a hand-driven clock that records every write and every frame. */
const harness = (overrides: Partial<Healthypi5SimulatorOptions> = {}) =>
  recordingSimulator<Healthypi5Sample, Healthypi5Simulator>(
    (options) =>
      new Healthypi5Simulator({ ...options, source: syntheticSource({ hr: 72 }), ...overrides }),
    VITALS,
  );

const decodeAll = (writes: Uint8Array[]) => decodeCleanly(healthypi5, writes);

useFakeTimersInEachTest();

describe('encodeHealthypi5Frame', () => {
  it('reproduces the worked example from the protocol notes byte for byte', () => {
    const frame = encodeHealthypi5Frame({
      ecg: -5000,
      bioz: 20000,
      biozSkip: false,
      red: 200000,
      ir: 210000,
      tempCentiC: 3650,
      spo2: 98,
      hr: 72,
      rr: 16,
    });
    const expected =
      '0a fa 16 00 02 78 ec ff ff 20 4e 00 00 00 40 0d 03 00 50 34 03 00 42 0e 62 48 10 00 0b';
    expect(Array.from(frame, (b) => b.toString(16).padStart(2, '0')).join(' ')).toBe(expected);
  });

  it('round-trips extreme values through the real decoder', () => {
    const sample: Healthypi5Sample = {
      ecg: -2147483648,
      bioz: 2147483647,
      biozSkip: false,
      red: -1,
      ir: 8388607,
      tempCentiC: -32768,
      spo2: 100,
      hr: 255,
      rr: 255,
    };
    expect(healthypi5.createDecoder().push(encodeHealthypi5Frame(sample))).toEqual([
      expectedFrame(sample),
    ]);
  });
});

describe('Healthypi5Simulator', () => {
  it('sends frames that decode back to exactly what it encoded', () => {
    const { writes, sent, simulator, advance } = harness();
    simulator.start();
    for (let i = 0; i < 300; i++) advance(10);
    simulator.stop();
    expect(sent.length).toBe(simulator.framesSent);
    expect(decodeAll(writes)).toEqual(sent.map(expectedFrame));
  });

  it('paces by the clock: every due frame is written, one write per tick', () => {
    // A 1 ms tick so that every clock step below is seen by at least one tick.
    const { clock, writes, indices, simulator, advance } = harness({ tickMs: 1 });
    simulator.start();
    const startedAt = clock.ms;
    expect(simulator.startedAt).toBe(startedAt);
    expect(simulator.framesSent).toBe(1); // sample 0 is due at startedAt
    expect(writes).toHaveLength(1);

    for (const stepMs of [10, 10, 13, 7, 20, 10, 3, 17, 10, 10, 890]) {
      const before = writes.length;
      advance(stepMs);
      // The clock jumps before the timer runs, so the first tick sends everything due.
      expect(writes.length - before).toBeLessThanOrEqual(1);
      const due = Math.floor(((clock.ms - startedAt) * 128) / 1000) + 1;
      expect(simulator.framesSent, `after ${clock.ms - startedAt} ms`).toBe(due);
    }
    expect(clock.ms - startedAt).toBe(1000);
    expect(simulator.framesSent).toBe(129); // samples 0..128: sample 128 is due at exactly 1 s
    expect(indices).toEqual(Array.from({ length: 129 }, (_, i) => i));
    expect(decodeAll(writes)).toHaveLength(129);
  });

  it('keeps pace with the default tick over a minute', () => {
    const { simulator, advance } = harness();
    simulator.start();
    for (let i = 0; i < 6000; i++) advance(10);
    expect(simulator.framesSent).toBe(60 * 128 + 1);
  });

  it('does not write when stopped, and a restart begins a new run', () => {
    const { writes, simulator, advance, clock } = harness();
    simulator.start();
    advance(100);
    simulator.stop();
    const written = writes.length;
    advance(1000);
    expect(writes.length).toBe(written);
    simulator.start();
    expect(simulator.startedAt).toBe(clock.ms);
    expect(simulator.framesSent).toBe(1);
  });

  it('drops the backlog after a long stall instead of flooding the port', () => {
    const { writes, simulator, clock, sent } = harness();
    simulator.start();
    clock.ms += 60_000; // host asleep: the timer did not run
    vi.advanceTimersByTime(10);
    const lastWrite = writes.at(-1);
    expect(lastWrite && lastWrite.length / 29).toBeLessThanOrEqual(256);
    expect(sent.length).toBeLessThanOrEqual(257);
    expect(decodeAll(writes).length).toBe(simulator.framesSent);
  });

  it('carries new vitals in the frames sent after setVitals', () => {
    const { writes, simulator, advance } = harness();
    simulator.start();
    advance(500);
    const before = writes.length;
    simulator.setVitals({ hr: 130, spo2: 88.4 });
    advance(500);
    const frames = decodeAll(writes);
    const changedFrom = writes.slice(0, before).reduce((sum, w) => sum + w.length / 29, 0);
    for (const [i, frame] of frames.entries()) {
      const changed = i >= changedFrom;
      expect(frame.numerics.MDC_ECG_HEART_RATE).toBe(changed ? 130 : 72);
      expect(frame.numerics.MDC_PULS_OXIM_SAT_O2).toBe(changed ? 88 : 98);
      expect(frame.numerics.MDC_RESP_RATE).toBe(16);
      expect(frame.numerics.MDC_TEMP_BODY).toBe(36.5);
    }
  });

  it('sends a new BioZ value every other frame and repeats it with the skip flag between', () => {
    const { sent, simulator, advance } = harness();
    simulator.start();
    advance(1000);
    expect(sent.length).toBeGreaterThan(100);
    sent.forEach((sample, index) => {
      expect(sample.biozSkip).toBe(index % 2 === 1);
      if (sample.biozSkip) expect(sample.bioz).toBe(sent[index - 1]?.bioz);
    });
  });
});

describe('waveform sources', () => {
  const ramp = (length: number, step: number) => Float32Array.from({ length }, (_, i) => i * step);

  it('resamples the recordings to 128 Hz by linear interpolation and loops them', () => {
    const recordings: DemoRecordings = {
      ecg: { rateHz: 360, mv: ramp(360, 0.001) }, // 1 s, 1 µV per sample
      pleth: { rateHz: 125, values: ramp(125, 0.008) }, // 1 s: value = t
      resp: { rateHz: 125, values: ramp(125, 0.008) },
    };
    const source = recordingSource(recordings);
    const first = Array.from({ length: 128 }, () => source.next());
    const looped = source.next();
    expect(first[0]).toEqual({ ecg: 0, ir: 200000, red: 190000, bioz: -10000 });
    // t = 64/128 s = 0.5 s → ECG sample 180 of the ramp = 0.18 mV = 180 counts, pleth 0.5
    expect(first[64]).toEqual({ ecg: 180, ir: 210000, red: 197500, bioz: 0 });
    expect(looped).toEqual(first[0]);
    expect(first.every((s) => Object.values(s).every(Number.isInteger))).toBe(true);
  });

  it('synthesises plausible integer counts with a beat at the requested rate', () => {
    const source = syntheticSource({ hr: 60 });
    const ecg = Array.from({ length: 128 * 4 }, () => source.next().ecg);
    expect(ecg.every(Number.isInteger)).toBe(true);
    const rWaves = ecg.filter((v, i) => v > 800 && v >= (ecg[i - 1] ?? 0) && v > (ecg[i + 1] ?? 0));
    expect(rWaves).toHaveLength(4);
  });

  it('synthesises an ECG of good quality at any rate a scenario asks for (40–180 /min)', () => {
    for (const hr of [40, 75, 135, 180]) {
      const source = syntheticSource({ hr, rr: 15 });
      const ecg = Array.from({ length: 128 * 30 }, () => source.next().ecg);
      expect(new SignalQuality(128).push(ecg).map((c) => c.state)).toEqual(['good']);
    }
  });

  it('synthesises a pleth the workstation does not take for a clipped signal', () => {
    const source = syntheticSource({ hr: 75, rr: 16 });
    const quality = new SignalQuality(128);
    const ir = Array.from({ length: 128 * 60 }, () => source.next().ir);
    expect(quality.push(ir).map((change) => change.state)).not.toContain('saturated');
  });
});

describe('Healthypi5Simulator with the demo recordings', () => {
  it('sends the recordings through the wire as integer counts the driver decodes', async () => {
    vi.useRealTimers(); // file reads need the real event loop
    const { loadDemoRecordings } = await import('./recordings');
    const demoDir = fileURLToPath(new URL('../../../../resources/demo/', import.meta.url));
    const recordings = await loadDemoRecordings(demoDir);
    vi.useFakeTimers();
    const { writes, sent, simulator, advance } = harness({ source: recordingSource(recordings) });
    simulator.start();
    for (let i = 0; i < 200; i++) advance(10);
    simulator.stop();
    expect(sent).toHaveLength(2 * 128 + 1);
    expect(decodeAll(writes)).toEqual(sent.map(expectedFrame));
    // MIT-BIH 101 starts at −0.345 mV, i.e. −345 counts with the simulator's 1 count per µV.
    expect(sent[0]?.ecg).toBe(-345);
  });
});
