// The alarm requests: audio paused / off / on, alarms off and on, the patient's limits, the alarm
// log, and (only with a test clock) moving the alarm clock forward. A refusal of the alarm system
// (no reason given, a lethal alarm switched off) reaches the person as its own sentence.
import { ApiError } from '../../../shared/api/errors';
import type { ApiHandlers } from './router';
import type { Bus } from '../bus';
import type { BedState } from '../beds';
import type { Store } from '../store/client';
import { AlarmActionError } from '../alarms/alarm-system';
import { keepAlarmSettings } from '../admissions';
import type { AlarmClock } from '../alarms/alarm-clock';

type AlarmRequests = Pick<
  ApiHandlers['requests'],
  'setAlarmAudio' | 'setAlarmOff' | 'setAlarmLimits' | 'getAlarmLog' | 'advanceAlarmClock'
>;

const DEFAULT_LOG_ENTRIES = 1000;

export function alarmHandlers(
  bus: Bus,
  bedOrThrow: (bedId: string) => BedState,
  history: Pick<Store, 'readAlarmLog' | 'recordAlarmSettings'>,
  clock: AlarmClock,
): AlarmRequests {
  /** Runs a person's action on the bed's alarm system and publishes what it changed. */
  function act<T>(bedId: string, action: (bed: BedState, now: number) => T): T {
    const bed = bedOrThrow(bedId);
    try {
      return action(bed, clock.now());
    } catch (error) {
      if (error instanceof AlarmActionError) throw new ApiError('invalid_request', error.message);
      throw error;
    } finally {
      bed.publishAlarms(bus);
    }
  }

  return {
    setAlarmAudio: ({ bedId, mode, reason }, caller) =>
      act(bedId, (bed, now) => {
        if (mode === 'paused') bed.alarms.pauseAudio(caller.actor, now);
        else if (mode === 'off') bed.alarms.audioOff(caller.actor, reason ?? '', now);
        else {
          bed.alarms.resumeAudio(caller.actor, now);
          bed.alarms.audioOn(caller.actor, now);
        }
        return bed.alarms.audio();
      }),

    setAlarmOff: ({ bedId, parameter, off, reason }, caller) =>
      act(bedId, (bed, now) => {
        if (off) bed.alarms.alarmOff(parameter, caller.actor, reason ?? '', now);
        else bed.alarms.alarmOn(parameter, caller.actor, now);
        return bed.alarms.alarmsOff();
      }),

    // Kept in the store for the bed's patient (or the empty bed) before the answer, so the
    // limits a person confirmed outlive a restart.
    setAlarmLimits: async ({ bedId, category, limits }, caller) => {
      const { settings, bed, at } = act(bedId, (bed, now) => {
        bed.alarms.setLimits(category, limits, caller.actor, now);
        return { settings: bed.alarms.alarmSettings(), bed, at: now };
      });
      await keepAlarmSettings(history, bed, caller.actor, at).catch((error: Error) => {
        throw new ApiError('internal', error.message);
      });
      return settings;
    },

    getAlarmLog: async ({ bedId, fromMs, toMs, limit }) => {
      bedOrThrow(bedId);
      const entries = await history.readAlarmLog(bedId, fromMs ?? 0, toMs ?? clock.now() + 1);
      return entries.slice(-(limit ?? DEFAULT_LOG_ENTRIES)).reverse();
    },

    advanceAlarmClock: ({ ms }) => {
      if (!clock.advance) {
        throw new ApiError(
          'invalid_request',
          'This workstation runs on the real clock; only one started with --test-clock can be moved.',
        );
      }
      // The workstation's alarm timer (every 200 ms) lets the beds' alarms see the new time.
      const now = clock.advance(ms);
      return { now };
    },
  };
}
