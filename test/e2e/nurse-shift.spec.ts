// The path a nurse takes through a shift, end to end in Chromium: connect a monitor to a new bed,
// admit a (fictional) patient, watch the bed from the central station, get a desaturation alarm,
// acknowledge it, review the moment in full disclosure, and open the alarm's PDF strip. A
// HealthyPi 5 simulator on a real pseudo-terminal is the only thing simulated; no test clock:
// the alarm's condition delay and the strip's 10 s after run in real time.
import { expect, test } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPtyPair, type PtyPair } from '../../electron/host/devices/simulators/pty-pair';
import { runCli, type RunningCommand } from '../support/processes';

let dir: string;
let pair: PtyPair;
let serve: RunningCommand;
let simulator: RunningCommand;
let url: string;

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ws-e2e-shift-'));
  pair = await openPtyPair(dir, 'hp5');
  serve = runCli([
    'serve',
    ...['--port', '0', '--data', join(dir, 'data'), '--token', 'e2e-nurse-shift-path'],
    // The monitor is connected from the first screen, on a pseudo-terminal in this folder.
    ...['--allow-port', join(dir, '*.tty')],
  ]);
  url = (await serve.waitForLine(/Workstation ready at (http:\/\/\S+)/))[1]!;
  simulator = runCli([
    'simulate',
    ...['--driver', 'healthypi5', '--port', pair.simulatorPath, '--spo2', '97'],
  ]);
  await simulator.waitForLine(/Simulating healthypi5/);
});

test.afterAll(async () => {
  await simulator?.stop();
  await serve?.stop();
  await pair?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('connect, admit, watch, alarm, acknowledge, review, strip', async ({ page }) => {
  test.setTimeout(120_000);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(url);

  // Connect the monitor to a new bed from the first screen.
  await expect(page.getByRole('heading', { name: 'No beds configured' })).toBeVisible();
  const panel = page.getByTestId('device-panel');
  await panel.getByTestId('device-panel-bed').fill('Bed 4');
  await panel.getByTestId('device-panel-port').fill(pair.devicePath);
  await panel.getByTestId('device-panel-driver').selectOption('healthypi5');
  await panel.getByRole('button', { name: 'Connect to this bed' }).click();
  await expect(page.getByRole('heading', { name: 'Bed 4' })).toBeVisible();
  const spo2 = page.getByTestId('numeric-MDC_PULS_OXIM_SAT_O2').getByTestId('numeric-value');
  await expect(spo2).toHaveText('97');

  // Admit the patient.
  await page.getByTestId('nav-patients').click();
  await page.getByRole('button', { name: 'Admit a patient to Bed 4' }).click();
  const form = page.getByTestId('admit-form');
  await form.getByLabel('Family name').fill('Test');
  await form.getByLabel('Given name').fill('Shift');
  await form.getByLabel('Medical record number (MRN)').fill('FICT-SHIFT-1');
  await form.getByLabel('Date of birth').fill('1961-07-14');
  await form.getByRole('button', { name: 'Admit', exact: true }).click();
  await expect(page.getByTestId('patients-notice')).toHaveText('Test, Shift admitted to Bed 4.');

  // Watch from the central station: the tile names the patient and draws the ECG.
  await page.getByTestId('nav-central').click();
  const tile = page.locator('[data-bed-id="bed-4"]');
  await expect(tile.getByTestId('tile-patient')).toHaveText('Test, Shift');
  await expect(tile.locator('canvas')).toHaveCount(1);
  await expect(tile).toHaveAttribute('data-priority', 'none');

  // SpO₂ falls to 80 %: after its 10 s condition delay, a high-priority desaturation alarm on
  // the tile and at the top of the station.
  simulator.child.stdin!.write('spo2 80\n');
  await expect(tile).toHaveAttribute('data-priority', 'high', { timeout: 25_000 });
  await expect(tile).toHaveAttribute('data-state', 'active');
  await expect(tile.getByTestId('tile-alarm')).toContainText('Desaturation');
  await expect(page.getByTestId('most-urgent')).toContainText('Bed 4');
  await page.screenshot({ path: 'test-results/screenshots/shift-alarm.png' });

  // Open the bed and acknowledge: the sound stops, the alarm stays shown, the tile steadies.
  await tile.getByTestId('open-bed').click();
  const desaturation = page
    .getByTestId('alarm-bar')
    .locator('[data-priority][data-state]')
    .filter({ hasText: /Desaturation/ });
  await desaturation.getByRole('button', { name: /Acknowledge/ }).click();
  await expect(desaturation).toHaveAttribute('data-state', 'acknowledged');

  // Review the moment: the alarm is in the review's event list and centres the paper.
  await page.getByTestId('bed-view-review').click();
  await expect(page.getByTestId('review')).toBeVisible();
  const event = page.getByTestId('review-events').getByRole('button', { name: /Desaturation/ });
  await event.first().click();
  await expect(event.first()).toHaveAttribute('aria-current', 'true');

  // The alarm's strip was printed by itself once the 10 s after the alarm were stored.
  await page.getByTestId('bed-view-bed').click();
  await page.getByTestId('open-strips').click();
  const strip = page.getByTestId('strip-item').filter({ hasText: /Desaturation/ });
  await expect(strip).toHaveCount(1, { timeout: 30_000 });
  await strip.getByTestId('open-strip-pdf').click();
  const download = page.waitForEvent('download');
  await strip.getByTestId('strip-download').click();
  const pdf = await (await download).path();
  expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
  expect(problems).toEqual([]);
});
