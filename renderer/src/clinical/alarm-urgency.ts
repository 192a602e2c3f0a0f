// The order alarms are shown in: most urgent first (IEC 60601-1-8 priority), physiological before
// technical at equal priority, then the newest first.
import type { Alarm, AlarmPriority } from '../../../shared/model/schemas';

const priorityRank: Record<AlarmPriority, number> = { high: 3, medium: 2, low: 1 };

export function byUrgency(a: Alarm, b: Alarm): number {
  return (
    priorityRank[b.priority] - priorityRank[a.priority] ||
    (a.kind === b.kind ? 0 : a.kind === 'physiological' ? -1 : 1) ||
    b.since - a.since
  );
}

export function sortByUrgency(alarms: readonly Alarm[]): Alarm[] {
  return [...alarms].sort(byUrgency);
}
