// Times and dates as every screen writes them: the 24-hour clock and ISO-like dates
// (2026-12-06 14:05), in the workstation's local time zone. One place, so the clock in the bar,
// an alarm log, an NIBP reading's time and a strip's span never disagree in style. A display
// locale that asks for another style would be honoured here (none is configured yet).

const pad = (n: number) => String(n).padStart(2, '0');

/** 14:05, or 14:05:09 with seconds. */
export function clockTime(atMs: number, { seconds = false } = {}): string {
  const at = new Date(atMs);
  const hm = `${pad(at.getHours())}:${pad(at.getMinutes())}`;
  return seconds ? `${hm}:${pad(at.getSeconds())}` : hm;
}

/** 2026-12-06. */
export function calendarDate(atMs: number): string {
  const at = new Date(atMs);
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
}

/** 2026-12-06 14:05 (or 14:05:09 with seconds). */
export function dateAndTime(atMs: number, options: { seconds?: boolean } = {}): string {
  return `${calendarDate(atMs)} ${clockTime(atMs, options)}`;
}

/** The time alone when it is today, the date and time when it is not. */
export function timeOrDateAndTime(
  atMs: number,
  nowMs: number,
  options: { seconds?: boolean } = {},
): string {
  return calendarDate(atMs) === calendarDate(nowMs)
    ? clockTime(atMs, options)
    : dateAndTime(atMs, options);
}

/** How long ago, in whole minutes (and hours): "31 min ago", "2 h 5 min ago". */
export function minutesAgo(atMs: number, nowMs: number): string {
  const minutes = Math.max(0, Math.floor((nowMs - atMs) / 60_000));
  return minutes < 60
    ? `${minutes} min ago`
    : `${Math.floor(minutes / 60)} h ${minutes % 60} min ago`;
}
