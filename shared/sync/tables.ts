// The rows that sync, as they travel: one schema per table of the workstation's store, with the
// store's own column names, so both ends map them without a translation table of their own.
// Every row carries its UUIDv7 id and the id of the workstation that made it; binary columns
// travel as they are stored (already compressed by the store's codec), outside the JSON.
import { z } from 'zod';

const Uuid = z.uuid();
const Text = z.string().max(4_000);
const ShortText = z.string().max(200);
/** A wall-clock time as the workstation recorded it (UTC ms); never rewritten by the server. */
const Ms = z.number().int().min(0).max(8_640_000_000_000);
// An instant as ISO 8601 UTC text: anything else is refused as its row alone, before a database
// cast could fail a whole batch (the server's) or a whole page (the puller's) on it.
const IsoTime = z.iso.datetime({ offset: true });
/** A SHA-256 as 64 lowercase hex digits. */
const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const Hlc = z.string().regex(/^\d{15}-[0-9a-f]{4}-.{1,80}$/);
/** A binary column: its bytes are the push frame's attachment number `blob`. */
export const BlobRef = z.object({ blob: z.number().int().nonnegative() }).strict();

const common = { id: Uuid, workstation_id: ShortText, created_at: IsoTime };

export const syncedRowSchemas = {
  patients: z.object({
    ...common,
    supersedes: Uuid.nullable(),
    mrn: ShortText.nullable(),
    family_name: ShortText.nullable(),
    given_name: ShortText.nullable(),
    birth_date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .nullable(),
    category: z.enum(['adult', 'paediatric', 'neonatal']),
    actor: ShortText,
    at_ms: Ms.nullable(),
    hlc: Hlc.nullable(),
  }),
  admissions: z.object({
    ...common,
    patient_id: Uuid,
    bed_id: ShortText,
    bed_label: ShortText.nullable(),
    event: z.enum(['admitted', 'transferred', 'discharged']),
    at_ms: Ms,
    actor: ShortText,
    hlc: Hlc.nullable(),
  }),
  alarm_settings: z.object({
    ...common,
    bed_id: ShortText,
    patient_id: Uuid.nullable(),
    category: z.enum(['adult', 'paediatric', 'neonatal']),
    limits: z.unknown(),
    alarms_off: z.unknown(),
    audio_off: z.unknown().nullable(),
    actor: ShortText,
    at_ms: Ms,
    hlc: Hlc.nullable(),
  }),
  device_sessions: z.object({
    ...common,
    device_id: ShortText,
    driver: ShortText,
    path: Text,
    bed_id: ShortText,
    event: z.enum(['assigned', 'connected', 'lost', 'removed']),
    detail: Text.nullable(),
    at_ms: Ms,
  }),
  channels: z.object({
    ...common,
    bed_id: ShortText,
    device_id: ShortText,
    channel: ShortText,
    label: ShortText,
    unit: ShortText,
    rate_hz: z.number().positive().max(1_000_000),
    scale: z.number().finite().nullable(),
  }),
  alarm_events: z.object({
    ...common,
    bed_id: ShortText,
    alarm_id: ShortText.nullable(),
    event: ShortText,
    kind: z.enum(['physiological', 'technical']).nullable(),
    priority: z.enum(['high', 'medium', 'low']).nullable(),
    code: ShortText,
    message: Text,
    value: z.number().finite().nullable(),
    limit_value: z.number().finite().nullable(),
    actor: ShortText,
    at_ms: Ms,
    reason: Text.nullable(),
    origin: z.enum(['workstation', 'device']).nullable(),
  }),
  annotations: z.object({
    ...common,
    bed_id: ShortText,
    at_ms: Ms,
    kind: ShortText,
    text: Text,
    actor: ShortText,
  }),
  news2_observations: z.object({
    ...common,
    bed_id: ShortText,
    patient_id: Uuid,
    at_ms: Ms,
    spo2_scale: z.union([z.literal(1), z.literal(2)]).nullable(),
    on_oxygen: z.boolean().nullable(),
    consciousness: z.enum(['A', 'C', 'V', 'P', 'U']).nullable(),
    temperature_c: z.number().min(25).max(45).nullable(),
    actor: ShortText,
  }),
  audit_events: z.object({
    ...common,
    at_ms: Ms,
    actor: ShortText,
    action: ShortText,
    subject: Text.nullable(),
    detail: Text.nullable(),
    // Its place in the workstation's hash chain (shared/security/audit-chain.ts): null on entries
    // written before the chain began, absent from a workstation not upgraded yet.
    seq: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).nullish(),
    prev_hash: Sha256Hex.nullish(),
    entry_hash: Sha256Hex.nullish(),
  }),
  numerics: z.object({
    ...common,
    bed_id: ShortText,
    device_id: ShortText,
    code: ShortText,
    value: z.number().finite(),
    unit: ShortText,
    at_ms: Ms,
    computed: z.boolean(),
    source_key: ShortText.nullable(),
    patient_id: Uuid.nullable(),
  }),
  waveform_chunks: z.object({
    ...common,
    bed_id: ShortText,
    device_id: ShortText,
    channel: ShortText,
    rate_hz: z.number().positive().max(1_000_000),
    t0_ms: Ms,
    sample_count: z.number().int().positive().max(100_000_000),
    encoding: z.enum(['i32le', 'wfrc1']),
    data: BlobRef,
  }),
  strips: z.object({
    ...common,
    bed_id: ShortText,
    kind: z.enum(['alarm', 'manual']),
    alarm_id: ShortText.nullable(),
    alarm_message: Text.nullable(),
    from_ms: Ms,
    to_ms: Ms,
    created_at_ms: Ms,
    actor: ShortText,
    pdf: BlobRef,
  }),
  sound_recordings: z.object({
    ...common,
    bed_id: ShortText,
    patient_id: Uuid.nullable(),
    started_at_ms: Ms,
    rate_hz: z.number().int().positive().max(1_000_000),
    sample_count: z.number().int().positive(),
    site: ShortText.nullable(),
    mode: z.enum(['bell', 'diaphragm', 'raw']).nullable(),
    label: ShortText.nullable(),
    heart_rate_bpm: z.number().finite().nullable(),
    wav: BlobRef,
  }),
} as const;

export type SyncedTable = keyof typeof syncedRowSchemas;
export const SYNCED_TABLES = Object.keys(syncedRowSchemas) as SyncedTable[];
export type SyncedRow<T extends SyncedTable> = z.infer<(typeof syncedRowSchemas)[T]>;

export function isSyncedTable(name: string): name is SyncedTable {
  return Object.hasOwn(syncedRowSchemas, name);
}

/** The columns of a table in the order they travel (the schema's order). */
export function syncedColumns(table: SyncedTable): string[] {
  return Object.keys(syncedRowSchemas[table].shape);
}

/** Columns whose value is a frame attachment (bytes), per table. */
export const BLOB_COLUMNS: Partial<Record<SyncedTable, string>> = {
  waveform_chunks: 'data',
  strips: 'pdf',
  sound_recordings: 'wav',
};

/**
 * Which rows go first on a thin link. Lane 0: what a clinician must see at once (alarms,
 * admissions, identities, audit); lane 1: numerics; lane 2: waveforms and recordings, which are
 * large and already compressed. Within a lane the newest go first.
 */
export const SYNC_LANE: Record<SyncedTable, 0 | 1 | 2> = {
  alarm_events: 0,
  audit_events: 0,
  admissions: 0,
  patients: 0,
  alarm_settings: 0,
  annotations: 0,
  news2_observations: 0,
  device_sessions: 0,
  channels: 0,
  numerics: 1,
  waveform_chunks: 2,
  strips: 2,
  sound_recordings: 2,
};
export const SYNC_LANES = [0, 1, 2] as const;

/** Tables whose rows are versions of a fact that changes; the current one is the latest stamp. */
export const VERSIONED_TABLES: SyncedTable[] = ['patients', 'admissions', 'alarm_settings'];
