import { describe, expect, it } from 'vitest';
import { uuidv7 } from './ids';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuidv7', () => {
  // The times lie after any other test file makes (the suite may run its files in one process,
  // where the last id's millisecond carries over): ids at a time older than that are unordered.
  it('sorts in the order the ids were made, within one millisecond too', () => {
    const at = Date.UTC(2080, 11, 6, 12);
    const ids = Array.from({ length: 10_000 }, () => uuidv7(at));
    expect(ids.every((id) => V7.test(id))).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('carries its millisecond, and keeps order as time moves on', () => {
    const at = Date.UTC(2085, 0, 1);
    const first = uuidv7(at);
    expect(parseInt(first.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
    const later = [uuidv7(at + 1), uuidv7(at + 1), uuidv7(at + 2)];
    expect([first, ...later].sort()).toEqual([first, ...later]);
  });

  it('an explicit older time is stamped as given', () => {
    const past = Date.UTC(2000, 0, 1);
    uuidv7(Date.UTC(2086, 0, 1));
    const id = uuidv7(past);
    expect(V7.test(id)).toBe(true);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(past);
  });
});
