// The contract's requests and streams, implemented on the workstation's services.
import { ApiError } from '../../../shared/api/errors';
import type { BedLiveEvent } from '../../../shared/api/contract';
import type { WaveformChannel } from '../../../shared/model/schemas';
import type { Bus } from '../bus';
import type { BedState } from '../beds';
import type { DeviceSession } from '../devices/session';
import type { ApiHandlers } from './router';

export interface HandlerServices {
  bus: Bus;
  beds: ReadonlyMap<string, BedState>;
  sessions: ReadonlyMap<string, DeviceSession>;
  channelsOfBed(bedId: string): WaveformChannel[];
}

export function createHandlers({
  bus,
  beds,
  sessions,
  channelsOfBed,
}: HandlerServices): ApiHandlers {
  const bedOrThrow = (bedId: string) => {
    const bed = beds.get(bedId);
    if (!bed) throw new ApiError('not_found', `There is no bed "${bedId}" on this workstation.`);
    return bed;
  };

  return {
    requests: {
      getStatus: () => ({
        devices: [...sessions.values()].map((session) => session.status()),
        beds: [...beds.values()].map((bed) => bed.snapshot()),
      }),

      acknowledgeAlarm: ({ bedId, alarmId }, caller) => {
        const bed = bedOrThrow(bedId);
        const alarm = bed.alarms.acknowledge(alarmId, caller.actor, Date.now());
        if (!alarm) {
          throw new ApiError(
            'not_found',
            'That alarm is no longer active; the alarm list has been refreshed.',
          );
        }
        const log = bed.alarms.drainLog();
        if (log.length > 0) bus.emit('alarms', { bedId, alarms: bed.alarms.list(), log });
        return alarm;
      },
    },

    streams: {
      bedLive: ({ bedId }, emit) => {
        const bed = bedOrThrow(bedId);
        const send = (event: BedLiveEvent) => emit(event);
        send({
          type: 'snapshot',
          bed: bed.snapshot(),
          devices: bed.deviceIds.flatMap((id) => {
            const session = sessions.get(id);
            return session ? [session.status()] : [];
          }),
          channels: channelsOfBed(bedId),
        });
        const unsubscribers = [
          bus.on('samples', (block) => {
            if (block.bedId === bedId) send({ type: 'samples', block });
          }),
          bus.on('numeric', (event) => {
            if (event.bedId === bedId)
              send({ type: 'numeric', refId: event.refId, numeric: event.numeric });
          }),
          bus.on('alarms', (event) => {
            if (event.bedId === bedId) send({ type: 'alarms', alarms: event.alarms });
          }),
          bus.on('device', (device) => {
            if (device.bedId === bedId) send({ type: 'device', device });
          }),
        ];
        return () => unsubscribers.forEach((off) => off());
      },
    },
  };
}
