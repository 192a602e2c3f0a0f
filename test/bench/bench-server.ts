// The central server as the benchmarks run it: its real command on a fresh PostgreSQL database,
// plain http on loopback, with the tests' admin token in a file of its own. stop() ends the
// process, drops the database and removes the folder.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_TOKEN } from '../../server/test-support/central';
import { freshDatabase, type TestDatabase } from '../../server/test-support/database';
import { startServerProcess, type ServerProcess } from '../../server/test-support/server-process';

export interface BenchServer {
  server: ServerProcess;
  database: TestDatabase;
  url: string;
  stop(): Promise<void>;
}

export async function startBenchServer(extraArgs: string[] = []): Promise<BenchServer> {
  const database = await freshDatabase('bench');
  const dir = mkdtempSync(join(tmpdir(), 'bench-server-'));
  writeFileSync(join(dir, 'token'), ADMIN_TOKEN, { mode: 0o600 });
  try {
    const server = await startServerProcess([
      ...['--db', database.url, '--port', '0', '--insecure-http'],
      ...['--admin-token-file', join(dir, 'token')],
      ...extraArgs,
    ]);
    return {
      server,
      database,
      url: server.url,
      async stop() {
        await server.stop();
        await database.drop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
