import { describe, expect, it } from 'vitest';
import type { SampleBlock } from '../../../shared/model/schemas';
import { describeBatch, PendingWrites } from './pending-writes';

const T0 = 1_700_000_000_000;

function block(t0: number, values: number[], overrides: Partial<SampleBlock> = {}): SampleBlock {
  return {
    bedId: 'bed-1',
    deviceId: 'ecg-1',
    channel: 'II',
    rateHz: 500,
    t0,
    values,
    ...overrides,
  };
}

function pending(maxChunkMs = 2_000, maxHoldMs = 2_000) {
  return new PendingWrites({ maxChunkMs, maxHoldMs });
}

describe('PendingWrites', () => {
  it('merges contiguous blocks of a channel into one chunk, keeping the first t0 and every value', () => {
    const writes = pending();
    writes.addSamples(block(T0, [1, 2, 3]), 0);
    writes.addSamples(block(T0 + 6, [4, 5]), 0);
    writes.addSamples(block(T0 + 10.9, [6]), 0); // 0.9 ms late: within half of a 2 ms period
    const batch = writes.takeBatch(0, true)!;
    expect(batch.chunks).toHaveLength(1);
    expect(batch.chunks[0]!.t0Ms).toBe(T0);
    expect(Array.from(batch.chunks[0]!.values)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('starts a new chunk on a gap, an overlap, a new rate or a new bed', () => {
    const writes = pending();
    writes.addSamples(block(T0, [1, 2]), 0);
    writes.addSamples(block(T0 + 5, [3]), 0); // 1 ms late of 2 ms period: a gap
    writes.addSamples(block(T0 + 5, [4]), 0); // starts where the previous one did: overlap
    writes.addSamples(block(T0 + 7, [5], { rateHz: 250 }), 0);
    writes.addSamples(block(T0 + 11, [6], { rateHz: 250, bedId: 'bed-2' }), 0);
    const batch = writes.takeBatch(0, true)!;
    expect(batch.chunks.map((c) => [c.t0Ms, Array.from(c.values)])).toEqual([
      [T0, [1, 2]],
      [T0 + 5, [3]],
      [T0 + 5, [4]],
      [T0 + 7, [5]],
      [T0 + 11, [6]],
    ]);
  });

  it('keeps channels apart even when their blocks interleave', () => {
    const writes = pending();
    for (let i = 0; i < 4; i++) {
      writes.addSamples(block(T0 + i * 4, [i, i]), 0);
      writes.addSamples(block(T0 + i * 4, [-i - 1, -i - 1], { channel: 'V' }), 0);
    }
    const batch = writes.takeBatch(0, true)!;
    expect(batch.chunks.map((c) => [c.channel, Array.from(c.values)])).toEqual([
      ['II', [0, 0, 1, 1, 2, 2, 3, 3]],
      ['V', [-1, -1, -2, -2, -3, -3, -4, -4]],
    ]);
  });

  it('seals a chunk once it spans maxChunkMs, and holds shorter ones until maxHoldMs', () => {
    const writes = pending(100, 1_000);
    for (let i = 0; i < 5; i++) writes.addSamples(block(T0 + i * 50, new Array(25).fill(i)), 0);
    expect(writes.readyCount).toBe(100); // two full 100 ms chunks of 50 samples
    const early = writes.takeBatch(999, false)!;
    expect(early.chunks.map((c) => c.values.length)).toEqual([50, 50]);
    expect(writes.takeBatch(999, false)).toBeNull(); // the 50 ms remainder is still open
    expect(writes.takeBatch(1_000, false)!.chunks[0]!.values.length).toBe(25);
    expect(writes.isEmpty).toBe(true);
  });

  it('keeps a single block longer than maxChunkMs whole', () => {
    const writes = pending(100);
    writes.addSamples(block(T0, new Array(500).fill(7)), 0);
    expect(writes.takeBatch(0, false)!.chunks[0]!.values.length).toBe(500);
  });

  it('copies values, so a caller reusing its array does not change what is stored', () => {
    const writes = pending();
    const values = [1, 2, 3];
    writes.addSamples(block(T0, values), 0);
    values[0] = 99;
    expect(Array.from(writes.takeBatch(0, true)!.chunks[0]!.values)).toEqual([1, 2, 3]);
  });

  it('describes a batch by channel, time and row counts for error messages', () => {
    const writes = pending();
    writes.addSamples(block(T0, [1, 2]), 0);
    writes.addNumeric({
      bedId: 'bed-1',
      deviceId: 'spo2-1',
      refId: 'MDC_PULS_OXIM_SAT_O2',
      value: 97,
      unit: '%',
      at: T0,
    });
    expect(describeBatch(writes.takeBatch(0, true)!)).toBe(
      '2 samples in 1 waveform chunks of ecg-1/II from 2023-11-14T22:13:20.000Z, 1 numerics (spo2-1/MDC_PULS_OXIM_SAT_O2)',
    );
  });
});
