import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../shared/model/alarm-defaults';
import { diffLimits, fromDraft, toDraft, validateDraft } from './alarm-limits';

describe('alarm limits draft', () => {
  it('round-trips limits, empty fields meaning no such limit', () => {
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
    expect(validateDraft(draft, 'adult')).toEqual({});
    draft.hr.low = '130';
    draft.rr.high = 'abc';
    expect(validateDraft(draft, 'adult')).toEqual({
      hr: { kind: 'notRising' },
      rr: { kind: 'notANumber' },
    });
  });

  it('refuses a limit outside its range, with the range in the sentence', () => {
    const cases: [keyof typeof DEFAULT_LIMITS.adult, 'low' | 'high', string, string][] = [
      [
        'spo2',
        'low',
        '150',
        'The SpO₂ low limit of 150 % is outside the range a limit can have, 50–100 %.',
      ],
      [
        'rr',
        'low',
        '-3',
        'The RR low limit of -3 /min is outside the range a limit can have, 2–150 /min.',
      ],
      [
        'hr',
        'high',
        '999',
        'The HR high limit of 999 bpm is outside the range a limit can have, 25–300 bpm.',
      ],
      [
        'temp',
        'high',
        '1000',
        'The Temp high limit of 1000 °C is outside the range a limit can have, 25–45 °C.',
      ],
    ];
    for (const [parameter, edge, text, message] of cases) {
      const draft = toDraft(DEFAULT_LIMITS.adult);
      draft[parameter][edge] = text;
      expect(validateDraft(draft, 'adult')[parameter]).toEqual({ kind: 'outOfRange', message });
    }
  });

  it('refuses emptying a limit the unit has: switching alarms off asks for a reason', () => {
    const draft = toDraft(DEFAULT_LIMITS.adult);
    draft.spo2.low = '';
    expect(validateDraft(draft, 'adult').spo2).toEqual({
      kind: 'empty',
      message:
        'The SpO₂ low limit cannot be left empty: to stop SpO₂ alarms, use "Alarms off" and give a reason.',
    });
    // A limit the category has no default for may stay empty (no SpO₂ high limit for adults)…
    expect(validateDraft(toDraft(DEFAULT_LIMITS.adult), 'adult').spo2).toBeUndefined();
    // …but a neonate's SpO₂ high limit (hyperoxia) cannot be emptied.
    const neonate = toDraft(DEFAULT_LIMITS.neonatal);
    neonate.spo2.high = '';
    expect(validateDraft(neonate, 'neonatal').spo2?.kind).toBe('empty');
  });
});
