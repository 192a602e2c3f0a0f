import { describe, expect, it } from 'vitest';
import { activityThrottle, NOTE_ACTIVITY_EVERY_MS } from './activity';

describe('activityThrottle', () => {
  it('tells the first input, then at most once per 20 s', () => {
    const due = activityThrottle();
    expect(due(1_000)).toBe(true);
    expect(due(1_500)).toBe(false);
    expect(due(1_000 + NOTE_ACTIVITY_EVERY_MS - 1)).toBe(false);
    expect(due(1_000 + NOTE_ACTIVITY_EVERY_MS)).toBe(true);
    expect(due(1_000 + NOTE_ACTIVITY_EVERY_MS + 5)).toBe(false);
  });

  it('counts from the last input told, not from the last input', () => {
    const due = activityThrottle(100);
    expect(due(0)).toBe(true);
    for (let t = 10; t < 100; t += 10) expect(due(t)).toBe(false);
    expect(due(100)).toBe(true);
  });
});
