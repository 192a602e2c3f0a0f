// createReplayBuffers: a watched bed's last seconds, per wave, bounded; given from a time on (cut
// inside a block); followed while a socket holds it and `lingerMs` after, then let go. The real
// sockets' resume is in telehealth.test.ts.
import { describe, expect, it } from 'vitest';
import type { BedLiveEvent } from '../../shared/api/contract';
import type { SampleBlock } from '../../shared/model/schemas';
import { createReplayBuffers } from './replay-buffer';

const block = (t0: number, count: number, channel = 'ECG', rateHz = 100): SampleBlock => ({
  bedId: 'ws/bed-1',
  deviceId: 'dev-1',
  channel,
  rateHz,
  t0,
  values: Array.from({ length: count }, (_, i) => i),
});

function followed() {
  const listeners = new Map<string, (event: BedLiveEvent) => void>();
  let stopped = 0;
  return {
    follow: async (bedId: string, onEvent: (event: BedLiveEvent) => void) => {
      listeners.set(bedId, onEvent);
      return () => {
        stopped += 1;
        listeners.delete(bedId);
      };
    },
    send: (bedId: string, ...blocks: SampleBlock[]) =>
      listeners.get(bedId)?.({ type: 'samples', blocks }),
    following: () => [...listeners.keys()],
    stopped: () => stopped,
  };
}

describe('createReplayBuffers', () => {
  it('gives each wave from a time on, cut inside a block, nothing older than kept', () => {
    const bed = followed();
    let now = 10_000;
    const buffers = createReplayBuffers(bed.follow, { keepMs: 1_000, now: () => now });
    const replay = buffers.acquire('ws/bed-1');
    for (let t = 8_000; t < 10_000; t += 250) {
      now = t + 250;
      bed.send('ws/bed-1', block(t, 25), block(t, 5, 'RESP', 20));
    }
    bed.send('ws/bed-2', block(9_000, 100)); // not followed
    // Kept: at least the last second of each wave (every block ending at 9000 or later).
    expect(replay.since(0).map((b) => [b.channel, b.t0])).toEqual([
      ['ECG', 8_750],
      ['ECG', 9_000],
      ['ECG', 9_250],
      ['ECG', 9_500],
      ['ECG', 9_750],
      ['RESP', 8_750],
      ['RESP', 9_000],
      ['RESP', 9_250],
      ['RESP', 9_500],
      ['RESP', 9_750],
    ]);
    // From 9 800: ECG's last block from its sample at 9 800, RESP's (50 ms a sample) from 9 800.
    expect(replay.since(9_800)).toEqual([
      { ...block(9_750, 25), t0: 9_800, values: block(9_750, 25).values.slice(5) },
      { ...block(9_750, 5, 'RESP', 20), t0: 9_800, values: [1, 2, 3, 4] },
    ]);
    expect(replay.since(10_000)).toEqual([]);
    buffers.close();
  });

  it('follows a bed while a socket holds it and lingerMs after, then lets it go', async () => {
    const bed = followed();
    const buffers = createReplayBuffers(bed.follow, { lingerMs: 30 });
    const a = buffers.acquire('ws/bed-1');
    const b = buffers.acquire('ws/bed-1');
    expect(bed.following()).toEqual(['ws/bed-1']);
    bed.send('ws/bed-1', block(Date.now() - 500, 10));
    a.release();
    a.release(); // once only
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(buffers.size()).toBe(1); // b still holds it
    b.release();
    // A socket back within the linger finds what was kept.
    const c = buffers.acquire('ws/bed-1');
    expect(c.since(0)).toHaveLength(1);
    c.release();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(buffers.size()).toBe(0);
    expect(bed.stopped()).toBe(1);
    expect(bed.following()).toEqual([]);
  });

  it('tries again on the next socket when the bed could not be followed', async () => {
    let tries = 0;
    const lines: string[] = [];
    const buffers = createReplayBuffers(
      async () => {
        tries += 1;
        throw new Error('no such bed');
      },
      { log: (line) => lines.push(line) },
    );
    buffers.acquire('ws/bed-9');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(buffers.size()).toBe(0);
    expect(lines[0]).toContain('no such bed');
    buffers.acquire('ws/bed-9').release();
    expect(tries).toBe(2);
    buffers.close();
  });
});
