import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../shared/model/alarm-defaults';
import { diffLimits, fromDraft, toDraft, validateDraft } from './alarm-limits';

describe('alarm limits draft', () => {
  it('round-trips limits, empty fields meaning off', () => {
    const limits = DEFAULT_LIMITS.adult;
    expect(fromDraft(toDraft(limits))).toEqual(limits);
    expect(toDraft(limits).pr.extremeLow).toBe('');
  });

  it('lists the changes', () => {
    const draft = toDraft(DEFAULT_LIMITS.adult);
    draft.hr.high = '130';
    draft.spo2.extremeLow = '';
    expect(diffLimits(DEFAULT_LIMITS.adult, fromDraft(draft))).toEqual([
      { parameter: 'hr', key: 'high', from: 120, to: 130 },
      { parameter: 'spo2', key: 'extremeLow', from: 85, to: null },
    ]);
  });

  it('refuses limits that do not rise, and text that is not a number', () => {
    const draft = toDraft(DEFAULT_LIMITS.adult);
    expect(validateDraft(draft)).toEqual({});
    draft.hr.low = '130';
    draft.rr.high = 'abc';
    expect(validateDraft(draft)).toEqual({ hr: 'notRising', rr: 'notANumber' });
  });
});
