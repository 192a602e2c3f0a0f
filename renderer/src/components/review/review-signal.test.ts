import { describe, expect, it } from 'vitest';
import {
  assembleChannels,
  isEcgChannel,
  ReviewSignalCache,
  type StoredSegment,
} from './review-signal';
import type { TimeWindow } from './review-window';

/** A fake store of one channel at 100 Hz, value = sample time in ms, with a gap. */
function storeWith(runs: Array<[fromMs: number, toMs: number]>) {
  const asked: TimeWindow[] = [];
  const fetchWindow = async (w: TimeWindow): Promise<StoredSegment[]> => {
    asked.push(w);
    return runs.flatMap(([from, to]) => {
      const start = Math.max(from, Math.ceil(w.fromMs / 10) * 10);
      const end = Math.min(to, w.toMs);
      if (end <= start) return [];
      const values = [];
      for (let t = start; t < end; t += 10) values.push(t);
      return [
        {
          deviceId: 'd',
          channel: 'ECG_II',
          rateHz: 100,
          t0Ms: start,
          values,
          unit: 'mV',
          scale: 0.005,
        },
      ];
    });
  };
  return { fetchWindow, asked };
}

describe('review signal', () => {
  it('joins blocks into one run and keeps a gap a gap', async () => {
    const { fetchWindow } = storeWith([
      [0, 25_000],
      [27_000, 40_000],
    ]);
    const cache = new ReviewSignalCache(fetchWindow);
    const [channel] = await cache.window({ fromMs: 5_000, toMs: 35_000 });
    expect(channel!.mvPerCount).toBeCloseTo(0.005, 12);
    expect(channel!.runs.map((r) => [r.t0Ms, r.values.length])).toEqual([
      [5_000, 2000],
      [27_000, 800],
    ]);
    expect(channel!.runs[0]!.values.at(-1)).toBe(24_990);
  });

  it('answers a window again from the cache, and fetches each block once', async () => {
    const { fetchWindow, asked } = storeWith([[0, 100_000]]);
    const cache = new ReviewSignalCache(fetchWindow, 4);
    expect(cache.windowIfLoaded({ fromMs: 0, toMs: 15_000 })).toBeUndefined();
    await cache.window({ fromMs: 0, toMs: 15_000 });
    expect(asked).toHaveLength(2);
    expect(cache.windowIfLoaded({ fromMs: 2_000, toMs: 12_000 })).toHaveLength(1);
    void cache.prefetch([10_000, 20_000]);
    await cache.window({ fromMs: 20_000, toMs: 29_000 });
    expect(asked).toHaveLength(3);
    // Capacity 4: the oldest blocks are dropped and fetched again when needed.
    await cache.window({ fromMs: 30_000, toMs: 59_000 });
    expect(cache.windowIfLoaded({ fromMs: 0, toMs: 5_000 })).toBeUndefined();
  });

  it('prefetches one block at a time and stops once the view has moved on', async () => {
    const { fetchWindow, asked } = storeWith([[0, 100_000]]);
    const cache = new ReviewSignalCache(fetchWindow, 10);
    let wanted = true;
    const prefetching = cache.prefetch([0, 10_000, 20_000, 30_000], () => wanted);
    expect(asked).toHaveLength(1);
    wanted = false;
    await prefetching;
    expect(asked).toHaveLength(1);
  });

  it('orders ECG rows first', () => {
    const seg = (channel: string, label: string): StoredSegment => ({
      deviceId: 'd',
      channel,
      label,
      rateHz: 10,
      t0Ms: 0,
      values: [1],
    });
    const rows = assembleChannels([seg('pleth', 'Pleth'), seg('mlii', 'MLII'), seg('x', 'Resp')], {
      fromMs: 0,
      toMs: 1000,
    });
    expect(rows.map((r) => r.label)).toEqual(['MLII', 'Pleth', 'Resp']);
    expect(isEcgChannel('MDC_ECG_ELEC_POTL_II', 'ECG II')).toBe(true);
    expect(isEcgChannel('MDC_PULS_OXIM_PLETH', 'Pleth')).toBe(false);
  });
});
