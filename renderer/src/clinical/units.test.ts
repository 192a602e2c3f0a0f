// One unit per parameter everywhere on screen (issue 12, item 17): the numeric, the limits editor
// and the trends say the same unit ("/min" for breaths, not "rpm" in one place and "/min" in another).
import { describe, expect, it } from 'vitest';
import { MDC } from '../../../shared/codes/mdc';
import { strings } from '../strings';
import { TREND_GROUPS } from '../components/trends/trend-groups';
import { LIMITS_OF_REF_ID } from './parameters';

describe('units on screen', () => {
  it('are the same on the numeric, in the limits editor and on the trend graph', () => {
    for (const [refId, parameter] of Object.entries(LIMITS_OF_REF_ID)) {
      const numericUnit = MDC[refId as keyof typeof MDC].screenUnit;
      expect(strings.alarmParameterUnit[parameter!], refId).toBe(numericUnit);
      const group = TREND_GROUPS.find((g) => g.parameters.some((p) => p.code === refId));
      if (group) expect(group.unit, refId).toBe(numericUnit);
    }
  });

  it('say bpm for a heart rate wherever it is written', () => {
    expect(strings.stethoscope.heartRate(71)).toBe('HR 71 bpm from heart sounds');
  });
});
