// The JSON messages of enrolment, push answers, pull and the server's hello. Both sides parse
// what they receive with these schemas: a peer that sends anything else gets a clear refusal.
import { z } from 'zod';
import { syncedRowSchemas, SYNCED_TABLES } from './tables';
import type { SyncedTable } from './tables';

/** A one-time enrolment code as an administrator reads it out: groups of letters and digits. */
export const EnrolmentCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(
    /^[A-Z0-9]{4}(-?[A-Z0-9]{4}){3}$/,
    'an enrolment code is 16 letters and digits, as XXXX-XXXX-XXXX-XXXX',
  );

export const EnrolRequest = z
  .object({
    protocol: z.number().int(),
    code: EnrolmentCode,
    workstationId: z.string().min(1).max(200),
    /** What IT calls this workstation ("ICU-2 central", "Clinic Kisoro"). */
    name: z.string().trim().min(1).max(120),
    appVersion: z.string().max(40),
  })
  .strict();
export type EnrolRequest = z.infer<typeof EnrolRequest>;

export const EnrolResponse = z.object({
  workstationId: z.string(),
  /** The workstation's own secret: sent as a bearer token, kept encrypted at rest. */
  credential: z.string().min(32).max(200),
  serverId: z.string(),
  unit: z.string().nullable(),
});
export type EnrolResponse = z.infer<typeof EnrolResponse>;

export const PushResponse = z.object({
  batchId: z.string(),
  /** Rows stored now. */
  accepted: z.number().int().nonnegative(),
  /** Rows the server had already (a batch sent again): done as well. */
  duplicates: z.number().int().nonnegative(),
  /** Rows the server will never take, with the reason: set aside, never retried blindly. */
  refused: z.array(
    z.object({ table: z.string(), id: z.string().nullable(), reason: z.string().max(2_000) }),
  ),
});
export type PushResponse = z.infer<typeof PushResponse>;

const PulledRow = z.discriminatedUnion('kind', [
  /** A version of a fact another workstation (or the server) recorded, for a patient here. */
  z.object({
    kind: z.literal('row'),
    table: z.enum(SYNCED_TABLES as [SyncedTable, ...SyncedTable[]]),
    row: z.record(z.string(), z.unknown()),
  }),
  /** What the server says about this workstation: its unit and name as IT set them. */
  z.object({
    kind: z.literal('workstation'),
    name: z.string(),
    unit: z.string().nullable(),
  }),
]);

export const PullResponse = z.object({
  protocol: z.number().int(),
  /** Ask again from here. */
  cursor: z.number().int().nonnegative(),
  changes: z.array(PulledRow),
  /** More waits after the cursor: ask again at once. */
  more: z.boolean(),
});
export type PullResponse = z.infer<typeof PullResponse>;

export const Hello = z.object({
  protocol: z.number().int(),
  oldestProtocol: z.number().int(),
  serverId: z.string(),
  serverVersion: z.string(),
  /** The server's clock, to tell a workstation whose clock is far off. */
  nowMs: z.number(),
});
export type Hello = z.infer<typeof Hello>;

export function validPulledRow(table: SyncedTable, row: unknown) {
  return syncedRowSchemas[table].safeParse(row);
}
