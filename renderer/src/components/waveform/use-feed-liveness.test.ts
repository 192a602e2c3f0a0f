import { describe, expect, it } from 'vitest';
import { NO_SIGNAL_AFTER_MS, feedIsLive } from './use-feed-liveness';

describe('a trace stops looking live within 2 s of its data stopping (issue 12, item 6)', () => {
  it('is live while blocks arrive, not once the last is older than the threshold', () => {
    expect(feedIsLive(10_000, 10_100)).toBe(true);
    expect(feedIsLive(10_000, 10_000 + NO_SIGNAL_AFTER_MS)).toBe(false);
    expect(feedIsLive(-Infinity, 0)).toBe(false);
  });

  it('says so within 1.75 s of the last block even when it is checked only every 250 ms', () => {
    expect(NO_SIGNAL_AFTER_MS + 250).toBeLessThanOrEqual(1750);
  });
});
