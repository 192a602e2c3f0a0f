import { describe, expect, it } from 'vitest';
import { startAgainDue } from './start-again';

describe('startAgainDue', () => {
  const opened = { openedAtMs: 10_000, lastFrameAtMs: null, lastStartAgainAtMs: 0 };

  it('is due once the port has been open that long without a frame, not a moment before', () => {
    expect(startAgainDue(10_999, 1000, opened)).toBe(false);
    expect(startAgainDue(11_000, 1000, opened)).toBe(true);
  });

  it('counts from the last frame while frames come, and never from one of an older connection', () => {
    expect(startAgainDue(11_500, 1000, { ...opened, lastFrameAtMs: 10_800 })).toBe(false);
    expect(startAgainDue(11_800, 1000, { ...opened, lastFrameAtMs: 10_800 })).toBe(true);
    expect(startAgainDue(10_500, 1000, { ...opened, lastFrameAtMs: 2_000 })).toBe(false);
  });

  it('waits a whole period after each start it sent again', () => {
    expect(startAgainDue(11_900, 1000, { ...opened, lastStartAgainAtMs: 11_000 })).toBe(false);
    expect(startAgainDue(12_000, 1000, { ...opened, lastStartAgainAtMs: 11_000 })).toBe(true);
  });
});
