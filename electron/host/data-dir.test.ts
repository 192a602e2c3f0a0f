// The data directory on a real file system: private whatever the umask, and an identity that a
// damaged file never silently replaces.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataDirError, openDataDir } from './data-dir';

const isRoot = process.getuid?.() === 0;
const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('the data directory', () => {
  let folder: string;
  let data: string;
  let log: string[];
  let umask: number;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'ws-data-dir-'));
    data = join(folder, 'data');
    log = [];
    umask = process.umask(0); // the worst case: everything made would be open to everyone
  });
  afterEach(() => {
    process.umask(umask);
    rmSync(folder, { recursive: true, force: true });
  });

  it('is made private to this user on a first start, whatever the umask, with an identity and its copy', () => {
    const opened = openDataDir(data, (message) => log.push(message));
    expect(opened.notices).toEqual([]);
    expect(log).toEqual([]);
    expect(modeOf(data)).toBe(0o700);
    for (const name of ['workstation.json', 'workstation.json.copy']) {
      expect(modeOf(join(data, name))).toBe(0o600);
      expect(JSON.parse(readFileSync(join(data, name), 'utf8'))).toEqual({
        id: opened.workstationId,
      });
    }
    expect(openDataDir(data, () => {}).workstationId).toBe(opened.workstationId);
  });

  it('closes a folder other users could open, and every file in it, and says so', () => {
    mkdirSync(join(data, 'pgdata', 'base'), { recursive: true, mode: 0o777 });
    chmodSync(data, 0o755);
    writeFileSync(join(data, 'pgdata', 'base', '1234'), 'rows', { mode: 0o666 });
    chmodSync(join(data, 'pgdata', 'base', '1234'), 0o666);
    openDataDir(data, (message) => log.push(message));
    expect(modeOf(data)).toBe(0o700);
    expect(modeOf(join(data, 'pgdata'))).toBe(0o700);
    expect(modeOf(join(data, 'pgdata', 'base', '1234'))).toBe(0o600);
    expect(log).toEqual([
      expect.stringMatching(/\(mode 755\) held \d+ files or folders other users .* now private/),
    ]);
  });

  it.skipIf(!isRoot)(
    'refuses a folder it cannot make private, saying how to fix it (root: mounts a read-only tmpfs)',
    () => {
      mkdirSync(data);
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,mode=0755,size=1m', 'tmpfs', data]);
      try {
        expect(() => openDataDir(data, () => {})).toThrow(DataDirError);
        expect(() => openDataDir(data, () => {})).toThrow(
          /holds patients' data but cannot be made private .* Run "chmod -R go-rwx .*data" as its owner/,
        );
      } finally {
        execFileSync('umount', [data]);
      }
    },
  );

  it('keeps a damaged identity aside and restores it from its copy, saying so', () => {
    const { workstationId } = openDataDir(data, () => {});
    writeFileSync(join(data, 'workstation.json'), '\u0000\u0000garbage{');
    const opened = openDataDir(data, () => {});
    expect(opened.workstationId).toBe(workstationId);
    expect(opened.notices).toEqual([
      expect.stringMatching(
        new RegExp(
          `identity file was damaged \\(kept as .*workstation\\.json\\.damaged-.*\\); it was restored from its copy: this is still workstation ${workstationId}`,
        ),
      ),
    ]);
    const kept = readdirSync(data).find((name) => name.startsWith('workstation.json.damaged-'))!;
    expect(readFileSync(join(data, kept), 'utf8')).toBe('\u0000\u0000garbage{');
    expect(JSON.parse(readFileSync(join(data, 'workstation.json'), 'utf8')).id).toBe(workstationId);
  });

  it('takes back the identity its data store names when the identity files are gone', () => {
    mkdirSync(join(data, 'pgdata'), { recursive: true });
    const marker = { createdAt: '2026-12-01T00:00:00.000Z', workstationId: 'ws-of-the-store' };
    writeFileSync(join(data, 'pgdata.created'), JSON.stringify(marker));
    // Missing (a store made by a tool): logged. Damaged: said.
    expect(openDataDir(data, (message) => log.push(message))).toEqual({
      workstationId: 'ws-of-the-store',
      notices: [],
    });
    expect(log).toContainEqual(
      expect.stringMatching(/restored from the data store.*ws-of-the-store/),
    );
    writeFileSync(join(data, 'workstation.json'), 'garbage');
    rmSync(join(data, 'workstation.json.copy'));
    expect(openDataDir(data, () => {}).notices).toEqual([
      expect.stringMatching(/was damaged .*; it was restored from the data store.*ws-of-the-store/),
    ]);
  });

  it('never takes a new identity without saying so', () => {
    const { workstationId } = openDataDir(data, () => {});
    writeFileSync(join(data, 'workstation.json'), 'garbage');
    rmSync(join(data, 'workstation.json.copy'));
    const opened = openDataDir(data, () => {});
    expect(opened.workstationId).not.toBe(workstationId);
    expect(opened.notices).toEqual([
      expect.stringMatching(
        new RegExp(
          `damaged .* no copy: .* as a new workstation \\(${opened.workstationId}\\), so the central server will take it for another one`,
        ),
      ),
    ]);
    // A store with data and the identity gone is not a first start either.
    rmSync(join(data, 'workstation.json'));
    rmSync(join(data, 'workstation.json.copy'));
    mkdirSync(join(data, 'pgdata'));
    expect(openDataDir(data, () => {}).notices).toEqual([
      expect.stringMatching(/was missing and it had no copy/),
    ]);
    expect(existsSync(join(data, 'workstation.json.copy'))).toBe(true);
  });
});
