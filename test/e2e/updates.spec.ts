// An update reaching a workstation that is monitoring a patient, in Debian's Chromium against the
// browser shell and the REAL central server (its command, real PostgreSQL, a fresh database). IT
// makes a release key and signs a release with the server's own commands, uploads and publishes
// it; the workstation (a demo bed with a fictional patient admitted, so monitored), enrolled with
// the server and built with IT's public key, reads the feed, checks the signature, downloads, and
// then waits: its status line says it will install when no patient is monitored. "Install now…"
// lists the monitored bed first, then asks for a signed-in user (the IT administrator signs in;
// a script's token is refused); the browser shell cannot run an installer and says so, and
// nothing restarts. IT's list shows the workstation's report: ready. At 1920 × 1080.
import { expect, test } from '@playwright/test';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type RunningCommand } from '../support/processes';
import { seriousViolations } from '../support/page-checks';
import { freshDatabase, type TestDatabase } from '../../server/test-support/database';
import {
  runServerCommand,
  startServerProcess,
  type ServerProcess,
} from '../../server/test-support/server-process';
import { bearer, call } from '../../server/test-support/http-client';
import { SignedRelease } from '../../shared/update/release';
import { RELEASE_ADMIN_PATHS, WorkstationUpdateList } from '../../shared/update/release-admin';

const TOKEN = 'e2e-updates-workstation';
const SCRIPT_TOKEN = 'e2e-updates-script-token';
const ADMIN = {
  username: 'ida.it',
  displayName: 'Ida Example',
  password: 'correct-horse-42',
  pin: '9753',
};
const ADMIN_TOKEN = 'e2e-updates-admin-token-0123456789';
const SHOTS = join(import.meta.dirname, '..', '..', 'docs', 'screenshots');
const VERSION = '0.9.0';
const INSTALLER = `clinical-workstation-${VERSION}.AppImage`;

let dir: string;
let db: TestDatabase;
let central: ServerProcess;
let serve: RunningCommand | null = null;

test.use({ viewport: { width: 1920, height: 1080 } });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  dir = mkdtempSync(join(tmpdir(), 'ws-e2e-updates-'));
  db = await freshDatabase('e2e_updates');
  // IT's key, made by the server's own command; the public half is built into the workstation.
  const keygen = await runServerCommand(['release', 'keygen', '--out', join(dir, 'it-keys')]);
  expect(keygen.code, keygen.stderr).toBe(0);
  mkdirSync(join(dir, 'built-in-keys'));
  copyFileSync(
    join(dir, 'it-keys', 'release-signing-key.pub.pem'),
    join(dir, 'built-in-keys', 'release-signing-key.pub.pem'),
  );
  writeFileSync(join(dir, 'admin-token'), ADMIN_TOKEN);
  central = await startServerProcess([
    ...['--db', db.url, '--port', '0', '--host', '127.0.0.1', '--insecure-http'],
    ...['--admin-token-file', join(dir, 'admin-token')],
    ...['--update-public-key', join(dir, 'it-keys', 'release-signing-key.pub.pem')],
    ...['--release-cache', join(dir, 'release-cache')],
  ]);
  // A stand-in installer (random bytes: nothing here can run a real one), signed by IT.
  const installer = join(dir, INSTALLER);
  writeFileSync(installer, randomBytes(3 * 1024 * 1024));
  const signed = await runServerCommand([
    ...['release', 'sign', '--key', join(dir, 'it-keys', 'release-signing-key.pem')],
    ...['--version', VERSION, '--platform', 'linux', installer],
    ...['--out', join(dir, 'release-linux.json')],
  ]);
  expect(signed.code, signed.stderr).toBe(0);
  const release = SignedRelease.parse(
    JSON.parse(readFileSync(join(dir, 'release-linux.json'), 'utf8')),
  );
  // Uploaded as the admin page does: the signed release, then its file.
  const admin = bearer(ADMIN_TOKEN);
  const uploaded = await call(central.url, RELEASE_ADMIN_PATHS.releases, {
    headers: admin,
    body: release,
  });
  expect(uploaded.status, uploaded.text).toBe(200);
  const put = await call(central.url, RELEASE_ADMIN_PATHS.file('linux', VERSION, INSTALLER), {
    method: 'PUT',
    headers: admin,
    body: readFileSync(installer),
  });
  expect(put.status, put.text).toBe(200);
  const published = await call(central.url, RELEASE_ADMIN_PATHS.publish, {
    headers: admin,
    body: {
      channel: 'stable',
      platform: 'linux',
      version: VERSION,
      rolloutPercent: 100,
      minimumVersion: null,
    },
  });
  expect(published.status, published.text).toBe(200);

  // The workstation enrols (as IT would from its settings), then starts monitoring its demo bed.
  const made = await runServerCommand(['enrolment-code', '--db', db.url, '--unit', 'Ward 7']);
  expect(made.code, made.stderr).toBe(0);
  const code = /[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}/.exec(made.stdout)![0];
  const enrol = runCli([
    ...['enrol', '--server', central.url, '--code', code, '--name', 'Ward 7 desk'],
    ...['--data', join(dir, 'data')],
  ]);
  await enrol.waitForLine(/Enrolled with/, 60_000);
  await enrol.stop();
  serve = runCli([
    ...['serve', '--port', '0', '--data', join(dir, 'data'), '--token', TOKEN, '--demo', '1'],
    ...['--script-token', SCRIPT_TOKEN],
    ...['--update-keys', join(dir, 'built-in-keys'), '--update-check-s', '1'],
  ]);
});

test.afterAll(async () => {
  await serve?.stop();
  await central?.stop();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

test('a signed update waits while a patient is monitored, and "Install now" lists the bed first', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const url = (await serve!.waitForLine(/Workstation ready at (http:\/\/\S+)/, 90_000))[1]!;
  const asScript = (method: string, params: unknown) =>
    fetch(new URL(`/api/${method}`, url), {
      method: 'POST',
      headers: { authorization: `Bearer ${SCRIPT_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(params),
    });
  const made = await asScript('createAdministrator', ADMIN);
  expect(made.status, await made.clone().text()).toBe(200);
  await page.goto(url);
  const line = page.getByTestId('update-status-line');
  await expect(line).toContainText(
    `Update ${VERSION} ready — will install when no patient is monitored`,
    { timeout: 90_000 },
  );
  await expect(line.getByRole('status')).toHaveAttribute('data-state', 'ready');
  // IT's list: this workstation's version and its update state, as it reported them.
  const reported = async () => {
    const list = await fetch(`${central.url}${RELEASE_ADMIN_PATHS.workstationUpdates}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const { workstations } = WorkstationUpdateList.parse(await list.json());
    return workstations.find((w) => w.name === 'Ward 7 desk')?.lastReport ?? null;
  };
  await expect
    .poll(reported, { timeout: 30_000 })
    .toMatchObject({ state: 'ready', offeredVersion: VERSION, runningVersion: '0.1.0' });
  await expect(page.getByText('No signal')).toHaveCount(0, { timeout: 30_000 });
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, 'update-ready.png') });

  await line.getByRole('button', { name: 'Install now…' }).click();
  const confirm = page.getByTestId('update-confirm');
  await expect(confirm.getByRole('heading')).toHaveText(`Install update ${VERSION} now?`);
  await expect(confirm).toContainText('These beds are monitored');
  await expect(confirm.getByTestId('update-confirm-beds').getByRole('listitem')).toHaveCount(1);
  await expect(confirm.getByTestId('update-confirm-who')).toContainText(
    'Only a signed-in biomedical engineer or IT administrator can install now',
  );
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: join(SHOTS, 'update-install-now.png') });

  // A script holding the shell's token is no signed-in user: refused, nothing installed.
  const byScript = await asScript('installUpdateNow', { sawBedIds: ['bed-1-demo'] });
  expect(await byScript.text()).toContain('must be chosen by a signed-in biomedical engineer');
  // Nobody is signed in at the page: the IT administrator is asked for, then the request is
  // made again. The browser shell has no installer: it says so, and monitoring goes on.
  await confirm.getByRole('button', { name: 'Install and restart' }).click();
  const signIn = page.getByTestId('sign-in-form');
  await signIn.getByLabel('User name').fill(ADMIN.username);
  await signIn.getByLabel('Password').fill(ADMIN.password);
  await signIn.getByTestId('sign-in-submit').click();
  await expect(confirm.getByRole('alert')).toContainText('cannot install updates', {
    timeout: 30_000,
  });
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toBeHidden();
  await expect(page.getByTestId('sync-status-line')).toBeVisible();
});
