// The trends a clinician reads at the start of a shift, in Debian's Chromium against the browser
// shell: 72 hours of a bed's history written into a real store on disk beforehand (with a 2-hour
// gap and three alarms), then `workstation serve` on that store with the HealthyPi 5 simulator
// on a real pseudo-terminal feeding the present. Only the device is simulated.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test, type Page } from '@playwright/test';
import { openBed, startSimulatedBed, type SimulatedBed } from '../support/simulated-bed';

const HOUR = 3_600_000;
const ROOT = join(import.meta.dirname, '..', '..');

let rig: SimulatedBed;
let seededDir: string;
let seeded: { fromMs: number; toMs: number; numerics: number };

test.beforeAll(async () => {
  test.setTimeout(120_000);
  seededDir = mkdtempSync(join(tmpdir(), 'ws-e2e-trends-data-'));
  const started = Date.now();
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      ...['--import', 'tsx', '--import', './test/support/raw-import.mjs'],
      // The workstation keeps its store in <data>/pgdata.
      ...['test/support/seed-trends.ts', join(seededDir, 'pgdata')],
    ],
    { cwd: ROOT },
  );
  seeded = JSON.parse(stdout.trim().split('\n').pop()!) as typeof seeded;
  console.log(`seeded ${seeded.numerics} numerics over 72 h in ${Date.now() - started} ms`);
  rig = await startSimulatedBed({
    name: 'trends',
    token: 'e2e-trends-72-hours',
    bed: '@Bed 1',
    // The later --data wins: serve opens the seeded store.
    serveArgs: ['--data', seededDir],
    simulatorArgs: ['--hr', '72', '--spo2', '98', '--rr', '16', '--temp', '36.5'],
  });
});

test.afterAll(async () => {
  await rig?.close();
  if (seededDir) rmSync(seededDir, { recursive: true, force: true });
});

/** Moves the mouse over a graph's plotting area at a fraction of the time axis. */
async function hoverGraph(page: Page, group: string, fraction: number): Promise<void> {
  const over = page.getByTestId(`trend-graph-${group}`).locator('.u-over');
  const box = (await over.boundingBox())!;
  await page.mouse.move(box.x + box.width * fraction, box.y + box.height / 2);
}

test('a clinician reads 72 hours of trends, finds an alarm and opens it in review', async ({
  page,
}) => {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  await openBed(page, rig.url, 'Bed 1');
  await page.getByTestId('bed-view-trends').click();
  await expect(page).toHaveURL(/#\/bed\/bed-1\/trends$/);
  const trends = page.getByTestId('trends');
  await expect(trends).toBeVisible();

  // The last hour: every seeded parameter has a graph, the table one row per minute.
  for (const group of ['rate', 'spo2', 'resp', 'temp', 'nibp']) {
    await expect(page.getByTestId(`trend-graph-${group}`).locator('canvas')).toBeVisible();
  }
  await expect(page.getByTestId('trend-span-1')).toHaveAttribute('aria-pressed', 'true');
  const rows = page.getByTestId('trend-row');
  await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(55);
  // The seeded alarm 25 minutes ago is marked (the live bed may add its own alarms).
  const mark = (message: string) =>
    page.locator(`[data-testid="trend-alarm-mark"][title*="${message}"]`);
  await expect(mark('SpO₂ 88 < 90')).toHaveCount(1);
  await expect(mark('HR high 128 > 120')).toHaveCount(0);
  // A flat hour (HR 72 for an hour) is read against the patient's limits: every graph's value
  // axis takes in its normal limits (adult defaults), rather than magnifying the trace until
  // they fall off it (issue 12, item 16).
  const valueAxis = async (group: string) =>
    (await page.getByTestId(`trend-graph-${group}`).getAttribute('data-value-range'))!
      .split(' ')
      .map(Number);
  for (const [group, low, high] of [
    ['rate', 50, 120],
    ['resp', 8, 30],
    ['temp', 36, 39],
  ] as const) {
    const [from, to] = await valueAxis(group);
    expect(from, `${group} axis starts below its low limit`).toBeLessThan(low);
    expect(to, `${group} axis ends above its high limit`).toBeGreaterThan(high);
  }

  // 72 hours.
  const started = Date.now();
  await page.getByTestId('trend-span-72').click();
  await expect(page.getByTestId('trend-span-72')).toHaveAttribute('aria-pressed', 'true');
  for (const message of ['HR high 128 > 120', 'SpO₂ 84 < 85', 'SpO₂ 88 < 90']) {
    await expect(mark(message)).toHaveCount(1);
  }
  console.log(`72 h of trends drawn in ${Date.now() - started} ms`);
  // 70 hours with data (72 less the 2-hour gap), 60 rows a page.
  await expect(page.getByTestId('trend-table-page')).toHaveText(/^Page 1 of (7[01])$/);
  await expect(rows).toHaveCount(60);
  await page.getByTestId('trend-table-older').click();
  await expect(page.getByTestId('trend-table-page')).toHaveText(/^Page 2 of/);
  await expect(rows).toHaveCount(60);

  // The cursor reads values, at the same time in every graph.
  await hoverGraph(page, 'spo2', 0.3);
  const readout = page.getByTestId('trend-readout');
  await expect(readout.getByTestId('readout-MDC_PULS_OXIM_SAT_O2')).toHaveText(/SpO₂ \d{2,3}$/);
  await expect(readout.getByTestId('readout-MDC_ECG_HEART_RATE')).toHaveText(/HR \d{2,3}$/);
  await expect(readout.getByTestId('readout-MDC_TEMP_BODY')).toHaveText(/\d\d\.\d$/);
  // NIBP, measured every 15 minutes, reads as its last measurement: 120/80 (93).
  await expect(readout.getByTestId('readout-nibp')).toHaveText(/^NIBP \d+\/\d+ \(\d+\)/);
  await expect(rows.first().locator('td[data-column="nibp"]')).toHaveText(/^(\d+\/\d+ \(\d+\)|—)$/);
  // The early warning score, last: scored every minute from those vitals (on air, alert).
  await expect(rows.first().locator('td').last()).toHaveText(/^(\d+|—)$/);
  // 29 hours ago the patient was off the monitor: the gap reads as no value, not a joined line.
  const windowMs = 72 * HOUR;
  const toMs = Date.now() + 60_000;
  await hoverGraph(page, 'rate', 1 - (toMs - (seeded.toMs - 29 * HOUR)) / windowMs);
  await expect(readout.getByTestId('readout-MDC_ECG_HEART_RATE')).toHaveText('HR —');

  await hoverGraph(page, 'spo2', 0.55);
  await expect(readout.getByTestId('readout-MDC_PULS_OXIM_SAT_O2')).toHaveText(/\d$/);
  mkdirSync('test-results/screenshots', { recursive: true });
  await page.screenshot({ path: 'test-results/screenshots/trends.png' });
  mkdirSync(join(ROOT, 'docs', 'screenshots'), { recursive: true });
  copyFileSync('test-results/screenshots/trends.png', join(ROOT, 'docs/screenshots/trends.png'));

  // The high-priority alarm 9 hours ago: its marker names it, and offers to review that moment.
  const desaturation = mark('SpO₂ 84 < 85');
  await expect(desaturation).toHaveAttribute('title', /^High priority: SpO₂ 84 < 85/);
  await desaturation.click();
  await expect(page.getByTestId('trend-moment')).toContainText('SpO₂ 84 < 85');
  await page.getByTestId('trend-review-moment').click();
  await expect(page).toHaveURL(/#\/bed\/bed-1\/review\?at=\d+$/);
  const atMs = Number(/[?&]at=(\d+)$/.exec(page.url())![1]);
  expect(Math.abs(atMs - (seeded.toMs - 9 * HOUR))).toBeLessThan(1000);
  await expect(page.getByTestId('review')).toBeVisible();

  // Back to the trends: a table row offers its minute for review too.
  await page.goBack();
  await expect(trends).toBeVisible();
  await rows.first().click();
  await expect(page.getByTestId('trend-review-moment')).toHaveAttribute(
    'href',
    /^#\/bed\/bed-1\/review\?at=\d+$/,
  );
  expect(problems).toEqual([]);
});
