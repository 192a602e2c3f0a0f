// Where a bed's stored signal begins and ends within the retention, found by probing: the store
// answers "what is in this window" only, so a few tiny windows (hourly, then halving) locate
// the oldest and newest samples to within a second without reading 72 h.
import { RETENTION_MS, type StoredExtent, type TimeWindow } from './review-window';

/** True when any sample of the bed lies in the window. */
export type HasSignal = (window: TimeWindow) => Promise<boolean>;

const HOUR_MS = 3_600_000;
/** Long enough to hold a sample of any channel at ≥ 10 Hz, short enough to read nothing much. */
export const PROBE_MS = 100;
const PRECISION_MS = 1000;
/** The newest data is looked for in this last stretch first: a live bed answers in one probe. */
const RECENT_MS = 120_000;
const RECENT_PROBE_STEP_MS = 60_000;

async function boundary(hasSignal: HasSignal, withMs: number, withoutMs: number) {
  // Halves the stretch between a probe with signal and one without until it is short.
  let inside = withMs;
  let outside = withoutMs;
  while (Math.abs(outside - inside) > PRECISION_MS) {
    const middle = Math.round((inside + outside) / 2);
    if (await hasSignal({ fromMs: middle, toMs: middle + PROBE_MS })) inside = middle;
    else outside = middle;
  }
  return inside;
}

/**
 * The oldest and newest stored moments of the retention ending at nowMs, or null when nothing is
 * stored. `newestInRecent` answers the newest sample time of the last two minutes, if any.
 */
export async function findStoredExtent(
  hasSignal: HasSignal,
  nowMs: number,
  newestInRecent?: (window: TimeWindow) => Promise<number | null>,
): Promise<StoredExtent | null> {
  const startMs = nowMs - RETENTION_MS;
  const points: number[] = [];
  for (let at = startMs; at < nowMs - HOUR_MS; at += HOUR_MS) points.push(at);
  // The last hour more finely: a record imported minutes ago is found.
  for (let at = nowMs - HOUR_MS; at < nowMs; at += RECENT_PROBE_STEP_MS) points.push(at);
  points.push(nowMs - PROBE_MS);
  const present = await Promise.all(
    points.map((at) => hasSignal({ fromMs: at, toMs: at + PROBE_MS })),
  );
  const recent = newestInRecent
    ? await newestInRecent({ fromMs: nowMs - RECENT_MS, toMs: nowMs })
    : null;
  const firstIndex = present.indexOf(true);
  const lastIndex = present.lastIndexOf(true);
  if (firstIndex < 0) {
    return recent === null
      ? null
      : { oldestMs: Math.max(startMs, nowMs - RECENT_MS), newestMs: recent };
  }
  const oldestMs =
    firstIndex === 0
      ? startMs
      : await boundary(hasSignal, points[firstIndex]!, points[firstIndex - 1]!);
  const newestMs =
    recent ??
    (lastIndex === points.length - 1
      ? nowMs
      : (await boundary(hasSignal, points[lastIndex]!, points[lastIndex + 1]!)) + PROBE_MS);
  return { oldestMs, newestMs };
}
