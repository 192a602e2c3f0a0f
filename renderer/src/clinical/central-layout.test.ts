import { describe, expect, it } from 'vitest';
import type { Alarm, Bed } from '../../../shared/model/schemas';
import { bedGroups, mostUrgentBed, tileGrid } from './central-layout';

function alarm(overrides: Partial<Alarm>): Alarm {
  return {
    id: 'a',
    bedId: 'bed-1',
    kind: 'physiological',
    priority: 'medium',
    code: 'SPO2_LOW',
    message: 'SpO₂ low',
    state: 'active',
    since: 1000,
    value: 88,
    limit: 90,
    source: 'dev',
    origin: 'workstation',
    ...overrides,
  };
}

describe('the central station grid', () => {
  it('puts 16 beds in 4 × 4 and 32 in 8 × 4, never more rows than needed', () => {
    expect(tileGrid(16)).toEqual({ columns: 4, rows: 4 });
    expect(tileGrid(32)).toEqual({ columns: 8, rows: 4 });
    expect(tileGrid(1)).toEqual({ columns: 1, rows: 1 });
    expect(tileGrid(5)).toEqual({ columns: 3, rows: 2 });
    for (let n = 1; n <= 32; n++) {
      const { columns, rows } = tileGrid(n);
      expect(columns * rows).toBeGreaterThanOrEqual(n);
      expect(columns * (rows - 1)).toBeLessThan(n);
    }
  });
});

describe('the most urgent bed', () => {
  const quiet = { bedId: 'bed-0', label: 'Bed 0', top: null };
  it('is none when no bed has an alarm', () => {
    expect(mostUrgentBed([quiet])).toBeNull();
  });

  it('is a sounding high-priority alarm before anything else', () => {
    const beds = [
      quiet,
      { bedId: 'bed-1', label: 'Bed 1', top: alarm({ priority: 'medium', since: 10 }) },
      { bedId: 'bed-2', label: 'Bed 2', top: alarm({ priority: 'high', since: 500 }) },
      {
        bedId: 'bed-3',
        label: 'Bed 3',
        top: alarm({ priority: 'high', kind: 'technical', since: 1 }),
      },
    ];
    expect(mostUrgentBed(beds)?.bedId).toBe('bed-2');
  });

  it('puts an acknowledged high-priority desaturation before an unacknowledged medium cable alarm', () => {
    // Issue 12, item 9: priority first, then acknowledgement, then age.
    const beds = [
      {
        bedId: 'bed-1',
        label: 'Bed 1',
        top: alarm({ kind: 'technical', code: 'DEVICE_DISCONNECTED:dev', since: 100 }),
      },
      {
        bedId: 'bed-2',
        label: 'Bed 2',
        top: alarm({
          priority: 'high',
          state: 'acknowledged',
          message: 'Desaturation',
          since: 900,
        }),
      },
    ];
    expect(mostUrgentBed(beds)?.bedId).toBe('bed-2');
  });

  it('at equal priority, puts an alarm nobody has acknowledged before an acknowledged one', () => {
    const beds = [
      { bedId: 'bed-1', label: 'Bed 1', top: alarm({ state: 'acknowledged', since: 10 }) },
      { bedId: 'bed-2', label: 'Bed 2', top: alarm({ state: 'latched', since: 500 }) },
    ];
    expect(mostUrgentBed(beds)?.bedId).toBe('bed-2');
  });

  it('at equal urgency, takes the bed that has waited longest', () => {
    const beds = [
      { bedId: 'bed-1', label: 'Bed 1', top: alarm({ since: 2000 }) },
      { bedId: 'bed-2', label: 'Bed 2', top: alarm({ since: 1000 }) },
    ];
    expect(mostUrgentBed(beds)?.bedId).toBe('bed-2');
  });
});

describe('the hospital central station’s groups', () => {
  const bed = (id: string, site?: { unit: string | null; workstationId: string }) =>
    ({
      id,
      label: id,
      ...(site ? { site: { ...site, workstationName: `${site.workstationId} station` } } : {}),
    }) as unknown as Bed;

  it('groups beds by unit and workstation, in the order listed; none at a workstation', () => {
    expect(bedGroups([bed('bed-1'), bed('bed-2')])).toBeNull();
    const groups = bedGroups([
      bed('a/bed-1', { unit: 'ICU', workstationId: 'a' }),
      bed('a/bed-2', { unit: 'ICU', workstationId: 'a' }),
      bed('b/bed-1', { unit: 'ICU', workstationId: 'b' }),
      bed('c/bed-1', { unit: null, workstationId: 'c' }),
    ])!;
    expect(groups.map((g) => [g.unit, g.workstationName, g.beds.map((b) => b.id)])).toEqual([
      ['ICU', 'a station', ['a/bed-1', 'a/bed-2']],
      ['ICU', 'b station', ['b/bed-1']],
      [null, 'c station', ['c/bed-1']],
    ]);
  });
});
