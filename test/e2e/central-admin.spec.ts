// The central server's admin page: the server from source on a fresh PostgreSQL database (plain
// HTTP on loopback, an admin token from a file), /admin in Chromium. A wrong token is refused;
// the right one shows no workstation; a code made for "ICU 2" is shown once, large; a workstation
// enrols with it through the sync api and appears in the list; revoked after the confirmation,
// it is shown revoked. axe-core finds no serious or critical violation.
import { expect, test } from '@playwright/test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshDatabase, type TestDatabase } from '../../server/test-support/database';
import { call } from '../../server/test-support/http-client';
import { startServerProcess, type ServerProcess } from '../../server/test-support/server-process';
import { RENDERER_CSP } from '../../shared/security/csp';
import { SYNC_PATHS, SYNC_PROTOCOL } from '../../shared/sync/protocol';
import { seriousViolations } from '../support/page-checks';

const ADMIN_TOKEN = 'e2e-central-admin-token-0123456789';
const CODE = /^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$/;

let dir: string;
let database: TestDatabase;
let server: ServerProcess;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  dir = mkdtempSync(join(tmpdir(), 'ws-e2e-admin-'));
  database = await freshDatabase('e2e_admin');
  const tokenFile = join(dir, 'admin-token');
  writeFileSync(tokenFile, `${ADMIN_TOKEN}\n`, { mode: 0o600 });
  server = await startServerProcess(
    [
      ...['--db', database.url, '--insecure-http', '--port', '0', '--host', '127.0.0.1'],
      ...['--admin-token-file', tokenFile],
    ],
    60_000,
  );
});

test.afterAll(async () => {
  await server?.stop();
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** axe-core's serious and critical findings, as the accessibility spec reads them. */

test('IT signs in, makes an enrolment code, sees the workstation enrol and revokes it', async ({
  page,
}) => {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    // The browser logs the wrong token's 401 itself; anything else is a problem.
    if (message.type() === 'error' && !/status of 401/.test(message.text()))
      problems.push(message.text());
  });

  const response = await page.goto(`${server.url}/admin`);
  expect(response?.status()).toBe(200);
  expect(response?.headers()['content-security-policy']).toBe(RENDERER_CSP);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Central server — Admin');
  const token = page.getByLabel('Admin token', { exact: true });
  await expect(token).toHaveAttribute('type', 'password');

  // A wrong token is refused, in a sentence, and not kept.
  await token.fill('not-the-admin-token-at-all-0000');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('sign-in-problem')).toHaveText(
    'The central server did not accept this admin token. Check it and try again.',
  );
  expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  expect(await seriousViolations(page)).toEqual([]);

  // The right one: no workstation yet. The token is in this tab's session storage, not the URL.
  await token.fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('no-workstations')).toBeVisible();
  expect(page.url()).toBe(`${server.url}/admin`);
  expect(await page.evaluate(() => Object.values(sessionStorage))).toEqual([ADMIN_TOKEN]);

  // A code for ICU 2, shown once with its expiry.
  await page.getByLabel('Unit (optional)').fill('ICU 2');
  await expect(page.getByLabel('Valid for (hours)')).toHaveValue('24');
  await expect(page.getByLabel('Enrols')).toHaveValue('');
  await page.getByRole('button', { name: 'Make the code' }).click();
  const shown = page.getByTestId('enrolment-code');
  await expect(shown).toHaveText(CODE);
  const code = (await shown.textContent())!;
  await expect(page.getByTestId('code-made')).toContainText('Enrols one new workstation in ICU 2.');
  await expect(page.getByTestId('code-expiry')).toHaveText(
    /^Valid until \d{4}-\d\d-\d\d \d\d:\d\d\.$/,
  );
  expect(await seriousViolations(page)).toEqual([]);

  // A workstation enrols with it through the sync api.
  const enrolled = await call(server.url, SYNC_PATHS.enrol, {
    body: {
      protocol: SYNC_PROTOCOL,
      code,
      workstationId: 'ws-icu2-central',
      name: 'ICU-2 central',
      appVersion: '0.1.0',
    },
  });
  expect(enrolled.status, enrolled.text).toBe(200);
  expect(enrolled.json.unit).toBe('ICU 2');

  // Reloaded: still signed in (the tab's session), and the workstation is listed.
  await page.reload();
  const row = page.getByTestId('workstation-row');
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute('data-workstation-id', 'ws-icu2-central');
  await expect(row.getByRole('rowheader')).toHaveText('ICU-2 centralws-icu2-central');
  const cells = row.getByRole('cell');
  await expect(cells.nth(0)).toHaveText('ICU 2');
  await expect(cells.nth(1)).toHaveText(/^\d{4}-\d\d-\d\d \d\d:\d\d$/);
  await expect(cells.nth(3)).toHaveText('0.1.0');
  await expect(cells.nth(4)).toHaveText(String(SYNC_PROTOCOL));
  await expect(row.getByTestId('workstation-state')).toHaveText('Active');
  // It can be chosen for a re-enrolment code.
  await expect(page.getByLabel('Enrols').locator('option')).toHaveText([
    'A new workstation',
    'Again: ICU-2 central (ws-icu2-central), after a reinstall',
  ]);

  // Revoke: the confirmation says what it does; cancelling leaves it.
  await row.getByRole('button', { name: 'Revoke ICU-2 central…' }).click();
  const confirm = page.getByRole('alertdialog');
  await expect(confirm).toContainText('Revoke ICU-2 central (ws-icu2-central)?');
  await expect(confirm).toContainText('goes on monitoring and keeps all its data');
  await expect(confirm).toContainText('cannot enrol again under its id');
  await page.keyboard.press('Escape');
  await expect(confirm).toHaveCount(0);
  await row.getByRole('button', { name: 'Revoke ICU-2 central…' }).click();
  await page.screenshot({ path: 'test-results/screenshots/central-admin-revoke.png' });
  expect(await seriousViolations(page)).toEqual([]);
  await confirm.getByRole('button', { name: 'Revoke this workstation' }).click();
  await expect(page.getByTestId('admin-status')).toHaveText('ICU-2 central is revoked.');
  await expect(row).toHaveAttribute('data-revoked', 'true');
  await expect(row.getByTestId('workstation-state')).toHaveText(
    /^Revoked \d{4}-\d\d-\d\d \d\d:\d\d$/,
  );
  await expect(row.getByRole('button', { name: /Revoke/ })).toHaveCount(0);
  await expect(page.getByLabel('Enrols').locator('option')).toHaveText(['A new workstation']);

  // The server agrees: a revoked workstation cannot enrol again under its id.
  const admin = await call(server.url, '/api/admin/workstations', {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  expect(admin.json.workstations[0].revokedAt).not.toBeNull();
  const again = await call(server.url, '/api/admin/enrolment-codes', {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    body: { unit: 'ICU 2' },
  });
  const refused = await call(server.url, SYNC_PATHS.enrol, {
    body: {
      protocol: SYNC_PROTOCOL,
      code: again.json.code,
      workstationId: 'ws-icu2-central',
      name: 'ICU-2 central',
      appVersion: '0.1.0',
    },
  });
  expect(refused.status).toBe(403);
  expect(refused.json.error).toBe('revoked');

  // A code for the screenshot, beside the revoked workstation.
  await page.getByLabel('Unit (optional)').fill('ICU 2');
  await page.getByRole('button', { name: 'Make the code' }).click();
  await expect(shown).toHaveText(CODE);
  await page.screenshot({ path: 'test-results/screenshots/central-admin.png', fullPage: true });
  expect(await seriousViolations(page)).toEqual([]);

  // Signing out forgets the token.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByLabel('Admin token', { exact: true })).toBeVisible();
  expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  expect(problems).toEqual([]);
});
