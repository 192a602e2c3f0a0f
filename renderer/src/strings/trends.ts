// The words of the trends view (part of strings.ts: every sentence a person reads, in one place).
import type { AlarmPriority } from '../../../shared/model/schemas';

import { calendarDate, clockTime, dateAndTime } from '../clinical/clinical-time';

// 24-hour times and ISO-like dates, as every screen writes them.
const time = (atMs: number) => clockTime(atMs);
const dayAndTime = (atMs: number) => dateAndTime(atMs);

const priorityWords: Record<AlarmPriority, string> = {
  high: 'High priority',
  medium: 'Medium priority',
  low: 'Low priority',
};

export const trendsStrings = {
  title: 'Trends',
  controls: 'Time range',
  range: (hours: number) => `${hours} h`,
  rangeLabel: (hours: number) => `Show the last ${hours} hours`,
  earlier: '◀ Earlier',
  earlierLabel: (hours: number) => `Show the ${hours} hours before`,
  later: 'Later ▶',
  laterLabel: (hours: number) => `Show the ${hours} hours after`,
  now: 'Now',
  nowLabel: 'Show the range ending now',
  window: (fromMs: number, toMs: number) => `${dayAndTime(fromMs)} – ${dayAndTime(toMs)}`,
  loading: 'Loading the trends…',
  failed: (reason: string) => `The trends could not be loaded: ${reason}. Try again in a moment.`,
  retry: 'Try again',
  empty: 'No numerics were stored for this bed in this time range.',
  emptyHint: 'Choose a longer range, or step back to an earlier one.',
  graphs: 'Trend graphs',
  group: (labels: string, unit: string) => `${labels} (${unit})`,
  readout: 'Values at the cursor',
  readoutHint: 'Move over a graph to read its values; click to choose that moment.',
  noValue: '—',
  readoutValue: (label: string, value: string, unit: string) => `${label} ${value} ${unit}`,
  at: dayAndTime,
  tableTime: time,
  axisTime: time,
  day: (atMs: number) => calendarDate(atMs),
  alarms: 'Alarms in this range',
  alarmMark: (priority: AlarmPriority, message: string, atMs: number) =>
    `${priorityWords[priority]}: ${message}, ${dayAndTime(atMs)}`,
  table: 'Trend table, one row per minute, newest first',
  timeColumn: 'Time',
  nibp: 'NIBP',
  nibpUnit: 'mmHg',
  /** How long before the cursor's minute the NIBP in the readout was measured. */
  nibpAgo: (minutes: number) => (minutes === 0 ? '' : ` ${minutes} min before`),
  page: (page: number, pages: number) => `Page ${page} of ${pages}`,
  newer: 'Newer',
  older: 'Older',
  moment: 'Chosen moment',
  reviewMoment: 'Review this moment',
  closeMoment: 'Close',
  momentAt: (atMs: number) => `At ${dayAndTime(atMs)}`,
  limitsNote: 'Dashed lines: the patient’s alarm limits.',
};
