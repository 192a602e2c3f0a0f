// Patients' data are this user's only, whatever the umask: with umask 0 (everything made would be
// open to everyone) and a data directory left world-readable with world-writable files (as PGlite
// made them: 968 of 1,068 files were 0666), the workstation makes every folder 0700 and every file
// 0600, while it runs (the journal, the lock) and after it stops. A real workstation on a real
// file system, its store a copy of a migrated one.
import { chmodSync, lstatSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshStoreDir } from '../../electron/host/store/store-template.test-support';
import { startWorkstation, type Workstation } from '../../electron/host/workstation';

/** Every file and folder under `dir` whose mode lets anyone but its owner in. */
function openToOthers(dir: string): string[] {
  const open: string[] = [];
  const visit = (path: string) => {
    const stats = lstatSync(path);
    if (stats.isSymbolicLink()) return;
    if ((stats.mode & 0o077) !== 0) open.push(`${path} ${(stats.mode & 0o777).toString(8)}`);
    if (stats.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(dir);
  return open;
}

describe('the data directory under umask 0', () => {
  let folder: string;
  let umask: number;
  let workstation: Workstation | null = null;

  beforeEach(() => {
    umask = process.umask(0);
  });
  afterEach(async () => {
    await workstation?.stop();
    process.umask(umask);
    rmSync(folder, { recursive: true, force: true });
  });

  it('is private to this user while the workstation runs and after it stops', async () => {
    ({ folder } = await freshStoreDir('ws-modes-'));
    // As found in the field: the folders 0755, the store's files 0666.
    const opened = (path: string) => {
      const stats = lstatSync(path);
      chmodSync(path, stats.isDirectory() ? 0o755 : 0o666);
      if (stats.isDirectory()) for (const name of readdirSync(path)) opened(join(path, name));
    };
    opened(folder);
    expect(openToOthers(folder).length).toBeGreaterThan(900);
    const log: string[] = [];
    workstation = await startWorkstation({ dataDir: folder, devices: [], log: (m) => log.push(m) });
    expect(log).toContainEqual(
      expect.stringMatching(/\(mode 755\) held \d+ files or folders other users/),
    );
    expect(lstatSync(folder).mode & 0o777).toBe(0o700);
    expect(openToOthers(folder).filter((p) => !p.includes('/pgdata/'))).toEqual([]);
    await workstation.stop();
    workstation = null;
    expect(openToOthers(folder)).toEqual([]);
    const names = readdirSync(folder);
    expect(names).toEqual(
      expect.arrayContaining([
        'pgdata',
        'pgdata.journal',
        'pgdata.seal',
        'workstation.json',
        'workstation.json.copy',
      ]),
    );
  }, 120_000);
});
