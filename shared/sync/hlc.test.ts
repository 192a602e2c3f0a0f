import { describe, expect, it } from 'vitest';
import { HlcError, HybridClock, formatHlc, parseHlc } from './hlc';

describe('hybrid logical clock', () => {
  it('orders stamps by time, then counter, as strings', () => {
    let now = 1_000;
    const clock = new HybridClock('ws-a', () => now);
    const a = clock.send();
    const b = clock.send(); // same millisecond: the counter goes up
    now = 999; // the wall clock stepped back
    const c = clock.send();
    now = 2_000;
    const d = clock.send();
    expect([a, b, c, d]).toEqual([...[a, b, c, d]].sort());
    expect(new Set([a, b, c, d]).size).toBe(4);
    expect(parseHlc(c)).toEqual({ wallMs: 1_000, counter: 2, node: 'ws-a' });
  });

  it('a node whose clock is behind orders its next change after what it has seen', () => {
    const ahead = new HybridClock('ws-ahead', () => 10 * 60_000 + 5_000);
    const behind = new HybridClock('ws-behind', () => 5_000);
    const seen = ahead.send();
    behind.receive(seen);
    const next = behind.send();
    expect(next > seen).toBe(true);
  });

  it('refuses a stamp more than a day ahead, and text that is not a stamp', () => {
    const clock = new HybridClock('ws', () => 0);
    const far = formatHlc({ wallMs: 25 * 3_600_000, counter: 0, node: 'x' });
    expect(() => clock.receive(far)).toThrow(HlcError);
    expect(() => parseHlc('2026-01-01')).toThrow(HlcError);
    // The refused stamp did not move the clock.
    expect(parseHlc(clock.send()).wallMs).toBe(0);
  });
});
