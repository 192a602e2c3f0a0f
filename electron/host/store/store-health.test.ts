import { describe, expect, it } from 'vitest';
import {
  damagedCondition,
  diskFullCondition,
  healthOf,
  storeAlarmConditions,
} from './store-health';

describe("the store's health as the beds show it", () => {
  const since = new Date(2026, 11, 6, 14, 2, 30).getTime(); // 14:02:30 local time

  it('says since when data are not kept, in local hours and minutes', () => {
    expect(diskFullCondition(since)).toEqual({
      code: 'STORE_DISK_FULL',
      priority: 'medium',
      message:
        'Recording stopped: disk full — monitoring continues, data since 14:02 are not being kept',
      since,
    });
  });

  it('puts a full disk before damage found at start, and is ok with neither', () => {
    expect(healthOf([], 5)).toEqual({ recording: 'ok', since: 5, message: null, conditions: [] });
    const both = healthOf([damagedCondition(1), diskFullCondition(since)], 0);
    expect(both).toMatchObject({ recording: 'disk-full', since });
    expect(healthOf([damagedCondition(1)], 0)).toMatchObject({ recording: 'damaged', since: 1 });
  });

  it('gives the alarm system every condition, present or gone', () => {
    expect(storeAlarmConditions(healthOf([damagedCondition(1)], 0))).toEqual([
      { code: 'STORE_DISK_FULL', priority: 'low', message: '', present: false },
      {
        code: 'STORE_DAMAGED',
        priority: 'low',
        message: 'Stored data were damaged or missing at start — see the notice, call support',
        present: true,
      },
    ]);
  });
});
