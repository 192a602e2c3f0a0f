// The desktop shell's updater with an injected stand-in for electron-updater's autoUpdater: the
// Electron runtime cannot be downloaded in this build environment, so the real one cannot run
// here. The files it "downloads" are real files in a temp folder, hashed for real.
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createShellUpdater, sha512OfFile, type ElectronUpdaterLike } from './updater';

const temp = mkdtempSync(join(tmpdir(), 'shell-updater-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
const checkedFile = join(temp, 'Clinical Workstation Setup 3.2.0.exe');
writeFileSync(checkedFile, 'the release the core checked');
const otherFile = join(temp, 'other.exe');
writeFileSync(otherFile, 'something else');

class FakeUpdater extends EventEmitter implements ElectronUpdaterLike {
  autoDownload = true; // electron-updater's defaults: both on
  autoInstallOnAppQuit = true;
  feeds: unknown[] = [];
  quitAndInstallCalls: Array<[boolean | undefined, boolean | undefined]> = [];
  available = true;
  downloads = [checkedFile];
  failInstall: Error | null = null;
  setFeedURL(options: { provider: 'generic'; url: string }) {
    this.feeds.push(options);
  }
  async checkForUpdates() {
    return this.available ? { isUpdateAvailable: true, updateInfo: { version: '3.2.0' } } : null;
  }
  async downloadUpdate() {
    this.emit('update-downloaded', { version: '3.2.0' });
    return this.downloads;
  }
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean) {
    this.quitAndInstallCalls.push([isSilent, isForceRunAfter]);
    // As electron-updater does when the installer cannot start: an 'error' event, no throw.
    if (this.failInstall) this.emit('error', this.failInstall);
  }
}

function setUp(options: { feedUrl?: string; failStop?: boolean } = {}) {
  const fake = new FakeUpdater();
  const events: string[] = [];
  const shell = createShellUpdater(fake, {
    ...(options.feedUrl ? { feedUrl: () => options.feedUrl ?? null } : {}),
    beforeInstall: async () => {
      events.push('stop workstation');
      if (options.failStop) throw new Error('store would not close');
    },
    restart: () => events.push('restart'),
    quit: () => events.push('quit'),
    report: (message) => events.push(`report: ${message}`),
  });
  return { fake, shell, events };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('the shell’s updater', () => {
  it('turns electron-updater’s own downloading and install-on-quit off, and keeps them off', async () => {
    const { fake, shell } = setUp();
    expect(fake.autoDownload).toBe(false);
    expect(fake.autoInstallOnAppQuit).toBe(false);
    fake.autoInstallOnAppQuit = true; // whatever set it, a prepare sets it back
    await shell.prepare(checkedFile);
    expect(fake.autoInstallOnAppQuit).toBe(false);
    expect(fake.quitAndInstallCalls).toEqual([]);
  });

  it('points electron-updater at the channel’s feed when given one, else leaves app-update.yml', async () => {
    const plain = setUp();
    await plain.shell.prepare(checkedFile);
    expect(plain.fake.feeds).toEqual([]);
    const url = 'https://central.hospital.example/updates/pilot';
    const pointed = setUp({ feedUrl: url });
    expect(pointed.fake.feeds).toEqual([]); // asked at install time, not at start
    await pointed.shell.prepare(checkedFile);
    expect(pointed.fake.feeds).toEqual([{ provider: 'generic', url }]);
  });

  it('installs when the core calls: stops the workstation first, silent, and starts again', async () => {
    const { fake, shell, events } = setUp();
    await shell.install(checkedFile);
    expect(events.filter((e) => !e.startsWith('report'))).toEqual(['stop workstation']);
    expect(fake.quitAndInstallCalls).toEqual([[true, true]]);
  });

  it('refuses to install bytes other than the ones the core checked', async () => {
    const { fake, shell, events } = setUp();
    fake.downloads = [otherFile];
    await expect(shell.install(checkedFile)).rejects.toThrow(
      /not the file the workstation checked/,
    );
    expect(fake.quitAndInstallCalls).toEqual([]);
    expect(events).not.toContain('stop workstation');
    // Nothing prepared either, so a quit installs nothing.
    expect(shell.installOnQuit(() => true)).toBe(false);
  });

  it('says so when the feed no longer offers the release, and installs nothing', async () => {
    const { fake, shell } = setUp();
    fake.available = false;
    await expect(shell.install(checkedFile)).rejects.toThrow(/does not offer this release/);
    expect(fake.quitAndInstallCalls).toEqual([]);
  });

  it('never installs on quit unless the core allows it, even with an update prepared', async () => {
    const { fake, shell } = setUp();
    expect(shell.installOnQuit(() => true)).toBe(false); // nothing prepared
    await shell.prepare(checkedFile);
    expect(shell.installOnQuit(() => false)).toBe(false);
    expect(
      shell.installOnQuit(() => {
        throw new Error('policy unavailable');
      }),
    ).toBe(false);
    await settle();
    expect(fake.quitAndInstallCalls).toEqual([]);
  });

  it('installs on quit when allowed: takes the quit over once, and does not start again', async () => {
    const { fake, shell, events } = setUp();
    await shell.prepare(checkedFile);
    expect(shell.installOnQuit(() => true)).toBe(true);
    // The installer's own app.quit() comes back through before-quit: let it through.
    expect(shell.installOnQuit(() => true)).toBe(false);
    await settle();
    expect(events).toContain('stop workstation');
    expect(fake.quitAndInstallCalls).toEqual([[true, false]]);
  });

  it('reports an installer that would not start, and brings the stopped workstation back', async () => {
    const { fake, shell, events } = setUp();
    fake.failInstall = new Error('spawn EACCES');
    await shell.install(checkedFile);
    expect(events).toContain('report: The update was not installed: spawn EACCES');
    expect(events.at(-1)).toBe('restart');
  });

  it('finishes the quit when installing on quit fails, instead of leaving the app half-stopped', async () => {
    const { shell, events } = setUp({ failStop: true });
    await shell.prepare(checkedFile);
    expect(shell.installOnQuit(() => true)).toBe(true);
    await settle();
    expect(events).toContain('report: The update was not installed: store would not close');
    expect(events.at(-1)).toBe('quit');
  });

  it('reports electron-updater’s errors instead of letting them reach the main process', () => {
    const { fake, events } = setUp();
    expect(() => fake.emit('error', new Error('net::ERR_CONNECTION_REFUSED'))).not.toThrow();
    expect(events).toContain('report: Update: net::ERR_CONNECTION_REFUSED');
  });

  it('hashes a file as electron-updater writes sha512 (base64)', async () => {
    expect(await sha512OfFile(checkedFile)).toMatch(/^[A-Za-z0-9+/]{86}==$/);
    expect(await sha512OfFile(checkedFile)).not.toBe(await sha512OfFile(otherFile));
  });
});
