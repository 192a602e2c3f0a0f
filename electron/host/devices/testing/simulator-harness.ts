// Shared by the simulator tests: fake timers for every test, a hand-driven clock that also runs
// the simulator's pacing timer, and a decode of everything written that must be perfectly clean.
import { afterEach, beforeEach, expect, vi } from 'vitest';
import type { DecodedFrame, Driver } from '../driver';
import type { SimulatedVitals, SimulatorOptions } from '../simulator';

/** Call at the top of a test file: each test runs on vitest's fake timers. */
export function useFakeTimersInEachTest(): void {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}

/** Moves `clock` and lets the fake timers (the simulator's pacing) run for the same time. */
export function advancer(clock: { ms: number }): (ms: number) => void {
  return (ms) => {
    clock.ms += ms;
    vi.advanceTimersByTime(ms);
  };
}

/** Decodes everything a simulator wrote; a simulator must never produce a bad or stray byte. */
export function decodeCleanly(driver: Driver, writes: Uint8Array[]): DecodedFrame[] {
  const decoder = driver.createDecoder();
  const frames = writes.flatMap((bytes) => decoder.push(bytes));
  expect(decoder.stats.framesBad).toBe(0);
  expect(decoder.stats.bytesSkipped).toBe(0);
  return frames;
}

/** What a simulator is given by `recordingSimulator`: the usual options and a frame listener. */
export interface RecordingOptions<Sample> extends SimulatorOptions {
  onFrame(index: number, sample: Sample): void;
}

/**
 * A simulator on a hand-driven clock (starting at `startMs`) that records every write and every
 * frame it reports with its index; `advance` moves the clock and the simulator's timer together.
 */
export function recordingSimulator<Sample, Simulator>(
  create: (options: RecordingOptions<Sample>) => Simulator,
  vitals: SimulatedVitals,
  startMs = 1_000_000,
) {
  const clock = { ms: startMs };
  const writes: Uint8Array[] = [];
  const sent: Sample[] = [];
  const indices: number[] = [];
  const simulator = create({
    write: (bytes) => writes.push(bytes),
    vitals,
    now: () => clock.ms,
    onFrame: (index, sample) => {
      indices.push(index);
      sent.push(sample);
    },
  });
  return { clock, writes, sent, indices, simulator, advance: advancer(clock) };
}
