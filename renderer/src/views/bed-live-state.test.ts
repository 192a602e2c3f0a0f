import { describe, expect, it } from 'vitest';
import type { Bed, DeviceStatus } from '../../../shared/model/schemas';
import { quietBedAlarms } from '../../../shared/model/alarm-defaults';
import { bedLiveReducer, initialBedLiveState } from './bed-live-state';

const device = (state: DeviceStatus['state']): DeviceStatus => ({
  id: 'dev-1',
  driver: 'healthypi5',
  path: '/dev/ttyACM0',
  bedId: 'bed-1',
  state,
  framesOk: 0,
  framesBad: 0,
  bytesSkipped: 0,
  bytesSkippedPerS: 0,
  lastFrameAt: null,
  problem: null,
});
const bed: Bed = {
  id: 'bed-1',
  label: 'Bed 1',
  deviceIds: ['dev-1'],
  numerics: { MDC_ECG_HEART_RATE: { value: 72, unit: '/min', at: 1, source: 'dev-1' } },
  alarms: [],
  ...quietBedAlarms(),
  patient: null,
};

describe('bedLiveReducer', () => {
  it('starts from the snapshot and applies updates', () => {
    let state = bedLiveReducer(
      { ...initialBedLiveState, streamProblem: 'lost' },
      { type: 'snapshot', bed, devices: [device('connecting')], channels: [] },
    );
    expect(state.streamProblem).toBeNull();
    expect(state.numerics.MDC_ECG_HEART_RATE?.value).toBe(72);
    state = bedLiveReducer(state, {
      type: 'numeric',
      refId: 'MDC_PULS_OXIM_SAT_O2',
      numeric: { value: 97, unit: '%', at: 2, source: 'dev-1' },
    });
    state = bedLiveReducer(state, { type: 'device', device: device('connected') });
    expect(state.numerics.MDC_PULS_OXIM_SAT_O2?.value).toBe(97);
    expect(state.numerics.MDC_ECG_HEART_RATE?.value).toBe(72);
    expect(state.devices.map((d) => d.state)).toEqual(['connected']);
  });
});

describe('bedLiveReducer on a hospital central station', () => {
  it('an offline bed shows why, keeps its last numerics as not current, and sounds nothing', () => {
    const sinceMs = new Date(2026, 11, 6, 14, 2).getTime();
    const lastDataMs = new Date(2026, 11, 6, 14, 1, 30).getTime();
    const alarming: Bed = {
      ...bed,
      alarms: [
        {
          id: 'a',
          bedId: 'bed-1',
          kind: 'physiological',
          priority: 'high',
          code: 'HR_HIGH',
          message: 'HR 150 > 120',
          state: 'active',
          since: 1,
          value: 150,
          limit: 120,
          source: 'dev-1',
          origin: 'workstation',
        },
      ],
      alarmAudio: { ...quietBedAlarms().alarmAudio, sounding: 'high' },
    };
    const live = bedLiveReducer(initialBedLiveState, {
      type: 'snapshot',
      bed: alarming,
      devices: [device('connected')],
      channels: [],
    });
    expect(live.alarms).toHaveLength(1);
    const offline = bedLiveReducer(live, {
      type: 'snapshot',
      bed: { ...alarming, offline: { sinceMs, lastDataMs } },
      devices: [device('connected')],
      channels: [],
    });
    expect(offline.streamProblem).toBe('Workstation offline since 14:02 — last data 14:01');
    expect(offline.alarms).toEqual([]);
    expect(offline.alarmAudio.sounding).toBeNull();
    expect(offline.numerics.MDC_ECG_HEART_RATE?.value).toBe(72);
    // Back: the next snapshot is live again.
    const back = bedLiveReducer(offline, {
      type: 'snapshot',
      bed,
      devices: [device('connected')],
      channels: [],
    });
    expect(back.streamProblem).toBeNull();
  });
});
