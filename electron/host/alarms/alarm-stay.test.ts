// Alarm settings belong to the patient's stay, not to the bed: a new stay (admission, discharge,
// a transfer in or out) ends the previous patient's alarms, starts every delay again, and takes
// the settings it is given, every change logged. And a limits change names the version it was
// edited from, so a stale editor cannot undo a newer change.
import { describe, expect, it } from 'vitest';
import { AlarmActionError, AlarmSystem } from './alarm-system';
import { ADULT_DEFAULTS } from './limits';
import { DEFAULT_LIMITS, defaultStaySettings } from '../../../shared/model/alarm-defaults';

const SPO2 = 'MDC_PULS_OXIM_SAT_O2';
const HR = 'MDC_ECG_HEART_RATE';

function system() {
  let n = 0;
  return new AlarmSystem('bed-1', ADULT_DEFAULTS, () => `id-${++n}`);
}

describe('a new stay in the bed', () => {
  it('starts with every alarm on: "alarms off" and "audio off" of the last patient do not stay', () => {
    const alarms = system();
    alarms.alarmOff('spo2', 'nurse.a', 'probe being changed', 0);
    alarms.audioOff('nurse.a', 'patient in theatre', 0);
    alarms.beginStay(defaultStaySettings('adult'), 'nurse.b', 1000, 'Test, Bob admitted');
    expect(alarms.alarmsOff()).toEqual([]);
    expect(alarms.audio().mode).toBe('on');
    // The new patient at SpO₂ 89 % is alarmed for once the delay has passed.
    alarms.observeNumeric(SPO2, 89, 2000, 'oximeter');
    alarms.tick(12_000);
    expect(alarms.list()).toMatchObject([{ code: 'SPO2_LOW', state: 'active' }]);
    expect(alarms.audio().sounding).toBe('medium');
    const log = alarms.drainLog();
    expect(log.filter((e) => e.event === 'alarm-on' || e.event === 'audio-on')).toMatchObject([
      { event: 'alarm-on', actor: 'nurse.b', message: 'SpO₂ alarms on (Test, Bob admitted)' },
      { event: 'audio-on', actor: 'nurse.b', message: 'Alarm audio on (Test, Bob admitted)' },
    ]);
  });

  it('ends the last patient’s alarms; a new condition counts from the admission, not before', () => {
    const alarms = system();
    alarms.observeNumeric(HR, 170, 0, 'ecg');
    alarms.tick(3000);
    expect(alarms.list()).toMatchObject([{ code: 'HR_HIGH', priority: 'high', since: 3000 }]);
    alarms.drainLog();
    alarms.beginStay(defaultStaySettings('adult'), 'nurse', 60_000, 'Test, Bob admitted');
    expect(alarms.list()).toEqual([]);
    expect(alarms.drainLog()).toMatchObject([
      { event: 'ended', code: 'HR_HIGH', reason: 'Test, Bob admitted' },
    ]);
    // The value still comes from the device: the new patient's alarm waits its own 3 s.
    alarms.tick(62_999);
    expect(alarms.list()).toEqual([]);
    alarms.tick(63_000);
    expect(alarms.list()).toMatchObject([{ code: 'HR_HIGH', since: 63_000 }]);
  });

  it('takes what a transferred patient brings, and says where it was set', () => {
    const from = system();
    from.alarmOff('spo2', 'nurse.a', 'probe being changed', 0);
    from.audioOff('nurse.a', 'patient asleep, family present', 0);
    const brought = from.staySettings();
    const to = system();
    to.beginStay(
      {
        ...brought,
        alarmsOff: brought.alarmsOff.map((o) => ({ ...o, carriedFrom: 'Bed 1' })),
        audioOff: brought.audioOff && { ...brought.audioOff, carriedFrom: 'Bed 1' },
      },
      'nurse.b',
      5000,
      'Test, Alice came from Bed 1',
    );
    expect(to.alarmsOff()).toEqual([
      {
        parameter: 'spo2',
        by: 'nurse.a',
        reason: 'probe being changed',
        since: 0,
        carriedFrom: 'Bed 1',
      },
    ]);
    expect(to.audio()).toMatchObject({
      mode: 'off',
      by: 'nurse.a',
      reason: 'patient asleep, family present',
      carriedFrom: 'Bed 1',
    });
    expect(to.drainLog()).toMatchObject([
      {
        event: 'alarm-off',
        actor: 'nurse.b',
        message: 'SpO₂ alarms off (Test, Alice came from Bed 1)',
        reason: 'probe being changed',
      },
      {
        event: 'audio-off',
        message: 'Alarm audio off (Test, Alice came from Bed 1)',
        reason: 'patient asleep, family present',
      },
    ]);
  });

  it('ends an audio pause: a pause belongs to the moment, not to the next patient', () => {
    const alarms = system();
    alarms.pauseAudio('nurse', 0);
    alarms.beginStay(defaultStaySettings('adult'), 'nurse', 1000, 'Test, Alice discharged');
    expect(alarms.audio()).toMatchObject({ mode: 'on', until: null });
  });
});

describe('limits edited from an older version', () => {
  it('are refused with who changed them and when; the current version goes through', () => {
    const alarms = system();
    const opened = alarms.alarmSettings().version;
    const tighter = { ...DEFAULT_LIMITS.adult, spo2: { ...DEFAULT_LIMITS.adult.spo2, low: 92 } };
    alarms.setLimits('adult', tighter, 'nurse.a', Date.UTC(2026, 0, 1, 12), opened);
    const stale = { ...DEFAULT_LIMITS.adult, hr: { ...DEFAULT_LIMITS.adult.hr, high: 130 } };
    let refusal: unknown;
    try {
      alarms.setLimits('adult', stale, 'nurse.b', Date.UTC(2026, 0, 1, 12, 5), opened);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(AlarmActionError);
    expect((refusal as AlarmActionError).kind).toBe('conflict');
    expect((refusal as Error).message).toMatch(
      /^These alarm limits were changed by nurse\.a at \d\d:\d\d:\d\d after you opened them: review them again\.$/,
    );
    // The first nurse's change stands.
    expect(alarms.alarmSettings().limits.spo2.low).toBe(92);
    expect(alarms.alarmSettings().limits.hr.high).toBe(120);
    alarms.setLimits(
      'adult',
      { ...tighter, hr: stale.hr },
      'nurse.b',
      1,
      alarms.alarmSettings().version,
    );
    expect(alarms.alarmSettings().limits).toMatchObject({ spo2: { low: 92 }, hr: { high: 130 } });
  });

  it('a change that changes nothing keeps the version, so no one else is refused for it', () => {
    const alarms = system();
    const { version } = alarms.alarmSettings();
    alarms.setLimits('adult', DEFAULT_LIMITS.adult, 'nurse.a', 0, version);
    expect(alarms.alarmSettings().version).toBe(version);
  });
});
