// A push is one binary frame: rows as compact JSON (columns named once per table, compressed),
// then the binary columns' bytes as they are stored. Base64 would add a third to every waveform;
// this keeps the wire within a few per cent of the store's own size.
//
//   "WSP1" | u32 BE header length | header (compressed JSON) | attachment bytes, in order
//
// Pure: the compression is passed in (zlib on Node), so the frame is tested here once.
import { z } from 'zod';
import { SYNCED_TABLES, syncedColumns, syncedRowSchemas, BLOB_COLUMNS } from './tables';
import type { SyncedTable } from './tables';

const MAGIC = [0x57, 0x53, 0x50, 0x31]; // "WSP1"
/** A batch is bounded in bytes; the uploader stays well under, the server refuses beyond. */
export const MAX_PUSH_BYTES = 32 * 1024 * 1024;
export const MAX_PUSH_ROWS = 50_000;
/** The uploader aims at this, so a batch on a thin link finishes in reasonable time. */
export const TARGET_PUSH_BYTES = 2 * 1024 * 1024;

export interface PushCodec {
  compress(bytes: Uint8Array): Uint8Array;
  /** Must refuse output beyond `maxBytes` (a zip bomb) by throwing. */
  decompress(bytes: Uint8Array, maxBytes: number): Uint8Array;
}

const TableBlock = z
  .object({
    table: z.enum(SYNCED_TABLES as [SyncedTable, ...SyncedTable[]]),
    columns: z.array(z.string().max(64)).max(64),
    rows: z.array(z.array(z.unknown()).max(64)),
  })
  .strict();

const PushHeader = z
  .object({
    protocol: z.number().int(),
    workstationId: z.string().min(1).max(200),
    batchId: z.uuid(),
    tables: z.array(TableBlock).max(SYNCED_TABLES.length * 4),
    blobs: z.array(z.number().int().nonnegative()).max(MAX_PUSH_ROWS),
  })
  .strict();

export interface PushRow {
  table: SyncedTable;
  /** Column name → value; a binary column's value is its bytes. */
  row: Record<string, unknown>;
}

export interface DecodedPush {
  protocol: number;
  workstationId: string;
  batchId: string;
  rows: PushRow[];
  /** Rows that failed their table's schema, with the reason; the rest stand. */
  refused: { table: string; id: string | null; reason: string }[];
}

export class PushFrameError extends Error {
  constructor(
    message: string,
    readonly code: 'bad-request' | 'too-large' = 'bad-request',
  ) {
    super(message);
  }
}

export function encodePush(
  meta: { protocol: number; workstationId: string; batchId: string },
  rows: PushRow[],
  codec: PushCodec,
): Uint8Array {
  const blobs: Uint8Array[] = [];
  const byTable = new Map<SyncedTable, unknown[][]>();
  for (const { table, row } of rows) {
    const blobColumn = BLOB_COLUMNS[table];
    const values = syncedColumns(table).map((column) => {
      if (column !== blobColumn) return row[column] ?? null;
      const bytes = row[column];
      if (!(bytes instanceof Uint8Array))
        throw new PushFrameError(`${table}.${column} is not bytes`);
      blobs.push(bytes);
      return { blob: blobs.length - 1 };
    });
    let list = byTable.get(table);
    if (!list) byTable.set(table, (list = []));
    list.push(values);
  }
  return encodePushBlocks(
    meta,
    [...byTable].map(([table, list]) => ({ table, rowsJson: JSON.stringify(list) })),
    blobs,
    codec,
  );
}

/**
 * A frame from table blocks whose rows are already JSON text (an array of arrays, in the order
 * syncedColumns gives): the store writes numerics' rows as JSON itself, ~4 times faster than
 * handing them to JavaScript one value at a time. Blob references in the rows index `blobs`.
 */
export function encodePushBlocks(
  meta: { protocol: number; workstationId: string; batchId: string },
  blocks: readonly { table: SyncedTable; rowsJson: string }[],
  blobs: readonly Uint8Array[],
  codec: PushCodec,
): Uint8Array {
  const tables = blocks
    .map(
      ({ table, rowsJson }) =>
        `{"table":${JSON.stringify(table)},"columns":${JSON.stringify(syncedColumns(table))},"rows":${rowsJson}}`,
    )
    .join(',');
  const header =
    `{"protocol":${JSON.stringify(meta.protocol)},"workstationId":${JSON.stringify(meta.workstationId)},` +
    `"batchId":${JSON.stringify(meta.batchId)},"tables":[${tables}],` +
    `"blobs":${JSON.stringify(blobs.map((b) => b.byteLength))}}`;
  const headerBytes = codec.compress(new TextEncoder().encode(header));
  const total = 8 + headerBytes.byteLength + blobs.reduce((n, b) => n + b.byteLength, 0);
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(4, headerBytes.byteLength);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.byteLength;
  for (const b of blobs) {
    out.set(b, at);
    at += b.byteLength;
  }
  return out;
}

/**
 * Reads a frame. A frame that is not one (wrong magic, lengths that do not add up, a header that
 * is not the schema) throws PushFrameError; rows that fail their table's schema are listed in
 * `refused` and the others stand, so one bad row never holds back the batch.
 */
export function decodePush(frame: Uint8Array, codec: PushCodec): DecodedPush {
  if (frame.byteLength > MAX_PUSH_BYTES) {
    throw new PushFrameError(`a push is at most ${MAX_PUSH_BYTES} bytes`, 'too-large');
  }
  if (frame.byteLength < 8 || MAGIC.some((b, i) => frame[i] !== b)) {
    throw new PushFrameError('not a sync push frame');
  }
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const headerLength = view.getUint32(4);
  if (8 + headerLength > frame.byteLength) throw new PushFrameError('the frame is cut short');
  let headerJson: unknown;
  try {
    const raw = codec.decompress(frame.subarray(8, 8 + headerLength), MAX_PUSH_BYTES * 4);
    headerJson = JSON.parse(new TextDecoder().decode(raw));
  } catch (error) {
    throw new PushFrameError(`the frame's header cannot be read: ${(error as Error).message}`);
  }
  const parsed = PushHeader.safeParse(headerJson);
  if (!parsed.success) {
    throw new PushFrameError(`the frame's header is not a push: ${z.prettifyError(parsed.error)}`);
  }
  const header = parsed.data;
  const rowCount = header.tables.reduce((n, t) => n + t.rows.length, 0);
  if (rowCount > MAX_PUSH_ROWS) {
    throw new PushFrameError(`a push holds at most ${MAX_PUSH_ROWS} rows`, 'too-large');
  }
  const blobs: Uint8Array[] = [];
  let at = 8 + headerLength;
  for (const length of header.blobs) {
    if (at + length > frame.byteLength) throw new PushFrameError('the frame is cut short');
    blobs.push(frame.subarray(at, at + length));
    at += length;
  }
  if (at !== frame.byteLength)
    throw new PushFrameError('the frame has bytes after its last attachment');

  const rows: PushRow[] = [];
  const refused: DecodedPush['refused'] = [];
  const usedBlobs = new Set<number>();
  for (const block of header.tables) {
    const schema = syncedRowSchemas[block.table];
    const blobColumn = BLOB_COLUMNS[block.table];
    for (const values of block.rows) {
      const object: Record<string, unknown> = {};
      block.columns.forEach((column, i) => (object[column] = values[i]));
      const checked = schema.safeParse(object);
      const id = typeof object.id === 'string' ? object.id : null;
      if (!checked.success) {
        refused.push({ table: block.table, id, reason: z.prettifyError(checked.error) });
        continue;
      }
      const row: Record<string, unknown> = { ...checked.data };
      if (blobColumn) {
        const index = (row[blobColumn] as { blob: number }).blob;
        if (index >= blobs.length || usedBlobs.has(index)) {
          refused.push({
            table: block.table,
            id,
            reason: `${blobColumn} names no attachment of its own`,
          });
          continue;
        }
        usedBlobs.add(index);
        row[blobColumn] = blobs[index];
      }
      rows.push({ table: block.table, row });
    }
  }
  return {
    protocol: header.protocol,
    workstationId: header.workstationId,
    batchId: header.batchId,
    rows,
    refused,
  };
}
