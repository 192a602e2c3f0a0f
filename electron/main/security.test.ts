import { describe, expect, it } from 'vitest';
import {
  navigationAllowed,
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

  it('has a strict CSP: no inline script, no eval, no remote origin', () => {
    for (const csp of [RENDERER_CSP, RENDERER_CSP_META]) {
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
    }
    expect(RENDERER_CSP).toContain("frame-ancestors 'none'");
  });
});
