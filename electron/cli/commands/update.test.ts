// `workstation update --from` with bundles made here (a folder, and a .tar made by tar), real keys,
// real files: checked, staged, then taken up by the updater as the desktop app runs it.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeSigningKey, signRelease, writePublicKey } from '../../host/update/release-fixture';
import { loadTrustedKeys } from '../../host/update/signature';
import { UpdateService } from '../../host/update/update-service';
import type { MonitoredBed } from '../../host/update/policy';
import { Readable } from 'node:stream';
import { workstationId } from '../../host/data-dir';
import { openStore } from '../../host/store/client';
import { runUpdate, type UpdateCommandDeps } from './update';

const PASSPHRASE = 'a long passphrase for the update test';

const NAME = 'Clinical-Workstation-3.2.0.AppImage';
const key = makeSigningKey();
let root: string;
let keysDir: string;
let dataDir: string;
let lines: string[];
let errors: string[];
const installer = randomBytes(200 * 1024);

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'update-cli-'));
  keysDir = join(root, 'keys');
  dataDir = join(root, 'data');
  mkdirSync(keysDir);
  writePublicKey(keysDir, key);
  lines = [];
  errors = [];
  vi.spyOn(console, 'error').mockImplementation((line: string) => errors.push(line));
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(root, { recursive: true, force: true });
});

function bundleFolder(
  files: Record<string, Uint8Array> = { [NAME]: installer },
  signed = files,
): string {
  const folder = join(root, 'bundle');
  mkdirSync(folder, { recursive: true });
  const release = signRelease(key, '3.2.0', 'linux', signed);
  writeFileSync(join(folder, 'release-linux.json'), JSON.stringify(release));
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(folder, name), bytes);
  return folder;
}

function run(args: string[], beds: MonitoredBed[] | null = []): Promise<number> {
  const deps: UpdateCommandDeps = {
    readMonitoredBeds: async () => beds,
    out: (line) => lines.push(line),
    platform: 'linux',
  };
  return runUpdate(
    ['--data', dataDir, '--keys', keysDir, '--running-version', '3.1.0', ...args],
    deps,
  );
}

function desktopUpdater(installed: string[], beds: MonitoredBed[] = []): UpdateService {
  return new UpdateService({
    dataDir,
    workstationId: 'ws-1',
    runningVersion: '3.1.0',
    platform: 'linux',
    channel: 'stable',
    link: () => null,
    monitoredBeds: () => beds,
    keys: loadTrustedKeys(keysDir).keys,
    installer: { install: async (file) => void installed.push(file) },
    log: () => undefined,
  });
}

describe('workstation update --from', () => {
  it('checks a release folder, stages it, and the desktop app installs it at a quit with no bed monitored', async () => {
    expect(await run(['--from', bundleFolder()])).toBe(0);
    expect(lines[0]).toMatch(/^Release 3.2.0 checked: signed with key [0-9a-f]{16}/);
    expect(lines.at(-1)).toMatch(
      /^Staged at .*updates.*This command cannot run the installer itself/,
    );
    expect(readdirSync(join(dataDir, 'updates')).sort()).toEqual([NAME, 'offline-release.json']);

    const installed: string[] = [];
    const updater = desktopUpdater(installed);
    await updater.check();
    expect(updater.status()).toMatchObject({ state: 'ready', offeredVersion: '3.2.0' });
    expect(await updater.beforeQuit()).toBe(true);
    expect(installed).toEqual([join(dataDir, 'updates', NAME)]);
  });

  it('reads a .tar made by tar (with a folder inside)', async () => {
    const folder = bundleFolder();
    const tar = join(root, 'release-3.2.0.tar');
    execFileSync('tar', ['-cf', tar, '-C', root, 'bundle']);
    expect(await run(['--from', tar])).toBe(0);
    expect(existsSync(join(dataDir, 'updates', NAME))).toBe(true);
    rmSync(folder, { recursive: true });
  });

  it('refuses a bundle whose file was changed, and stages nothing', async () => {
    const tampered = Buffer.from(installer);
    tampered[7] = tampered[7]! ^ 1;
    const folder = bundleFolder({ [NAME]: tampered }, { [NAME]: installer });
    expect(await run(['--from', folder])).toBe(1);
    expect(errors[0]).toMatch(/refused, nothing installed: .*does not match its signed sha512/);
    expect(readdirSync(join(dataDir, 'updates'))).toEqual([]);
  });

  it('lists the beds with a patient admitted and leaves the install to a safe moment', async () => {
    const beds = [{ bedId: 'bed-3', label: 'Bed 3', patient: 'DOE, Jane (MRN 7)', devices: 0 }];
    expect(await run(['--from', bundleFolder()], beds)).toBe(0);
    expect(lines).toContain('  Bed 3: DOE, Jane (MRN 7)');
    expect(lines.at(-1)).toMatch(/will install when no patient is monitored.*Install now/);
    const installed: string[] = [];
    const updater = desktopUpdater(installed, beds);
    await updater.check();
    expect(await updater.beforeQuit()).toBe(false);
    expect(installed).toEqual([]);
  });

  it('says a running workstation takes it as its own', async () => {
    expect(await run(['--from', bundleFolder()], null)).toBe(0);
    expect(lines.at(-1)).toMatch(
      /^The workstation is running on .*installs it when no bed is monitored/,
    );
  });

  it('refuses everything with no signing key built in', async () => {
    rmSync(join(keysDir, 'it.pub'));
    expect(await run(['--from', bundleFolder()])).toBe(1);
    expect(errors[0]).toContain('no update signing key is built into this workstation');
  });

  it('says what is wrong with a bundle for another platform, a file that is not a tar, or no --from', async () => {
    const folder = join(root, 'win-bundle');
    mkdirSync(folder);
    writeFileSync(join(folder, 'release-win.json'), '{}');
    expect(await run(['--from', folder])).toBe(1);
    expect(errors.at(-1)).toContain('has no release-linux.json');
    const garbage = join(root, 'garbage.tar');
    writeFileSync(garbage, randomBytes(2048));
    expect(await run(['--from', garbage])).toBe(1);
    expect(errors.at(-1)).toContain('is not a tar archive');
    await expect(run([])).rejects.toThrow('--from is required');
  });

  it('reads the admitted patients from the store of a workstation that is not running', async () => {
    mkdirSync(dataDir, { recursive: true });
    const code = await runUpdate(
      [
        '--from',
        bundleFolder(),
        '--data',
        dataDir,
        '--keys',
        keysDir,
        '--running-version',
        '3.1.0',
      ],
      { out: (line) => lines.push(line), platform: 'linux' },
    );
    expect(code).toBe(0);
    expect(lines.at(-1)).toMatch(/^Staged at/);
  });
});

describe('workstation update --from on a passphrase-protected folder', () => {
  it('reads the admitted patients with --passphrase-stdin, and says why it cannot without', async () => {
    const store = await openStore({
      dataDir: join(dataDir, 'pgdata'),
      workstationId: workstationId(dataDir),
      encryption: { passphrase: PASSPHRASE },
    });
    try {
      await store.admitPatient({
        patient: {
          mrn: 'TEST-UPD-1',
          familyName: 'Testpatient',
          givenName: 'Update',
          birthDate: '1970-01-01',
          category: 'adult',
        },
        bedId: 'bed-2',
        bedLabel: 'Bed 2',
        atMs: Date.now() - 60_000,
        actor: 'nurse-test',
        detail: 'admitted to Bed 2 (test)',
      });
    } finally {
      await store.close();
    }
    const args = ['--from', bundleFolder(), '--data', dataDir, '--keys', keysDir];
    const deps = { out: (line: string) => lines.push(line), platform: 'linux' as const };

    await expect(runUpdate([...args, '--running-version', '3.1.0'], deps)).rejects.toThrow(
      /not marked for installing: .*passphrase/,
    );
    const code = await runUpdate([...args, '--running-version', '3.1.0', '--passphrase-stdin'], {
      ...deps,
      input: Readable.from([`${PASSPHRASE}\n`]),
    });
    expect(code).toBe(0);
    expect(lines).toContain('  Bed 2: Testpatient, Update (MRN TEST-UPD-1)');
    expect(lines.at(-1)).toMatch(/a signed-in user can choose Install now/);
  });
});
