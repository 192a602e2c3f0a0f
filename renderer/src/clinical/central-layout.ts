// How the central station lays out its beds and which bed is the most urgent. Pure, so the rules
// a charge nurse relies on are tested without a screen.
import type { Alarm, AlarmPriority, Bed } from '../../../shared/model/schemas';
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

/**
 * The bed a nurse must look at first: the bed whose most urgent alarm comes first in the alarm
 * order (alarm-urgency.ts: priority, then unacknowledged before acknowledged, physiological
 * before technical, the one that has waited longest). Null when no bed has an alarm.
 */
export function mostUrgentBed(beds: readonly BedAlarmSummary[]): BedAlarmSummary | null {
  let best: BedAlarmSummary | null = null;
  for (const bed of beds) {
    if (!bed.top) continue;
    if (!best?.top || byUrgency(bed.top, best.top) < 0) best = bed;
  }
  return best;
}

/** The priority a tile shows: its most urgent alarm's, or none. */
export function tilePriority(top: Alarm | null): AlarmPriority | 'none' {
  return top?.priority ?? 'none';
}

/** The beds of one workstation on a hospital central station, under its unit's name. */
export interface BedGroup {
  key: string;
  unit: string | null;
  workstationName: string;
  beds: Bed[];
}

/**
 * Beds grouped by unit, then workstation, in the order the server listed them (it sorts them so),
 * or null when no bed says where it is (a workstation's own screens: one group, no heading).
 */
export function bedGroups(beds: readonly Bed[]): BedGroup[] | null {
  if (!beds.some((bed) => bed.site)) return null;
  const groups = new Map<string, BedGroup>();
  for (const bed of beds) {
    const site = bed.site;
    const key = site ? `${site.unit ?? ''}\u0000${site.workstationId}` : '';
    let group = groups.get(key);
    if (!group) {
      group = {
        key,
        unit: site?.unit ?? null,
        workstationName: site?.workstationName ?? '',
        beds: [],
      };
      groups.set(key, group);
    }
    group.beds.push(bed);
  }
  return [...groups.values()];
}
