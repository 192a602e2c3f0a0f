import { describe, expect, it } from 'vitest';
import { WaveformFeed } from './waveform-feed';

const block = (t0: number, values: number[], rateHz = 100) => ({ t0, rateHz, values });

describe('WaveformFeed', () => {
  it('keeps samples in order and remembers the last value and arrival', () => {
    let now = 1000;
    const feed = new WaveformFeed('ECG', 100, () => now);
    feed.push(block(0, [1, 2, 3]));
    now = 1020;
    feed.push(block(30, [4, 5]));
    expect(feed.written).toBe(5);
    expect([0, 1, 2, 3, 4].map((k) => feed.at(k))).toEqual([1, 2, 3, 4, 5]);
    expect(feed.lastValue).toBe(5);
    expect(feed.lastArrivalMs).toBe(1020);
  });

  it('forgets samples older than its capacity', () => {
    const feed = new WaveformFeed('ECG', 1);
    const values = Array.from({ length: feed.capacity + 5 }, (_, i) => i);
    feed.push({ t0: 0, rateHz: 1, values });
    expect(feed.at(0)).toBeNaN();
    expect(feed.at(4)).toBeNaN();
    expect(feed.at(5)).toBe(5);
    expect(feed.at(feed.written - 1)).toBe(values.length - 1);
    expect(feed.at(feed.written)).toBeNaN();
  });

  it('marks a jump in time as a gap of NaN samples, but tolerates jitter', () => {
    const feed = new WaveformFeed('Pleth', 100);
    feed.push(block(0, [1, 1]));
    feed.push(block(40, [2])); // 2 samples late: jitter
    expect(feed.written).toBe(3);
    feed.push(block(1050, [3])); // a second late: gap
    expect(feed.written).toBe(3 + 100 + 1);
    expect(feed.at(3)).toBeNaN();
    expect(feed.at(feed.written - 1)).toBe(3);
  });

  it('restarts the timeline when the sample rate changes', () => {
    const feed = new WaveformFeed('Resp', 64);
    feed.push(block(0, [1, 2], 64));
    feed.push(block(100, [7], 128));
    expect(feed.epoch).toBe(1);
    expect(feed.rateHz).toBe(128);
    expect(feed.written).toBe(1);
    expect(feed.at(0)).toBe(7);
  });

  it('tells subscribers about each block until they stop listening', () => {
    const feed = new WaveformFeed('ECG', 100);
    let calls = 0;
    const stop = feed.subscribe(() => calls++);
    feed.push(block(0, [1]));
    stop();
    feed.push(block(10, [1]));
    expect(calls).toBe(1);
  });

  it("labels the sample at a beat's time, a moment after it arrived, and forgets on a restart", () => {
    const feed = new WaveformFeed('MDC_ECG_ELEC_POTL_II', 100);
    feed.mark(0, 'V'); // before any block: nowhere to put it
    feed.push(
      block(
        1_000,
        Array.from({ length: 100 }, () => 0),
      ),
    );
    feed.mark(1_250, 'V');
    feed.mark(1_990, 'S');
    expect(feed.marks).toEqual([
      { k: 25, label: 'V' },
      { k: 99, label: 'S' },
    ]);
    feed.push(block(2_000, [1], 200));
    expect(feed.marks).toEqual([]);
  });
});
