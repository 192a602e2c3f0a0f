// The alarms to mark on the trends' time axis: when each alarm began (raised) or rose in priority
// (escalated), taken from the bed's alarm log. Pure; no DOM.
import type { AlarmLogItem } from '../../../../shared/api/contract';
import type { AlarmPriority } from '../../../../shared/model/schemas';

export interface AlarmMark {
  atMs: number;
  priority: AlarmPriority;
  message: string;
  code: string;
}

const STARTS = new Set(['raised', 'escalated']);
const PRIORITIES = new Set<string>(['high', 'medium', 'low']);

/** Alarm starts within [fromMs, toMs), oldest first. */
export function alarmMarks(
  log: readonly AlarmLogItem[],
  fromMs: number,
  toMs: number,
): AlarmMark[] {
  return log
    .filter((item) => STARTS.has(item.event) && item.atMs >= fromMs && item.atMs < toMs)
    .map((item) => ({
      atMs: item.atMs,
      priority: (PRIORITIES.has(item.priority ?? '') ? item.priority : 'low') as AlarmPriority,
      message: item.message,
      code: item.code,
    }))
    .sort((a, b) => a.atMs - b.atMs);
}
