// The exports requests and stream of the contract (spread into `requests` and `streams` in
// contract.ts): a bed's stored record written by the host, in the background, as files in the
// workstation's exports folder; any length the store keeps. Each export has an id: its progress
// is looked up by id, so a screen that subscribes again (after a reconnect) never starts it again.
import { z } from 'zod';
import { RecordTimeMs } from './time-window';

export const EXPORT_FORMATS = ['wfdb', 'wfdb212', 'edf', 'csv'] as const;
export const ExportFormat = z.enum(EXPORT_FORMATS, {
  error: 'Choose a format the workstation writes: wfdb, wfdb212, edf or csv.',
});
export type ExportFormat = z.infer<typeof ExportFormat>;

/** running until its files are in place (done), or it stopped (failed, with why; cancelled). */
export const ExportState = z.enum(['running', 'done', 'failed', 'cancelled']);
export type ExportState = z.infer<typeof ExportState>;

export const ExportStatus = z.object({
  id: z.string(),
  bedId: z.string(),
  /** The bed's label (never the patient's name: it names the files too). */
  bedLabel: z.string(),
  format: ExportFormat,
  /** The range exported, [fromMs, toMs), UTC ms. */
  fromMs: z.number(),
  toMs: z.number(),
  /** Who asked for it. */
  actor: z.string(),
  state: ExportState,
  /** Reading the store, then writing the files. */
  stage: z.enum(['reading', 'writing']),
  /** How much of the whole is done, 0..1 (1 once done). */
  fraction: z.number().min(0).max(1),
  /** Bytes of the final files written so far. */
  bytesWritten: z.number().int().nonnegative(),
  /** Milliseconds of the record exported per second; null until measured. */
  recordMsPerS: z.number().nonnegative().nullable(),
  /** Seconds left, estimated; null until it can be. */
  remainingS: z.number().nonnegative().nullable(),
  startedAtMs: z.number(),
  endedAtMs: z.number().nullable(),
  /** The workstation's exports folder, where the files are (an absolute path on that computer). */
  folder: z.string(),
  /**
   * The files' names in the folder, once done: each sealed at rest (`<plain name>.sealed`);
   * `downloadExport` gives one plainly to the screen.
   */
  files: z.array(z.string()),
  /** What the format had to change (a label cut to fit…), once done. */
  warnings: z.array(z.string()),
  /** Why it failed, in words a person can act on; null otherwise. */
  error: z.string().nullable(),
});
export type ExportStatus = z.infer<typeof ExportStatus>;

const ExportId = z.string().min(1).max(64);

export const exportsRequests = {
  /**
   * Starts writing a bed's stored waveforms, alarm log and annotations as files (WFDB format 16
   * or 212, EDF+, CSV) over [fromMs, toMs); without a range, the patient's stay in the bed (or,
   * for an empty bed, all the bed's stored signal), within what is kept (72 h by default).
   * Answers at once with the export's status; its progress is the `exportProgress` stream.
   */
  startExport: {
    input: z
      .object({
        bedId: z.string().min(1),
        format: ExportFormat,
        fromMs: RecordTimeMs.optional(),
        toMs: RecordTimeMs.optional(),
      })
      .strict()
      .refine((q) => (q.fromMs === undefined) === (q.toMs === undefined), {
        message: 'Give both ends of the time range, or neither (the whole stay).',
        path: ['toMs'],
      })
      .refine((q) => q.fromMs === undefined || q.toMs === undefined || q.toMs > q.fromMs, {
        message: 'The time range is empty: its end must be after its start.',
        path: ['toMs'],
      }),
    output: ExportStatus,
  },
  /** Stops a running export; nothing of it is kept. Answers once it has stopped. */
  cancelExport: {
    input: z.object({ exportId: ExportId }).strict(),
    output: ExportStatus,
  },
  /**
   * A one-time address (for a minute) on the browser shell's own origin where this screen gets
   * one of a finished export's files plainly (a GET; audited as `export-downloaded` when fetched).
   */
  downloadExport: {
    input: z.object({ exportId: ExportId, file: z.string().min(1).max(300) }).strict(),
    output: z.object({ url: z.string() }),
  },
  /** The exports since the workstation started (of one bed, or all), newest first. */
  listExports: {
    input: z.object({ bedId: z.string().min(1).optional() }).strict(),
    output: z.array(ExportStatus),
  },
} as const;

export const exportsStreams = {
  /** One export's status: now, then as it moves on (a few times a second) and when it ends. */
  exportProgress: { input: z.object({ exportId: ExportId }).strict(), event: ExportStatus },
} as const;
