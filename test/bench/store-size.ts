// Waveform bytes on disk per sample, everything included: heap, TOAST, indexes, free-space and
// visibility maps of waveform_chunks and waveform_staging, and the waveform rows' share of
// sync_outbox. MIT-BIH DS1 (22 records × 2 leads × 30 min at 360 Hz) in fresh stores on disk,
// through the real store (its worker thread, PGlite on disk):
//   imported  importRecordAsBed, as `workstation import` does: packed rows written directly;
//   live      every record as a live bed at once, 1 s blocks, each minute packed once complete
//             (as the store worker does by itself, PACK_GRACE_MS after it ends);
//   before    the layout before packing: 2 s chunks (1 s blocks merged, as ingest did) in
//             waveform_chunks with the schema of migration 013, each row queued for sync.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { uuidv7 } from '../../shared/ids';
import { openStore } from '../../electron/host/store/client';
import { applyMigrations } from '../../electron/host/store/migrate';
import { migrations } from '../../electron/host/store/migrations/index';
import { PACK_GRACE_MS, PACK_MINUTE_MS } from '../../electron/host/store/packing';
import { encodeStoredChunk, WAVEFORM_ENCODING } from '../../shared/codec/waveform-codec';
import { importRecordAsBed } from '../../electron/host/export/store-records';
import { readWfdb } from '../../electron/host/export/wfdb';
import type { ExportRecord } from '../../electron/host/export/record';
import { referenceData } from '../support/reference-data';
import { round } from './stats';

const MITBIH_DIR = referenceData('mitbih');
export const DS1 =
  '101 106 108 109 112 114 115 116 118 119 122 124 201 203 205 207 208 209 215 220 223 230'.split(
    ' ',
  );
const BYTES_GOAL = 0.6;

/** What the waveforms of a store take on disk. */
export interface WaveformSize {
  samples: number;
  /** Everything below, in bytes. */
  bytes: number;
  bytesPerSample: number;
  /** Per relation, all forks and indexes (pg_total_relation_size). */
  waveformChunks: number;
  waveformStaging: number;
  /** sync_outbox's size × the share of its rows that are waveform rows. */
  outboxShare: number;
  rows: number;
}

/** A MIT-BIH record as the import reads it (signals only: annotations are not waveforms). */
export function readMitbih(name: string, dir = MITBIH_DIR): ExportRecord {
  return readWfdb(
    readFileSync(join(dir, `${name}.hea`), 'utf8'),
    readFileSync(join(dir, `${name}.dat`)),
  );
}

/** Measures a store's waveforms on disk; the store must be closed (PGlite opens it directly). */
export async function waveformSize(dataDir: string): Promise<WaveformSize> {
  const db = await PGlite.create(dataDir);
  try {
    const staged = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_class WHERE relname = 'waveform_staging'`,
    );
    const hasStaging = staged.rows[0]!.n > 0;
    const { rows } = await db.query<Record<string, number>>(
      `SELECT pg_total_relation_size('waveform_chunks')::float8 AS chunks,
              ${hasStaging ? `pg_total_relation_size('waveform_staging')::float8` : '0'} AS staging,
              pg_total_relation_size('sync_outbox')::float8 AS outbox,
              (SELECT count(*) FROM sync_outbox WHERE table_name = 'waveform_chunks')::float8
                AS outbox_waveform_rows,
              (SELECT count(*) FROM sync_outbox)::float8 AS outbox_rows,
              (SELECT count(*) FROM waveform_chunks)::float8 AS chunk_rows,
              (SELECT coalesce(sum(sample_count), 0) FROM waveform_chunks)::float8
                ${hasStaging ? '+ (SELECT coalesce(sum(sample_count), 0) FROM waveform_staging)' : ''}
                AS samples`,
    );
    const r = rows[0]!;
    const outboxShare =
      r.outbox_rows! > 0 ? (r.outbox! * r.outbox_waveform_rows!) / r.outbox_rows! : 0;
    const bytes = r.chunks! + r.staging! + outboxShare;
    return {
      samples: r.samples!,
      bytes,
      bytesPerSample: bytes / r.samples!,
      waveformChunks: r.chunks!,
      waveformStaging: r.staging!,
      outboxShare: Math.round(outboxShare),
      rows: r.chunk_rows!,
    };
  } finally {
    await db.close();
  }
}

/** The records imported into a fresh store at `dataDir`, as `workstation import` does. */
export async function importedStore(dataDir: string, records: readonly ExportRecord[]) {
  const store = await openStore({ dataDir, workstationId: 'bench-size' });
  try {
    // Within retention (the worker prunes by the clock), all at the same time, a bed each.
    const startMs = Math.floor((Date.now() - 2 * 3_600_000) / PACK_MINUTE_MS) * PACK_MINUTE_MS;
    for (const record of records) {
      await importRecordAsBed(store, record, {
        bedLabel: `DS1 ${record.name}`,
        startMs,
        actor: 'bench',
      });
    }
  } finally {
    await store.close();
  }
}

/** The records as live beds, all at once: 1 s blocks, each minute packed once complete. */
export async function liveStore(dataDir: string, records: readonly ExportRecord[]) {
  const store = await openStore({ dataDir, workstationId: 'bench-size' });
  try {
    // Tomorrow: the worker's own packing (by the clock) leaves these minutes to the calls below.
    const startMs = Math.ceil((Date.now() + 86_400_000) / PACK_MINUTE_MS) * PACK_MINUTE_MS;
    const minutes = Math.max(
      ...records.flatMap((r) => r.channels.map((c) => c.samples.length / c.rateHz / 60)),
    );
    for (let minute = 0; minute < Math.ceil(minutes); minute++) {
      for (const record of records) {
        for (const channel of record.channels) {
          const perBlock = channel.rateHz;
          const end = Math.min(channel.samples.length, (minute + 1) * 60 * channel.rateHz);
          for (let at = minute * 60 * channel.rateHz; at < end; at += perBlock) {
            store.appendSamples({
              bedId: `live-${record.name}`,
              deviceId: `dev-${record.name}`,
              channel: channel.key,
              rateHz: channel.rateHz,
              t0: startMs + (at * 1000) / channel.rateHz,
              values: Array.from(channel.samples.subarray(at, Math.min(end, at + perBlock))),
            });
          }
        }
      }
      await store.flush();
      await store.pack(startMs + (minute + 1) * PACK_MINUTE_MS + PACK_GRACE_MS);
    }
    await store.pack(startMs + (Math.ceil(minutes) + 1) * PACK_MINUTE_MS + PACK_GRACE_MS);
  } finally {
    await store.close();
  }
}

/** The records stored as the store did before packing: 2 s chunks, schema of migration 013. */
export async function storeBeforePacking(dataDir: string, records: readonly ExportRecord[]) {
  const db = await PGlite.create(dataDir);
  try {
    await applyMigrations(
      db,
      migrations.filter((m) => m.version <= 13),
    );
    const startMs = 1_735_689_600_000;
    for (const record of records) {
      for (const channel of record.channels) {
        const perChunk = 2 * channel.rateHz;
        let rows: unknown[][] = [];
        const flush = async () => {
          const params: unknown[] = [];
          const tuples = rows.map((row) => `(${row.map((v) => `$${params.push(v)}`).join(', ')})`);
          await db.query(
            `INSERT INTO waveform_chunks (id, workstation_id, bed_id, device_id, channel, rate_hz,
               t0_ms, sample_count, encoding, data) VALUES ${tuples.join(', ')}`,
            params,
          );
          rows = [];
        };
        for (let at = 0; at < channel.samples.length; at += perChunk) {
          const values = channel.samples.subarray(at, at + perChunk);
          const t0Ms = Math.round(startMs + (at * 1000) / channel.rateHz);
          const data = encodeStoredChunk(
            { channel: channel.key, rateHz: channel.rateHz, t0Ms },
            values,
          );
          rows.push([
            uuidv7(),
            'bench-size',
            `old-${record.name}`,
            `dev-${record.name}`,
            channel.key,
            channel.rateHz,
            t0Ms,
            values.length,
            WAVEFORM_ENCODING,
            data,
          ]);
          if (rows.length === 1000) await flush();
        }
        if (rows.length > 0) await flush();
      }
    }
  } finally {
    await db.close();
  }
}

async function measured(
  build: (dataDir: string, records: readonly ExportRecord[]) => Promise<void>,
  records: readonly ExportRecord[],
): Promise<WaveformSize & { buildS: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'ws-bench-size-'));
  try {
    const start = performance.now();
    await build(join(dir, 'pgdata'), records);
    const buildS = round((performance.now() - start) / 1000, 1);
    return { ...(await waveformSize(join(dir, 'pgdata'))), buildS };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const summary = (size: WaveformSize & { buildS: number }) => ({
  bytesPerSample: round(size.bytesPerSample, 4),
  mb: round(size.bytes / 1e6, 2),
  waveformChunksMb: round(size.waveformChunks / 1e6, 2),
  waveformStagingMb: round(size.waveformStaging / 1e6, 3),
  outboxShareMb: round(size.outboxShare / 1e6, 3),
  rows: size.rows,
  buildS: size.buildS,
});

/** The `store.bytes-per-sample` row of `npm run bench` (sizes do not vary: one run). */
export async function storeSizeBench(): Promise<Record<string, unknown>[]> {
  if (!existsSync(join(MITBIH_DIR, '101.hea'))) {
    return [{ bench: 'store.bytes-per-sample', skipped: `MIT-BIH DS1 not found at ${MITBIH_DIR}` }];
  }
  const records = DS1.map((name) => readMitbih(name));
  const imported = await measured(importedStore, records);
  const live = await measured(liveStore, records);
  const before = await measured(storeBeforePacking, records);
  return [
    {
      bench: 'store.bytes-per-sample',
      what: `MIT-BIH DS1 (${DS1.length} records × 2 leads) imported into a fresh store on disk (importRecordAsBed): waveform bytes on disk (waveform_chunks and waveform_staging with TOAST, indexes and maps, and the waveform rows' share of sync_outbox) per sample`,
      unit: 'bytes/sample',
      median: round(imported.bytesPerSample, 4),
      goal: BYTES_GOAL,
      samples: imported.samples,
      imported: summary(imported),
      live: {
        what: 'the same records as 22 live beds at once in 1 s blocks, each minute packed once complete',
        ...summary(live),
      },
      before: {
        what: 'the layout before packing: 2 s chunks in waveform_chunks (migration 013), each queued for sync',
        ...summary(before),
      },
    },
  ];
}
