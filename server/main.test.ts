// The `npm run server` command as IT runs it, from source in its own process: its ready line,
// HTTPS with a CA made here, the admin token, and failures it explains (bad arguments: exit code 2
// in enrolment.test.ts, every case in cli/args.test.ts).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnrolResponse, Hello } from '../shared/sync/messages';
import { ADMIN_PATHS } from '../shared/sync/admin';
import { SYNC_PATHS, SYNC_PROTOCOL } from '../shared/sync/protocol';
import { startCentralServer } from './central-server';
import { freshDatabase } from './test-support/database';
import type { TestDatabase } from './test-support/database';
import { bearer, call } from './test-support/http-client';
import { numeric, pushFrame } from './test-support/rows';
import { runServerCommand, startServerProcess } from './test-support/server-process';
import { hasOpenssl, makeTestCa } from './test-support/tls';
import type { TestCa } from './test-support/tls';

const ADMIN_TOKEN = 'main-test-admin-token-abcdefghijklmnop';
/** The ready line, exactly, as a line of its own. */
const readyLine = (url: string) =>
  new RegExp(`^Central server ready at ${url.replace(/[.]/g, '\\.')}$`, 'm');
let database: TestDatabase;
let ca: TestCa;
let tokenFile: string;

beforeAll(async () => {
  expect(hasOpenssl(), 'the openssl command is needed to make the test CA').toBe(true);
  database = await freshDatabase('main');
  ca = makeTestCa();
  tokenFile = join(ca.dir, 'admin-token');
  writeFileSync(tokenFile, `${ADMIN_TOKEN}\n`, { mode: 0o600 });
});
afterAll(async () => {
  await database?.drop();
  ca?.remove();
});

describe('npm run server', () => {
  it('serves HTTPS with the given certificate: one ready line, trusted with the CA only', async () => {
    const server = await startServerProcess([
      '--db',
      database.url,
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--tls-cert',
      ca.certPath,
      '--tls-key',
      ca.keyPath,
      '--admin-token-file',
      tokenFile,
    ]);
    try {
      expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(server.stdout()).toMatch(readyLine(server.url));
      expect(server.stdout()).not.toMatch(/Admin token/);
      const hello = await call(server.url, SYNC_PATHS.hello, { ca: ca.caPem });
      expect(Hello.parse(hello.json).protocol).toBe(SYNC_PROTOCOL);
      await expect(call(server.url, SYNC_PATHS.hello)).rejects.toThrow(
        /self[- ]signed|unable to verify/i,
      );
      // A workstation enrols and pushes over TLS.
      const code = await call(server.url, ADMIN_PATHS.enrolmentCodes, {
        ca: ca.caPem,
        headers: bearer(ADMIN_TOKEN),
        body: {},
      });
      const enrolled = EnrolResponse.parse(
        (
          await call(server.url, SYNC_PATHS.enrol, {
            ca: ca.caPem,
            body: {
              protocol: SYNC_PROTOCOL,
              code: code.json.code,
              workstationId: 'ws-tls',
              name: 'TLS',
              appVersion: '0.1.0',
            },
          })
        ).json,
      );
      const pushed = await call(server.url, SYNC_PATHS.push, {
        ca: ca.caPem,
        headers: bearer(enrolled.credential),
        body: pushFrame('ws-tls', [numeric('ws-tls')]),
      });
      expect(pushed.json).toMatchObject({ accepted: 1 });
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it('prints the admin token once, at the first start without a token file', async () => {
    const fresh = await freshDatabase('main_token');
    try {
      const args = ['--db', fresh.url, '--port', '0', '--insecure-http'];
      const first = await startServerProcess(args);
      await first.stop();
      const token = /^Admin token \(shown this once; only its hash is kept\): (\S+)$/m.exec(
        first.stdout(),
      )![1]!;
      expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      // Kept as its hash: the next start (here in this process) prints nothing and accepts it.
      const second = await startCentralServer({
        databaseUrl: fresh.url,
        host: '127.0.0.1',
        port: 0,
        tls: null,
        log: () => {},
      });
      try {
        expect(second.adminTokenMadeNow).toBeNull();
        const listed = await call(second.url, ADMIN_PATHS.workstations, { headers: bearer(token) });
        expect(listed.status).toBe(200);
      } finally {
        await second.close();
      }
    } finally {
      await fresh.drop();
    }
  });

  it('says what is wrong when a file or the database cannot be used (exit code 1)', async () => {
    const url = new URL(database.url);
    url.pathname = '/no_such_database_here';
    const [missingCert, noDatabase] = await Promise.all([
      runServerCommand([
        '--db',
        database.url,
        '--port',
        '0',
        '--tls-cert',
        '/nonexistent/cert.pem',
        '--tls-key',
        ca.keyPath,
      ]),
      runServerCommand(['--db', url.toString(), '--port', '0', '--insecure-http']),
    ]);
    expect(missingCert.code).toBe(1);
    expect(missingCert.stderr).toMatch(
      /Cannot read the TLS certificate file \/nonexistent\/cert.pem/,
    );
    expect(noDatabase.code).toBe(1);
    expect(noDatabase.stderr).toMatch(/does not exist/);
  });
});
