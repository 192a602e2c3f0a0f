// The sync requests and stream of the contract (spread into `requests` and `streams` in
// contract.ts): how this workstation's data are reaching the central server, in one object every
// screen's status line shows, and enrolment from a settings screen. The host does all networking.
import { z } from 'zod';

export const SyncState = z.enum([
  'not-enrolled',
  /** Talking to the server; nothing much waits. */
  'connected',
  /** Connected, sending what was kept while offline. */
  'draining',
  /** No answer, or no good one: every row is kept and sent once it answers again. */
  'unreachable',
  /** The server and this workstation speak different sync protocols: one must be updated. */
  'version-mismatch',
  /** The server no longer accepts this workstation: monitoring goes on, data are kept. */
  'revoked',
]);
export type SyncState = z.infer<typeof SyncState>;

const Count = z.number().int().nonnegative();
const Ms = z.number().nullable();

export const SyncLaneBacklog = z.object({
  /** 0: alarms, admissions, identities, audit; 1: numerics; 2: waveforms, strips, sounds. */
  lane: z.number().int().min(0).max(2),
  rows: Count,
  bytes: Count,
  oldestAtMs: Ms,
});

export const SyncStatus = z.object({
  enrolled: z.boolean(),
  /** The central server's address, once enrolled. */
  server: z.string().nullable(),
  /** This workstation's name and unit as IT set them on the server. */
  workstationName: z.string().nullable(),
  unit: z.string().nullable(),
  state: SyncState,
  /** Since when the state has been what it is (UTC ms). */
  since: z.number(),
  /** What waits to be sent: rows, stored bytes (estimated for rows without stored bytes), since when. */
  waiting: z.object({
    rows: Count,
    bytes: Count,
    oldestAtMs: Ms,
    byLane: z.array(SyncLaneBacklog),
  }),
  /** While draining: the measured rate and the time left at that rate. */
  drain: z
    .object({
      rowsPerS: z.number().nonnegative(),
      bytesPerS: z.number().nonnegative(),
      etaS: z.number().nonnegative().nullable(),
    })
    .nullable(),
  /** Rows the server refused: kept aside with its reason, never sent again blindly. */
  setAside: z.object({ count: Count, lastReason: z.string().nullable(), lastAtMs: Ms }),
  /** When the server last took a batch or answered (UTC ms). */
  lastSuccessAtMs: Ms,
  /** The status line, in words. */
  message: z.string(),
});
export type SyncStatus = z.infer<typeof SyncStatus>;

const ServerUrl = z
  .string()
  .trim()
  .min(1, 'The central server address is missing.')
  .max(400, 'The central server address is longer than 400 characters.');

export const syncRequests = {
  /** How this workstation's data are reaching the central server now. */
  getSyncStatus: { input: z.object({}).strict(), output: SyncStatus },
  /**
   * Joins a central server with a one-time code an administrator made; the credential it gives
   * is kept (sealed) in the data directory. Refused with a sentence when the code, the address,
   * the server's certificate or its protocol is wrong; nothing is kept then.
   */
  enrol: {
    input: z
      .object({
        server: ServerUrl,
        code: z.string().trim().min(1, 'The enrolment code is missing.').max(40),
        /** What IT will call this workstation; the computer's name when absent. */
        name: z.string().trim().min(1).max(120).optional(),
        /** PEM of the CA that signed the server's certificate (a hospital's own CA). */
        caPem: z
          .string()
          .max(64 * 1024)
          .optional(),
      })
      .strict(),
    output: SyncStatus,
  },
  /** Leaves the central server: the credential is deleted; every row stays kept here. */
  forgetEnrolment: { input: z.object({}).strict(), output: SyncStatus },
  /**
   * Sends the rows the central server refused again, once it was changed to take them (a row it
   * still refuses is set aside again, with its reason). How many were queued.
   */
  sendSetAsideAgain: {
    input: z.object({}).strict(),
    output: z.object({ requeued: z.number().int().nonnegative() }).strict(),
  },
} as const;

export const syncStreams = {
  /** The sync status now, then on every change (at most once a second). */
  syncStatus: { input: z.object({}).strict(), event: SyncStatus },
} as const;
