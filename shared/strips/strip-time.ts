// Times on a strip, in one format: local date and time with the zone's offset from UTC, e.g.
// "2026-11-21 08:05:00 to 08:05:20 (UTC+01:00)". The offset makes the time unambiguous (a
// reader can work out UTC); the date is said once unless the span crosses midnight.

interface LocalTime {
  date: string;
  /** "08:05:09". */
  time: string;
  /** "UTC+01:00". */
  offset: string;
}

/** Made once per zone: a formatter takes milliseconds to build, and a strip asks for dozens. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string | undefined): Intl.DateTimeFormat {
  const key = timeZone ?? '';
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    });
    formatters.set(key, formatter);
  }
  return formatter;
}

/** The time in the zone (the workstation's when absent). */
export function localTime(ms: number, timeZone?: string): LocalTime {
  const parts = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(new Date(ms))
      .map((part) => [part.type, part.value]),
  );
  // "GMT+01:00", or "GMT" alone where the offset is zero.
  const offset = String(parts.timeZoneName).replace(/^GMT/, 'UTC') || 'UTC';
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    time: `${parts.hour}:${parts.minute}:${parts.second}`,
    offset: offset === 'UTC' ? 'UTC+00:00' : offset,
  };
}

/** "2026-11-21 08:05:09 (UTC+01:00)": when a strip was printed. */
export function stripTimestamp(ms: number, timeZone?: string): string {
  const t = localTime(ms, timeZone);
  return `${t.date} ${t.time} (${t.offset})`;
}

/**
 * "2026-11-21 08:05:00 to 08:05:20 (UTC+01:00)": the span of a strip; the second date only when
 * it differs, each offset when the clocks change within the span.
 */
export function stripTimeRange(fromMs: number, toMs: number, timeZone?: string): string {
  const from = localTime(fromMs, timeZone);
  const to = localTime(toMs, timeZone);
  if (from.offset !== to.offset) {
    return `${from.date} ${from.time} (${from.offset}) to ${to.date} ${to.time} (${to.offset})`;
  }
  const end = to.date === from.date ? to.time : `${to.date} ${to.time}`;
  return `${from.date} ${from.time} to ${end} (${from.offset})`;
}
