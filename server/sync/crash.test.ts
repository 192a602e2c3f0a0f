// The central server killed with SIGKILL in the middle of a batch (while PostgreSQL is inserting
// it), restarted, and everything sent again: every row is stored exactly once, and the killed
// batch left nothing half-stored.
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_PATHS } from '../../shared/sync/protocol';
import { enrolOn } from '../test-support/central';
import { freshDatabase } from '../test-support/database';
import type { TestDatabase } from '../test-support/database';
import { bearer, call } from '../test-support/http-client';
import { numeric, pushFrame, waveformChunk } from '../test-support/rows';
import { startServerProcess } from '../test-support/server-process';
import type { ServerProcess } from '../test-support/server-process';

const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
let database: TestDatabase;
let dir: string;
let watcher: pg.Client;

beforeAll(async () => {
  database = await freshDatabase('crash');
  dir = mkdtempSync(join(tmpdir(), 'central-crash-'));
  writeFileSync(join(dir, 'admin-token'), ADMIN_TOKEN);
  watcher = new pg.Client({ connectionString: database.url });
  await watcher.connect();
});
afterAll(async () => {
  await watcher?.end();
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const start = () =>
  startServerProcess([
    '--db',
    database.url,
    '--port',
    '0',
    '--insecure-http',
    '--admin-token-file',
    join(dir, 'admin-token'),
  ]);

/** Resolves once the server's session is inserting waveform chunks (the batch's largest table). */
async function insertingChunks(timeoutMs = 20_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const { rows } = await watcher.query<{ state: string; query: string }>(
      `SELECT state, query FROM pg_stat_activity
       WHERE datname = current_database() AND application_name = 'central-server'
         AND query LIKE 'INSERT INTO waveform_chunks%' AND state = 'active'`,
    );
    if (rows.length > 0) return rows[0]!.state;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new Error('the server never got to inserting the batch');
}

async function serverSessionsGone(): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const { rows } = await watcher.query(
      `SELECT 1 FROM pg_stat_activity
       WHERE datname = current_database() AND application_name = 'central-server'`,
    );
    if (rows.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error("the killed server's database sessions did not end");
}

async function stored(table: string): Promise<{ rows: number; distinct: number }> {
  const { rows } = await watcher.query<{ n: string; d: string }>(
    `SELECT count(*) AS n, count(DISTINCT id) AS d FROM ${table}`,
  );
  return { rows: Number(rows[0]!.n), distinct: Number(rows[0]!.d) };
}

describe('a server killed in the middle of a batch', () => {
  it('stores every row exactly once after a restart and the batches sent again', async () => {
    let server: ServerProcess = await start();
    const credential = await enrolOn(server.url, 'ws-a', 'ws-a');
    const push = (frame: Uint8Array) =>
      call(server.url, SYNC_PATHS.push, { body: frame, headers: bearer(credential) });

    const first = pushFrame(
      'ws-a',
      Array.from({ length: 500 }, (_, i) => numeric('ws-a', i)),
    );
    // Numerics first, then 12 MB of waveform chunks: killed while PostgreSQL inserts the chunks.
    const big = pushFrame('ws-a', [
      ...Array.from({ length: 2_000 }, (_, i) => numeric('ws-a', i)),
      ...Array.from({ length: 750 }, () => waveformChunk('ws-a', { bytes: 16_000 })),
    ]);
    expect((await push(first)).json).toMatchObject({ accepted: 500 });

    const killed = push(big).then(
      (answer) => ({ answered: answer.status }),
      (error: Error) => ({ error: error.message }),
    );
    await insertingChunks();
    await server.kill();
    // The client saw the connection die: no answer, so the workstation keeps the batch.
    expect(await killed).toMatchObject({
      error: expect.stringMatching(/socket hang up|ECONNRESET/),
    });
    await serverSessionsGone();
    // Nothing of the killed batch is there, not even its numerics inserted before the chunks.
    expect(await stored('numerics')).toEqual({ rows: 500, distinct: 500 });
    expect(await stored('waveform_chunks')).toEqual({ rows: 0, distinct: 0 });

    server = await start();
    try {
      // The workstation sends again everything it had not had answered, and the first batch too.
      const again = await push(big);
      expect(again.json).toMatchObject({ accepted: 2_750, duplicates: 0, refused: [] });
      expect((await push(first)).json).toMatchObject({ accepted: 0, duplicates: 500 });
      expect(await stored('numerics')).toEqual({ rows: 2_500, distinct: 2_500 });
      expect(await stored('waveform_chunks')).toEqual({ rows: 750, distinct: 750 });
    } finally {
      await server.stop();
    }
  });
});
