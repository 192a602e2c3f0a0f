// The order alarms are shown in, on the alarm bar, on a tile and between beds, as the alarm
// reference orders them: IEC 60601-1-8 priority first; then an alarm nobody has acknowledged yet
// (sounding or latched) before an acknowledged one; physiological before technical; then the one
// that has waited longest.
import type { Alarm, AlarmPriority } from '../../../shared/model/schemas';

const priorityRank: Record<AlarmPriority, number> = { high: 3, medium: 2, low: 1 };

const acknowledged = (alarm: Alarm) => alarm.state === 'acknowledged';

export function byUrgency(a: Alarm, b: Alarm): number {
  return (
    priorityRank[b.priority] - priorityRank[a.priority] ||
    Number(acknowledged(a)) - Number(acknowledged(b)) ||
    (a.kind === b.kind ? 0 : a.kind === 'physiological' ? -1 : 1) ||
    a.since - b.since
  );
}

export function sortByUrgency(alarms: readonly Alarm[]): Alarm[] {
  return [...alarms].sort(byUrgency);
}
