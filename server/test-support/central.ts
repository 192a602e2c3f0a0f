// Test support: a central server in this process on a fresh database, on loopback HTTP, with a
// known admin token, and workstations enrolled on it.
import { SYNC_PATHS, SYNC_PROTOCOL } from '../../shared/sync/protocol';
import { ADMIN_PATHS } from '../../shared/sync/admin';
import { startCentralServer } from '../central-server';
import type { CentralServerOptions, RunningCentralServer } from '../central-server';
import { freshDatabase } from './database';
import type { TestDatabase } from './database';
import { bearer, call } from './http-client';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export interface TestCentral {
  database: TestDatabase;
  server: RunningCentralServer;
  url: string;
  logs: string[];
  enrol(workstationId: string, name?: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startTestCentral(
  options: Partial<CentralServerOptions> = {},
  database?: TestDatabase,
): Promise<TestCentral> {
  const db = database ?? (await freshDatabase());
  const logs: string[] = [];
  const server = await startCentralServer({
    databaseUrl: db.url,
    host: '127.0.0.1',
    port: 0,
    tls: null,
    adminToken: ADMIN_TOKEN,
    log: (line) => logs.push(line),
    ...options,
  });
  return {
    database: db,
    server,
    url: server.url,
    logs,
    enrol: (workstationId, name = workstationId) => enrolOn(server.url, workstationId, name),
    stop: async () => {
      await server.close();
      if (!database) await db.drop();
    },
  };
}

/** Makes a code with the admin api and enrols with it; returns the credential. */
export async function enrolOn(url: string, workstationId: string, name: string, unit = 'ICU 2') {
  const made = await call(url, ADMIN_PATHS.enrolmentCodes, {
    headers: bearer(ADMIN_TOKEN),
    body: { unit },
  });
  if (made.status !== 200) throw new Error(`code: ${made.status} ${made.text}`);
  const enrolled = await call(url, SYNC_PATHS.enrol, {
    body: {
      protocol: SYNC_PROTOCOL,
      code: made.json.code,
      workstationId,
      name,
      appVersion: '0.1.0',
    },
  });
  if (enrolled.status !== 200) throw new Error(`enrol: ${enrolled.status} ${enrolled.text}`);
  return enrolled.json.credential as string;
}
