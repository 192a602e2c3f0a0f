// Beat classes in the contract (spread into `requests` in contract.ts): the beats the workstation's
// classifier did not call normal, for review's marks and its "next V beat".
import { z } from 'zod';
import { RecordTimeMs, timeRangeRequest } from './time-window';

/** AAMI EC57 classes other than N: supraventricular, ventricular, fusion, unclassifiable. */
export const MarkedBeatClass = z.enum(['S', 'V', 'F', 'Q']);
export type MarkedBeatClass = z.infer<typeof MarkedBeatClass>;

export const BeatMark = z.object({ atMs: z.number(), beatClass: MarkedBeatClass });
export type BeatMark = z.infer<typeof BeatMark>;

export const beatsRequests = {
  /** The bed's beats not called normal in [fromMs, toMs), in time order (at most an hour). */
  getBeatMarks: {
    input: timeRangeRequest({ bedId: z.string().min(1).max(200) }, 3_600_000, 'an hour'),
    output: z.array(BeatMark),
  },
  /** The first beat of a class after (or before) a moment; null when there is none stored. */
  findBeatMark: {
    input: z
      .object({
        bedId: z.string().min(1).max(200),
        beatClass: MarkedBeatClass,
        fromMs: RecordTimeMs,
        direction: z.enum(['next', 'previous']),
      })
      .strict(),
    output: BeatMark.nullable(),
  },
} as const;
