// The strips requests of the contract (spread into `requests` in contract.ts): ECG strips as PDF,
// made automatically for high-priority alarms (10 s before and 10 s after) and on demand (20 s).
import { z } from 'zod';
import { RecordTimeMs } from './time-window';

/** Seconds of a manual strip; an alarm strip is ALARM_STRIP_HALF_S before and after the alarm. */
export const MANUAL_STRIP_S = 20;
export const ALARM_STRIP_HALF_S = 10;

export const StripMetadata = z.object({
  id: z.string(),
  bedId: z.string(),
  kind: z.enum(['alarm', 'manual']),
  /** The alarm an automatic strip was made for, and its message; null for a manual strip. */
  alarmId: z.string().nullable(),
  alarmMessage: z.string().nullable(),
  /** The span printed, UTC ms. */
  fromMs: z.number(),
  toMs: z.number(),
  createdAtMs: z.number(),
  /** Who asked for it: a user, or `workstation` for an alarm strip. */
  actor: z.string(),
});
export type StripMetadata = z.infer<typeof StripMetadata>;

export const stripsRequests = {
  /** Prints a manual strip of 20 s ending now, or at endMs (UTC ms), and keeps it with the bed. */
  printStrip: {
    input: z.object({ bedId: z.string().min(1), endMs: RecordTimeMs.optional() }).strict(),
    output: StripMetadata,
  },
  /** The bed's strips, newest first, without their PDF. */
  listStrips: {
    input: z.object({ bedId: z.string().min(1) }).strict(),
    output: z.array(StripMetadata),
  },
  /** One strip with its PDF (base64), to open, print or export. */
  getStrip: {
    input: z.object({ id: z.string().min(1) }).strict(),
    output: z.object({ metadata: StripMetadata, pdfBase64: z.string() }),
  },
} as const;
