// A nurse signs in at a ward's workstation with the hospital account, in Debian's Chromium, and
// the privacy officer sees what she opened. Everything real: an OpenID Connect provider on
// loopback (oidc-provider, its development login form standing in for the hospital's), the
// central server's command on a fresh PostgreSQL database with that provider configured, and the
// browser shell (`serve --demo 2`) enrolled with the server by `workstation enrol`. IT adds the
// nurse on the server (hospital sign-in only, no password); the workstation pulls the account;
// the nurse presses "Sign in with the hospital account", signs in at the provider in the tab that
// opens, and the workstation's screen is hers; a person the server does not know is refused in
// words; the nurse opens a bed, and the server's access audit lists it under her name.
import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACCOUNTS_ADMIN_PATHS } from '../../shared/sync/accounts';
import { ADMIN_PATHS } from '../../shared/sync/admin';
import { HOSPITAL_SIGN_IN_PATHS } from '../../shared/sync/hospital-sign-in';
import { freshDatabase, type TestDatabase } from '../../server/test-support/database';
import { bearer, call } from '../../server/test-support/http-client';
import {
  listenTestOidcProvider,
  TEST_CLIENT_ID,
  TEST_CLIENT_SECRET,
  type TestOidcProvider,
} from '../../server/test-support/oidc-provider';
import { startServerProcess, type ServerProcess } from '../../server/test-support/server-process';
import { runCli, type RunningCommand } from '../support/processes';

const ADMIN_TOKEN = 'e2e-hospital-sign-in-admin-0123456789';
const TOKEN = 'e2e-hospital-sign-in';
// Fictional people: the hospital's provider knows both, the central server only Ana.
const NURSE = { sub: 'hosp-7f3a', preferredUsername: 'ana.lopez', name: 'Ana Lopez' };
const STRANGER = { sub: 'hosp-9c1d', preferredUsername: 'zed.unknown', name: 'Zed Unknown' };

let dir: string;
let database: TestDatabase;
let provider: TestOidcProvider;
let server: ServerProcess;
let serve: RunningCommand;
let workstationUrl: string;

test.beforeAll(async () => {
  test.setTimeout(150_000);
  dir = mkdtempSync(join(tmpdir(), 'ws-e2e-hospital-'));
  database = await freshDatabase('e2e_hospital');
  provider = await listenTestOidcProvider([NURSE, STRANGER]);
  const tokenFile = join(dir, 'admin-token');
  writeFileSync(tokenFile, `${ADMIN_TOKEN}\n`, { mode: 0o600 });
  const secretFile = join(dir, 'oidc-secret');
  writeFileSync(secretFile, `${TEST_CLIENT_SECRET}\n`, { mode: 0o600 });
  server = await startServerProcess(
    [
      ...['--db', database.url, '--insecure-http', '--port', '0', '--host', '127.0.0.1'],
      ...['--admin-token-file', tokenFile],
      ...['--oidc-issuer', provider.issuer, '--oidc-client-id', TEST_CLIENT_ID],
      ...['--oidc-client-secret-file', secretFile],
    ],
    60_000,
  );
  provider.serve(`${server.url}${HOSPITAL_SIGN_IN_PATHS.callback}`);

  // IT adds the nurse on the central server: she signs in through the hospital only.
  const added = await call(server.url, ACCOUNTS_ADMIN_PATHS.users, {
    headers: bearer(ADMIN_TOKEN),
    body: { username: NURSE.preferredUsername, displayName: NURSE.name, role: 'nurse' },
  });
  expect(added.status, added.text).toBe(200);

  // The workstation is enrolled from the command line, as a scripted install does.
  const code = await call(server.url, ADMIN_PATHS.enrolmentCodes, {
    headers: bearer(ADMIN_TOKEN),
    body: { unit: 'Ward 5' },
  });
  const dataDir = join(dir, 'data');
  const enrol = runCli([
    'enrol',
    ...['--data', dataDir, '--server', server.url, '--code', code.json.code as string],
    ...['--name', 'Ward 5 station'],
  ]);
  await enrol.waitForLine(/enrolled/i, 30_000);
  await enrol.stop();
  serve = runCli(['serve', ...['--port', '0', '--data', dataDir, '--token', TOKEN, '--demo', '2']]);
  workstationUrl = (await serve.waitForLine(/Workstation ready at (http:\/\/\S+)/, 90_000))[1]!;
});

test.afterAll(async () => {
  await serve?.stop();
  await server?.stop();
  await provider?.close();
  await database?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The provider's development login form, then its consent, in the tab the workstation opened. */
async function signInAtProvider(tab: Page, login: string): Promise<void> {
  await tab.waitForLoadState();
  await tab.locator('input[name="login"]').fill(login);
  await tab.locator('input[name="password"]').fill('any password');
  await tab.locator('button[type="submit"]').click();
  // The consent prompt (first sign-in of this client) asks once more.
  await tab.locator('button[type="submit"]').click();
}

test('a nurse signs in with the hospital account, and the privacy officer sees what she opened', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(workstationUrl);

  // The server's account reached the workstation: it is set up, nobody signed in yet.
  await expect(page.getByTestId('access-state')).toHaveText('Nobody signed in — monitoring only', {
    timeout: 30_000,
  });
  await expect(page.getByTestId('access-not-set-up')).toHaveCount(0);

  // Someone the central server does not know is refused, in words, on both sides.
  await page.getByTestId('access-sign-in').click();
  const form = page.getByTestId('sign-in-form');
  let opened = page.context().waitForEvent('page');
  await form.getByTestId('sign-in-hospital').click();
  let tab = await opened;
  await expect(form.getByTestId('hospital-sign-in-wait')).toContainText(
    'Waiting for you to sign in with your hospital account',
  );
  await signInAtProvider(tab, STRANGER.sub);
  await expect(tab.locator('body')).toContainText('has no user on the central server');
  await expect(form.getByTestId('sign-in-problem')).toContainText(
    'has no user on the central server',
  );
  await tab.close();

  // The nurse: the tab says she is signed in, and the workstation's screen is hers.
  opened = page.context().waitForEvent('page');
  await form.getByTestId('sign-in-hospital').click();
  tab = await opened;
  await expect(form.getByTestId('hospital-sign-in-wait')).toBeVisible();
  await expect(form.getByTestId('sign-in-submit')).toHaveText('Sign in');
  await page.screenshot({ path: 'docs/screenshots/hospital-sign-in.png' });
  await signInAtProvider(tab, NURSE.sub);
  await expect(tab.locator('body')).toContainText(`Signed in as ${NURSE.name} at the workstation`);
  await expect(page.getByTestId('nav-user-name')).toHaveText(`${NURSE.name}, Nurse`);
  await tab.close();

  // She opens a bed: audited, synced, and on the privacy officer's report under her name.
  await page.getByTestId('nav-central').click();
  await page.locator('[data-bed-id]').first().getByTestId('open-bed').click();
  await expect(page.getByTestId('waveform-MDC_ECG_ELEC_POTL')).toBeVisible();

  const admin = await page.context().newPage();
  await admin.goto(`${server.url}/admin`);
  await admin.getByLabel('Admin token', { exact: true }).fill(ADMIN_TOKEN);
  await admin.getByRole('button', { name: 'Sign in' }).click();
  const audit = admin.getByTestId('access-audit');
  await audit.getByTestId('audit-user').fill('Ana');
  const hers = audit.getByTestId('audit-row');
  await expect
    .poll(
      async () => {
        await audit.getByTestId('audit-show').click();
        return hers.filter({ hasText: "opened the bed's screen" }).count();
      },
      { timeout: 60_000, intervals: [2_000] },
    )
    .toBeGreaterThan(0);
  await expect(hers.filter({ hasText: 'signed in' }).first()).toContainText('Ward 5 station');
  await expect(hers.filter({ hasText: "through the hospital's sign-in" }).first()).toBeVisible();
  expect(problems).toEqual([]);
});
