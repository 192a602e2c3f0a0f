// Property tests of the alarm system (fast-check): random sequences of observations, people's
// actions and the passing of time never reach an invalid state, never lose a high-priority
// physiological alarm nobody acknowledged or switched off, and an audio pause always ends.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Alarm, DeviceStatus } from '../../../shared/model/schemas';
import type { AlarmLimits } from '../../../shared/model/alarms';
import { AlarmLimits as AlarmLimitsSchema } from '../../../shared/model/alarms';
import { AlarmActionError, AlarmSystem } from './alarm-system';
import { ADULT_DEFAULTS, DEFAULT_LIMITS } from './limits';
import type { Rhythm } from './conditions';

type Step =
  | { kind: 'numeric'; refId: string; value: number; source: string }
  | { kind: 'rhythm'; rhythm: Rhythm; active: boolean }
  | { kind: 'quality'; signal: 'ecg' | 'pleth' | 'resp'; state: 'good' | 'flat' | 'noisy' }
  | { kind: 'flags'; device: string; flags: string[] }
  | { kind: 'device'; device: string; state: DeviceStatus['state'] }
  | { kind: 'remove'; device: string }
  | { kind: 'acknowledge'; pick: number }
  | { kind: 'pause' }
  | { kind: 'resume' }
  | { kind: 'audioOff'; reason: string }
  | { kind: 'audioOn' }
  | { kind: 'alarmOff'; parameter: 'hr' | 'spo2' | 'arrhythmia'; reason: string }
  | { kind: 'alarmOn'; parameter: 'hr' | 'spo2' | 'arrhythmia' }
  | { kind: 'limits'; hrHigh: number };

const devices = ['dev-a', 'dev-b'];
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('numeric' as const),
    refId: fc.constantFrom('MDC_ECG_HEART_RATE', 'MDC_PULS_OXIM_PULS_RATE', 'MDC_PULS_OXIM_SAT_O2'),
    value: fc.integer({ min: 20, max: 220 }),
    source: fc.constantFrom(...devices),
  }),
  fc.record({
    kind: fc.constant('rhythm' as const),
    rhythm: fc.constantFrom<Rhythm>('asystole', 'vfib', 'vtach', 'pause', 'afib'),
    active: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('quality' as const),
    signal: fc.constantFrom('ecg' as const, 'pleth' as const, 'resp' as const),
    state: fc.constantFrom('good' as const, 'flat' as const, 'noisy' as const),
  }),
  fc.record({
    kind: fc.constant('flags' as const),
    device: fc.constantFrom(...devices),
    flags: fc.subarray(['device-alarm:spo2-low', 'device-alarm:pr-high', 'sensor-off', 'x']),
  }),
  fc.record({
    kind: fc.constant('device' as const),
    device: fc.constantFrom(...devices),
    state: fc.constantFrom<DeviceStatus['state']>('connected', 'stale', 'disconnected'),
  }),
  fc.record({ kind: fc.constant('remove' as const), device: fc.constantFrom(...devices) }),
  fc.record({ kind: fc.constant('acknowledge' as const), pick: fc.nat() }),
  fc.constant({ kind: 'pause' as const }),
  fc.constant({ kind: 'resume' as const }),
  fc.record({ kind: fc.constant('audioOff' as const), reason: fc.constantFrom('', 'in theatre') }),
  fc.constant({ kind: 'audioOn' as const }),
  fc.record({
    kind: fc.constant('alarmOff' as const),
    parameter: fc.constantFrom('hr' as const, 'spo2' as const, 'arrhythmia' as const),
    reason: fc.constantFrom('', 'probe change'),
  }),
  fc.record({
    kind: fc.constant('alarmOn' as const),
    parameter: fc.constantFrom('hr' as const, 'spo2' as const, 'arrhythmia' as const),
  }),
  fc.record({ kind: fc.constant('limits' as const), hrHigh: fc.integer({ min: 51, max: 149 }) }),
);
const timedSteps = fc.array(fc.tuple(fc.integer({ min: 0, max: 200_000 }), step), {
  maxLength: 80,
});

function status(id: string, state: DeviceStatus['state']): DeviceStatus {
  const device = { id, driver: 'x', path: '/dev/x', bedId: 'bed-1', state };
  return {
    ...device,
    framesOk: 0,
    framesBad: 0,
    bytesSkipped: 0,
    bytesSkippedPerS: 0,
    lastFrameAt: null,
    problem: null,
  };
}

function limitsWith(hrHigh: number): AlarmLimits {
  const limits = structuredClone(DEFAULT_LIMITS.adult);
  limits.hr.high = hrHigh;
  return AlarmLimitsSchema.parse(limits);
}

/** Applies a step; returns the ids the step was allowed to remove (acknowledged, switched off). */
function apply(alarms: AlarmSystem, s: Step, at: number): void {
  switch (s.kind) {
    case 'numeric':
      return alarms.observeNumeric(s.refId, s.value, at, s.source);
    case 'rhythm':
      return alarms.observeRhythm(s.rhythm, s.active, at, null, 'workstation');
    case 'quality':
      return alarms.observeSignalQuality(s.signal, s.state, at, 'dev-a');
    case 'flags':
      return alarms.observeDeviceFlags(s.device, 'monitor', s.flags, at);
    case 'device':
      return alarms.observeDevice(status(s.device, s.state), 'monitor', at);
    case 'remove':
      return alarms.removeDevice(s.device, 'nurse', at);
    case 'acknowledge': {
      const list = alarms.list();
      if (list.length > 0) alarms.acknowledge(list[s.pick % list.length]!.id, 'nurse', at);
      return;
    }
    case 'pause':
      return alarms.pauseAudio('nurse', at);
    case 'resume':
      return alarms.resumeAudio('nurse', at);
    case 'audioOff':
      return alarms.audioOff('nurse', s.reason, at);
    case 'audioOn':
      return alarms.audioOn('nurse', at);
    case 'alarmOff':
      return alarms.alarmOff(s.parameter, 'nurse', s.reason, at);
    case 'alarmOn':
      return alarms.alarmOn(s.parameter, 'nurse', at);
    case 'limits':
      return alarms.setLimits('adult', limitsWith(s.hrHigh), 'nurse', at);
  }
}

function checkValid(alarms: AlarmSystem, now: number): void {
  const list = alarms.list();
  expect(new Set(list.map((a) => a.id)).size).toBe(list.length);
  expect(new Set(list.map((a) => a.code)).size).toBe(list.length);
  for (const alarm of list) {
    expect(['active', 'acknowledged', 'latched']).toContain(alarm.state);
    if (alarm.state === 'latched')
      expect([alarm.kind, alarm.priority]).toEqual(['physiological', 'high']);
  }
  const audio = alarms.audio();
  if (audio.mode === 'paused') expect(audio.until).toBeGreaterThan(now);
  if (audio.mode === 'on') expect(audio.until).toBeNull();
  if (audio.mode === 'off') {
    expect(audio.reason?.trim()).toBeTruthy();
    expect(audio.sounding).toBeNull();
  }
  if (audio.mode === 'on' && list.some((a) => a.priority === 'high' && a.state !== 'acknowledged'))
    expect(audio.sounding).toBe('high');
}

const highPhysiological = (a: Alarm) => a.kind === 'physiological' && a.priority === 'high';

describe('AlarmSystem properties', () => {
  it('random sequences never reach an invalid state or lose a high-priority alarm', () => {
    fc.assert(
      fc.property(timedSteps, (steps) => {
        let n = 0;
        const alarms = new AlarmSystem('bed-1', ADULT_DEFAULTS, () => `alarm-${++n}`);
        let now = 0;
        /** High-priority physiological alarms shown and not yet released by a person. */
        let watched = new Map<string, Alarm>();
        for (const [dt, s] of steps) {
          now += dt;
          alarms.tick(now);
          try {
            apply(alarms, s, now);
          } catch (error) {
            // Refusals are part of the contract (no reason given, pause while audio is off).
            expect(error).toBeInstanceOf(AlarmActionError);
          }
          const log = alarms.drainLog();
          const released = new Set(
            log
              .filter(
                (e) => e.event === 'acknowledged' || (e.event === 'ended' && e.actor === 'nurse'),
              )
              .map((e) => e.alarm?.id),
          );
          const listed = new Map(alarms.list().map((a) => [a.id, a]));
          for (const [id, alarm] of watched) {
            if (released.has(id) || alarm.state === 'acknowledged') continue;
            // Gone only by a person: acknowledged, or its parameter's alarms switched off.
            expect(listed.has(id), `${alarm.code} (${alarm.state}) vanished`).toBe(true);
          }
          watched = new Map([...listed].filter(([, a]) => highPhysiological(a)));
          checkValid(alarms, now);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('an audio pause always ends on its own within its time', () => {
    fc.assert(
      fc.property(timedSteps, fc.integer({ min: 0, max: 100_000 }), (steps, pauseAt) => {
        const alarms = new AlarmSystem('bed-1', ADULT_DEFAULTS, () => 'id');
        let now = 0;
        for (const [dt, s] of steps) {
          now += dt;
          try {
            apply(alarms, s, now);
          } catch {
            // refusals are covered above
          }
        }
        now += pauseAt;
        alarms.audioOn('nurse', now);
        alarms.pauseAudio('nurse', now);
        expect(alarms.audio().mode).toBe('paused');
        alarms.tick(now + ADULT_DEFAULTS.audioPauseMs);
        expect(alarms.audio()).toMatchObject({ mode: 'on', until: null });
      }),
      { numRuns: 200 },
    );
  });
});
