// How the central station lays out its beds and which bed is the most urgent. Pure, so the rules
// a charge nurse relies on are tested without a screen.
import type { Alarm, AlarmPriority } from '../../../shared/model/schemas';
import { byUrgency } from './alarm-urgency';

/** Columns and rows for `beds` tiles: 16 in 4 × 4 on a 1920 × 1080 screen, 32 in 8 × 4. */
export function tileGrid(beds: number): { columns: number; rows: number } {
  const columns =
    beds <= 1
      ? 1
      : beds <= 4
        ? 2
        : beds <= 9
          ? 3
          : beds <= 16
            ? 4
            : beds <= 20
              ? 5
              : beds <= 24
                ? 6
                : 8;
  return { columns, rows: Math.max(1, Math.ceil(beds / columns)) };
}

export interface BedAlarmSummary {
  bedId: string;
  label: string;
  /** The bed's most urgent alarm, or null when it has none. */
  top: Alarm | null;
}

const sounding = (alarm: Alarm) => alarm.state === 'active';

/**
 * The bed a nurse must look at first: any bed with an alarm still sounding before one whose
 * alarms are acknowledged, then by priority, physiological before technical, the oldest first
 * (it has waited longest). Null when no bed has an alarm.
 */
export function mostUrgentBed(beds: readonly BedAlarmSummary[]): BedAlarmSummary | null {
  let best: BedAlarmSummary | null = null;
  for (const bed of beds) {
    if (!bed.top) continue;
    if (!best?.top || compareUrgency(bed.top, best.top) < 0) best = bed;
  }
  return best;
}

function compareUrgency(a: Alarm, b: Alarm): number {
  if (sounding(a) !== sounding(b)) return sounding(a) ? -1 : 1;
  const byPriority = byUrgency(a, b);
  if (a.priority !== b.priority || a.kind !== b.kind) return byPriority;
  return a.since - b.since;
}

/** The priority a tile shows: its most urgent alarm's, or none. */
export function tilePriority(top: Alarm | null): AlarmPriority | 'none' {
  return top?.priority ?? 'none';
}
