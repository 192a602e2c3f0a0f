// The limit on wrong passwords per user name, on a clock the test moves: five wrong tries in five
// minutes make the name wait until the oldest is five minutes old; a right one forgets them;
// tries being checked count; the map of names stays bounded.
import { describe, expect, it } from 'vitest';
import { SignInLimit, waitWords, type TryStart } from './sign-in-limit';

const MIN = 60_000;

function rig(maxNames?: number) {
  let nowMs = 1_000_000;
  const limit = new SignInLimit({ now: () => nowMs, ...(maxNames ? { maxNames } : {}) });
  return {
    limit,
    advance: (ms: number) => (nowMs += ms),
    now: () => nowMs,
  };
}

function ticketOf(start: TryStart) {
  if (!start.ok) throw new Error('expected the try to go ahead');
  return start.ticket;
}

describe('wrong passwords per user name', () => {
  it('lets five wrong tries through in five minutes, then makes the name wait', () => {
    const { limit, advance, now } = rig();
    const first = now();
    for (let i = 0; i < 5; i++) {
      ticketOf(limit.begin('ana')).failed();
      advance(30_000);
    }
    const refused = limit.begin('ana');
    expect(refused).toEqual({ ok: false, untilMs: first + 5 * MIN });
    expect(limit.begin('bob').ok).toBe(true); // another name is not concerned
    advance(first + 5 * MIN - now() - 1);
    expect(limit.begin('ana').ok).toBe(false);
    advance(1); // the oldest wrong try is five minutes old: one more try
    ticketOf(limit.begin('ana')).failed();
    expect(limit.begin('ana')).toEqual({ ok: false, untilMs: first + 30_000 + 5 * MIN });
  });

  it('forgets the wrong tries after a right password, and an abandoned try does not count', () => {
    const { limit } = rig();
    for (let i = 0; i < 4; i++) ticketOf(limit.begin('ana')).failed();
    ticketOf(limit.begin('ana')).succeeded();
    for (let i = 0; i < 4; i++) ticketOf(limit.begin('ana')).failed();
    ticketOf(limit.begin('ana')).abandoned();
    expect(limit.begin('ana').ok).toBe(true);
  });

  it('counts tries still being checked: ten at once let five through', () => {
    const { limit } = rig();
    const starts = Array.from({ length: 10 }, () => limit.begin('ana'));
    expect(starts.filter((s) => s.ok)).toHaveLength(5);
  });

  it('treats unknown names alike and keeps at most the bound of names', () => {
    const { limit, advance } = rig(100);
    for (let i = 0; i < 5; i++) ticketOf(limit.begin('no-such-name')).failed();
    expect(limit.begin('no-such-name').ok).toBe(false);
    for (let i = 0; i < 300; i++) ticketOf(limit.begin(`guess-${i}`)).failed();
    expect(limit.size).toBe(100);
    advance(5 * MIN);
    ticketOf(limit.begin('late')).failed();
    expect(limit.size).toBeLessThanOrEqual(100);
  });

  it('says how long in words, rounded up', () => {
    expect(waitWords(200)).toBe('1 second');
    expect(waitWords(40_000)).toBe('40 seconds');
    expect(waitWords(61_000)).toBe('2 minutes');
    expect(waitWords(60_000)).toBe('1 minute');
  });
});
