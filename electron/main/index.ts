// The desktop shell: one window onto the workstation core. Everything clinical lives in
// electron/host; this file only does what needs Electron (lifecycle, window, IPC, updates).
import { app, BrowserWindow, ipcMain, session, shell } from 'electron';
import electronUpdater from 'electron-updater';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startWorkstation, type Workstation } from '../host/workstation';
import { admitDemoPatients, startDemo, type Demo } from '../host/demo';
import { dataDirFromArgv, devicesFromArgv } from './argv';
import { bindIpc } from './ipc';
import { osKeystore } from './keystore';
import { createShellUpdater, type ShellUpdater } from './updater';
import {
  guardNavigation,
  hospitalSignInUrl,
  permissionAllowed,
  secureWindowOptions,
  trustedSenderUrl,
} from './security';

const rendererIndex = join(import.meta.dirname, '../renderer/index.html');
const rendererIndexUrl = pathToFileURL(rendererIndex).href;
const preloadPath = join(import.meta.dirname, '../preload/index.cjs');

let workstation: Workstation | null = null;
let demo: Demo | null = null;
let window: BrowserWindow | null = null;
let updater: ShellUpdater | null = null;

/**
 * Whether the update electron-updater holds may be installed as the app quits: never blindly,
 * only when the core's update policy says so (no bed monitored).
 */
const installOnQuitAllowed = (): boolean => workstation?.updates?.installOnQuitAllowed() ?? false;

// The window sounds alarms from the start: a browser's rule that audio waits for a click does
// not apply to a monitoring screen (the renderer tells the host whether it can sound, either way).
app.commandLine.appendSwitch('autoplay-policy', 'no-user-gesture-required');

if (!app.requestSingleInstanceLock()) {
  // A second copy would fight the first for the serial ports and the data store.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (window?.isMinimized()) window.restore();
    window?.focus();
  });
  app.on('web-contents-created', (_event, contents) =>
    guardNavigation(contents, (url) => {
      // The hospital sign-in opens in the system browser (the provider's page is not ours to host).
      if (hospitalSignInUrl(url, workstation?.sync.liveLink()?.serverUrl ?? null))
        void shell.openExternal(url);
    }),
  );
  app.whenReady().then(start, (error: unknown) => fail(error));
  app.on('window-all-closed', () => void shutdown());
  app.on('before-quit', (event) => {
    if (updater?.installOnQuit(installOnQuitAllowed)) event.preventDefault();
  });
}

async function start(): Promise<void> {
  session.defaultSession.setPermissionRequestHandler((_contents, permission, grant, details) => {
    const mediaTypes = 'mediaTypes' in details ? (details.mediaTypes ?? []) : [];
    grant(permissionAllowed(permission, mediaTypes));
  });
  session.defaultSession.setPermissionCheckHandler((_contents, permission, _origin, details) =>
    permissionAllowed(permission, details.mediaType ? [details.mediaType] : []),
  );

  const devices = devicesFromArgv(process.argv, (message) => console.error(message));
  if (process.argv.includes('--demo')) {
    demo = await startDemo();
    devices.push(...demo.beds.flatMap((bed) => bed.devices));
  }
  const dataDir = dataDirFromArgv(process.argv, join(app.getPath('userData'), 'data'));
  const keystore = osKeystore();
  // Only a packaged app has an app-update.yml and an installer to hand over to. The core's update
  // service decides when (never under a monitored bed); this updater never acts on its own.
  if (app.isPackaged) {
    updater = createShellUpdater(electronUpdater.autoUpdater, {
      feedUrl: () => workstation?.updates?.feedUrl() ?? null,
      beforeInstall: stopWorkstation,
      restart: () => {
        app.relaunch();
        app.exit(0);
      },
      quit: () => app.quit(),
      report: (message) => console.error(message),
    });
  }
  workstation = await startWorkstation({
    dataDir,
    devices,
    // The sync credential is sealed with the OS keystore (else the host's key file, 0600).
    ...(keystore ? { keystore } : {}),
    // The demo's simulated blood-pressure monitor stands in for a USB one, as with `serve --demo`.
    ...(demo ? { openHid: demo.openHid } : {}),
    ...(updater ? { update: { installer: updater, runningVersion: app.getVersion() } } : {}),
  });
  if (demo) await admitDemoPatients(workstation, demo, console.log);
  const access = workstation.access;
  bindIpc(
    ipcMain,
    workstation.router,
    (url) => trustedSenderUrl(url, rendererIndexUrl),
    console.error,
    (label) => access.openScreen('page', label),
  );

  window = new BrowserWindow(secureWindowOptions(preloadPath));
  window.once('ready-to-show', () => window?.show());
  await window.loadFile(rendererIndex);
}

async function stopWorkstation(): Promise<void> {
  await workstation?.stop();
  await demo?.stop();
  workstation = null;
  demo = null;
}

async function shutdown(): Promise<void> {
  await stopWorkstation();
  app.quit();
}

function fail(error: unknown): void {
  console.error('The workstation could not start:', error);
  app.exit(1);
}
