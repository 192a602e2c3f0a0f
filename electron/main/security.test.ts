import { describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import {
  guardNavigation,
  hospitalSignInUrl,
  navigationAllowed,
  type GuardedContents,
  permissionAllowed,
  secureWindowOptions,
  trustedSenderUrl,
} from './security';
import { RENDERER_CSP, RENDERER_CSP_META } from '../../shared/security/csp';

// The Electron runtime cannot run here (its binary is not downloadable offline); the policy is a
// pure function precisely so that it can be checked without it.
describe('desktop shell security policy', () => {
  const prefs = secureWindowOptions('/app/out/preload/index.cjs').webPreferences!;

  it('sandboxes the window with context isolation and no Node', () => {
    expect(prefs).toMatchObject({
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
      preload: '/app/out/preload/index.cjs',
    });
  });

  it('denies all navigation', () => {
    expect(navigationAllowed('https://example.org/')).toBe(false);
    expect(navigationAllowed('file:///etc/passwd')).toBe(false);
  });

  // A stand-in for Electron's WebContents (the runtime cannot run here): the same event names and
  // the same { url, preventDefault } event object that Electron passes.
  it('refuses navigation, frame navigation, a redirect, new windows and webviews', () => {
    const contents = new EventEmitter() as EventEmitter & {
      openHandler?: (details: { url: string }) => unknown;
    };
    const guarded = Object.assign(contents, {
      setWindowOpenHandler: (handler: (details: { url: string }) => unknown) =>
        (contents.openHandler = handler),
    });
    const sentOutside: string[] = [];
    guardNavigation(guarded as unknown as GuardedContents, (url) => sentOutside.push(url));
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      let prevented = false;
      contents.emit(event, {
        url: 'https://evil.example/',
        preventDefault: () => (prevented = true),
      });
      expect(prevented, event).toBe(true);
    }
    let webviewPrevented = false;
    contents.emit('will-attach-webview', { preventDefault: () => (webviewPrevented = true) });
    expect(webviewPrevented).toBe(true);
    expect(contents.openHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    // Even the one address that goes to the system browser never opens a window of ours.
    expect(sentOutside).toEqual(['https://evil.example/']);
  });

  it('sends only the enrolled server’s start of the hospital sign-in to the system browser', () => {
    const server = 'https://central.hospital.example:8443';
    const start = `${server}/auth/oidc/start?attempt=0191e0a0-0000-7000-8000-000000000000`;
    expect(hospitalSignInUrl(start, server)).toBe(true);
    expect(hospitalSignInUrl(start, null)).toBe(false); // not enrolled
    for (const other of [
      'https://evil.example/auth/oidc/start?attempt=1', // another host
      'http://central.hospital.example:8443/auth/oidc/start', // another scheme, another origin
      'https://central.hospital.example:9443/auth/oidc/start', // another port
      `${server}/auth/oidc/callback?code=x`,
      `${server}/api/admin/users`,
      'https://user:pw@central.hospital.example:8443/auth/oidc/start',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'not a url',
    ])
      expect(hospitalSignInUrl(other, server), other).toBe(false);
  });

  it('grants audio capture only', () => {
    expect(permissionAllowed('media', ['audio'])).toBe(true);
    expect(permissionAllowed('media', ['audio', 'video'])).toBe(false);
    expect(permissionAllowed('media', [])).toBe(false);
    for (const other of [
      'geolocation',
      'notifications',
      'openExternal',
      'clipboard-read',
      'hid',
      'serial',
    ]) {
      expect(permissionAllowed(other, ['audio'])).toBe(false);
    }
  });

  it('answers IPC only from its own page', () => {
    const index = 'file:///app/out/renderer/index.html';
    expect(trustedSenderUrl(index, index)).toBe(true);
    expect(trustedSenderUrl('https://evil.example/', index)).toBe(false);
  });

  // The frame URLs as Electron reports them in event.senderFrame.url: with the fragment the
  // renderer's navigation sets (location.hash), and percent-encoded where the path has spaces.
  it('still answers its own page after the renderer navigates by fragment', () => {
    const index = 'file:///app/out/renderer/index.html';
    for (const url of [
      'file:///app/out/renderer/index.html#/central',
      'file:///app/out/renderer/index.html#/bed/bed-3',
      'file:///app/out/renderer/index.html#/review/bed-3?at=1763708700000',
      'file:///app/out/renderer/index.html?theme=day#/trends/bed-3',
      'file:///app/out/renderer/index.html#',
    ]) {
      expect(trustedSenderUrl(url, index), url).toBe(true);
    }
    const windows =
      'file:///C:/Program%20Files/Clinical%20Workstation/resources/app.asar/out/renderer/index.html';
    expect(trustedSenderUrl(`${windows}#/bed/bed-1`, windows)).toBe(true);
    const linux = 'file:///opt/Clinical%20Workstation/resources/app.asar/out/renderer/index.html';
    expect(trustedSenderUrl(`${linux}#/patients`, linux)).toBe(true);
  });

  it('refuses any other scheme, host, path or a URL it cannot read', () => {
    const index = 'file:///app/out/renderer/index.html';
    for (const url of [
      'file:///app/out/renderer/other.html#/central',
      'file:///app/out/renderer/index.html/#/central',
      'file:///app/out%2Frenderer/index.html',
      'file:///app/out/renderer/%E0%A4%A.html',
      'file:///app/out/renderer/sub/index.html',
      'file:///app/out/index.html',
      'file://evil.example/app/out/renderer/index.html',
      'https://evil.example/app/out/renderer/index.html#/central',
      'http://127.0.0.1:4318/app/out/renderer/index.html',
      'devtools://devtools/bundled/index.html',
      'about:blank',
      '',
      'index.html',
    ]) {
      expect(trustedSenderUrl(url, index), url).toBe(false);
    }
  });

  it('has a strict CSP: no inline script, no eval, no remote origin', () => {
    for (const csp of [RENDERER_CSP, RENDERER_CSP_META]) {
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
    }
    expect(RENDERER_CSP).toContain("frame-ancestors 'none'");
  });
});
