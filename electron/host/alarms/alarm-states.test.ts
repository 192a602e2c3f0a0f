// The alarm system's states, one transition at a time: every (state, event) pair of an alarm, the
// inactivation states (audio paused, audio off, alarm off, acknowledged with reminders), smart
// alarms (held for poor signal quality, HR/PR confirmation), repeated device alarms and limit
// changes. The clock is the `at` each call is given.
import { describe, expect, it } from 'vitest';
import type { Alarm } from '../../../shared/model/schemas';
import { AlarmActionError, AlarmSystem } from './alarm-system';
import { ADULT_DEFAULTS, DEFAULT_LIMITS } from './limits';
import { SIGNAL_DOUBT_CLEAN_FOR_MS, SIGNAL_LOST_CLEAN_FOR_MS, SIGNAL_ONSET_MS } from './conditions';

const HR = 'MDC_ECG_HEART_RATE';
const PR = 'MDC_PULS_OXIM_PULS_RATE';
const SPO2 = 'MDC_PULS_OXIM_SAT_O2';
const MIN = 60_000;

function system() {
  let n = 0;
  return new AlarmSystem('bed-1', ADULT_DEFAULTS, () => `alarm-${++n}`);
}

const only = (alarms: AlarmSystem): Alarm => {
  const list = alarms.list();
  expect(list).toHaveLength(1);
  return list[0]!;
};
const events = (alarms: AlarmSystem) => alarms.drainLog().map((e) => e.event);

/** Drives a medium (HR high) or high (extreme tachycardia) HR alarm to the state asked for. */
function alarmIn(
  state: Alarm['state'],
  priority: 'medium' | 'high',
): { alarms: AlarmSystem; t: number } {
  const alarms = system();
  const value = priority === 'high' ? 170 : 130;
  alarms.observeNumeric(HR, value, 0, 'dev');
  alarms.tick(3000);
  if (state === 'acknowledged') alarms.acknowledge(only(alarms).id, 'nurse', 4000);
  if (state === 'latched') alarms.observeNumeric(HR, 80, 4000, 'dev');
  expect(only(alarms)).toMatchObject({ state, priority });
  alarms.drainLog();
  return { alarms, t: 5000 };
}

describe('every transition of a physiological alarm', () => {
  // [state, priority, event, next state (null: gone), log]
  const table: Array<[Alarm['state'], 'medium' | 'high', string, Alarm['state'] | null, string[]]> =
    [
      ['active', 'medium', 'condition ends', null, ['ended']],
      ['active', 'high', 'condition ends', 'latched', ['latched']],
      ['active', 'medium', 'acknowledge', 'acknowledged', ['acknowledged']],
      ['active', 'high', 'acknowledge', 'acknowledged', ['acknowledged']],
      ['active', 'medium', 'worsens', 'active', ['escalated']],
      ['active', 'high', 'persists', 'active', []],
      ['acknowledged', 'medium', 'condition ends', null, ['ended']],
      ['acknowledged', 'high', 'condition ends', null, ['ended']],
      ['acknowledged', 'medium', 'acknowledge', 'acknowledged', []],
      ['acknowledged', 'medium', 'worsens', 'active', ['escalated']],
      ['acknowledged', 'high', 'persists', 'acknowledged', []],
      ['latched', 'high', 'acknowledge', null, ['acknowledged', 'ended']],
      ['latched', 'high', 'condition ends', 'latched', []],
      ['latched', 'high', 'returns', 'active', ['raised']],
    ];
  for (const [state, priority, event, next, log] of table) {
    it(`${priority} ${state} + ${event} → ${next ?? 'gone'}`, () => {
      const { alarms, t } = alarmIn(state, priority);
      const id = only(alarms).id;
      if (event === 'condition ends') alarms.observeNumeric(HR, 80, t, 'dev');
      if (event === 'acknowledge') alarms.acknowledge(id, 'nurse', t);
      if (event === 'worsens') alarms.observeNumeric(HR, 170, t, 'dev');
      if (event === 'persists')
        alarms.observeNumeric(HR, priority === 'high' ? 170 : 130, t, 'dev');
      if (event === 'returns') {
        alarms.observeNumeric(HR, 170, t, 'dev');
        alarms.tick(t + 3000);
      }
      if (next === null) expect(alarms.list()).toEqual([]);
      else expect(only(alarms)).toMatchObject({ id, state: next });
      expect(events(alarms)).toEqual(log);
    });
  }

  it('a technical alarm never latches: acknowledged or not, it ends with its condition', () => {
    const alarms = system();
    alarms.observeSignalQuality('ecg', 'flat', 0, 'dev');
    expect(only(alarms)).toMatchObject({ kind: 'technical', code: 'SIGNAL_ECG', state: 'active' });
    alarms.observeSignalQuality('ecg', 'good', 1000, 'dev');
    alarms.tick(1000 + SIGNAL_LOST_CLEAN_FOR_MS);
    expect(alarms.list()).toEqual([]);
    expect(events(alarms)).toEqual(['raised', 'ended']);
  });
});

describe('alarm condition delays', () => {
  it('HR waits 3 s and SpO2 10 s; lethal rhythms alarm at once', () => {
    const alarms = system();
    alarms.observeNumeric(HR, 130, 0, 'dev');
    alarms.observeNumeric(SPO2, 88, 0, 'dev');
    alarms.tick(2999);
    expect(alarms.list()).toEqual([]);
    alarms.tick(3000);
    expect(alarms.list().map((a) => a.code)).toEqual(['HR_HIGH']);
    alarms.tick(10_000);
    expect(alarms.list().map((a) => a.code)).toEqual(['HR_HIGH', 'SPO2_LOW']);
    alarms.observeRhythm('asystole', true, 10_001, null, 'workstation');
    expect(alarms.list()[0]).toMatchObject({ code: 'ASYSTOLE', priority: 'high', since: 10_001 });
  });

  it('delays are configurable per parameter', () => {
    const alarms = new AlarmSystem(
      'bed-1',
      { ...ADULT_DEFAULTS, conditionDelayMs: { ...ADULT_DEFAULTS.conditionDelayMs, spo2: 15_000 } },
      () => 'a',
    );
    alarms.observeNumeric(SPO2, 88, 0, 'dev');
    alarms.tick(14_999);
    expect(alarms.list()).toEqual([]);
    alarms.tick(15_000);
    expect(alarms.list()).toHaveLength(1);
  });
});

describe('audio paused, audio off, alarm off', () => {
  it('audio pause silences for 2 min; only a new higher-priority alarm sounds during it', () => {
    const alarms = system();
    alarms.observeNumeric(HR, 130, 0, 'dev');
    alarms.tick(3000);
    expect(alarms.audio().sounding).toBe('medium');
    alarms.pauseAudio('nurse', 4000);
    expect(alarms.audio()).toMatchObject({ mode: 'paused', until: 4000 + 2 * MIN, sounding: null });
    // A new medium alarm stays silent; a new high one sounds.
    alarms.observeNumeric(SPO2, 88, 5000, 'dev');
    alarms.tick(15_000);
    expect(alarms.audio().sounding).toBeNull();
    alarms.observeNumeric(SPO2, 80, 16_000, 'dev');
    expect(alarms.audio().sounding).toBe('high');
    alarms.observeNumeric(SPO2, 97, 17_000, 'dev');
    const latched = alarms.list().find((a) => a.state === 'latched')!;
    alarms.acknowledge(latched.id, 'nurse', 18_000);
    alarms.tick(4000 + 2 * MIN - 1);
    expect(alarms.audio()).toMatchObject({ mode: 'paused', sounding: null });
    alarms.tick(4000 + 2 * MIN);
    expect(alarms.audio()).toMatchObject({ mode: 'on', until: null, sounding: 'medium' });
    expect(alarms.drainLog().filter((e) => e.code === 'AUDIO')).toMatchObject([
      { event: 'audio-paused', actor: 'nurse', message: 'Audio paused for 2 min' },
      { event: 'audio-resumed', actor: 'workstation', message: 'Audio pause ended' },
    ]);
  });

  it('a pause with nothing sounding still lets a new medium or high alarm sound, not a low one', () => {
    const alarms = system();
    alarms.pauseAudio('nurse', 0);
    alarms.observeSignalQuality('ecg', 'noisy', 1000, 'dev');
    alarms.tick(1000 + SIGNAL_ONSET_MS);
    expect(alarms.list()[0]?.priority).toBe('low');
    expect(alarms.audio().sounding).toBeNull();
    alarms.observeSignalQuality('pleth', 'flat', 7000, 'dev');
    expect(alarms.audio().sounding).toBe('medium');
  });

  it('a pause can be cancelled; audio off needs a reason, stays visible and refuses a pause', () => {
    const alarms = system();
    alarms.observeNumeric(HR, 130, 0, 'dev');
    alarms.tick(3000);
    alarms.pauseAudio('nurse', 3000);
    alarms.resumeAudio('nurse', 4000);
    expect(alarms.audio()).toMatchObject({ mode: 'on', sounding: 'medium' });
    expect(() => alarms.audioOff('nurse', '  ', 5000)).toThrow(AlarmActionError);
    alarms.audioOff('nurse', 'patient in theatre, anaesthetist monitoring', 5000);
    expect(alarms.audio()).toMatchObject({
      mode: 'off',
      by: 'nurse',
      reason: 'patient in theatre, anaesthetist monitoring',
      sounding: null,
    });
    expect(only(alarms).state).toBe('active'); // still shown
    expect(() => alarms.pauseAudio('nurse', 6000)).toThrow(/off/);
    alarms.audioOn('nurse', 7000);
    expect(alarms.audio().sounding).toBe('medium');
    expect(
      alarms
        .drainLog()
        .filter((e) => e.code === 'AUDIO')
        .map((e) => [e.event, e.reason]),
    ).toEqual([
      ['audio-paused', null],
      ['audio-resumed', null],
      ['audio-off', 'patient in theatre, anaesthetist monitoring'],
      ['audio-on', null],
    ]);
  });

  it('alarm off ends and suppresses that parameter only, with who and why; on restarts its delay', () => {
    const alarms = system();
    alarms.observeNumeric(HR, 130, 0, 'dev');
    alarms.observeNumeric(SPO2, 88, 0, 'dev');
    alarms.tick(10_000);
    expect(() => alarms.alarmOff('spo2', 'nurse', '', 11_000)).toThrow(/reason/);
    alarms.alarmOff('spo2', 'nurse', 'probe being changed', 11_000);
    expect(alarms.list().map((a) => a.code)).toEqual(['HR_HIGH']);
    expect(alarms.alarmsOff()).toEqual([
      { parameter: 'spo2', by: 'nurse', reason: 'probe being changed', since: 11_000 },
    ]);
    alarms.observeNumeric(SPO2, 70, 30_000, 'dev');
    expect(alarms.list().map((a) => a.code)).toEqual(['HR_HIGH']);
    alarms.alarmOn('spo2', 'nurse', 40_000);
    alarms.tick(49_999);
    expect(alarms.list().map((a) => a.code)).toEqual(['HR_HIGH']);
    alarms.tick(50_000);
    expect(alarms.list().map((a) => a.code)).toEqual(['SPO2_LOW', 'HR_HIGH']);
  });

  it('lethal rhythms cannot be switched off; arrhythmia off covers pause and AF only', () => {
    const alarms = system();
    alarms.alarmOff('arrhythmia', 'nurse', 'known AF, rate controlled', 0);
    alarms.observeRhythm('afib', true, 1000, null, 'workstation');
    alarms.observeRhythm('pause', true, 1000, 3500, 'workstation');
    alarms.observeRhythm('vfib', true, 1000, null, 'workstation');
    expect(alarms.list().map((a) => a.code)).toEqual(['VFIB']);
  });
});

describe('acknowledged alarms remind', () => {
  it('every 3 min while the condition lasts, and not after it ends', () => {
    const alarms = system();
    alarms.observeNumeric(SPO2, 88, 0, 'dev');
    alarms.tick(10_000);
    alarms.acknowledge(only(alarms).id, 'nurse', 10_000);
    expect(alarms.audio()).toMatchObject({ sounding: null, reminders: 0 });
    alarms.observeNumeric(SPO2, 88, 10_000 + 3 * MIN - 1, 'dev');
    expect(alarms.audio().reminders).toBe(0);
    alarms.observeNumeric(SPO2, 88, 10_000 + 3 * MIN, 'dev');
    expect(alarms.audio()).toMatchObject({ reminders: 1, reminderPriority: 'medium' });
    alarms.tick(10_000 + 6 * MIN);
    expect(alarms.audio().reminders).toBe(2);
    alarms.observeNumeric(SPO2, 96, 10_000 + 7 * MIN, 'dev');
    alarms.tick(10_000 + 12 * MIN);
    expect(alarms.audio().reminders).toBe(2);
    expect(events(alarms).filter((e) => e === 'reminded')).toHaveLength(2);
  });
});

describe('smart alarms', () => {
  it('a noisy ECG holds the HR alarm and says so instead; the delay restarts when it is clean', () => {
    const alarms = system();
    alarms.observeSignalQuality('ecg', 'noisy', 0, 'dev');
    alarms.observeNumeric(HR, 190, 0, 'dev');
    alarms.tick(10_000);
    expect(only(alarms)).toMatchObject({
      kind: 'technical',
      priority: 'low',
      message: 'ECG noisy — check electrodes',
    });
    const held = alarms.drainLog().filter((e) => e.event === 'held');
    expect(held).toMatchObject([{ code: 'HR_HIGH', reason: 'ECG noisy' }]);
    // Clean again: the HR condition's 3 s delay runs from there…
    alarms.observeSignalQuality('ecg', 'good', 10_000, 'dev');
    alarms.tick(12_999);
    expect(alarms.list().map((a) => a.code)).toEqual(['SIGNAL_ECG']);
    alarms.tick(13_000);
    expect(alarms.list()[0]).toMatchObject({ code: 'HR_HIGH', priority: 'high' });
    // …while the noise's technical alarm waits for the hold-off before it ends.
    alarms.tick(10_000 + SIGNAL_DOUBT_CLEAN_FOR_MS);
    expect(only(alarms).code).toBe('HR_HIGH');
  });

  it('a raised alarm is never taken away by poor signal quality afterwards', () => {
    const alarms = system();
    alarms.observeRhythm('vtach', true, 0, 180, 'workstation');
    alarms.observeSignalQuality('ecg', 'noisy', 1000, 'dev');
    alarms.tick(1000 + SIGNAL_ONSET_MS);
    expect(alarms.list().map((a) => a.code)).toEqual(['VTACH', 'SIGNAL_ECG']);
  });

  it('HR and PR confirm each other: a clearly contradicted limit alarm is held', () => {
    const alarms = system();
    alarms.observeNumeric(PR, 80, 0, 'oximeter');
    alarms.observeNumeric(HR, 160, 0, 'ecg'); // double-counted T waves, say
    alarms.tick(5000);
    expect(alarms.list()).toEqual([]);
    expect(alarms.drainLog()).toMatchObject([
      { event: 'held', code: 'HR_HIGH', reason: 'not confirmed by PR 80 bpm' },
    ]);
    // When the pulse agrees, the alarm goes through.
    alarms.observeNumeric(PR, 158, 5000, 'oximeter');
    alarms.observeNumeric(HR, 160, 5000, 'ecg');
    alarms.tick(8000);
    expect(alarms.list().map((a) => a.code)).toEqual(['HR_HIGH']); // PR waits 5 s
    alarms.tick(10_000);
    expect(alarms.list().map((a) => a.code)).toEqual(['HR_HIGH', 'PR_HIGH']);
  });

  it('a stale or poorly measured pulse rate does not hold an HR alarm', () => {
    const alarms = system();
    alarms.observeNumeric(PR, 80, 0, 'oximeter');
    alarms.observeNumeric(HR, 130, 20_000, 'ecg');
    alarms.tick(23_000);
    expect(only(alarms).code).toBe('HR_HIGH');
    const second = system();
    second.observeSignalQuality('pleth', 'noisy', 0, 'oximeter');
    second.observeNumeric(PR, 80, 0, 'oximeter');
    second.observeNumeric(HR, 130, 0, 'ecg');
    second.tick(3000);
    expect(second.list().map((a) => a.code)).toEqual(['HR_HIGH']);
    second.tick(SIGNAL_ONSET_MS);
    expect(second.list().map((a) => a.code)).toEqual(['HR_HIGH', 'SIGNAL_PLETH']);
  });
});

describe('device alarms', () => {
  it('are repeated, marked as from the device, and not duplicated by ours', () => {
    const alarms = system();
    alarms.observeDeviceFlags('masimo', 'pulse oximeter', ['device-alarm:spo2-low'], 0);
    expect(only(alarms)).toMatchObject({
      code: 'SPO2_LOW',
      origin: 'device',
      source: 'masimo',
      message: 'SpO₂ low (alarm of the pulse oximeter)',
    });
    alarms.observeNumeric(SPO2, 87, 0, 'masimo');
    alarms.tick(20_000);
    expect(only(alarms).origin).toBe('device');
    // The device clears its alarm; our own condition persists and takes over.
    alarms.observeDeviceFlags('masimo', 'pulse oximeter', [], 21_000);
    expect(only(alarms)).toMatchObject({ code: 'SPO2_LOW', origin: 'workstation', value: 87 });
  });

  it('a device’s technical flags become technical alarms of that device', () => {
    const alarms = system();
    alarms.observeDeviceFlags('nonin', 'pulse oximeter', ['sensor-disconnected', 'artifact'], 0);
    expect(alarms.list().map((a) => [a.code, a.priority])).toEqual([
      ['SENSOR_OFF:nonin', 'medium'],
      ['INTERFERENCE:nonin', 'low'],
    ]);
    alarms.observeDeviceFlags('nonin', 'pulse oximeter', [], 1000);
    expect(alarms.list()).toEqual([]);
  });
});

describe('limits', () => {
  it('start at the category defaults; a change is logged with who made it and applies at once', () => {
    const alarms = system();
    expect(alarms.alarmSettings()).toMatchObject({ category: 'adult', changedBy: null });
    alarms.observeNumeric(HR, 125, 0, 'dev');
    alarms.tick(3000);
    expect(only(alarms).code).toBe('HR_HIGH');
    const limits = structuredClone(DEFAULT_LIMITS.adult);
    limits.hr.high = 130;
    alarms.drainLog();
    alarms.setLimits('adult', limits, 'nurse.jones', 4000);
    expect(alarms.list()).toEqual([]);
    expect(alarms.drainLog()).toMatchObject([
      {
        event: 'limits-changed',
        actor: 'nurse.jones',
        code: 'LIMIT:hr.high',
        message: 'HR high limit 120 bpm → 130 bpm',
      },
      { event: 'ended' },
    ]);
    expect(alarms.alarmSettings()).toMatchObject({ changedBy: 'nurse.jones', changedAt: 4000 });
  });

  it('a neonate’s defaults differ from an adult’s', () => {
    const alarms = new AlarmSystem('b', { ...ADULT_DEFAULTS, category: 'neonatal' }, () => 'x');
    alarms.observeNumeric(HR, 170, 0, 'dev');
    alarms.tick(3000);
    expect(alarms.list()).toEqual([]);
  });
});
