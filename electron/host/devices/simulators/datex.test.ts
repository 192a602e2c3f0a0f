import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DecodedFrame } from '../driver';
import { datexS5, displayedValuesRequest } from '../drivers/datex';
import { createDatexSimulator } from './datex';

const VITALS = { hr: 72, spo2: 98, rr: 16, tempC: 36.5 };
const START = datexS5.commands.start ?? new Uint8Array(0);
const STOP = datexS5.commands.stop ?? new Uint8Array(0);

/** Simulator on a hand-driven clock, its output fed straight into the real decoder. */
function harness() {
  const clock = { ms: 1_700_000_000_000 };
  const decoder = datexS5.createDecoder();
  const frames: DecodedFrame[] = [];
  const simulator = createDatexSimulator({
    write: (bytes) => frames.push(...decoder.push(bytes)),
    vitals: VITALS,
    now: () => clock.ms,
    tickMs: 100,
  });
  const advance = (ms: number) => {
    for (let step = 0; step < ms; step += 100) {
      clock.ms += 100;
      vi.advanceTimersByTime(100);
    }
  };
  return { simulator, decoder, frames, advance };
}

const EXPECTED = {
  MDC_ECG_HEART_RATE: 72,
  MDC_PRESS_BLD_NONINV_SYS: 120,
  MDC_PRESS_BLD_NONINV_DIA: 80,
  MDC_PRESS_BLD_NONINV_MEAN: 93,
  MDC_TEMP_BODY: 36.5,
  MDC_PULS_OXIM_SAT_O2: 98,
  MDC_PULS_OXIM_PULS_RATE: 72,
  MDC_AWAY_CO2_ET: 38,
};

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

  it('ignores requests while switched off', () => {
    const { simulator, frames, advance } = harness();
    simulator.receive(START);
    advance(10_000);
    expect(frames).toEqual([]);
  });
});
