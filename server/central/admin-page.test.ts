// The admin page as the server serves it: /admin and the files its built page loads answer
// without the viewer token, with the renderer's CSP; every other file of the renderer still needs
// the viewer token. On a renderer folder made by the test (the page's shape as Vite builds it).
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RENDERER_CSP } from '../../shared/security/csp';
import { startTestCentral, type TestCentral } from '../test-support/central';
import { call } from '../test-support/http-client';

const TOKEN = 'test-viewer-token-0123456789abcdef';
let dir: string;
let central: TestCentral;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'central-admin-page-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<p>station</p>');
  writeFileSync(
    join(dir, 'admin.html'),
    '<script type="module" crossorigin src="./assets/admin-A1.js"></script>\n' +
      '<link rel="modulepreload" crossorigin href="./assets/shared-B2.js">\n' +
      '<link rel="stylesheet" crossorigin href="./assets/admin-C3.css">',
  );
  for (const file of ['admin-A1.js', 'shared-B2.js', 'admin-C3.css', 'index-D4.js']) {
    writeFileSync(join(dir, 'assets', file), `/* ${file} */`);
  }
  central = await startTestCentral({ viewerToken: TOKEN, rendererDir: dir });
});

afterAll(async () => {
  await central?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the admin page', () => {
  it('is served at /admin without the viewer token, with the CSP and no cookie', async () => {
    const page = await call(central.url, '/admin', { noProtocol: true });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe(RENDERER_CSP);
    expect(page.headers['content-security-policy']).toContain("connect-src 'self'");
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['set-cookie']).toBeUndefined();
    expect(page.text).toContain('./assets/admin-A1.js');
  });

  it('serves the files the page loads, and only those, without the viewer token', async () => {
    for (const file of ['admin-A1.js', 'shared-B2.js', 'admin-C3.css']) {
      const answer = await call(central.url, `/assets/${file}`, { noProtocol: true });
      expect(answer.status, file).toBe(200);
      expect(answer.text).toContain(file);
      expect(answer.headers['content-security-policy']).toBe(RENDERER_CSP);
    }
    for (const path of ['/', '/index.html', '/assets/index-D4.js', '/admin.html', '/admin/']) {
      const answer = await call(central.url, path, { noProtocol: true });
      expect(answer.status, path).toBe(401);
    }
    const withToken = await call(central.url, `/assets/index-D4.js?token=${TOKEN}`, {
      noProtocol: true,
    });
    expect(withToken.status).toBe(200);
  });

  it('says the page is not built when it is not', async () => {
    rmSync(join(dir, 'admin.html'));
    const page = await call(central.url, '/admin', { noProtocol: true });
    expect(page.status).toBe(503);
    expect(page.text).toMatch(/npm run build/);
    const asset = await call(central.url, '/assets/admin-A1.js', { noProtocol: true });
    expect(asset.status).toBe(401);
  });
});
