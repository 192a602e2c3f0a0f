import { describe, expect, it } from 'vitest';
import { SweepDisplay, sweepSeconds } from './sweep-display';
import { WaveformFeed } from './waveform-feed';

describe('sweepSeconds', () => {
  it('shows 25 mm of trace per second at 96 CSS px per inch', () => {
    const pxPerSecond = 25 * (96 / 25.4);
    expect(sweepSeconds(pxPerSecond * 8)).toBeCloseTo(8, 9);
  });
});

describe('SweepDisplay', () => {
  // 1 s at 10 Hz = 10 columns; the erase gap is 0.2 s = 2 columns.
  const setup = () => {
    const feed = new WaveformFeed('ECG', 10);
    return { feed, display: new SweepDisplay(1, 10, feed) };
  };
  const push = (feed: WaveformFeed, from: number, count: number) =>
    feed.push({
      t0: (from / 10) * 1000,
      rateHz: 10,
      values: Array.from({ length: count }, (_, i) => from + i),
    });

  it('writes left to right with an erase gap ahead of the head', () => {
    const { feed, display } = setup();
    push(feed, 0, 4);
    expect(display.follow(feed)).toBe(true);
    expect(display.y).toEqual([0, 1, 2, 3, null, null, null, null, null, null]);
    expect(display.head).toBe(4);
    expect(display.follow(feed)).toBe(false);
  });

  it('wraps to the left edge and erases just ahead of the head', () => {
    const { feed, display } = setup();
    push(feed, 0, 10);
    display.follow(feed);
    push(feed, 10, 3);
    display.follow(feed);
    expect(display.y).toEqual([10, 11, 12, null, null, 5, 6, 7, 8, 9]);
  });

  it('shows gaps as breaks in the trace', () => {
    const { feed, display } = setup();
    push(feed, 0, 2);
    push(feed, 5, 1); // 3 samples (0.3 s) missing
    display.follow(feed);
    expect(display.y.slice(0, 6)).toEqual([0, 1, null, null, null, 5]);
  });

  it('fills from history when created on a feed that already has data', () => {
    const feed = new WaveformFeed('ECG', 10);
    push(feed, 0, 25);
    const display = new SweepDisplay(1, 10, feed);
    display.follow(feed);
    expect(display.y).toEqual([20, 21, 22, 23, 24, null, null, 17, 18, 19]);
    expect(display.fits(feed, 1)).toBe(true);
    expect(display.fits(feed, 2)).toBe(false);
  });

  it('spans the sweep width on its time axis', () => {
    const { display } = setup();
    expect(display.x[0]).toBe(0);
    expect(display.x[9]).toBeCloseTo(0.9, 9);
  });
});
