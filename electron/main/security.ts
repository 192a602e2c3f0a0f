// The desktop shell's security policy in one place, so a unit test can assert it.
// Types only from Electron: this file must load where the Electron runtime is absent.
import type { BrowserWindowConstructorOptions, WebContents } from 'electron';

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

/** A window's web contents, as far as the navigation guard uses them. */
export type GuardedContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

/**
 * Every way off our one page is refused: a navigation of the page or of any frame in it, a
 * server redirect during one, a new window, a <webview>.
 */
export function guardNavigation(
  contents: GuardedContents,
  openOutside: (url: string) => void = () => undefined,
): void {
  const refuse = (event: { url: string; preventDefault(): void }) => {
    if (!navigationAllowed(event.url)) event.preventDefault();
  };
  contents.on('will-navigate', refuse);
  contents.on('will-frame-navigate', refuse);
  contents.on('will-redirect', refuse);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  // A new window is never ours: the one address the page may open (the hospital's sign-in, at
  // the enrolled central server) goes to the system browser instead, through openOutside.
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url);
    return { action: 'deny' };
  });
}

/**
 * Whether the page may send this address to the system browser: only the central server's own
 * start of the hospital sign-in (`/auth/oidc/start`), at the server this workstation is enrolled
 * with, over http(s). Anything else a page asks to open stays refused.
 */
export function hospitalSignInUrl(url: string, enrolledServerUrl: string | null): boolean {
  if (enrolledServerUrl === null || !URL.canParse(url) || !URL.canParse(enrolledServerUrl))
    return false;
  const asked = new URL(url);
  const server = new URL(enrolledServerUrl);
  return (
    (asked.protocol === 'https:' || asked.protocol === 'http:') &&
    asked.origin === server.origin &&
    asked.pathname === '/auth/oidc/start' &&
    asked.username === '' &&
    asked.password === ''
  );
}

/** Only audio capture (digital stethoscopes, line-in) is ever granted. */
export function permissionAllowed(permission: string, mediaTypes: readonly string[] = []): boolean {
  return (
    permission === 'media' && mediaTypes.length > 0 && mediaTypes.every((type) => type === 'audio')
  );
}

/**
 * IPC is answered only for our own page loaded from the app's files: same scheme, host and path.
 * The fragment and query are not compared: the renderer navigates by `location.hash`, and Electron
 * reports the frame's URL with it.
 */
export function trustedSenderUrl(url: string, rendererIndexUrl: string): boolean {
  const sender = URL.canParse(url) ? new URL(url) : null;
  const own = new URL(rendererIndexUrl);
  return (
    sender !== null &&
    sender.protocol === own.protocol &&
    sender.host === own.host &&
    samePath(sender.pathname, own.pathname)
  );
}

/**
 * Paths compared as the characters they name (`%20` and a space are the same folder); an encoded
 * separator is refused rather than read as a folder boundary.
 */
function samePath(a: string, b: string): boolean {
  const decoded = (path: string) => {
    if (/%2f|%5c/i.test(path)) return null;
    try {
      return decodeURIComponent(path);
    } catch {
      return null;
    }
  };
  const [left, right] = [decoded(a), decoded(b)];
  return left !== null && left === right;
}
