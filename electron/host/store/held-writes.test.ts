import { describe, expect, it } from 'vitest';
import { HeldWrites } from './held-writes';
import { deserializeBatch, prepareBatch, serializeBatch } from './prepared-batch';

const T0 = 1_700_000_000_000;

/** A batch as the worker hands it back: 2 s of ECG of one bed, a numeric, an alarm-log entry. */
function payload(bed: number): Uint8Array {
  return serializeBatch(
    prepareBatch({
      chunks: [
        {
          bedId: `bed-${bed}`,
          deviceId: 'ecg',
          channel: 'II',
          rateHz: 500,
          t0Ms: T0 + bed * 2000,
          values: Float64Array.from({ length: 1000 }, (_, i) =>
            Math.round(5000 * Math.sin(i * bed)),
          ),
        },
      ],
      numerics: [
        { bedId: `bed-${bed}`, deviceId: 'ecg', refId: 'MDC_X', value: bed, unit: '/min', at: T0 },
      ],
      alarmEvents: [
        {
          bedId: `bed-${bed}`,
          alarmId: `a-${bed}`,
          event: 'raised',
          kind: 'technical',
          priority: 'medium',
          code: 'STORE_DISK_FULL',
          message: 'Recording stopped',
          value: null,
          limit: null,
          actor: 'workstation',
          at: T0,
        },
      ],
    }),
  );
}

describe('rows held for want of space', () => {
  it('gives them back oldest first, and takes one back to the front', () => {
    const held = new HeldWrites(1 << 20);
    const [a, b] = [payload(1), payload(2)];
    expect(held.hold(a)).toEqual([]);
    expect(held.hold(b)).toEqual([]);
    expect(held.bytes).toBe(a.byteLength + b.byteLength);
    expect(held.takeOldest()).toBe(a);
    held.putBack(a);
    expect(held.count).toBe(2);
    expect(held.takeOldest()).toBe(a);
    expect(held.takeOldest()).toBe(b);
    expect(held.isEmpty).toBe(true);
  });

  it('past its bound drops waveforms first, oldest first, keeping numerics and the alarm log', () => {
    const one = payload(1).byteLength;
    const held = new HeldWrites(Math.floor(one * 2.5));
    held.hold(payload(1));
    held.hold(payload(2));
    const dropped = held.hold(payload(3));
    expect(dropped).toEqual([
      expect.stringMatching(/^1000 samples of 1 beds \(bed-1\) from 2023-11-14T22:13:22\.000Z$/),
    ]);
    expect(held.bytes).toBeLessThanOrEqual(Math.floor(one * 2.5));
    const oldest = deserializeBatch(held.takeOldest()!);
    expect(oldest.chunks).toEqual([]);
    expect(oldest.numerics.map((n) => n.bedId)).toEqual(['bed-1']);
    expect(oldest.alarmEvents.map((e) => e.code)).toEqual(['STORE_DISK_FULL']);
    expect(deserializeBatch(held.takeOldest()!).chunks).toHaveLength(1);
  });

  it('drops whole batches, oldest first, only once no waveform is left to drop', () => {
    const held = new HeldWrites(10);
    const dropped = [...held.hold(payload(1)), ...held.hold(payload(2))];
    expect(dropped).toEqual([
      expect.stringMatching(/^1000 samples of 1 beds \(bed-1\)/),
      expect.stringMatching(/^1000 samples of 1 beds \(bed-2\)/),
      '1 numerics, 1 alarm-log entries',
    ]);
    expect(held.count).toBe(1); // the newest is always kept
    expect(held.abandon()).toEqual(['1 numerics, 1 alarm-log entries']);
    expect(held.isEmpty).toBe(true);
  });
});
