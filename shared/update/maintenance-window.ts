// IT's maintenance windows ("Sun 02:00–04:00", "Daily 03:00–03:30", in the workstation's local
// time): read the same way by the server that takes them and the workstation that waits for them.
// Pure.

/** A weekly window IT sets on the server, in the workstation's local time. */
export interface MaintenanceWindow {
  /** 0 Sunday … 6 Saturday; null: every day. */
  weekday: number | null;
  startMinute: number;
  /** At or before the start: the window crosses midnight into the next day. */
  endMinute: number;
  /** As IT wrote it, for the status line. */
  text: string;
}

export interface LocalTime {
  /** 0 Sunday … 6 Saturday. */
  weekday: number;
  /** Minutes since local midnight, 0–1439. */
  minute: number;
}

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const FULL_DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/**
 * "Sun 02:00–04:00", "Sat 23:00-01:00" (crosses midnight), "Daily 03:00–03:30"; the window is
 * a problem string when it is not one.
 */
export function parseMaintenanceWindow(text: string): MaintenanceWindow | string {
  const match = /^\s*([A-Za-z]+)\s+(\d{1,2}):(\d{2})\s*(?:-|–|—|to)\s*(\d{1,2}):(\d{2})\s*$/u.exec(
    text,
  );
  if (!match) return `"${text}" is not a maintenance window (e.g. "Sun 02:00–04:00")`;
  const day = match[1]!.toLowerCase();
  const weekday =
    day === 'daily' ? null : DAYS.includes(day) ? DAYS.indexOf(day) : FULL_DAYS.indexOf(day);
  if (weekday === -1) return `"${text}": "${match[1]}" is not a day (Mon … Sun, or Daily)`;
  const hm = (h: string, m: string) => (Number(h) > 24 || Number(m) > 59 ? NaN : +h * 60 + +m);
  const startMinute = hm(match[2]!, match[3]!);
  const endMinute = hm(match[4]!, match[5]!);
  if (!(startMinute < 1440) || !(endMinute <= 1440))
    return `"${text}": a time of day is 00:00 to 23:59`;
  if (startMinute === endMinute) return `"${text}" is a window of no length`;
  return { weekday, startMinute, endMinute: endMinute % 1440, text: text.trim() };
}

/** Inside any of the windows now; one crossing midnight is open until its end the next day. */
export function insideWindow(windows: readonly MaintenanceWindow[], now: LocalTime): boolean {
  return windows.some((w) => {
    const dayMatches = (weekday: number) => w.weekday === null || w.weekday === weekday;
    if (w.startMinute < w.endMinute) {
      return dayMatches(now.weekday) && now.minute >= w.startMinute && now.minute < w.endMinute;
    }
    // Crossing midnight: the evening of its day, or the early hours of the day after.
    const yesterday = (now.weekday + 6) % 7;
    return (
      (dayMatches(now.weekday) && now.minute >= w.startMinute) ||
      (dayMatches(yesterday) && now.minute < w.endMinute)
    );
  });
}
