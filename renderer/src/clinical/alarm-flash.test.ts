import { afterEach, describe, expect, it, vi } from 'vitest';
import { flashState, msToNextEdge, startAlarmFlash } from './alarm-flash';

describe('the alarm flash (IEC 60601-1-8: high 2 Hz, medium 0.5 Hz, 50 % duty)', () => {
  it('is lit for the first half of each period and dim for the second', () => {
    expect(flashState(0)).toEqual({ high: 'lit', medium: 'lit' });
    expect(flashState(249)).toEqual({ high: 'lit', medium: 'lit' });
    expect(flashState(250)).toEqual({ high: 'dim', medium: 'lit' });
    expect(flashState(500)).toEqual({ high: 'lit', medium: 'lit' });
    expect(flashState(1000)).toEqual({ high: 'lit', medium: 'dim' });
    expect(flashState(1999)).toEqual({ high: 'dim', medium: 'dim' });
    expect(flashState(2000)).toEqual({ high: 'lit', medium: 'lit' });
  });

  it('wakes only at the edges: every 250 ms', () => {
    expect(msToNextEdge(0)).toBe(250);
    expect(msToNextEdge(100)).toBe(150);
    expect(msToNextEdge(999)).toBe(1);
  });

  afterEach(() => vi.useRealTimers());

  it('sets the phase on the document, changing it 6 times a second at most', () => {
    vi.useFakeTimers();
    let now = 0;
    const changes: string[] = [];
    const dataset = new Proxy({} as DOMStringMap, {
      set(target, key, value: string) {
        changes.push(`${String(key)}=${value}`);
        target[key as string] = value;
        return true;
      },
    });
    const root = { dataset };
    const stop = startAlarmFlash(root, () => now);
    expect(root.dataset.flashHigh).toBe('lit');
    expect(root.dataset.flashMedium).toBe('lit');
    for (let step = 0; step < 401; step++) {
      now += 10;
      vi.advanceTimersByTime(10);
    }
    stop();
    // 4.01 s: set once at the start, then high changed at each of its 16 edges, medium at its 4.
    expect(root.dataset.flashHigh).toBe('lit');
    expect(changes.filter((c) => c.startsWith('flashHigh'))).toHaveLength(17);
    expect(changes.filter((c) => c.startsWith('flashMedium'))).toHaveLength(5);
  });
});
