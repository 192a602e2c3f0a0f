import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DecodedFrame } from '../driver';
import { datexS5, displayedValuesRequest } from '../drivers/datex';
import { waveRequest } from '../drivers/datex-waves';
import { encodeDatexFrame } from '../drivers/datex-framing';
import { createDatexSimulator, syntheticDatexWaves, type DatexSimulatorOptions } from './datex';
import { DATEX_TYPICAL_NUMERICS } from '../testing/worked-examples';

const VITALS = { hr: 72, spo2: 98, rr: 16, tempC: 36.5 };
const START = datexS5.commands.start ?? new Uint8Array(0);
const STOP = datexS5.commands.stop ?? new Uint8Array(0);

/** Simulator on a hand-driven clock, its output fed straight into the real decoder. */
function harness(waveSource?: DatexSimulatorOptions['waveSource']) {
  const clock = { ms: 1_700_000_000_000 };
  const decoder = datexS5.createDecoder();
  const all: DecodedFrame[] = [];
  /** Displayed-values frames only (wave frames carry no numerics). */
  const frames: DecodedFrame[] = [];
  const writes: Uint8Array[] = [];
  const simulator = createDatexSimulator({
    write: (bytes) => {
      writes.push(bytes);
      for (const frame of decoder.push(bytes)) {
        all.push(frame);
        if (Object.keys(frame.numerics).length > 0) frames.push(frame);
      }
    },
    vitals: VITALS,
    now: () => clock.ms,
    tickMs: 100,
    waveSource,
  });
  const advance = (ms: number) => {
    for (let step = 0; step < ms; step += 100) {
      clock.ms += 100;
      vi.advanceTimersByTime(100);
    }
  };
  /** Every sample decoded so far, per channel key. */
  const samples = () => {
    const out: Record<string, number[]> = {};
    for (const frame of all) {
      for (const [key, values] of Object.entries(frame.samples)) (out[key] ??= []).push(...values);
    }
    return out;
  };
  return { simulator, decoder, frames, all, writes, samples, advance, clock };
}

const WAVE_KEYS = {
  1: 'MDC_ECG_ELEC_POTL',
  8: 'MDC_PULS_OXIM_PLETH',
  9: 'DATEX_AWAY_CO2',
  15: 'MDC_IMPED_TTHOR',
} as const;

// The simulator reports its pulse rate as the heart rate.
const EXPECTED = { ...DATEX_TYPICAL_NUMERICS, MDC_PULS_OXIM_PULS_RATE: 72 };

describe('datex simulator', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('stays silent until the host asks for displayed values', () => {
    const { simulator, frames, advance } = harness();
    simulator.start();
    advance(20_000);
    expect(frames).toEqual([]);
    simulator.stop();
  });

  it('answers a request sent in odd chunks every 5 s, decoded by the real driver', () => {
    const { simulator, decoder, frames, advance } = harness();
    simulator.start();
    for (let at = 0; at < START.length; at += 7) simulator.receive(START.subarray(at, at + 7));
    expect(frames).toHaveLength(1); // the first reply goes out at once
    expect(frames[0]).toEqual({ samples: {}, numerics: EXPECTED, flags: [] });
    advance(4_900);
    expect(frames).toHaveLength(1);
    advance(100);
    expect(frames).toHaveLength(2);
    advance(10_000);
    expect(frames).toHaveLength(4);
    expect(decoder.stats.framesBad).toBe(0);
    expect(simulator.intervalS).toBe(5);
    simulator.stop();
  });

  it('follows the vitals, and stops on the interval-0 request', () => {
    const { simulator, frames, advance } = harness();
    simulator.start();
    simulator.receive(START);
    simulator.setVitals({ hr: 126, spo2: 91.5, tempC: 38.2 });
    advance(5_000);
    expect(frames.at(-1)?.numerics).toMatchObject({
      MDC_ECG_HEART_RATE: 126,
      MDC_PULS_OXIM_PULS_RATE: 126,
      MDC_PULS_OXIM_SAT_O2: 91.5,
      MDC_TEMP_BODY: 38.2,
    });
    simulator.receive(STOP);
    const count = frames.length;
    advance(30_000);
    expect(frames).toHaveLength(count);
    expect(simulator.intervalS).toBe(0);
    simulator.stop();
  });

  it('uses the interval the host asks for', () => {
    const { simulator, frames, advance } = harness();
    simulator.start();
    simulator.receive(displayedValuesRequest(10));
    advance(30_000);
    expect(frames).toHaveLength(4); // t = 0, 10, 20, 30 s
    simulator.stop();
  });

  it('sends waves at their real-time rates after a wave start, the first samples at once', () => {
    const { simulator, decoder, samples, advance } = harness();
    simulator.start();
    simulator.receive(waveRequest(0, [1, 8, 9, 15]));
    expect(simulator.waveIds).toEqual([1, 8, 9, 15]);
    expect(Object.fromEntries(Object.entries(samples()).map(([k, v]) => [k, v.length]))).toEqual({
      MDC_ECG_ELEC_POTL: 1,
      MDC_PULS_OXIM_PLETH: 1,
      DATEX_AWAY_CO2: 1,
      MDC_IMPED_TTHOR: 1,
    });
    advance(10_000); // samples 0..rate × 10 s
    expect(Object.fromEntries(Object.entries(samples()).map(([k, v]) => [k, v.length]))).toEqual({
      MDC_ECG_ELEC_POTL: 3001,
      MDC_PULS_OXIM_PLETH: 1001,
      DATEX_AWAY_CO2: 251,
      MDC_IMPED_TTHOR: 251,
    });
    expect(decoder.stats.framesBad).toBe(0);
    simulator.stop();
  });

  it('round-trips exactly the samples it encodes, escapes and all, in request order', () => {
    // Values chosen to need escaping (0x7E, 0x7D bytes) and to span the int16 range.
    const source = () => (waveId: number, index: number) =>
      [0x7e7d, -32000, 0x007e, waveId * 1000 + index, -1][index % 5] ?? 0;
    const { simulator, samples, advance, writes } = harness(source);
    simulator.start();
    simulator.receive(waveRequest(0, [8, 1]));
    advance(1_000);
    const expected = (waveId: number, count: number) =>
      Array.from({ length: count }, (_, i) => source()(waveId, i));
    expect(samples()).toEqual({
      MDC_PULS_OXIM_PLETH: expected(8, 101),
      MDC_ECG_ELEC_POTL: expected(1, 301),
    });
    // Byte-exact: the first write is one frame whose record lists pleth then ECG1.
    const first = writes[0]!;
    expect(first[0]).toBe(0x7e);
    expect(Array.from(first.subarray(15, 21))).toEqual([0x01, 0x00, 0x00, 0x00, 0x08, 0x08]);
    simulator.stop();
  });

  it('stops the waves on a wave stop, keeping the displayed values going', () => {
    const { simulator, frames, samples, advance } = harness();
    simulator.start();
    simulator.receive(START);
    advance(1_000);
    simulator.receive(waveRequest(1, [0]));
    expect(simulator.waveIds).toEqual([]);
    const ecgCount = samples()['MDC_ECG_ELEC_POTL']?.length;
    expect(ecgCount).toBe(301);
    advance(10_000);
    expect(samples()['MDC_ECG_ELEC_POTL']?.length).toBe(ecgCount);
    expect(frames).toHaveLength(3); // displayed values at 0, 5 and 10 s
    simulator.receive(STOP);
    advance(10_000);
    expect(frames).toHaveLength(3);
    simulator.stop();
  });

  it('ignores waves it does not simulate and answers none', () => {
    const { simulator, all, advance } = harness();
    simulator.start();
    simulator.receive(waveRequest(0, [4, 2]));
    advance(1_000);
    expect(simulator.waveIds).toEqual([]);
    expect(all).toEqual([]);
    simulator.stop();
  });

  it('keeps at most 1 s of wave backlog when the host clock jumps', () => {
    const { simulator, samples, clock, advance } = harness();
    simulator.start();
    simulator.receive(waveRequest(0, [1]));
    clock.ms += 60_000;
    advance(100);
    expect(samples()['MDC_ECG_ELEC_POTL']?.length).toBe(1 + 300);
    simulator.stop();
  });

  it('draws synthetic waves that follow the vitals and never hit an invalid marker', () => {
    const waves = syntheticDatexWaves(() => VITALS);
    for (const id of [1, 8, 9, 15]) {
      const values = Array.from({ length: 3000 }, (_, i) => waves(id, i));
      expect(Math.min(...values), WAVE_KEYS[id as keyof typeof WAVE_KEYS]).toBeGreaterThan(-32001);
      expect(new Set(values).size).toBeGreaterThan(5);
    }
    // CO2 reaches EtCO2 (5.00 %) on every breath and is 0 during inspiration.
    const co2 = Array.from({ length: 100 }, (_, i) => waves(9, i));
    expect(Math.max(...co2)).toBeGreaterThan(490);
    expect(Math.min(...co2)).toBe(0);
  });

  it('frames every wave record it writes as one whole record', () => {
    const { simulator, writes, advance } = harness();
    simulator.start();
    simulator.receive(waveRequest(0, [1, 8, 9, 15]));
    advance(2_000);
    for (const bytes of writes) {
      expect(bytes[0]).toBe(0x7e);
      expect(bytes.at(-1)).toBe(0x7e);
      expect(bytes.length).toBeLessThan(encodeDatexFrame(new Uint8Array(1490)).length);
    }
    simulator.stop();
  });

  it('restarted, forgets the requests and stays silent until asked again', () => {
    const { simulator, all, advance } = harness();
    simulator.start();
    simulator.receive(START);
    advance(1000);
    // Half a request before the restart is forgotten too: its rest alone asks for nothing.
    const request = displayedValuesRequest(5);
    simulator.receive(request.subarray(0, 20));
    simulator.stop();
    simulator.start();
    simulator.receive(request.subarray(20));
    const before = all.length;
    advance(10_000);
    expect(all.length).toBe(before);
    expect(simulator.intervalS).toBe(0);
    simulator.receive(START);
    advance(1000);
    expect(all.length).toBeGreaterThan(before);
    simulator.stop();
  });

  it('ignores requests while switched off', () => {
    const { simulator, frames, advance } = harness();
    simulator.receive(START);
    advance(10_000);
    expect(frames).toEqual([]);
  });
});
