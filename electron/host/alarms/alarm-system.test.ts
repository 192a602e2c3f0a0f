import { describe, expect, it } from 'vitest';
import type { DeviceStatus } from '../../../shared/model/schemas';
import { AlarmSystem } from './alarm-system';
import { ADULT_DEFAULTS } from './limits';

const SPO2 = 'MDC_PULS_OXIM_SAT_O2';
const HR = 'MDC_ECG_HEART_RATE';

function bed() {
  let n = 0;
  return new AlarmSystem('bed-1', ADULT_DEFAULTS, () => `alarm-${++n}`);
}

function device(state: DeviceStatus['state']): DeviceStatus {
  return {
    id: 'dev-1',
    driver: 'healthypi5',
    path: '/dev/ttyACM0',
    bedId: 'bed-1',
    state,
    framesOk: 1,
    framesBad: 0,
    bytesSkipped: 0,
    bytesSkippedPerS: 0,
    lastFrameAt: null,
    problem: null,
  };
}

/** Feeds one value per second from `from` for `seconds`. */
function feed(alarms: AlarmSystem, refId: string, value: number, from: number, seconds: number) {
  for (let s = 0; s <= seconds; s++) alarms.observeNumeric(refId, value, from + s * 1000, 'dev-1');
}

describe('AlarmSystem: limits, latching, technical alarms', () => {
  it('waits for the SpO2 condition delay, then raises a medium alarm a nurse can read', () => {
    const alarms = bed();
    feed(alarms, SPO2, 88, 0, 9);
    expect(alarms.list()).toEqual([]);
    feed(alarms, SPO2, 88, 10_000, 0);
    const [alarm] = alarms.list();
    expect(alarm).toMatchObject({
      kind: 'physiological',
      priority: 'medium',
      code: 'SPO2_LOW',
      state: 'active',
      value: 88,
      limit: 90,
    });
    expect(alarm?.message).toBe('SpO₂ low: 88 % (limit 90 %)');
    expect(alarms.drainLog().map((e) => e.event)).toEqual(['raised']);
  });

  it('a brief dip shorter than the delay never alarms', () => {
    const alarms = bed();
    feed(alarms, SPO2, 87, 0, 5);
    feed(alarms, SPO2, 96, 6000, 0);
    feed(alarms, SPO2, 87, 7000, 8);
    expect(alarms.list()).toEqual([]);
  });

  it('escalates to high for a severe desaturation and latches it until acknowledged', () => {
    const alarms = bed();
    feed(alarms, SPO2, 88, 0, 10);
    feed(alarms, SPO2, 80, 11_000, 0);
    expect(alarms.list()[0]).toMatchObject({
      priority: 'high',
      message: 'Desaturation: SpO₂ 80 % (limit 85 %)',
    });
    feed(alarms, SPO2, 97, 12_000, 0);
    const latched = alarms.list()[0]!;
    expect(latched.state).toBe('latched');
    expect(alarms.acknowledge(latched.id, 'nurse', 13_000)?.state).toBe('acknowledged');
    expect(alarms.list()).toEqual([]);
    expect(alarms.drainLog().map((e) => e.event)).toEqual([
      'raised',
      'escalated',
      'latched',
      'acknowledged',
      'ended',
    ]);
  });

  it('acknowledge keeps the alarm visible while the condition lasts, then it ends', () => {
    const alarms = bed();
    feed(alarms, HR, 130, 0, 3);
    const alarm = alarms.list()[0]!;
    expect(alarm).toMatchObject({ code: 'HR_HIGH', priority: 'medium' });
    expect(alarms.acknowledge(alarm.id, 'nurse', 4000)?.state).toBe('acknowledged');
    feed(alarms, HR, 131, 5000, 2);
    expect(alarms.list()[0]?.state).toBe('acknowledged');
    feed(alarms, HR, 80, 8000, 0);
    expect(alarms.list()).toEqual([]);
  });

  it('a disconnected device raises a technical alarm at once, which ends without latching on reconnect', () => {
    const alarms = bed();
    alarms.observeDevice(device('disconnected'), 'ECG/SpO2 device', 1000);
    expect(alarms.list()[0]).toMatchObject({
      kind: 'technical',
      message: 'ECG/SpO2 device disconnected — check the cable',
      state: 'active',
    });
    alarms.observeDevice(device('connected'), 'ECG/SpO2 device', 2000);
    expect(alarms.list()).toEqual([]);
  });

  it('silence is its own technical alarm and clears the pending physiological conditions of that device', () => {
    const alarms = bed();
    feed(alarms, SPO2, 86, 0, 5);
    alarms.observeDevice(device('stale'), 'ECG/SpO2 device', 6000);
    alarms.tick(20_000);
    expect(alarms.list().map((a) => a.code)).toEqual(['DEVICE_NO_DATA:dev-1']);
  });

  it('a device removed on purpose ends its technical alarm, logged as the person who removed it', () => {
    const alarms = bed();
    alarms.observeDevice(device('disconnected'), 'ECG/SpO2 device', 1000);
    alarms.drainLog();
    alarms.removeDevice('dev-1', 'nurse', 2000);
    expect(alarms.list()).toEqual([]);
    expect(alarms.drainLog()).toMatchObject([
      { event: 'ended', actor: 'nurse', alarm: { code: 'DEVICE_DISCONNECTED:dev-1' } },
    ]);
  });

  it('lists the most urgent first, physiological before technical at equal priority', () => {
    const alarms = bed();
    alarms.observeDevice(device('stale'), 'ECG/SpO2 device', 0);
    alarms.observeDevice({ ...device('connected'), id: 'dev-2' }, 'x', 0);
    alarms.observeNumeric(HR, 35, 0, 'dev-2');
    alarms.observeNumeric(SPO2, 88, 0, 'dev-2');
    alarms.tick(20_000);
    expect(alarms.list().map((a) => a.code)).toEqual([
      'HR_LOW',
      'SPO2_LOW',
      'DEVICE_NO_DATA:dev-1',
    ]);
  });

  it('acknowledging an unknown alarm returns null', () => {
    expect(bed().acknowledge('nope', 'nurse', 0)).toBeNull();
  });
});
