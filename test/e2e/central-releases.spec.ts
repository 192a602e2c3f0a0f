// The admin page's Releases, as IT uses them: a key made and a build signed with the server's own
// commands (`server release keygen|sign`), the server started with the public key, the signed
// release and its file uploaded on the page, published to pilot at a share and to stable for all
// (after a confirmation), the feed then serving it; and a workstation's update report shown beside
// the version it runs. axe-core finds no serious violation.
import { expect, test } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UPDATE_REPORT_PATH } from '../../shared/update/release';
import { ADMIN_PATHS } from '../../shared/sync/admin';
import { SYNC_PATHS, SYNC_PROTOCOL } from '../../shared/sync/protocol';
import { freshDatabase, type TestDatabase } from '../../server/test-support/database';
import { bearer, call } from '../../server/test-support/http-client';
import {
  runServerCommand,
  startServerProcess,
  type ServerProcess,
} from '../../server/test-support/server-process';
import { seriousViolations } from '../support/page-checks';

const ADMIN_TOKEN = 'e2e-central-releases-token-0123456789';

let dir: string;
let database: TestDatabase;
let server: ServerProcess;
const INSTALLER = 'Clinical-Workstation-Setup-1.3.0.exe';

test.beforeAll(async () => {
  test.setTimeout(180_000);
  dir = mkdtempSync(join(tmpdir(), 'ws-e2e-releases-'));
  database = await freshDatabase('e2e_releases');
  const keygen = await runServerCommand(['release', 'keygen', '--out', join(dir, 'keys')], 60_000);
  expect(keygen.code, keygen.stderr).toBe(0);
  writeFileSync(join(dir, INSTALLER), randomBytes(1_500_000));
  const sign = await runServerCommand(
    [
      ...['release', 'sign', '--key', join(dir, 'keys', 'release-signing-key.pem')],
      ...['--version', '1.3.0', '--platform', 'win', '--out', join(dir, 'release-win.json')],
      join(dir, INSTALLER),
    ],
    60_000,
  );
  expect(sign.code, sign.stderr).toBe(0);
  const tokenFile = join(dir, 'admin-token');
  writeFileSync(tokenFile, `${ADMIN_TOKEN}\n`, { mode: 0o600 });
  server = await startServerProcess(
    [
      ...['--db', database.url, '--insecure-http', '--port', '0', '--host', '127.0.0.1'],
      ...['--admin-token-file', tokenFile],
      ...['--update-public-key', join(dir, 'keys', 'release-signing-key.pub.pem')],
    ],
    60_000,
  );
});

test.afterAll(async () => {
  await server?.stop();
  await database?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('IT uploads a signed release, stages it, and sees which workstation runs what', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  const code = await call(server.url, ADMIN_PATHS.enrolmentCodes, {
    headers: bearer(ADMIN_TOKEN),
    body: { unit: 'ICU 3' },
  });
  const enrolled = await call(server.url, SYNC_PATHS.enrol, {
    body: {
      protocol: SYNC_PROTOCOL,
      code: code.json.code,
      workstationId: 'ws-icu-3',
      name: 'ICU bed 3',
      appVersion: '1.1.0',
    },
  });
  expect(enrolled.status, enrolled.text).toBe(200);
  const credential = enrolled.json.credential as string;
  const reported = await call(server.url, UPDATE_REPORT_PATH, {
    headers: bearer(credential),
    body: {
      runningVersion: '1.2.0',
      platform: 'win',
      channel: 'pilot',
      state: 'ready',
      offeredVersion: '1.3.0',
      detail: null,
    },
  });
  expect(reported.status, reported.text).toBe(200);

  await page.goto(`${server.url}/admin`);
  await page.getByLabel('Admin token', { exact: true }).fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const releases = page.getByTestId('releases');
  await expect(releases.getByTestId('release-keys')).toContainText(
    'Signatures are checked with key',
  );
  await expect(releases.getByTestId('no-releases')).toBeVisible();

  await releases.getByTestId('release-json').setInputFiles(join(dir, 'release-win.json'));
  await releases.getByTestId('release-files').setInputFiles(join(dir, INSTALLER));
  await releases.getByRole('button', { name: 'Upload' }).click();
  await expect(releases.getByTestId('releases-status')).toHaveText(
    '1.3.0 for Windows is uploaded.',
  );
  const release = releases.getByTestId('release-row');
  await expect(release).toHaveAttribute('data-complete', 'true');
  await expect(release).toContainText('1 complete');

  // Pilot first, to a share of its workstations, with a maintenance window.
  const pilot = releases.locator(
    '[data-testid="channel-row"][data-channel="pilot"][data-platform="win"]',
  );
  await pilot.getByTestId('channel-version').selectOption('1.3.0');
  await pilot.getByTestId('channel-rollout').fill('20');
  await pilot.getByTestId('channel-windows').fill('Sun 02:00–04:00');
  await pilot.getByRole('button', { name: 'Save the pilot channel for Windows' }).click();
  await expect(releases.getByTestId('releases-status')).toHaveText(
    'The pilot channel for Windows is saved.',
  );
  const pilotFeed = await call(server.url, '/updates/pilot/latest.yml');
  expect(pilotFeed.text).toContain('version: "1.3.0"');
  expect(pilotFeed.text).toContain('rolloutPercent: 20');
  expect(pilotFeed.text).toContain('maintenanceWindows: ["Sun 02:00–04:00"]');

  // Stable to everyone asks first.
  const stable = releases.locator(
    '[data-testid="channel-row"][data-channel="stable"][data-platform="win"]',
  );
  await stable.getByTestId('channel-version').selectOption('1.3.0');
  await stable.getByTestId('channel-rollout').fill('100');
  await stable.getByRole('button', { name: 'Save the stable channel for Windows' }).click();
  const confirm = page.getByRole('alertdialog');
  await expect(confirm).toContainText('Offer 1.3.0 to every stable workstation on Windows?');
  expect((await call(server.url, '/updates/stable/latest.yml')).status).toBe(404);
  await confirm.getByRole('button', { name: 'Offer to all' }).click();
  await expect(releases.getByTestId('releases-status')).toHaveText(
    'The stable channel for Windows is saved.',
  );
  expect((await call(server.url, '/updates/stable/latest.yml')).text).toContain(
    'rolloutPercent: 100',
  );

  const row = releases.locator(
    '[data-testid="workstation-version-row"][data-workstation-id="ws-icu-3"]',
  );
  await expect(row.getByTestId('workstation-version')).toHaveText('1.2.0');
  await expect(row.getByTestId('workstation-update-state')).toContainText(
    '1.3.0 ready, waits for no bed monitored',
  );
  // Tall enough that the whole section shows below the page's header.
  await page.setViewportSize({ width: 1280, height: 2200 });
  await releases.screenshot({ path: 'docs/screenshots/admin-releases.png' });
  expect(await seriousViolations(page, '[data-testid="releases"]')).toEqual([]);
  expect(problems).toEqual([]);
});
