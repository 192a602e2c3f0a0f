// `npm run server` with the hospital sign-in's flags, in its own process: it says where it signs
// users in and which redirect address to register at the provider; half a setting, or a secret
// file it cannot read, stops it with a sentence.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../test-support/database';
import type { TestDatabase } from '../test-support/database';
import { runServerCommand, startServerProcess } from '../test-support/server-process';

let database: TestDatabase;
let dir: string;

beforeAll(async () => {
  database = await freshDatabase('oidc_cmd');
  dir = mkdtempSync(join(tmpdir(), 'oidc-cmd-'));
  writeFileSync(join(dir, 'secret'), 'the-client-secret\n', { mode: 0o600 });
});
afterAll(async () => {
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const serve = () => ['--db', database.url, '--port', '0', '--insecure-http'];

describe('npm run server with --oidc-…', () => {
  it('says where it signs hospital users in and the redirect addresses to register', async () => {
    const server = await startServerProcess([
      ...serve(),
      '--oidc-issuer',
      'http://127.0.0.1:9/realms/staff',
      '--oidc-client-id',
      'central-server',
      '--oidc-client-secret-file',
      join(dir, 'secret'),
    ]);
    try {
      expect(server.stdout()).toContain(
        `Sign-in with the hospital account through http://127.0.0.1:9/realms/staff ` +
          `(redirect addresses ${server.url}/auth/oidc/callback for workstations, ` +
          `${server.url}/telehealth/oidc/callback for remote consults)`,
      );
    } finally {
      await server.stop();
    }
  }, 30_000);

  it('stops with a sentence for half a setting or an unreadable secret file', async () => {
    const half = await runServerCommand([...serve(), '--oidc-issuer', 'https://login.example']);
    expect(half.code).toBe(2);
    expect(half.stderr).toContain('--oidc-client-id and --oidc-client-secret-file are missing');
    const unreadable = await runServerCommand([
      ...serve(),
      '--oidc-issuer',
      'https://login.example',
      '--oidc-client-id',
      'c',
      '--oidc-client-secret-file',
      join(dir, 'no-such-file'),
    ]);
    expect(unreadable.code).toBe(1);
    expect(unreadable.stderr).toContain('Cannot read the OpenID Connect client secret file');
    const elsewhere = await runServerCommand([
      'workstations',
      '--db',
      database.url,
      '--oidc-issuer',
      'https://login.example',
      '--oidc-client-id',
      'c',
      '--oidc-client-secret-file',
      join(dir, 'secret'),
    ]);
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toContain('--oidc-… and --public-url are options of serving');
  }, 60_000);
});
