// The central station with 16 demo beds (`serve --demo 16`: simulators of five device kinds on
// real pseudo-terminals, playing real recordings). Every bed is a tile with a live canvas; the
// desaturating bed is named as the most urgent; one click or Enter opens a bed.
import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type RunningCommand } from '../support/processes';
import { apiRequest } from '../support/simulated-bed';
import { inkPerTile } from '../support/page-checks';

const TOKEN = 'e2e-central-station';

let dir: string;
let serve: RunningCommand;
let url: string;

test.beforeAll(async () => {
  // Sixteen simulators and their patients: slow to start on a loaded 2-core machine.
  test.setTimeout(180_000);
  dir = mkdtempSync(join(tmpdir(), 'ws-e2e-central-'));
  serve = runCli([
    'serve',
    ...['--port', '0', '--data', join(dir, 'data'), '--token', TOKEN, '--demo', '16'],
  ]);
  url = (await serve.waitForLine(/Workstation ready at (http:\/\/\S+)/, 150_000))[1]!;
});

test.afterAll(async () => {
  await serve?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test.use({ viewport: { width: 1920, height: 1080 } });

test('sixteen beds on one screen, the most urgent named, one click opens a bed', async ({
  page,
}) => {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(url);

  // 16 tiles in a 4 × 4 grid, each with a live canvas inside, all within the screen.
  const tiles = page.locator('[data-bed-id]');
  await expect(tiles).toHaveCount(16);
  await expect(page.locator('[data-bed-id] canvas')).toHaveCount(16, { timeout: 30_000 });
  await expect
    .poll(async () => Math.min(...(await inkPerTile(page))), { timeout: 30_000 })
    .toBeGreaterThan(200);
  for (const box of await tiles.evaluateAll((all) =>
    all.map((t) => t.getBoundingClientRect().bottom),
  )) {
    expect(box).toBeLessThanOrEqual(1080);
  }
  // The trace moves: the ink changes from one moment to the next.
  const before = await inkPerTile(page);
  await page.waitForTimeout(500);
  const after = await inkPerTile(page);
  expect(after.filter((ink, i) => ink !== before[i]).length).toBeGreaterThanOrEqual(14);

  // Bed 8 desaturates (SpO₂ 89 %, limit 90 %): a medium alarm, flashing, named at the top.
  const bed8 = tiles.filter({ hasText: 'Bed 8 (demo)' });
  await expect(bed8).toHaveAttribute('data-priority', 'medium', { timeout: 30_000 });
  await expect(bed8).toHaveAttribute('data-state', 'active');
  await expect(bed8.getByTestId('tile-alarm')).toContainText('SpO₂ low');
  // It flashes (medium: 0.5 Hz): its alarm line takes two colours within one period.
  const shades = new Set<string>();
  for (let i = 0; i < 12; i++) {
    shades.add(
      await bed8.getByTestId('tile-alarm').evaluate((el) => getComputedStyle(el).backgroundColor),
    );
    await page.waitForTimeout(200);
  }
  expect(shades.size).toBe(2);
  const urgent = page.getByTestId('most-urgent');
  await expect(urgent).toHaveAttribute('data-priority', 'medium');
  await expect(urgent).toContainText(/Bed (8|16) \(demo\)/);
  // The HealthyPi 4 bed's synthetic pleth is not mistaken for a clipped one.
  await expect(tiles.filter({ hasText: 'Bed 6 (demo)' })).toHaveAttribute('data-priority', 'none');
  await page.screenshot({ path: 'test-results/screenshots/central.png' });

  // One click anywhere on a tile opens that bed.
  await tiles.filter({ hasText: 'Bed 2 (demo)' }).locator('.tile__body').click();
  await expect(page.getByRole('heading', { name: 'Bed 2 (demo)' })).toBeVisible();
  await expect(page.getByTestId('bedside')).toBeVisible();

  // Back to the station from the navigation bar, then a bed by keyboard alone.
  await page.getByTestId('nav-central').click();
  await expect(tiles).toHaveCount(16);
  const open3 = tiles.filter({ hasText: 'Bed 3 (demo)' }).getByTestId('open-bed');
  await open3.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Bed 3 (demo)' })).toBeVisible();
  expect(problems).toEqual([]);
});

/** Whether an element's text is cut off by its box (it overflows what it may show). */
const clipped = (page: Page, testId: string) =>
  page.getByTestId(testId).evaluate((element) => {
    const box = element.getBoundingClientRect();
    const parent = element.closest('.numeric')!.getBoundingClientRect();
    return element.scrollWidth > element.clientWidth + 1 || box.right > parent.right + 1;
  });

test('every numeric a device reports is shown; NIBP keeps its age; nothing clipped or overlapping', async ({
  page,
}) => {
  await page.goto(url);
  const tiles = page.locator('[data-bed-id]');
  // Bed 4 is a GE Datex S/5: its NIBP on the tile carries the reading's age, not the value alone.
  const bed4 = tiles.filter({ hasText: 'Bed 4 (demo)' });
  await expect(bed4.getByTestId('nibp-value')).toHaveText(/^\d+\/\d+/, { timeout: 30_000 });
  await expect(bed4.getByTestId('nibp-time')).toHaveText(/^\d+ min ago$/);
  // The age above the reading, both within the tile and neither cut (the age once was).
  const layout = await bed4.getByTestId('nibp').evaluate((nibp) => {
    const box = nibp.getBoundingClientRect();
    const value = nibp.querySelector('[data-testid="nibp-value"]')!;
    const age = nibp.querySelector('[data-testid="nibp-time"]')!.getBoundingClientRect();
    const reading = value.getBoundingClientRect();
    return {
      inside: age.top >= box.top && reading.bottom <= box.bottom + 0.5,
      apart: age.bottom <= reading.top + 0.5,
      uncut: value.scrollWidth <= value.clientWidth + 1 && reading.right <= box.right + 0.5,
    };
  });
  expect(layout).toEqual({ inside: true, apart: true, uncut: true });

  // At its bedside: EtCO₂ (which the Datex sends) and PR beside HR, NIBP uncut at 1920 × 1080.
  await bed4.getByTestId('open-bed').click();
  const etco2 = page.getByTestId('numeric-MDC_AWAY_CO2_ET');
  await expect(etco2.getByTestId('numeric-value')).toHaveText(/^\d+$/, { timeout: 30_000 });
  await expect(etco2).toContainText('EtCO₂');
  await expect(etco2).toContainText('mmHg');
  await expect(page.getByTestId('numeric-MDC_PULS_OXIM_PULS_RATE')).toContainText('PR');
  await expect(page.getByTestId('nibp-value')).toHaveText(/^\d+\/\d+ \(\d+\)$/);
  expect(await clipped(page, 'nibp-value')).toBe(false);
  await page.waitForTimeout(4000); // let the sweeps fill for the picture
  await page.screenshot({ path: 'test-results/screenshots/bedside-datex.png' });
  await page.getByTestId('theme-toggle').click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'day');
  await page.screenshot({ path: 'test-results/screenshots/day-bedside-datex.png' });
  await page.getByTestId('theme-toggle').click();

  // Bed 8 has two devices (HealthyPi 5 and a CMS50 oximeter): both named in the header, apart.
  await page.getByTestId('nav-central').click();
  await tiles.filter({ hasText: 'Bed 8 (demo)' }).getByTestId('open-bed').click();
  const devices = page.getByTestId('device-state');
  await expect(devices).toHaveCount(2);
  const [first, second] = await devices.evaluateAll((all) =>
    all.map((d) => {
      const { left, right } = d.getBoundingClientRect();
      return { left, right };
    }),
  );
  expect(first!.right).toBeLessThanOrEqual(second!.left);
  // Its oximeter's pulse rate is on screen beside the ECG's heart rate: a PR alarm has a number.
  await expect(
    page.getByTestId('numeric-MDC_PULS_OXIM_PULS_RATE').getByTestId('numeric-value'),
  ).toHaveText(/^\d+$/);
});

test('the station in both themes, with a bed whose SpO₂ alarms are off and one paused', async ({
  page,
}) => {
  await page.goto(url);
  const tiles = page.locator('[data-bed-id]');
  const bed8 = tiles.filter({ hasText: 'Bed 8 (demo)' });
  await expect(bed8).toHaveAttribute('data-priority', 'medium', { timeout: 30_000 });
  const bedId = (await bed8.getAttribute('data-bed-id'))!;
  const bed2Id = (await tiles.filter({ hasText: 'Bed 2 (demo)' }).getAttribute('data-bed-id'))!;
  const send = async (method: string, params: unknown) =>
    (await apiRequest(url, TOKEN, method, params)).type;
  expect(
    await send('setAlarmOff', { bedId, parameter: 'spo2', off: true, reason: 'probe change' }),
  ).toBe('response');
  expect(await send('setAlarmAudio', { bedId: bed2Id, mode: 'paused' })).toBe('response');
  // SpO₂ 89 no longer alarms on bed 8 as a limit (a technical alarm of the recording's clipped
  // respiration may remain), and the tile says why, with the crossed bell on SpO₂. The early
  // warning score, switched off apart, still counts SpO₂ 89 on air with RR 24: NEWS2 5, urgent.
  await expect(bed8.getByTestId('tile-alarm')).not.toContainText(/SpO₂ low|Desaturation/);
  await expect(bed8.getByTestId('news2')).toHaveAttribute('data-band', 'medium');
  await expect(bed8.getByTestId('numeric-MDC_PULS_OXIM_SAT_O2')).toHaveAttribute(
    'data-alarm-off',
    'true',
  );
  await expect(bed8.getByTestId('tile-states')).toContainText('SpO₂ alarms off');
  await expect(tiles.filter({ hasText: 'Bed 2 (demo)' }).getByTestId('tile-states')).toContainText(
    'Audio paused',
  );
  await page.screenshot({ path: 'test-results/screenshots/central-states.png' });
  await page.getByTestId('theme-toggle').click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'day');
  await page.screenshot({ path: 'test-results/screenshots/day-central-states.png' });
  await page.getByTestId('theme-toggle').click();
  expect(await send('setAlarmOff', { bedId, parameter: 'spo2', off: false })).toBe('response');
  expect(await send('setAlarmAudio', { bedId: bed2Id, mode: 'on' })).toBe('response');
});
