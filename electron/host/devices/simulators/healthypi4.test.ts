import { describe, expect, it, vi } from 'vitest';
import type { DecodedFrame } from '../driver';
import { healthypi4 } from '../drivers/healthypi4';
import {
  createHealthypi4Simulator,
  encodeHealthypi4Frame,
  type Healthypi4Sample,
  type Healthypi4SimulatorOptions,
} from './healthypi4';
import {
  decodeCleanly,
  recordingSimulator,
  useFakeTimersInEachTest,
} from '../testing/simulator-harness';

const VITALS = { hr: 72, spo2: 98, rr: 16, tempC: 36.5 };
const FRAME_BYTES = 27;

/** What the driver must report for a frame the simulator encoded from `sample`. */
function expectedFrame(sample: Healthypi4Sample): DecodedFrame {
  return {
    samples: {
      MDC_ECG_ELEC_POTL: [sample.ecg],
      MDC_IMPED_TTHOR: [sample.resp],
      MDC_PULS_OXIM_PLETH: [sample.ir],
      HPI4_PPG_RED: [sample.red],
    },
    numerics: {
      MDC_TEMP_BODY: sample.tempCentiC / 100,
      MDC_RESP_RATE: sample.rr,
      MDC_PULS_OXIM_SAT_O2: sample.spo2,
      MDC_ECG_HEART_RATE: sample.hr,
    },
    flags: sample.status === 0 ? [] : [`lead-off-status:${sample.status.toString(16)}`],
  };
}

/** A simulator on a hand-driven clock that records every write and every frame. */
const harness = (overrides: Partial<Healthypi4SimulatorOptions> = {}) =>
  recordingSimulator<Healthypi4Sample, ReturnType<typeof createHealthypi4Simulator>>(
    (options) => createHealthypi4Simulator({ ...options, ...overrides }),
    VITALS,
  );

const decodeAll = (writes: Uint8Array[]) => decodeCleanly(healthypi4, writes);

useFakeTimersInEachTest();

describe('encodeHealthypi4Frame', () => {
  it('reproduces the worked example from the protocol notes byte for byte', () => {
    const frame = encodeHealthypi4Frame({
      ecg: -1200,
      resp: 350,
      ir: 123456,
      red: 98765,
      tempCentiC: 3650,
      rr: 16,
      spo2: 98,
      hr: 72,
      status: 0xc0,
    });
    const expected =
      '0a fa 14 00 02 50 fb 5e 01 40 e2 01 00 cd 81 01 00 42 0e 10 62 48 50 78 c0 00 0b';
    expect(Array.from(frame, (b) => b.toString(16).padStart(2, '0')).join(' ')).toBe(expected);
  });

  it('round-trips extreme values through the real decoder', () => {
    const sample: Healthypi4Sample = {
      ecg: -32768,
      resp: 32767,
      ir: -2147483648,
      red: 2147483647,
      tempCentiC: 65535,
      rr: 255,
      spo2: 100,
      hr: 255,
      status: 0xff,
    };
    expect(healthypi4.createDecoder().push(encodeHealthypi4Frame(sample))).toEqual([
      expectedFrame(sample),
    ]);
  });
});

describe('createHealthypi4Simulator', () => {
  it('sends frames that decode back to exactly what it encoded', () => {
    const { writes, sent, simulator, advance } = harness();
    simulator.start();
    for (let i = 0; i < 300; i++) advance(10);
    simulator.stop();
    expect(sent).toHaveLength(3 * 125 + 1);
    expect(decodeAll(writes)).toEqual(sent.map(expectedFrame));
  });

  it('paces by the clock: frame n at n × 8 ms, every due frame in one write per tick', () => {
    const { clock, writes, indices, simulator, advance } = harness({ tickMs: 1 });
    simulator.start();
    const startedAt = clock.ms;
    expect(indices).toEqual([0]); // frame 0 is due at startedAt
    expect(writes).toHaveLength(1);
    for (const stepMs of [8, 7, 1, 13, 20, 3, 17, 10, 10, 911]) {
      const before = writes.length;
      advance(stepMs);
      expect(writes.length - before).toBeLessThanOrEqual(1);
      const due = Math.floor((clock.ms - startedAt) / 8) + 1;
      expect(indices.length, `after ${clock.ms - startedAt} ms`).toBe(due);
    }
    expect(clock.ms - startedAt).toBe(1000);
    expect(indices).toEqual(Array.from({ length: 126 }, (_, i) => i)); // frame 125 at exactly 1 s
    expect(decodeAll(writes)).toHaveLength(126);
  });

  it('keeps pace with the default tick over a minute', () => {
    const { sent, simulator, advance } = harness();
    simulator.start();
    for (let i = 0; i < 6000; i++) advance(10);
    expect(sent).toHaveLength(60 * 125 + 1);
  });

  it('does not write when stopped, and a restart begins a new run at frame 0', () => {
    const { writes, indices, simulator, advance } = harness();
    simulator.start();
    advance(100);
    simulator.stop();
    const written = writes.length;
    advance(1000);
    expect(writes.length).toBe(written);
    simulator.start();
    expect(indices.at(-1)).toBe(0);
  });

  it('drops the backlog after a long stall instead of flooding the port', () => {
    const { writes, simulator, clock, sent } = harness();
    simulator.start();
    clock.ms += 60_000; // host asleep: the timer did not run
    vi.advanceTimersByTime(10);
    expect((writes.at(-1)?.length ?? 0) / FRAME_BYTES).toBeLessThanOrEqual(250);
    expect(sent.length).toBeLessThanOrEqual(251);
    expect(decodeAll(writes)).toHaveLength(sent.length);
  });

  it('carries new vitals in the frames sent after setVitals', () => {
    const { writes, simulator, advance } = harness();
    simulator.start();
    advance(500);
    const changedFrom = writes.reduce((sum, w) => sum + w.length / FRAME_BYTES, 0);
    simulator.setVitals({ hr: 130, spo2: 88.4, tempC: 38.21 });
    advance(500);
    for (const [i, frame] of decodeAll(writes).entries()) {
      const changed = i >= changedFrom;
      expect(frame.numerics.MDC_ECG_HEART_RATE).toBe(changed ? 130 : 72);
      expect(frame.numerics.MDC_PULS_OXIM_SAT_O2).toBe(changed ? 88 : 98);
      expect(frame.numerics.MDC_TEMP_BODY).toBe(changed ? 38.21 : 36.5);
      expect(frame.numerics.MDC_RESP_RATE).toBe(16);
    }
  });

  it('beats at the vitals heart rate', () => {
    const { sent, simulator, advance } = harness({ vitals: { ...VITALS, hr: 60 } });
    simulator.start();
    for (let i = 0; i < 400; i++) advance(10);
    const ecg = sent.slice(0, 4 * 125).map((s) => s.ecg);
    const rWaves = ecg.filter((v, i) => v > 800 && v >= (ecg[i - 1] ?? 0) && v > (ecg[i + 1] ?? 0));
    expect(rWaves).toHaveLength(4);
  });
});
