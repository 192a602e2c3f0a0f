// The desktop shell's security policy in one place, so a unit test can assert it.
// Types only from Electron: this file must load where the Electron runtime is absent.
import type { BrowserWindowConstructorOptions } from 'electron';

export function secureWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 800,
    minWidth: 960,
    minHeight: 600,
    backgroundColor: '#05070a',
    show: false,
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
    },
  };
}

/** The renderer may navigate nowhere: it is one page that talks to the host over IPC. */
export function navigationAllowed(_url: string): boolean {
  return false;
}

/** Only audio capture (digital stethoscopes, line-in) is ever granted. */
export function permissionAllowed(permission: string, mediaTypes: readonly string[] = []): boolean {
  return (
    permission === 'media' && mediaTypes.length > 0 && mediaTypes.every((type) => type === 'audio')
  );
}

/** IPC is answered only for our own page loaded from the app's files. */
export function trustedSenderUrl(url: string, rendererIndexUrl: string): boolean {
  return url === rendererIndexUrl;
}
