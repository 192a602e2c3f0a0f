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
