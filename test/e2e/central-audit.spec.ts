// The privacy officer's access audit on the central server's admin page: two enrolled
// workstations whose audit trails (hash-chained) and admissions are in PostgreSQL as sync stores
// them; the report filtered by the patient's MRN lists the nurse's views of the patient's beds
// during the stays (not before), the chains show intact, and the CSV and FHIR downloads carry the
// same selection. axe-core finds no serious violation.
import { expect, test } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_PATHS } from '../../shared/sync/admin';
import { SYNC_PATHS, SYNC_PROTOCOL } from '../../shared/sync/protocol';
import {
  ICU,
  NURSE,
  SCENE_MRN,
  WARD,
  seedAuditScene,
} from '../../server/audit/audit-scene.test-support';
import { freshDatabase, type TestDatabase } from '../../server/test-support/database';
import { bearer, call } from '../../server/test-support/http-client';
import { startServerProcess, type ServerProcess } from '../../server/test-support/server-process';
import { seriousViolations } from '../support/page-checks';

const ADMIN_TOKEN = 'e2e-central-audit-token-0123456789ab';
// Within the page's default 30 days.
const T0_MS = Date.now() - 2 * 86_400_000;

let dir: string;
let database: TestDatabase;
let server: ServerProcess;

async function enrol(workstationId: string, name: string) {
  const code = await call(server.url, ADMIN_PATHS.enrolmentCodes, {
    headers: bearer(ADMIN_TOKEN),
    body: { unit: 'ICU 2' },
  });
  const enrolled = await call(server.url, SYNC_PATHS.enrol, {
    body: {
      protocol: SYNC_PROTOCOL,
      code: code.json.code,
      workstationId,
      name,
      appVersion: '1.3.0',
    },
  });
  expect(enrolled.status, enrolled.text).toBe(200);
}

test.beforeAll(async () => {
  test.setTimeout(120_000);
  dir = mkdtempSync(join(tmpdir(), 'ws-e2e-audit-'));
  database = await freshDatabase('e2e_audit');
  const tokenFile = join(dir, 'admin-token');
  writeFileSync(tokenFile, `${ADMIN_TOKEN}\n`, { mode: 0o600 });
  server = await startServerProcess(
    [
      ...['--db', database.url, '--insecure-http', '--port', '0', '--host', '127.0.0.1'],
      ...['--admin-token-file', tokenFile],
    ],
    60_000,
  );
  await enrol(ICU, 'ICU 2 station');
  await enrol(WARD, 'Ward 5 station');
  await seedAuditScene(database.url, T0_MS);
});

test.afterAll(async () => {
  await server?.stop();
  await database?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("the privacy officer's report lists the nurse's views of one patient", async ({ page }) => {
  test.setTimeout(90_000);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(`${server.url}/admin`);
  await page.getByLabel('Admin token', { exact: true }).fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();

  const audit = page.getByTestId('access-audit');
  // Everything of the last 30 days as the panel opens: the scene's twelve entries.
  await expect(audit.getByTestId('audit-row')).toHaveCount(12);
  await audit.getByLabel('Patient (MRN or id)').fill(SCENE_MRN);
  await audit.getByRole('button', { name: 'Show' }).click();
  await expect(audit.getByTestId('audit-status')).toHaveText(
    '3 stays of this patient taken into account.',
  );
  const rows = audit.getByTestId('audit-row');
  await expect(rows).toHaveCount(7);
  const nurseViews = rows.filter({ hasText: NURSE });
  await expect(nurseViews).toHaveCount(3);
  await expect(nurseViews.nth(0)).toContainText("opened the bed's screen");
  await expect(nurseViews.nth(0)).toContainText('Ward 5 station');
  await expect(nurseViews.nth(1)).toContainText('read trends');
  await expect(nurseViews.nth(2)).toContainText('ICU 2 station');
  // The nurse opened bed 1 before the patient was in it: not the patient's.
  await expect(audit.getByText('from browser tab 1 (page)')).toHaveCount(0);
  await expect(rows.filter({ hasText: 'was refused: acknowledged an alarm' })).toHaveCount(1);

  const chains = audit.getByTestId('audit-chain-row');
  await expect(chains).toHaveCount(2);
  for (const state of await chains.evaluateAll((r) => r.map((e) => e.getAttribute('data-state'))))
    expect(state).toBe('intact');

  const csvDownload = page.waitForEvent('download');
  await audit.getByRole('button', { name: 'Download CSV' }).click();
  const csvFile = await (await csvDownload).path();
  const csv = readFileSync(csvFile, 'utf8');
  const lines = csv.split('\r\n').filter((l) => l !== '');
  expect(lines[0]).toBe('time (UTC),workstation,who,what,action,subject,detail');
  expect(lines).toHaveLength(8);
  expect(
    lines.filter((l) => l.includes(NURSE) && l.includes("opened the bed's screen")),
  ).toHaveLength(2);

  const fhirDownload = page.waitForEvent('download');
  await audit.getByRole('button', { name: 'Download FHIR AuditEvents' }).click();
  const bundle = JSON.parse(readFileSync(await (await fhirDownload).path(), 'utf8'));
  expect(bundle.resourceType).toBe('Bundle');
  expect(bundle.entry).toHaveLength(7);
  expect(bundle.entry[0].resource.resourceType).toBe('AuditEvent');

  await page.setViewportSize({ width: 1280, height: 1600 });
  await audit.screenshot({ path: 'docs/screenshots/admin-audit.png' });
  expect(await seriousViolations(page, '[data-testid="access-audit"]')).toEqual([]);
  expect(problems).toEqual([]);
});
