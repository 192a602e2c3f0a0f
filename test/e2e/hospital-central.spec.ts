// The hospital central station: the central server (insecure HTTP on loopback, a fresh PostgreSQL
// database), a workstation with `serve --demo 4` enrolled to it with a one-time code, and the
// server's own page in Chromium showing the workstation's 4 beds live through the relay, grouped
// under the unit and workstation. The workstation stops: every bed says it is offline, with the
// time of its last data, and no trace moves.
import { expect, test } from '@playwright/test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type RunningCommand } from '../support/processes';
import { freshDatabase, type TestDatabase } from '../../server/test-support/database';
import { seriousViolations, inkPerTile } from '../support/page-checks';

const SERVER = join(import.meta.dirname, '..', '..', 'out', 'server', 'main.js');
const VIEWER_TOKEN = 'e2e-hospital-central-viewer-token';

let dir: string;
let database: TestDatabase;
let server: ChildProcess;
let serverOutput = '';
let serverUrl: string;
let stationUrl: string;
let workstation: RunningCommand;

async function serverLine(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = serverOutput.match(pattern);
    if (match) return match;
    if (server.exitCode !== null) throw new Error(`The server exited: ${serverOutput}`);
    if (Date.now() > deadline) throw new Error(`No ${pattern} from the server: ${serverOutput}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test.beforeAll(async () => {
  test.setTimeout(180_000);
  dir = mkdtempSync(join(tmpdir(), 'ws-e2e-hospital-'));
  database = await freshDatabase('e2e_hospital');
  const tokenFile = join(dir, 'viewer-token');
  (await import('node:fs')).writeFileSync(tokenFile, `${VIEWER_TOKEN}\n`, { mode: 0o600 });
  server = spawn(
    process.execPath,
    [
      SERVER,
      ...['--db', database.url, '--port', '0', '--insecure-http'],
      ...['--viewer-token-file', tokenFile],
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  server.stdout!.on('data', (chunk: Buffer) => (serverOutput += chunk.toString()));
  server.stderr!.on('data', (chunk: Buffer) => (serverOutput += chunk.toString()));
  serverUrl = (await serverLine(/Central server ready at (http:\/\/\S+)/))[1]!;
  stationUrl = (await serverLine(/Hospital central station at (http:\/\/\S+)/))[1]!;

  // IT makes a one-time code; the workstation enrols with it, then runs its 4 demo beds.
  const code = spawnSync(
    process.execPath,
    [SERVER, 'enrolment-code', '--db', database.url, '--unit', 'ICU 2'],
    { encoding: 'utf8' },
  );
  expect(code.status, code.stderr).toBe(0);
  const data = join(dir, 'data');
  const enrol = runCli([
    'enrol',
    ...['--data', data, '--server', serverUrl, '--code', code.stdout.trim()],
    ...['--name', 'ICU-2 central'],
  ]);
  await enrol.waitForLine(/nrolled/i, 30_000);
  await enrol.stop();
  workstation = runCli([
    'serve',
    ...[
      '--port',
      '0',
      '--data',
      data,
      '--token',
      'e2e-hospital-central-workstation',
      '--demo',
      '4',
    ],
  ]);
  await workstation.waitForLine(/Workstation ready at (http:\/\/\S+)/, 120_000);
});

test.afterAll(async () => {
  await workstation?.stop();
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

test.use({ viewport: { width: 1920, height: 1080 } });

/** axe-core's serious and critical findings, as the accessibility spec reads them. */

test('the hospital central station shows the workstation’s 4 beds live, then offline with their last data', async ({
  page,
}) => {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(stationUrl);

  // The 4 demo beds under their unit and workstation, each with a moving trace.
  const tiles = page.locator('[data-bed-id]');
  await expect(tiles).toHaveCount(4, { timeout: 60_000 });
  const group = page.getByTestId('bed-group');
  await expect(group).toHaveCount(1);
  await expect(group.getByRole('heading')).toHaveText('ICU 2 · ICU-2 central');
  await expect(page.locator('[data-bed-id] canvas')).toHaveCount(4, { timeout: 30_000 });
  await expect
    .poll(async () => Math.min(...(await inkPerTile(page))), { timeout: 30_000 })
    .toBeGreaterThan(200);
  const before = await inkPerTile(page);
  await page.waitForTimeout(500);
  const after = await inkPerTile(page);
  expect(after.filter((ink, i) => ink !== before[i]).length).toBe(4);
  await expect(tiles.filter({ hasText: 'Bed 1 (demo)' }).getByTestId('tile-patient')).toHaveText(
    'Demo, Ada',
  );
  // Each patient's early warning score comes through the relay (the demo records air and alert).
  await expect(tiles.getByTestId('news2')).toHaveCount(4);
  await expect(tiles.first().getByTestId('news2-value')).toHaveText(/^≥?\d+$/);
  // The hospital central station watches; patients and devices are handled at the workstation.
  await expect(page.getByTestId('nav-patients')).toHaveCount(0);
  await expect(page.getByTestId('nav-devices')).toHaveCount(0);
  await page.waitForTimeout(3000); // the sweeps fill for the picture
  await page.screenshot({ path: 'test-results/screenshots/hospital-central.png' });
  expect(await seriousViolations(page)).toEqual([]);

  // A bed opened from the station: its live view, with no control that acts on the bed.
  await tiles.filter({ hasText: 'Bed 2 (demo)' }).getByTestId('open-bed').click();
  await expect(page.getByTestId('bedside')).toBeVisible();
  await expect(page.getByTestId('at-the-bed')).toBeVisible();
  await expect(page.getByTestId('manage-devices')).toHaveCount(0);
  await expect(page.getByTestId('open-limits')).toHaveCount(0);
  await expect(page.locator('.alarm__acknowledge')).toHaveCount(0);
  // Its NEWS2 sheet shows what the score is made of, and no form to record observations.
  await page.getByTestId('open-news2').click();
  await expect(page.getByTestId('news2-recorded')).toContainText('A — alert (demo,');
  await expect(page.getByTestId('news2-record')).toHaveCount(0);
  await page.getByTestId('nav-central').click();
  await expect(tiles).toHaveCount(4);

  // The workstation stops: each bed says so, with the time of its last data; no trace is drawn.
  const stoppedAt = Date.now();
  await workstation.stop();
  for (const tile of await tiles.all()) {
    await expect(tile).toHaveAttribute('data-offline', 'true', { timeout: 30_000 });
    await expect(tile.getByTestId('tile-alarm')).toHaveText(
      /^Workstation offline since \d\d:\d\d — last data \d\d:\d\d$/,
    );
    await expect(tile.getByTestId('tile-offline')).toBeVisible();
  }
  await expect(page.locator('[data-bed-id] canvas')).toHaveCount(0);
  // Nor a score from what it last said.
  await expect(tiles.getByTestId('news2')).toHaveCount(0);
  const minute = (ms: number) => {
    const at = new Date(ms);
    return `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
  };
  const text = await tiles.first().getByTestId('tile-alarm').textContent();
  const [since, last] = [...text!.matchAll(/(\d\d:\d\d)/g)].map((m) => m[1]);
  expect([minute(stoppedAt), minute(stoppedAt + 60_000)]).toContain(since);
  expect([minute(stoppedAt - 60_000), minute(stoppedAt)]).toContain(last);
  // Nothing sounds from what an offline workstation last said; the top line says what is not live.
  await expect(page.getByTestId('most-urgent')).toHaveAttribute('data-priority', 'none');
  await expect(page.getByTestId('offline-beds')).toHaveText(
    'No bed is alarming — 4 beds are not live: workstation offline',
  );
  await page.screenshot({ path: 'test-results/screenshots/hospital-central-offline.png' });
  expect(await seriousViolations(page)).toEqual([]);
  expect(problems).toEqual([]);
  expect(serverOutput).not.toMatch(/failed|TypeError/);
});
