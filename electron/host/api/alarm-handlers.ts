// The alarm requests: audio paused / off / on, alarms off and on, the patient's limits, the alarm
// log, and (only with a test clock) moving the alarm clock forward. A refusal of the alarm system
// (no reason given, a lethal alarm switched off, limits edited from an older version) reaches the
// person as its own sentence. What belongs to the patient's stay (limits, alarms off, audio off)
// is kept in the store before the answer, so it outlives a restart.
import { ApiError } from '../../../shared/api/errors';
import type { ApiHandlers } from './router';
import type { Bus } from '../bus';
import type { BedState } from '../beds';
import type { Store } from '../store/client';
import { AlarmActionError } from '../alarms/alarm-system';
import { keepAlarmSettings } from '../admissions';
import type { AlarmClock } from '../alarms/alarm-clock';
import { CONSULT_NOTE_KIND, consultNoteLogItem } from '../../../shared/telehealth/invitation';

type AlarmRequests = Pick<
  ApiHandlers['requests'],
  'setAlarmAudio' | 'setAlarmOff' | 'setAlarmLimits' | 'getAlarmLog' | 'advanceAlarmClock'
>;

const DEFAULT_LOG_ENTRIES = 1000;

export function alarmHandlers(
  bus: Bus,
  bedOrThrow: (bedId: string) => BedState,
  history: Pick<Store, 'readAlarmLog' | 'readAnnotations' | 'recordAlarmSettings' | 'flush'>,
  clock: AlarmClock,
): AlarmRequests {
  /** Runs a person's action on the bed's alarm system and publishes what it changed. */
  function act<T>(bedId: string, action: (bed: BedState, now: number) => T): T {
    const bed = bedOrThrow(bedId);
    try {
      return action(bed, clock.now());
    } catch (error) {
      if (error instanceof AlarmActionError) {
        throw new ApiError(
          error.kind === 'conflict' ? 'conflict' : 'invalid_request',
          error.message,
        );
      }
      throw error;
    } finally {
      bed.publishAlarms(bus);
    }
  }

  /** Runs the action, then keeps the stay's settings it changed before answering. */
  async function actAndKeep<T>(
    bedId: string,
    actor: string,
    action: (bed: BedState, now: number) => T,
  ): Promise<T> {
    let at = 0;
    let bed: BedState | undefined;
    const result = act(bedId, (b, now) => {
      [bed, at] = [b, now];
      return action(b, now);
    });
    await keepAlarmSettings(history, bed!, actor, at).catch((error: Error) => {
      throw new ApiError('internal', error.message);
    });
    return result;
  }

  return {
    setAlarmAudio: ({ bedId, mode, reason }, caller) =>
      mode === 'paused'
        ? // A pause lasts 2 minutes and belongs to the moment: not kept.
          act(bedId, (bed, now) => {
            bed.alarms.pauseAudio(caller.actor, now);
            return bed.alarms.audio();
          })
        : actAndKeep(bedId, caller.actor, (bed, now) => {
            if (mode === 'off') bed.alarms.audioOff(caller.actor, reason ?? '', now);
            else {
              bed.alarms.resumeAudio(caller.actor, now);
              bed.alarms.audioOn(caller.actor, now);
            }
            return bed.alarms.audio();
          }),

    setAlarmOff: ({ bedId, parameter, off, reason }, caller) =>
      actAndKeep(bedId, caller.actor, (bed, now) => {
        if (off) bed.alarms.alarmOff(parameter, caller.actor, reason ?? '', now);
        else bed.alarms.alarmOn(parameter, caller.actor, now);
        return bed.alarms.alarmsOff();
      }),

    setAlarmLimits: ({ bedId, category, limits, version }, caller) =>
      actAndKeep(bedId, caller.actor, (bed, now) => {
        bed.alarms.setLimits(category, limits, caller.actor, now, version);
        return bed.alarms.alarmSettings();
      }),

    getAlarmLog: async ({ bedId, fromMs, toMs, limit }) => {
      bedOrThrow(bedId);
      // What happened in the last moments (a reminder, an acknowledgement) is still in the
      // store's batch: sent first, so the log a nurse opens is never behind the bar above it. A
      // write that failed was reported where it failed; the log shows what was kept.
      await history.flush().catch(() => undefined);
      const from = fromMs ?? 0;
      const to = toMs ?? clock.now() + 1;
      // Remote clinicians' consult notes are events of the stay too: listed in time with alarms.
      const [entries, notes] = await Promise.all([
        history.readAlarmLog(bedId, from, to),
        history.readAnnotations(bedId, from, to, CONSULT_NOTE_KIND),
      ]);
      const merged = [...entries, ...notes.map(consultNoteLogItem)].sort((a, b) => a.atMs - b.atMs);
      return merged.slice(-(limit ?? DEFAULT_LOG_ENTRIES)).reverse();
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
