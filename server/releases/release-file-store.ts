// A release file's bytes in PostgreSQL, in 1 MiB pieces: stored as they arrive (never the whole
// installer in memory), its sha512 and size checked against the signed manifest before it counts,
// and read back a piece at a time for any byte range. Every instance serves the same bytes.
import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { UpdatePlatform } from '../../shared/update/release';
import { inTransaction } from '../db/database';
import type { Database } from '../db/database';
import { SyncRefusal } from '../sync/refusal';

export const CHUNK_BYTES = 1024 * 1024;
/** Pieces of an upload that never completed are swept after this long. */
const ABANDONED_UPLOAD_MS = 24 * 60 * 60 * 1000;

export interface ExpectedFile {
  version: string;
  platform: UpdatePlatform;
  name: string;
  sha512: string;
  size: number;
}

/** What a file's bytes are in the database; `uploadId` null until it is complete. */
export interface StoredFile extends ExpectedFile {
  uploadId: string | null;
}

export async function findReleaseFile(
  db: Database,
  version: string,
  platform: UpdatePlatform,
  name: string,
): Promise<StoredFile | null> {
  const { rows } = await db.query<{ sha512: string; size: string; upload_id: string | null }>(
    `SELECT sha512, size, upload_id FROM release_files
     WHERE version = $1 AND platform = $2 AND name = $3`,
    [version, platform, name],
  );
  const row = rows[0];
  return row
    ? {
        version,
        platform,
        name,
        sha512: row.sha512,
        size: Number(row.size),
        uploadId: row.upload_id,
      }
    : null;
}

/**
 * Stores `body` as the file `expected` names. Refused (and nothing kept) when it is longer or
 * shorter than the manifest says, or its sha512 differs; the previous upload of the same file
 * stays until the new one is complete.
 */
export async function storeReleaseFile(
  db: Database,
  expected: ExpectedFile,
  body: Readable,
): Promise<void> {
  const uploadId = randomUUID();
  const hash = createHash('sha512');
  let size = 0;
  let seq = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const label = `${expected.name} (${expected.version}, ${expected.platform})`;
  const flush = async (bytes: Buffer) => {
    await db.query('INSERT INTO release_file_chunks (upload_id, seq, bytes) VALUES ($1, $2, $3)', [
      uploadId,
      seq++,
      bytes,
    ]);
  };
  try {
    await sweepAbandonedUploads(db);
    // Async iteration pauses the socket while a piece is written: backpressure for free.
    for await (const chunk of body as AsyncIterable<Buffer>) {
      size += chunk.byteLength;
      if (size > expected.size) {
        throw new SyncRefusal(
          'too-large',
          `${label} is larger than the ${expected.size} bytes the signed release says. ` +
            'Nothing of it was kept: upload the file the release was signed with.',
        );
      }
      hash.update(chunk);
      pending.push(chunk);
      pendingBytes += chunk.byteLength;
      while (pendingBytes >= CHUNK_BYTES) {
        const joined = Buffer.concat(pending, pendingBytes);
        await flush(joined.subarray(0, CHUNK_BYTES));
        const rest = joined.subarray(CHUNK_BYTES);
        pending = rest.byteLength > 0 ? [Buffer.from(rest)] : [];
        pendingBytes = rest.byteLength;
      }
    }
    if (pendingBytes > 0) await flush(Buffer.concat(pending, pendingBytes));
    if (size !== expected.size) {
      throw new SyncRefusal(
        'bad-request',
        `${label} is ${size} bytes; the signed release says ${expected.size}. Nothing of it was ` +
          'kept: upload the whole file the release was signed with.',
      );
    }
    const sha512 = hash.digest('base64');
    if (sha512 !== expected.sha512) {
      throw new SyncRefusal(
        'bad-request',
        `${label} does not match the signed release (its sha512 differs): it is another build ` +
          'or was changed after signing. Nothing of it was kept.',
        {},
        422,
      );
    }
    await inTransaction(db, async (session) => {
      const { rows } = await session.query<{ upload_id: string | null }>(
        `SELECT upload_id FROM release_files WHERE version = $1 AND platform = $2 AND name = $3
         FOR UPDATE`,
        [expected.version, expected.platform, expected.name],
      );
      if (!rows[0]) {
        throw new SyncRefusal(
          'not-found',
          `The release of ${label} was replaced while it was uploaded. Nothing was kept.`,
        );
      }
      await session.query(
        `UPDATE release_files SET upload_id = $4 WHERE version = $1 AND platform = $2 AND name = $3`,
        [expected.version, expected.platform, expected.name, uploadId],
      );
      if (rows[0].upload_id) {
        await session.query('DELETE FROM release_file_chunks WHERE upload_id = $1', [
          rows[0].upload_id,
        ]);
      }
    });
  } catch (error) {
    await db
      .query('DELETE FROM release_file_chunks WHERE upload_id = $1', [uploadId])
      .catch(() => undefined);
    throw error;
  }
}

/** Pieces of uploads no file refers to, older than a day (a server that died mid-upload). */
async function sweepAbandonedUploads(db: Database): Promise<void> {
  await db.query(
    `DELETE FROM release_file_chunks c
     WHERE written_at < now() - make_interval(secs => $1)
       AND NOT EXISTS (SELECT 1 FROM release_files f WHERE f.upload_id = c.upload_id)`,
    [ABANDONED_UPLOAD_MS / 1000],
  );
}

/** The bytes start..end (inclusive) of a complete upload, a piece at a time. */
export async function* readReleaseBytes(
  db: Database,
  uploadId: string,
  start: number,
  end: number,
): AsyncGenerator<Buffer> {
  let at = start;
  while (at <= end) {
    const seq = Math.floor(at / CHUNK_BYTES);
    const offset = at - seq * CHUNK_BYTES;
    const length = Math.min(CHUNK_BYTES - offset, end - at + 1);
    const { rows } = await db.query<{ bytes: Buffer }>(
      `SELECT substring(bytes FROM $3 FOR $4) AS bytes FROM release_file_chunks
       WHERE upload_id = $1 AND seq = $2`,
      [uploadId, seq, offset + 1, length],
    );
    const bytes = rows[0]?.bytes;
    if (!bytes || bytes.byteLength !== length) {
      throw new Error(`release file upload ${uploadId} lacks bytes at ${at} (piece ${seq})`);
    }
    yield bytes;
    at += length;
  }
}

/** The complete file `name` of a release a channel offers now (any platform), if there is one. */
export async function findChannelFile(
  db: Database,
  channel: string,
  name: string,
): Promise<(StoredFile & { uploadId: string }) | null> {
  const { rows } = await db.query<{
    version: string;
    platform: UpdatePlatform;
    sha512: string;
    size: string;
    upload_id: string;
  }>(
    `SELECT f.version, f.platform, f.sha512, f.size, f.upload_id
     FROM release_channels c JOIN release_files f USING (version, platform)
     WHERE c.channel = $1 AND f.name = $2 AND f.upload_id IS NOT NULL
     ORDER BY f.platform LIMIT 1`,
    [channel, name],
  );
  const row = rows[0];
  return row
    ? {
        version: row.version,
        platform: row.platform,
        name,
        sha512: row.sha512,
        size: Number(row.size),
        uploadId: row.upload_id,
      }
    : null;
}
