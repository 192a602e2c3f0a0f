// Shared by the simulator tests: fake timers for every test, a hand-driven clock that also runs
// the simulator's pacing timer, and a decode of everything written that must be perfectly clean.
import { afterEach, beforeEach, expect, vi } from 'vitest';
import type { DecodedFrame, Driver } from '../driver';

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
