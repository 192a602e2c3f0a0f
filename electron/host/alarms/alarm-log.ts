// An alarm-log entry as the store keeps it (table alarm_events): the alarm's fields when it is
// about an alarm, empty ones when it is a change of the bed's audio or settings.
import type { AlarmEventToStore } from '../store/store-input';
import type { AlarmLogEntry } from './alarm-system';

export function alarmEventRow(bedId: string, entry: AlarmLogEntry): AlarmEventToStore {
  const { alarm } = entry;
  return {
    bedId,
    alarmId: alarm?.id ?? null,
    event: entry.event,
    kind: alarm?.kind ?? null,
    priority: alarm?.priority ?? null,
    code: entry.code,
    message: entry.message,
    value: alarm?.value ?? null,
    limit: alarm?.limit ?? null,
    actor: entry.actor,
    at: entry.at,
    reason: entry.reason,
    origin: alarm?.origin ?? null,
  };
}
