// The early warning score's alarm in the alarm system: its band's priority after 30 s in it, the
// words naming what scored, escalation, the 60 s it takes to end, held while a signal it scored
// from is poor, and switched off with a reason like any other.
import { describe, expect, it } from 'vitest';
import { AlarmSystem } from './alarm-system';
import { ADULT_DEFAULTS } from './limits';
import type { News2Alarming } from './conditions';

function bed() {
  let n = 0;
  return new AlarmSystem('bed-1', ADULT_DEFAULTS, () => `alarm-${++n}`);
}

const urgent: News2Alarming = {
  atLeast: 6,
  complete: true,
  contributors: 'RR 25 (3), SpO₂ 91 (3)',
  signals: ['resp', 'pleth'],
};
const emergency: News2Alarming = {
  atLeast: 9,
  complete: false,
  contributors: 'RR 25 (3), SpO₂ 91 (3), Pulse 131 (3)',
  signals: ['resp', 'pleth', 'ecg'],
};

/** The score as the monitor reports it, every 200 ms from `from` for `ms`. */
function hold(alarms: AlarmSystem, score: News2Alarming | null, from: number, ms: number) {
  for (let at = from; at <= from + ms; at += 200) alarms.observeNews2(score, at);
}

describe('the NEWS2 alarm', () => {
  it('raises its band’s priority after 30 s in it, naming what scored, and escalates', () => {
    const alarms = bed();
    hold(alarms, urgent, 0, 29_000);
    expect(alarms.list()).toEqual([]);
    hold(alarms, urgent, 29_200, 1_000);
    expect(alarms.list()).toMatchObject([
      {
        code: 'NEWS2',
        priority: 'medium',
        kind: 'physiological',
        message: 'NEWS2 6 — urgent response: RR 25 (3), SpO₂ 91 (3)',
      },
    ]);
    hold(alarms, emergency, 30_400, 1_000);
    expect(alarms.list()).toMatchObject([
      {
        priority: 'high',
        message: 'NEWS2 ≥9 — emergency response: RR 25 (3), SpO₂ 91 (3), Pulse 131 (3)',
      },
    ]);
  });

  it('ends once the score has been below its band for 60 s, not at a dip', () => {
    const alarms = bed();
    hold(alarms, urgent, 0, 31_000);
    expect(alarms.list()).toHaveLength(1);
    hold(alarms, null, 31_200, 20_000);
    hold(alarms, urgent, 51_400, 1_000);
    hold(alarms, null, 52_600, 59_000);
    expect(alarms.list().filter((a) => a.state !== 'latched')).toHaveLength(1);
    hold(alarms, null, 111_800, 2_000);
    expect(alarms.list().filter((a) => a.state === 'active')).toEqual([]);
  });

  it('is held while a signal it scored from is poor, and counts its 30 s once it is clean', () => {
    const alarms = bed();
    alarms.observeSignalQuality('resp', 'saturated', 0, 'dev-1');
    hold(alarms, urgent, 0, 60_000);
    expect(alarms.list().filter((a) => a.code === 'NEWS2')).toEqual([]);
    expect(alarms.drainLog().some((e) => e.event === 'held' && e.code === 'NEWS2')).toBe(true);
    alarms.observeSignalQuality('resp', 'good', 60_200, 'dev-1');
    hold(alarms, urgent, 60_400, 20_000);
    expect(alarms.list().filter((a) => a.code === 'NEWS2')).toEqual([]);
    hold(alarms, urgent, 80_600, 11_000);
    expect(alarms.list().filter((a) => a.code === 'NEWS2')).toHaveLength(1);
  });

  it('can be switched off with a reason, and stays off while the score stays high', () => {
    const alarms = bed();
    alarms.alarmOff('news2', 'nurse', 'palliative care, agreed with the team', 0);
    hold(alarms, emergency, 0, 60_000);
    expect(alarms.list()).toEqual([]);
    expect(alarms.alarmsOff()).toMatchObject([
      { parameter: 'news2', by: 'nurse', reason: 'palliative care, agreed with the team' },
    ]);
  });
});
