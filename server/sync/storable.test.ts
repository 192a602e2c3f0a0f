import { describe, expect, it } from 'vitest';
import { HybridClock } from '../../shared/sync/hlc';
import { unstorableReason, validDate, validTimestamp } from './storable';

const NOW = Date.UTC(2026, 11, 6, 12);
const types = new Map([
  ['id', 'uuid'],
  ['created_at', 'timestamptz'],
  ['birth_date', 'date'],
  ['family_name', 'text'],
  ['limits', 'jsonb'],
  ['sample_count', 'int4'],
  ['hlc', 'text'],
]);
const reason = (row: Record<string, unknown>, table: 'patients' | 'numerics' = 'patients') =>
  unstorableReason(table, { created_at: '2026-12-06T10:00:00.000Z', ...row }, types, NOW);

describe('what PostgreSQL could not store', () => {
  it('lets ordinary rows through', () => {
    expect(
      reason({ family_name: 'Łukasiewicz 😀', birth_date: '2000-02-29', limits: { a: [1] } }),
    ).toBeNull();
    expect(reason({ created_at: '2026-12-06 10:00:00.123456+00' })).toBeNull();
    expect(reason({ created_at: '2026-12-06T10:00:00' })).toBeNull();
  });

  it('names the column and the problem', () => {
    expect(reason({ family_name: 'a\u0000b' })).toMatch(/family_name .*NUL/);
    expect(reason({ family_name: 'a\ud800b' })).toMatch(/family_name .*Unicode/);
    expect(reason({ limits: { ['k\u0000']: 1 } })).toMatch(/limits .*NUL/);
    expect(reason({ limits: { x: ['\udc00'] } })).toMatch(/limits .*Unicode/);
    const deep = Array.from({ length: 70 }).reduce<unknown>((inner) => [inner], 1);
    expect(reason({ limits: deep })).toMatch(/deeper than 64/);
    expect(reason({ birth_date: '2001-02-29' })).toMatch(/calendar date/);
    expect(reason({ birth_date: '0000-01-01' })).toMatch(/calendar date/);
    expect(reason({ created_at: 'yesterday' })).toMatch(/created_at/);
    expect(reason({ sample_count: 2 ** 31 })).toMatch(/32-bit/);
  });

  it('refuses a version stamped by a clock more than a day ahead, not one ten minutes ahead', () => {
    const fast = new HybridClock('ws-fast', () => NOW + 10 * 60_000).send();
    expect(reason({ hlc: fast })).toBeNull();
    const broken = new HybridClock('ws-broken', () => NOW + 3 * 86_400_000).send();
    expect(reason({ hlc: broken })).toMatch(/72 h ahead/);
    // Only versioned tables carry a clock stamp that orders anything.
    expect(reason({ hlc: broken }, 'numerics')).toBeNull();
  });

  it('checks calendar dates and times field by field', () => {
    expect(validDate('2024-02-29')).toBe(true);
    expect(validDate('2026-13-01')).toBe(false);
    expect(validTimestamp('2026-02-30T00:00:00Z')).toBe(false);
    expect(validTimestamp('2026-01-01T24:00:00Z')).toBe(false);
    expect(validTimestamp('2026-01-01T23:59:59.999+05:30')).toBe(true);
    expect(validTimestamp('2026-01-01T23:59:59+16')).toBe(false);
  });
});
