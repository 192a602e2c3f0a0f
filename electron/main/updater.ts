// The desktop shell's use of electron-updater, kept thin: the workstation core (electron/host/
// update) decides when to download and when to install, checks our Ed25519 signature and hands
// the checked file here. electron-updater only does what needs the OS: it fetches the same release
// from the same feed (checking the OS signer and its own sha512), and we install only if its bytes
// are exactly the ones the core checked. It never downloads or installs on its own.
import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import type { Installer } from '../host/update/update-service';

/** The few members of electron-updater's `autoUpdater` used here (an injected fake in tests). */
export interface ElectronUpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  setFeedURL(options: { provider: 'generic'; url: string }): void;
  checkForUpdates(): Promise<{
    isUpdateAvailable: boolean;
    updateInfo: { version: string };
  } | null>;
  /** Resolves with the downloaded files' paths (its own cache; resumes and reuses it). */
  downloadUpdate(): Promise<string[]>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'update-downloaded', listener: (info: { version: string }) => void): unknown;
}

export interface ShellUpdaterOptions {
  /**
   * The channel's feed on the central server the workstation is enrolled with now (asked at each
   * install, as enrolment can change); null or absent: the one built into app-update.yml.
   */
  feedUrl?: () => string | null;
  /** Stops the workstation (store, ports) before the installer replaces its files. */
  beforeInstall(): Promise<void>;
  /** After the workstation was stopped for an install that then failed: start it again. */
  restart(): void;
  /** Continues a quit that installing on quit took over, when that install failed. */
  quit(): void;
  /** For the log and the status line; nothing here throws at Electron. */
  report(message: string): void;
}

/** What the shell gives the core: its `Installer`, and the quit-time install the core allows. */
export interface ShellUpdater extends Installer {
  /** Makes electron-updater hold exactly `file`'s bytes, without installing them. */
  prepare(file: string): Promise<void>;
  /** The core's Installer: prepares `file`, stops the workstation, installs and restarts. */
  install(file: string): Promise<void>;
  /**
   * From `before-quit`: installs what was prepared if the core allows it now. True when it took
   * the quit over (the caller then prevents this quit; the installer quits the app itself).
   */
  installOnQuit(installOnQuitAllowed: () => boolean): boolean;
}

export function createShellUpdater(
  updater: ElectronUpdaterLike,
  options: ShellUpdaterOptions,
): ShellUpdater {
  // Never on its own: the core decides, and only when no bed is monitored.
  const keepOff = () => {
    updater.autoDownload = false;
    updater.autoInstallOnAppQuit = false;
  };
  keepOff();
  let prepared: string | null = null;
  // Set while an install runs: how to recover if it fails after the workstation was stopped.
  let installing: { recover(): void } | null = null;

  const installFailed = (message: string) => {
    const current = installing;
    installing = null;
    options.report(`The update was not installed: ${message}`);
    current?.recover();
  };
  // An EventEmitter's unheard 'error' would be thrown at the main process; during an install it
  // means the installer did not start, so the stopped workstation must come back.
  updater.on('error', (error) => {
    if (installing) installFailed(messageOf(error));
    else options.report(`Update: ${messageOf(error)}`);
  });
  updater.on('update-downloaded', (info) =>
    options.report(
      `Update ${info.version} fetched by the installer; checking it is the same file.`,
    ),
  );
  async function prepare(file: string): Promise<void> {
    keepOff();
    prepared = null;
    const feedUrl = options.feedUrl?.();
    if (feedUrl) updater.setFeedURL({ provider: 'generic', url: feedUrl });
    const wanted = await sha512OfFile(file);
    const check = await updater.checkForUpdates();
    if (!check?.isUpdateAvailable) {
      throw new Error(
        'The update feed does not offer this release to the installer any more; nothing was installed. It will be offered again at the next check.',
      );
    }
    const downloaded = await updater.downloadUpdate();
    const hashes = await Promise.all(downloaded.map(sha512OfFile));
    if (!hashes.includes(wanted)) {
      throw new Error(
        `The installer fetched ${check.updateInfo.version}, but not the file the workstation checked; nothing was installed. Tell IT: the feed's files changed after signing.`,
      );
    }
    prepared = file;
  }

  /** Stops the workstation, then hands over to the OS installer, which quits the app. */
  async function runInstaller(restartAfter: boolean, recover: () => void): Promise<void> {
    installing = { recover };
    await options.beforeInstall();
    keepOff();
    // Silent; after "install now" the workstation starts again by itself, after a quit it does not.
    updater.quitAndInstall(true, restartAfter);
  }

  return {
    prepare,
    async install(file) {
      if (installing) throw new Error('An update is already being installed.');
      await prepare(file);
      try {
        await runInstaller(true, options.restart);
      } catch (error) {
        installFailed(messageOf(error));
        throw error;
      }
    },
    installOnQuit(installOnQuitAllowed) {
      if (prepared === null || installing) return false;
      let allowed = false;
      try {
        allowed = installOnQuitAllowed();
      } catch (error) {
        options.report(`Update not installed on quit: ${messageOf(error)}`);
      }
      if (!allowed) return false;
      runInstaller(false, options.quit).catch((error: unknown) => installFailed(messageOf(error)));
      return true;
    },
  };
}

/** base64 SHA-512, as electron-updater and the release manifest write it. */
export function sha512OfFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha512');
    createReadStream(path)
      .on('error', reject)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('base64')));
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
