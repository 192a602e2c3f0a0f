// Rows the central server refuses, as a biomedical engineer sees them, in Debian's Chromium
// against the browser shell (`serve --demo 1`). The server here is the test's stand-in for the
// central server (test/support/central-stand-in.ts), the only way to have a server refuse a
// well-formed row on purpose: it refuses the workstation's patient records with a reason. The
// settings screen shows how many were refused and why, and that the rows behind them were sent;
// once the server takes them, "Send it again" sends it and the button goes. At 1920 × 1080.
import { expect, test } from '@playwright/test';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type RunningCommand } from '../support/processes';
import { CentralStandIn } from '../support/central-stand-in';
import { seriousViolations } from '../support/page-checks';

const TOKEN = 'e2e-sync-refused';
const SHOTS = join(import.meta.dirname, '..', '..', 'test-results', 'screenshots');
const REASON = 'patient records are not accepted by this server version';

let dir: string;
let central: CentralStandIn;
let serve: RunningCommand;
let workstationUrl: string;

test.use({ viewport: { width: 1920, height: 1080 } });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  dir = mkdtempSync(join(tmpdir(), 'ws-e2e-refused-'));
  central = await CentralStandIn.start();
  central.refuse = (table) => (table === 'patients' ? REASON : null);
  serve = runCli([
    'serve',
    ...['--port', '0', '--data', join(dir, 'data'), '--token', TOKEN, '--demo', '1'],
  ]);
  workstationUrl = (await serve.waitForLine(/Workstation ready at (http:\/\/\S+)/, 90_000))[1]!;
});

test.afterAll(async () => {
  await serve?.stop();
  await central?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('rows the server refused are shown with the reason, and sent again once it takes them', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(workstationUrl);
  await page.getByTestId('sync-status-line').getByRole('link', { name: 'Set up' }).click();
  await page.getByLabel('Server address').fill(central.url);
  await page.getByLabel('Enrolment code').fill(central.code);
  await page.getByLabel('Name of this workstation').fill('Clinic Testville');
  await page.getByRole('button', { name: 'Connect' }).click();

  const panel = page.getByRole('region', { name: 'Refused by the server' });
  await expect(panel).toBeVisible({ timeout: 60_000 });
  await expect(panel).toContainText(/\d+ rows? (was|were) refused by the server and kept here/);
  await expect(panel).toContainText(REASON);
  await expect(panel).toContainText(/The rows behind (it|them) were sent\./);
  expect(central.kept('patients')).toHaveLength(0);
  // The lanes behind go on: numerics reach the server (lane 1 follows lane 0's batch).
  await expect.poll(() => central.kept('numerics').length, { timeout: 30_000 }).toBeGreaterThan(0);
  const refused = Number(/(\d+) rows? (?:was|were) refused/.exec(await panel.innerText())![1]);
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, 'sync-refused.png') });
  expect(await seriousViolations(page)).toEqual([]);

  // The server is changed to take them; the engineer sends them again.
  central.refuse = () => null;
  await panel.getByRole('button', { name: /Send (it|them) again/ }).click();
  await expect(page.getByTestId('sync-requeued')).toHaveText(
    `${refused} ${refused === 1 ? 'row was' : 'rows were'} queued again, to be sent with the rest.`,
  );
  await expect
    .poll(() => central.kept('patients').length, { timeout: 30_000 })
    .toBeGreaterThanOrEqual(refused);
  await expect(panel.getByRole('button', { name: /Send (it|them) again/ })).toHaveCount(0, {
    timeout: 30_000,
  });
  await page.screenshot({ path: join(SHOTS, 'sync-refused-sent-again.png') });
  expect(problems).toEqual([]);
});
