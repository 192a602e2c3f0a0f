// Fresh data directories for store tests, fast: a new PGlite store costs an initdb (~4 s on this
// machine), so one migrated store is made per test process and each test gets a copy of it.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from './client';

let template: Promise<string> | null = null;

function makeTemplate(): Promise<string> {
  template ??= (async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'ws-store-template-')), 'pgdata');
    await (await openStore({ dataDir: dir, workstationId: 'ws-test' })).close();
    process.once('exit', () => rmSync(join(dir, '..'), { recursive: true, force: true }));
    return dir;
  })();
  return template;
}

/**
 * A data directory holding an empty, migrated store, inside a folder of its own (the store keeps
 * its lock, journal and marker beside its directory). Remove `folder` when done.
 */
export async function freshStoreDir(
  prefix = 'ws-store-',
): Promise<{ dataDir: string; folder: string }> {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  const dataDir = join(folder, 'pgdata');
  const template = await makeTemplate();
  cpSync(template, dataDir, { recursive: true });
  // Its data key goes with it (store/encryption): the key file and the key that wraps it.
  cpSync(`${template}.key`, `${dataDir}.key`);
  cpSync(join(template, '..', 'credential.key'), join(folder, 'credential.key'));
  return { dataDir, folder };
}
