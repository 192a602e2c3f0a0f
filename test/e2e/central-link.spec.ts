// A rural clinic joins the hospital's central server and loses its link, in Debian's Chromium
// against the browser shell (`serve --demo 2`) and the real central server (its command, on the
// real PostgreSQL, a fresh database). The nurse sees on every screen that nothing reaches the
// hospital yet, enrols from the settings screen with the code IT read out (a wrong code first:
// refused in a sentence), sees the data flow; the server goes away: the line says since when and
// how much waits, all kept here; the server comes back on the same address: the backlog drains by
// itself and every row the workstation kept is on the server; the hospital central station's
// review of a bed draws what was recorded while the link was down. At 1920 × 1080.
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { runCli, type RunningCommand } from '../support/processes';
import { freshDatabase, type TestDatabase } from '../../server/test-support/database';
import {
  runServerCommand,
  startServerProcess,
  type ServerProcess,
} from '../../server/test-support/server-process';

const TOKEN = 'e2e-central-link';
const SHOTS = join(import.meta.dirname, '..', '..', 'test-results', 'screenshots');

let dir: string;
let db: TestDatabase;
let serve: RunningCommand;
let central: ServerProcess | null = null;
let workstationUrl: string;

test.use({ viewport: { width: 1920, height: 1080 } });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  dir = mkdtempSync(join(tmpdir(), 'ws-e2e-link-'));
  db = await freshDatabase('e2e_link');
  central = await startServerProcess([
    ...['--db', db.url, '--port', '0', '--host', '127.0.0.1', '--insecure-http'],
  ]);
  serve = runCli([
    'serve',
    ...['--port', '0', '--data', join(dir, 'data'), '--token', TOKEN, '--demo', '2'],
  ]);
  workstationUrl = (await serve.waitForLine(/Workstation ready at (http:\/\/\S+)/, 90_000))[1]!;
});

test.afterAll(async () => {
  await serve?.stop();
  await central?.stop();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

async function rowsOnServer(): Promise<number> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      `SELECT (SELECT count(*) FROM numerics) + (SELECT count(*) FROM alarm_events) AS n`,
    );
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}

test('a clinic enrols, loses the central server, and catches up when it returns', async ({
  page,
}) => {
  test.setTimeout(420_000);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(workstationUrl);

  // Before enrolment: every screen says the data stay here only.
  const line = page.getByTestId('sync-status-line');
  await expect(line).toContainText('Not connected to a central server');
  await line.getByRole('link', { name: 'Set up' }).click();
  await expect(page.getByRole('heading', { name: 'Central server', level: 1 })).toBeVisible();

  // A wrong code: refused in a sentence, nothing kept.
  const serverUrl = central!.url;
  await page.getByLabel('Server address').fill(serverUrl);
  await page.getByLabel('Enrolment code').fill('AAAA-BBBB-CCCC-DDDD');
  await page.getByLabel('Name of this workstation').fill('Clinic Testville');
  await page.getByRole('button', { name: 'Connect' }).click();
  await expect(page.getByTestId('enrol-problem')).toContainText(/code/i);
  await expect(line).toContainText('Not connected');

  // The code IT made for this workstation.
  const made = await runServerCommand(['enrolment-code', '--db', db.url, '--unit', 'Ward A']);
  expect(made.code, made.stderr).toBe(0);
  const code = /[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}/.exec(made.stdout)![0];
  await page.getByLabel('Enrolment code').fill(code);
  await page.getByRole('button', { name: 'Connect' }).click();
  await expect(page.getByTestId('sync-state')).toHaveAttribute('data-state', /connected|draining/, {
    timeout: 30_000,
  });
  await expect(line).toContainText('Central server connected', { timeout: 60_000 });
  await expect.poll(rowsOnServer, { timeout: 30_000 }).toBeGreaterThan(0);
  await shot(page, 'central-link-connected');

  // The link goes: the central server stops. Monitoring goes on; the line says what waits.
  const port = new URL(serverUrl).port;
  const downAt = Date.now();
  await central!.stop();
  central = null;
  await expect(line).toContainText(/Central server unreachable since \d\d:\d\d/, {
    timeout: 60_000,
  });
  await expect(line).toContainText('all kept on this workstation');
  await expect(page.getByTestId('sync-state')).toHaveAttribute('data-state', 'unreachable');
  await expect(page.getByTestId('sync-backlog')).toBeVisible({ timeout: 30_000 });
  await shot(page, 'central-link-unreachable');
  const beforeReturn = await rowsOnServer();
  // The live screens go on meanwhile.
  await page.getByRole('link', { name: 'Central station' }).click();
  await expect(page.locator('[data-bed-id] canvas')).toHaveCount(2);
  await expect(line).toContainText('Central server unreachable');
  await shot(page, 'central-link-unreachable-central-station');

  // It comes back on the same address: the workstation catches up by itself.
  central = await startServerProcess([
    ...['--db', db.url, '--port', port, '--host', '127.0.0.1', '--insecure-http'],
  ]);
  const upAt = Date.now();
  await expect(line).toContainText('Central server connected', { timeout: 60_000 });
  expect(await rowsOnServer()).toBeGreaterThan(beforeReturn);

  // The gap is filled at the hospital: once the outage's minute is packed and sent, the hospital
  // central station's review of a bed draws the signal recorded while the link was down.
  const midMs = Math.round((downAt + upAt) / 2);
  const covering = async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ workstation_id: string; bed_id: string }>(
        `SELECT workstation_id, bed_id FROM waveform_chunks
         WHERE t0_ms <= $1 AND t0_ms + sample_count * 1000.0 / rate_hz > $1 LIMIT 1`,
        [midMs],
      );
      return rows[0] ?? null;
    } finally {
      await client.end();
    }
  };
  await expect.poll(covering, { timeout: 180_000, intervals: [2_000] }).not.toBeNull();
  const bed = (await covering())!;
  const station = /Hospital central station at (\S+)/.exec(central!.stdout())![1]!;
  const bedId = `${bed.workstation_id}/${bed.bed_id}`;
  await page.goto(
    `${station.replace(/#.*$/, '')}#/bed/${encodeURIComponent(bedId)}/review?at=${midMs - 5_000}`,
  );
  const paper = page.getByTestId('review-paper');
  await expect(paper).toHaveAttribute('data-drawn-at', /\d/, { timeout: 30_000 });
  const from = Number(await paper.getAttribute('data-window-from'));
  const to = Number(await paper.getAttribute('data-window-to'));
  expect(from).toBeLessThanOrEqual(midMs);
  expect(to).toBeGreaterThanOrEqual(midMs);
  const inked = await page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('.review-paper__canvas')!;
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let bright = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i]! > 200 && data[i + 1]! > 200) bright++;
    return bright;
  });
  expect(inked).toBeGreaterThan(500);
  await shot(page, 'central-link-gap-filled');
  expect(problems).toEqual([]);
});
