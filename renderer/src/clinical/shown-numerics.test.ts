import { describe, expect, it } from 'vitest';
import type { Alarm, Numeric } from '../../../shared/model/schemas';
import type { AlarmOff } from '../../../shared/model/alarms';
import {
  bedsideNumerics,
  limitAlarmsOff,
  nibpAlarmsOff,
  rhythmAlarmsOff,
  showsNibp,
  tileNumerics,
} from './shown-numerics';

const value = (v: number, unit = '/min'): Numeric => ({ value: v, unit, at: 0, source: 'dev' });
const alarm = (code: string): Alarm => ({
  id: code,
  bedId: 'bed-1',
  kind: 'physiological',
  priority: 'medium',
  code,
  message: code,
  origin: 'workstation',
  state: 'active',
  since: 0,
  value: null,
  limit: null,
  source: 'dev',
});

/** A GE Datex S/5 bed: HR from the ECG, PR and SpO₂ from the oximeter, temperature, EtCO₂. */
const datex: Record<string, Numeric> = {
  MDC_ECG_HEART_RATE: value(74),
  MDC_PULS_OXIM_PULS_RATE: value(75),
  MDC_PULS_OXIM_SAT_O2: value(97, '%'),
  MDC_TEMP_BODY: value(36.8, 'Cel'),
  MDC_AWAY_CO2_ET: value(38.1, 'mm[Hg]'),
  MDC_PRESS_BLD_NONINV_SYS: value(120, 'mm[Hg]'),
  MDC_PRESS_BLD_NONINV_DIA: value(80, 'mm[Hg]'),
};

describe('the bedside shows every parameter its devices report (issue 12, item 8)', () => {
  it('shows EtCO₂ and a pulse rate measured beside the ECG heart rate', () => {
    const shown = bedsideNumerics(datex);
    expect(shown.map((p) => p.label)).toEqual(['HR', 'PR', 'SpO₂', 'RR', 'Temp', 'EtCO₂']);
    expect(shown.find((p) => p.label === 'EtCO₂')).toMatchObject({
      refId: 'MDC_AWAY_CO2_ET',
      unit: 'mmHg',
    });
  });

  it("names a value it has no term for by the device's own key and unit rather than hiding it", () => {
    const shown = bedsideNumerics({ VENDOR_X: value(3, 'kPa') });
    expect(shown.at(-1)).toMatchObject({ refId: 'VENDOR_X', label: 'VENDOR_X', unit: 'kPa' });
  });

  it('does not show PR twice on an oximeter bed (the HR numeric shows it)', () => {
    const shown = bedsideNumerics({ MDC_PULS_OXIM_PULS_RATE: value(80) });
    expect(shown.map((p) => p.refId)).not.toContain('MDC_PULS_OXIM_PULS_RATE');
  });
});

describe('a central tile shows every numeric that alarms (issue 12, item 8)', () => {
  it('shows HR (or PR), SpO₂ and RR', () => {
    expect(tileNumerics(datex, []).map((p) => p.label)).toEqual(['HR', 'SpO₂', 'RR']);
  });

  it('adds PR while a PR alarm sounds beside an ECG heart rate, and temperature while it alarms', () => {
    expect(tileNumerics(datex, [alarm('PR_HIGH'), alarm('TEMP_HIGH')]).map((p) => p.label)).toEqual(
      ['HR', 'PR', 'SpO₂', 'RR', 'Temp'],
    );
  });

  it('shows NIBP with a reading, or while an NIBP alarm sounds', () => {
    expect(showsNibp(datex, [])).toBe(true);
    expect(showsNibp({}, [])).toBe(false);
    expect(showsNibp({}, [alarm('NIBP_SYS_HIGH')])).toBe(true);
  });
});

describe('alarms switched off are marked on their numeric (issue 12, item 2)', () => {
  const off = (parameter: AlarmOff['parameter']): AlarmOff => ({
    parameter,
    by: 'nurse',
    reason: 'probe change',
    since: 0,
  });
  const alarmsOff = [off('spo2'), off('arrhythmia'), off('nibpSys'), off('pr')];

  it('marks the numeric of the parameter whose limit alarms are off', () => {
    expect(limitAlarmsOff('MDC_PULS_OXIM_SAT_O2', alarmsOff)?.parameter).toBe('spo2');
    expect(limitAlarmsOff('MDC_PULS_OXIM_PULS_RATE', alarmsOff)?.parameter).toBe('pr');
    expect(limitAlarmsOff('MDC_ECG_HEART_RATE', alarmsOff)).toBeNull();
    expect(limitAlarmsOff('MDC_RESP_RATE', alarmsOff)).toBeNull();
  });

  it('marks rhythm alarms off on the ECG heart rate only, and NIBP alarms off on the NIBP tile', () => {
    expect(rhythmAlarmsOff('MDC_ECG_HEART_RATE', alarmsOff)?.parameter).toBe('arrhythmia');
    expect(rhythmAlarmsOff('MDC_PULS_OXIM_PULS_RATE', alarmsOff)).toBeNull();
    expect(nibpAlarmsOff(alarmsOff).map((o) => o.parameter)).toEqual(['nibpSys']);
  });
});
