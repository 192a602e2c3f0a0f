// Ventricular ectopy in the alarm system: PVCs per minute against its high limit (a numeric like
// any other), the ectopy events at their IEC 60601-2-27 priorities, each switched off on its own
// with a reason, and settings kept before PVCs/min existed given its default.
import { describe, expect, it } from 'vitest';
import { AlarmSystem } from './alarm-system';
import { ADULT_DEFAULTS } from './limits';
import { defaultStaySettings } from '../../../shared/model/alarm-defaults';

function bed() {
  let n = 0;
  return new AlarmSystem('bed-1', ADULT_DEFAULTS, () => `alarm-${++n}`);
}

describe('ventricular ectopy alarms', () => {
  it('raises PVCs/min above its high limit (10) at medium priority, at once', () => {
    const alarms = bed();
    alarms.observeNumeric('MDC_ECG_V_P_C_CNT', 10, 0, 'workstation:ecg');
    expect(alarms.list()).toEqual([]);
    alarms.observeNumeric('MDC_ECG_V_P_C_CNT', 14, 1000, 'workstation:ecg');
    expect(alarms.list()).toMatchObject([
      { code: 'PVC_HIGH', priority: 'medium', message: expect.stringContaining('PVC') },
    ]);
  });

  it('raises each event at its priority, in words, and ends it when the analyser says so', () => {
    const alarms = bed();
    alarms.observeEctopy('couplet', true, 0, 2, 'workstation');
    alarms.observeEctopy('run', true, 100, 4, 'workstation');
    alarms.observeEctopy('rOnT', true, 200, 284, 'workstation');
    alarms.observeEctopy('bigeminy', true, 300, null, 'workstation');
    const shown = Object.fromEntries(alarms.list().map((a) => [a.code, [a.priority, a.message]]));
    expect(shown).toEqual({
      ECTOPY_COUPLET: ['low', 'Couplet: 2 PVCs in a row'],
      ECTOPY_RUN: ['medium', 'Run of 4 PVCs'],
      ECTOPY_R_ON_T: ['medium', 'R-on-T PVC (coupled at 284 ms)'],
      ECTOPY_BIGEMINY: ['low', 'Ventricular bigeminy'],
    });
    alarms.observeEctopy('bigeminy', false, 5000, null, 'workstation');
    expect(alarms.list().map((a) => a.code)).not.toContain('ECTOPY_BIGEMINY');
  });

  it('switches one event off with a reason, leaving the others on', () => {
    const alarms = bed();
    alarms.alarmOff('bigeminy', 'nurse', 'known, reviewed by cardiology', 0);
    alarms.observeEctopy('bigeminy', true, 100, null, 'workstation');
    alarms.observeEctopy('couplet', true, 200, 2, 'workstation');
    expect(alarms.list().map((a) => a.code)).toEqual(['ECTOPY_COUPLET']);
    expect(alarms.alarmsOff()).toMatchObject([{ parameter: 'bigeminy', by: 'nurse' }]);
  });

  it('gives settings kept before PVCs/min existed its category default', () => {
    const alarms = bed();
    const kept = defaultStaySettings('adult');
    const { pvc: _pvc, ...older } = kept.limits;
    alarms.beginStay({ ...kept, limits: older as typeof kept.limits }, 'workstation', 0, 'restart');
    expect(alarms.alarmSettings().limits.pvc).toEqual({
      extremeLow: null,
      low: null,
      high: 10,
      extremeHigh: null,
    });
  });
});
