import { describe, expect, it, vi } from 'vitest';
import type { DecodedFrame } from '../driver';
import { FLAG_SAMPLES_LOST, openbciCyton } from '../drivers/openbci';
import {
  createOpenbciSimulator,
  encodeOpenbciFrame,
  type OpenbciSample,
  type OpenbciSimulatorOptions,
} from './openbci';
import {
  decodeCleanly,
  recordingSimulator,
  useFakeTimersInEachTest,
} from '../testing/simulator-harness';

const VITALS = { hr: 72, spo2: 98, rr: 16, tempC: 36.5 };
const FRAME_BYTES = 33;
const ascii = (text: string) => new TextEncoder().encode(text);

/** What the driver must report for a frame the simulator encoded from `sample`. */
function expectedSamples(sample: OpenbciSample): DecodedFrame['samples'] {
  const samples: DecodedFrame['samples'] = {};
  sample.channels.forEach((value, i) => {
    samples[`OPENBCI_CH${i + 1}`] = [value];
  });
  ['X', 'Y', 'Z'].forEach((axis, i) => {
    samples[`OPENBCI_ACCEL_${axis}`] = [sample.accel[i] ?? NaN];
  });
  return samples;
}

/** A simulator on a hand-driven clock that records every write and every frame. */
const harness = (overrides: Partial<OpenbciSimulatorOptions> = {}) =>
  recordingSimulator<OpenbciSample, ReturnType<typeof createOpenbciSimulator>>(
    (options) => createOpenbciSimulator({ ...options, ...overrides }),
    VITALS,
  );

const decodeAll = (writes: Uint8Array[]) => decodeCleanly(openbciCyton, writes);

useFakeTimersInEachTest();

describe('encodeOpenbciFrame', () => {
  it('reproduces the worked example from the protocol notes byte for byte', () => {
    const frame = encodeOpenbciFrame({
      sampleNumber: 42,
      channels: [1000, -1000, 0, 8388607, -8388608, 44, -44, 123456],
      accel: [0, 0, 8192],
    });
    const expected =
      'a0 2a 00 03 e8 ff fc 18 00 00 00 7f ff ff 80 00 00 00 00 2c ff ff d4 01 e2 40 00 00 00 00 20 00 c0';
    expect(Array.from(frame, (b) => b.toString(16).padStart(2, '0')).join(' ')).toBe(expected);
  });
});

describe('createOpenbciSimulator', () => {
  it('stays silent until the host sends "b", and until start() switches it on', () => {
    const { writes, simulator, advance } = harness();
    simulator.receive?.(ascii('b')); // board off: ignored
    simulator.start();
    advance(1000);
    expect(writes).toHaveLength(0);
    simulator.receive?.(ascii('v'));
    advance(100);
    expect(writes).toHaveLength(0);
    simulator.receive?.(ascii('b'));
    expect(writes).toHaveLength(1);
  });

  it('sends frames that decode back to exactly what it encoded, numbered without gaps', () => {
    const { writes, sent, simulator, advance } = harness();
    simulator.start();
    simulator.receive?.(ascii('b'));
    for (let i = 0; i < 300; i++) advance(10);
    expect(sent).toHaveLength(3 * 250 + 1);
    const frames = decodeAll(writes);
    expect(frames.map((f) => f.samples)).toEqual(sent.map(expectedSamples));
    expect(frames.every((f) => f.flags.length === 0)).toBe(true); // wraps 255 → 0 cleanly
  });

  it('paces by the clock: frame n at n × 4 ms, every due frame in one write per tick', () => {
    const { clock, writes, indices, simulator, advance } = harness({ tickMs: 1 });
    simulator.start();
    simulator.receive?.(ascii('b'));
    const startedAt = clock.ms;
    expect(indices).toEqual([0]);
    for (const stepMs of [4, 3, 1, 13, 20, 3, 17, 10, 10, 919]) {
      const before = writes.length;
      advance(stepMs);
      expect(writes.length - before).toBeLessThanOrEqual(1);
      expect(indices.length, `after ${clock.ms - startedAt} ms`).toBe(
        Math.floor((clock.ms - startedAt) / 4) + 1,
      );
    }
    expect(indices).toEqual(Array.from({ length: 251 }, (_, i) => i));
  });

  it('stops on "s", and a new "b" restarts at sample 0', () => {
    const { writes, indices, simulator, advance } = harness();
    simulator.start();
    simulator.receive?.(ascii('b'));
    advance(100);
    simulator.receive?.(ascii('s'));
    const written = writes.length;
    advance(1000);
    expect(writes.length).toBe(written);
    simulator.receive?.(ascii('b'));
    expect(indices.at(-1)).toBe(0);
    simulator.stop();
    advance(1000);
    expect(indices.at(-1)).toBe(0);
  });

  it('drops the backlog after a long stall; the decoder sees the gap as samples lost', () => {
    const { writes, simulator, clock, sent, advance } = harness();
    simulator.start();
    simulator.receive?.(ascii('b'));
    advance(10);
    clock.ms += 60_000; // host asleep: the timer did not run
    vi.advanceTimersByTime(10);
    expect((writes.at(-1)?.length ?? 0) / FRAME_BYTES).toBeLessThanOrEqual(500);
    expect(sent.length).toBeLessThanOrEqual(503);
    const frames = decodeAll(writes);
    expect(frames.filter((f) => f.flags.includes(FLAG_SAMPLES_LOST))).toHaveLength(1);
  });

  it('beats on channel 1 at the vitals heart rate, about 1.2 mV tall', () => {
    const { sent, simulator, advance } = harness({ vitals: { ...VITALS, hr: 60 } });
    simulator.start();
    simulator.receive?.(ascii('b'));
    for (let i = 0; i < 400; i++) advance(10);
    const ecg = sent.slice(0, 4 * 250).map((s) => s.channels[0] ?? 0);
    const uvPerCount = openbciCyton.descriptor.channels[0]?.scale ?? 0;
    const rWaves = ecg.filter(
      (v, i) => v * uvPerCount > 1000 && v >= (ecg[i - 1] ?? 0) && v > (ecg[i + 1] ?? 0),
    );
    expect(rWaves).toHaveLength(4);
    expect(Math.max(...ecg) * uvPerCount).toBeCloseTo(1200, -2);
  });
});
