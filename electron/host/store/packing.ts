// Full disclosure at the size of the signal. Live samples reach the database as chunks of ~2 s per
// channel (waveform_staging): quick to write and durable at once, but each row and its index
// entries cost about as much as its compressed samples. Once a channel's minute is complete, its
// chunks are decoded, joined and encoded again as one waveform_chunks row (the codec's header
// paid once a minute), and deleted, in one transaction: a crash leaves either form, never both.
// Imports write packed rows directly. Reads see both forms and return the same samples.
import type { PGlite, Transaction } from '@electric-sql/pglite';
import { uuidv7 } from '../../../shared/ids';
import { CHUNK_BYTES, MAX_CHUNK_SPAN_MS } from './queries';
import {
  decodeStoredChunk,
  encodeStoredChunk,
  WAVEFORM_ENCODING,
} from '../../../shared/codec/waveform-codec';

export const PACK_MINUTE_MS = 60_000;
/**
 * A minute is packed once it ended this long ago: samples wait up to 2 s to be merged into a
 * chunk and 250 ms more to be sent, and a device's frames may come late. A chunk later still is
 * packed on its own, into another row of its minute.
 */
export const PACK_GRACE_MS = 15_000;
/** Channel-minutes packed per step: each step holds the worker for at most ~0.1 s. */
export const DEFAULT_PACK_GROUPS = 64;
/**
 * A staged chunk continues a packed row when it starts on that row's sample grid, give or take
 * the rounding of stored times to whole ms; otherwise (a gap, an overlap, a clock step) it starts
 * a row of its own, so every sample keeps the time it was stored with.
 */
const ON_GRID_MS = 0.5 + 1e-6;

/** One packed row: samples without a gap, sample k taken at t0Ms + k * 1000 / rateHz. */
export interface PackedRun {
  bedId: string;
  deviceId: string;
  channel: string;
  rateHz: number;
  t0Ms: number;
  values: Int32Array;
}

export interface PackResult {
  /** waveform_chunks rows written. */
  packedRows: number;
  /** waveform_staging rows packed and deleted. */
  stagedRows: number;
  /** Staged chunks that cannot be decoded: left staged, named for the log. */
  problems: string[];
  /** The step stopped at maxGroups: there may be more to pack. */
  more: boolean;
}

export interface PackOptions {
  maxGroups?: number;
  /** Tests: runs inside the transaction once something was packed, before the commit. */
  beforeCommit?: () => void;
}

/** A packed row being gathered: its chunks' samples, in order. */
interface OpenRun {
  run: Omit<PackedRun, 'values'>;
  parts: Int32Array[];
  count: number;
  /** Minute, bed, device, channel and rate: a run never leaves its group. */
  group: string;
}

interface StagedRow {
  id: string;
  bed_id: string;
  device_id: string;
  channel: string;
  rate_hz: number;
  t0_ms: number | bigint;
  sample_count: number;
  data: Uint8Array;
  minute: number;
}

/**
 * Packs up to maxGroups channel-minutes whose minute ended PACK_GRACE_MS before nowMs, oldest
 * first: their staged chunks become packed rows (one per unbroken run, at most one a minute for a
 * steady signal) and are deleted, in one transaction.
 */
export async function packStep(
  db: PGlite,
  workstationId: string,
  nowMs: number,
  { maxGroups = DEFAULT_PACK_GROUPS, beforeCommit }: PackOptions = {},
): Promise<PackResult> {
  const cutoffMs = Math.floor((nowMs - PACK_GRACE_MS) / PACK_MINUTE_MS) * PACK_MINUTE_MS;
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<StagedRow>(
      `WITH g AS (
         SELECT DISTINCT floor(t0_ms / ${PACK_MINUTE_MS}.0)::bigint AS minute,
                bed_id, device_id, channel, rate_hz
         FROM waveform_staging WHERE t0_ms < $1
         ORDER BY 1, 2, 3, 4, 5 LIMIT $2)
       SELECT s.id, s.bed_id, s.device_id, s.channel, s.rate_hz, s.t0_ms, s.sample_count,
              s.data, g.minute::float8 AS minute
       FROM g JOIN waveform_staging s
         ON s.bed_id = g.bed_id AND s.t0_ms >= g.minute * ${PACK_MINUTE_MS}
        AND s.t0_ms < (g.minute + 1) * ${PACK_MINUTE_MS}
        AND s.device_id = g.device_id AND s.channel = g.channel AND s.rate_hz = g.rate_hz
       ORDER BY g.minute, s.bed_id, s.device_id, s.channel, s.rate_hz, s.t0_ms, s.id`,
      [cutoffMs, maxGroups],
      CHUNK_BYTES,
    );
    const groups = new Set<string>();
    const runs: PackedRun[] = [];
    const packedIds: string[] = [];
    const problems: string[] = [];
    let open: OpenRun | null = null;
    const closeRun = () => {
      if (open) runs.push({ ...open.run, values: joined(open.parts, open.count) });
      open = null;
    };
    for (const row of rows) {
      const group = `${row.minute}\u0000${row.bed_id}\u0000${row.device_id}\u0000${row.channel}\u0000${row.rate_hz}`;
      groups.add(group);
      const t0Ms = Number(row.t0_ms);
      let values: Int32Array;
      try {
        values = decodeStoredChunk(WAVEFORM_ENCODING, row.data, row.sample_count);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        problems.push(
          `the staged chunk of bed ${row.bed_id} device ${row.device_id} channel ${row.channel} at t0 ${t0Ms} cannot be packed: ${reason}`,
        );
        continue;
      }
      const periodMs = 1000 / row.rate_hz;
      const continues =
        open !== null &&
        open.group === group &&
        Math.abs(t0Ms - (open.run.t0Ms + open.count * periodMs)) <= ON_GRID_MS &&
        (open.count + values.length) * periodMs <= MAX_CHUNK_SPAN_MS + 1e-6;
      if (!continues) {
        closeRun();
        open = {
          run: {
            bedId: row.bed_id,
            deviceId: row.device_id,
            channel: row.channel,
            rateHz: row.rate_hz,
            t0Ms,
          },
          parts: [],
          count: 0,
          group,
        };
      }
      open!.parts.push(values);
      open!.count += values.length;
      packedIds.push(row.id);
    }
    closeRun();
    await insertPackedRuns(tx, workstationId, runs);
    if (packedIds.length > 0) {
      await tx.query('DELETE FROM waveform_staging WHERE id = ANY($1::uuid[])', [packedIds]);
      beforeCommit?.();
    }
    return {
      packedRows: runs.length,
      stagedRows: packedIds.length,
      problems,
      more: groups.size >= maxGroups,
    };
  });
}

/** Packs every complete minute, step by step; what all the steps did. */
export async function packAll(
  db: PGlite,
  workstationId: string,
  nowMs: number,
  options: PackOptions = {},
): Promise<PackResult> {
  const total: PackResult = { packedRows: 0, stagedRows: 0, problems: [], more: false };
  for (;;) {
    const step = await packStep(db, workstationId, nowMs, options);
    total.packedRows += step.packedRows;
    total.stagedRows += step.stagedRows;
    total.problems.push(...step.problems);
    // A step that packed nothing but undecodable chunks would find the same ones again.
    if (!step.more || step.stagedRows === 0) return total;
  }
}

/**
 * Makes the space of packed (deleted) staged chunks reusable; the files never shrink
 * (vacuum_truncate is off, migration 014). Not in a transaction.
 */
export async function reclaimStaging(db: PGlite): Promise<void> {
  await db.exec('VACUUM waveform_staging');
}

/** A whole recorded signal (an import) as packed rows of PACK_MINUTE_MS, in one transaction. */
export async function storePackedRun(
  db: PGlite,
  workstationId: string,
  run: PackedRun,
): Promise<number> {
  const runs = splitRun(run);
  await db.transaction((tx) => insertPackedRuns(tx, workstationId, runs));
  return runs.length;
}

/** A run cut into rows of a minute's samples each, from its first sample. */
export function splitRun(run: PackedRun): PackedRun[] {
  const perRow = Math.max(1, Math.floor((PACK_MINUTE_MS * run.rateHz) / 1000));
  const rows: PackedRun[] = [];
  for (let at = 0; at < run.values.length; at += perRow) {
    rows.push({
      ...run,
      t0Ms: Math.round(run.t0Ms + (at * 1000) / run.rateHz),
      values: run.values.subarray(at, at + perRow),
    });
  }
  return rows;
}

// A packed row is ~10 kB at 360 Hz: a few hundred per statement keeps statements a few MB.
const PACKED_ROWS_PER_STATEMENT = 200;

async function insertPackedRuns(
  tx: Transaction,
  workstationId: string,
  runs: readonly PackedRun[],
): Promise<void> {
  for (let start = 0; start < runs.length; start += PACKED_ROWS_PER_STATEMENT) {
    const params: unknown[] = [];
    const tuples = runs.slice(start, start + PACKED_ROWS_PER_STATEMENT).map((run) => {
      const data = encodeStoredChunk(
        { channel: run.channel, rateHz: run.rateHz, t0Ms: run.t0Ms },
        run.values,
      );
      const values = [
        uuidv7(),
        workstationId,
        run.bedId,
        run.deviceId,
        run.channel,
        run.rateHz,
        run.t0Ms,
        run.values.length,
        WAVEFORM_ENCODING,
        data,
      ];
      return `(${values.map((value) => `$${params.push(value)}`).join(', ')})`;
    });
    // One statement: the sync outbox is filled once for all of them (migration 006).
    await tx.query(
      `INSERT INTO waveform_chunks (id, workstation_id, bed_id, device_id, channel, rate_hz,
         t0_ms, sample_count, encoding, data) VALUES ${tuples.join(', ')}`,
      params,
    );
  }
}

function joined(parts: readonly Int32Array[], count: number): Int32Array {
  if (parts.length === 1) return parts[0]!;
  const values = new Int32Array(count);
  let at = 0;
  for (const part of parts) {
    values.set(part, at);
    at += part.length;
  }
  return values;
}
