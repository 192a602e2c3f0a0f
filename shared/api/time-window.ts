// The times a request may name: whole UTC milliseconds from 1990 to a day from now. Anything
// outside is a typo, seconds given for milliseconds, or an attack, never a patient's record; the
// store and the strips would keep it as given. One schema, used by every request that takes a time.
import { z } from 'zod';

/** The earliest time a request may name: 1 January 1990, 00:00 UTC. */
export const EARLIEST_RECORD_MS = Date.UTC(1990, 0, 1);
/** How far ahead of the workstation's clock a time may be (clocks of devices and viewers drift). */
export const RECORD_AHEAD_MS = 24 * 3_600_000;

export const RECORD_WINDOW_WORDS = 'a time from 1 January 1990 to one day from now';

/** The latest time a request may name, seen from `nowMs`. */
export function latestRecordMs(nowMs: number): number {
  return nowMs + RECORD_AHEAD_MS;
}

/** Whether `ms` is a whole millisecond inside the window seen from `nowMs`. */
export function inRecordWindow(ms: number, nowMs: number): boolean {
  return Number.isSafeInteger(ms) && ms >= EARLIEST_RECORD_MS && ms <= latestRecordMs(nowMs);
}

/** A time named by a request: checked against the clock when the request is read. */
export const RecordTimeMs = z
  .number()
  .refine((ms) => inRecordWindow(ms, Date.now()), `Choose ${RECORD_WINDOW_WORDS}.`);

/**
 * A request over [fromMs, toMs): both in the window, toMs after fromMs, at most `maxSpanMs` apart
 * (`spanWords` says that span to a person, e.g. "2 minutes").
 */
export function timeRangeRequest<Shape extends z.ZodRawShape>(
  shape: Shape,
  maxSpanMs: number,
  spanWords: string,
) {
  // The shape is generic here: its output is known to have the two times, not to the compiler.
  const range = (q: unknown) => q as { fromMs: number; toMs: number };
  return z
    .object({ ...shape, fromMs: RecordTimeMs, toMs: RecordTimeMs })
    .strict()
    .refine((q) => range(q).toMs > range(q).fromMs, {
      message: 'toMs must be after fromMs',
      path: ['toMs'],
    })
    .refine((q) => range(q).toMs - range(q).fromMs <= maxSpanMs, {
      message: `at most ${spanWords} at a time`,
      path: ['toMs'],
    });
}
