// How late this thread's timers run while some work goes on: a check that the work leaves the
// thread free (the serial ports, alarms and live screens run on the main thread).

/**
 * How late, at the median, a timer due while strips are made may fire. The median, not the worst:
 * on the shared test machine the OS alone now and then holds the thread for 0.1 to 0.4 s (seen
 * with nothing printing, and with the worker), while a strip made on this thread holds every
 * timer due during it (0.1 to 0.4 s per strip warm, seconds cold: a median near 1 s for the
 * three cold strips of strip-renderer.test.ts, against under 10 ms with the worker).
 */
export const TIMER_LATE_MEDIAN_MAX_MS = 50;

const PERIOD_MS = 10;

/**
 * How late a timer due every 10 ms on this thread fired while `work` went on, in ms, one entry per
 * due time: a tick that comes late stands for every due time it was late for, as separate timers
 * would (a thread held for 2 s makes 200 late timers, not one).
 */
export async function timerLatenessDuring<T>(
  work: () => Promise<T>,
): Promise<{ result: T; lateMs: number[] }> {
  const lateMs: number[] = [];
  let dueAt = performance.now() + PERIOD_MS;
  const tick = () => {
    const now = performance.now();
    for (; dueAt <= now; dueAt += PERIOD_MS) lateMs.push(now - dueAt);
  };
  const timer = setInterval(tick, PERIOD_MS);
  try {
    return { result: await work(), lateMs };
  } finally {
    clearInterval(timer);
    tick(); // the due times since the last tick count too: the thread may never have turned
  }
}

export function medianMs(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** For an assertion's message: how many due times, and the latest. */
export function latenessSummary(lateMs: readonly number[]): string {
  const latest = Math.round(Math.max(0, ...lateMs));
  return `median of ${lateMs.length} timers due every 10 ms, the latest ${latest} ms late`;
}
