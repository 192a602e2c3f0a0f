// Ages as a clinician says them: days, then months until two years, then years.
import { describe, expect, it } from 'vitest';
import { ageOn } from './patient-age';

describe('patient age', () => {
  const on = (iso: string) => new Date(`${iso}T12:00:00`);

  it('counts whole years from two years on, a birthday not yet reached not counted', () => {
    expect(ageOn('1950-01-31', on('2025-01-30'))).toEqual({ value: 74, unit: 'years' });
    expect(ageOn('1950-01-31', on('2025-01-31'))).toEqual({ value: 75, unit: 'years' });
  });

  it('counts months under two years and days in the first month', () => {
    expect(ageOn('2024-03-15', on('2025-03-14'))).toEqual({ value: 11, unit: 'months' });
    expect(ageOn('2025-03-01', on('2025-03-12'))).toEqual({ value: 11, unit: 'days' });
    expect(ageOn('2025-03-12', on('2025-03-12'))).toEqual({ value: 0, unit: 'days' });
  });

  it('has no age for a date that is malformed or in the future', () => {
    expect(ageOn('12/03/2020', on('2025-03-12'))).toBeNull();
    expect(ageOn('2026-01-01', on('2025-03-12'))).toBeNull();
  });
});
