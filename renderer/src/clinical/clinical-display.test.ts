import { describe, expect, it } from 'vitest';
import type { Alarm, WaveformChannel } from '../../../shared/model/schemas';
import { sortByUrgency } from './alarm-urgency';
import { BEDSIDE_NUMERICS, alarmPriorityFor, orderWaveforms, shownParameter } from './parameters';

const alarm = (fields: Partial<Alarm>): Alarm => ({
  id: 'a',
  bedId: 'bed-1',
  kind: 'physiological',
  priority: 'medium',
  code: 'HR_HIGH',
  message: 'Heart rate high',
  origin: 'workstation',
  state: 'active',
  since: 0,
  value: null,
  limit: null,
  source: 'dev-1',
  ...fields,
});

describe('sortByUrgency', () => {
  it('puts high before medium before low, unacknowledged first, physiological before technical, oldest first', () => {
    const sorted = sortByUrgency([
      alarm({ id: 'low', priority: 'low' }),
      alarm({ id: 'tech-high', priority: 'high', kind: 'technical' }),
      alarm({ id: 'med-old', since: 1 }),
      alarm({ id: 'phys-high-ack', priority: 'high', state: 'acknowledged' }),
      alarm({ id: 'phys-high', priority: 'high' }),
      alarm({ id: 'med-new', since: 2 }),
    ]);
    expect(sorted.map((a) => a.id)).toEqual([
      'phys-high',
      'tech-high',
      'phys-high-ack',
      'med-old',
      'med-new',
      'low',
    ]);
  });
});

describe('alarmPriorityFor', () => {
  const [hr, spo2] = BEDSIDE_NUMERICS;
  it('finds the highest physiological alarm about a parameter', () => {
    const alarms = [
      alarm({ code: 'HR_HIGH', priority: 'medium' }),
      alarm({ code: 'HR_LOW', priority: 'high', state: 'acknowledged' }),
      alarm({ code: 'DEVICE_NO_DATA:dev-1', kind: 'technical', priority: 'high' }),
    ];
    expect(hr && alarmPriorityFor(hr, alarms)).toBe('high');
    expect(spo2 && alarmPriorityFor(spo2, alarms)).toBeNull();
  });
});

describe('orderWaveforms', () => {
  it('orders ECG, Pleth, Resp', () => {
    const channel = (refId: string): WaveformChannel => ({
      deviceId: 'd',
      refId,
      label: refId,
      unit: '{count}',
      rateHz: 128,
      scale: null,
    });
    const ordered = orderWaveforms([
      channel('MDC_IMPED_TTHOR'),
      channel('MDC_PULS_OXIM_PLETH'),
      channel('MDC_ECG_ELEC_POTL_II'),
    ]);
    expect(ordered.map((c) => c.refId)).toEqual([
      'MDC_ECG_ELEC_POTL_II',
      'MDC_PULS_OXIM_PLETH',
      'MDC_IMPED_TTHOR',
    ]);
  });
});

describe('shownParameter', () => {
  const heartRate = BEDSIDE_NUMERICS[0]!;
  const value = { value: 70, unit: '/min', at: 0, source: 'dev' };

  it("shows the bed's own HR when it has one", () => {
    expect(
      shownParameter(heartRate, { MDC_ECG_HEART_RATE: value, MDC_PULS_OXIM_PULS_RATE: value }),
    ).toMatchObject({ refId: 'MDC_ECG_HEART_RATE', label: 'HR' });
  });

  it("shows an oximeter's pulse rate, labelled PR, when there is no ECG", () => {
    expect(shownParameter(heartRate, { MDC_PULS_OXIM_PULS_RATE: value })).toMatchObject({
      refId: 'MDC_PULS_OXIM_PULS_RATE',
      label: 'PR',
      unit: 'bpm',
    });
    expect(shownParameter(heartRate, {})).toMatchObject({ refId: 'MDC_ECG_HEART_RATE' });
  });

  it("takes the alarm colour of a PR alarm when it shows the oximeter's pulse rate", () => {
    const shown = shownParameter(heartRate, { MDC_PULS_OXIM_PULS_RATE: value });
    expect(alarmPriorityFor(shown, [alarm({ code: 'PR_HIGH', priority: 'high' })])).toBe('high');
  });
});
