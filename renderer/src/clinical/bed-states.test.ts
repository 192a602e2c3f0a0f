import { describe, expect, it } from 'vitest';
import type { AlarmAudio } from '../../../shared/model/alarms';
import { quietBedAlarms } from '../../../shared/model/alarm-defaults';
import { bedStates } from './bed-states';

const on: AlarmAudio = quietBedAlarms().alarmAudio;

describe('what a tile says about a silenced or unmonitored bed (issue 12, item 5)', () => {
  it('says nothing for a monitored bed with its alarms on', () => {
    expect(bedStates({ deviceCount: 1, audio: on, alarmsOff: [] })).toEqual([]);
  });

  it('makes "not monitored" a state of its own when no device is on the bed', () => {
    expect(bedStates({ deviceCount: 0, audio: on, alarmsOff: [] })).toEqual([
      { kind: 'not-monitored' },
    ]);
  });

  it('shows audio off, audio paused (with its end) and alarms off, most silencing first', () => {
    const off = [
      { parameter: 'spo2' as const, by: 'nurse', reason: 'probe change', since: 20 },
      { parameter: 'arrhythmia' as const, by: 'nurse', reason: 'pacing', since: 10 },
    ];
    expect(bedStates({ deviceCount: 2, audio: { ...on, mode: 'off' }, alarmsOff: off })).toEqual([
      { kind: 'audio-off' },
      { kind: 'alarms-off', parameters: ['arrhythmia', 'spo2'] },
    ]);
    expect(
      bedStates({
        deviceCount: 1,
        audio: { ...on, mode: 'paused', until: 120_000 },
        alarmsOff: [],
      }),
    ).toEqual([{ kind: 'audio-paused', until: 120_000 }]);
  });
});
