// "Save strip as PDF" for the remote clinician: the central server prints a strip of the invited
// bed from the waveforms it holds, the same paper as the workstation's (shared/strips), for a time
// inside the invited patient's stay. Asked with the consult's session cookie. Pure: no Node.
import { z } from 'zod';

/** GET (cookie) with StripQuery as the query string: the PDF, or a ViewerRefusal (JSON). */
export const VIEWER_STRIP_PATH = '/telehealth/api/strip';

/** Seconds a remote clinician's strip spans, ending at the time asked for. */
export const VIEWER_STRIP_S = 20;

const whole = z
  .string()
  .regex(/^\d{1,16}$/, 'a time is a whole number of UTC milliseconds')
  .transform(Number);

export const StripQuery = z
  .object({
    /** The bed as the session names it (`<workstationId>/<bedId>`): only the invited one. */
    bedId: z.string().min(1).max(300),
    /** The strip ends here (UTC ms); absent: at the newest signal the server holds. */
    endMs: whole.optional(),
    /** The viewer's IANA time zone, for the paper's local times (the server's when absent). */
    tz: z.string().max(64).optional(),
  })
  .strict();
export type StripQuery = z.infer<typeof StripQuery>;

/** The query string of a strip request. */
export function stripQueryString(query: { bedId: string; endMs?: number; tz?: string }): string {
  const params = new URLSearchParams({ bedId: query.bedId });
  if (query.endMs !== undefined) params.set('endMs', String(Math.round(query.endMs)));
  if (query.tz) params.set('tz', query.tz);
  return params.toString();
}
