// Devices chosen from the screen, in Debian's Chromium against the browser shell: a workstation
// started with no devices, a CMS50 v7 oximeter simulated on a real pseudo-terminal pair and
// connected to a new bed from the first screen, then (in --demo) a blood-pressure monitor's
// readings downloaded for the demo bed's patient: all three were taken before the patient's
// admission, so a person keeps or drops each. Only the devices are simulated; the Omron is
// injected where node-hid would open it, because there is no virtual USB HID here.
import { expect, test } from '@playwright/test';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPtyPair, type PtyPair } from '../../electron/host/devices/simulators/pty-pair';
import { runCli, type RunningCommand } from '../support/processes';
import { openBed } from '../support/simulated-bed';

let dir: string;
const running: RunningCommand[] = [];
let pair: PtyPair | null = null;

test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ws-e2e-devices-'));
});

test.afterAll(async () => {
  await Promise.all(running.splice(0).map((command) => command.stop()));
  await pair?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function serve(name: string, extra: string[] = []): Promise<string> {
  const command = runCli([
    'serve',
    '--port',
    '0',
    '--data',
    join(dir, name),
    '--token',
    'e2e-devices-nurse',
    // Oximeters are connected from the screen, on pseudo-terminals in this folder.
    '--allow-port',
    join(dir, '*.tty'),
    ...extra,
  ]);
  running.push(command);
  // A loaded machine (CI shares its cores) can take well over 20 s to open a fresh store.
  return (await command.waitForLine(/Workstation ready at (http:\/\/\S+)/, 60_000))[1]!;
}

test('a nurse connects an oximeter to a new bed from the first screen, then disconnects it', async ({
  page,
}) => {
  pair = await openPtyPair(dir, 'cms50');
  const simulator = runCli([
    'simulate',
    '--driver',
    'cms50-v7',
    '--port',
    pair.simulatorPath,
    '--spo2',
    '97',
  ]);
  running.push(simulator);
  await simulator.waitForLine(/Simulating cms50-v7/);
  const url = await serve('empty');

  await page.goto(url);
  await expect(page.getByRole('heading', { name: 'No beds configured' })).toBeVisible();
  const panel = page.getByTestId('device-panel');
  await panel.getByTestId('device-panel-bed').fill('Bed 12');
  await panel.getByTestId('device-panel-port').fill(pair.devicePath);
  await panel.getByTestId('device-panel-driver').selectOption('cms50-v7');
  await panel.getByRole('button', { name: 'Connect to this bed' }).click();

  await expect(page.getByRole('heading', { name: 'Bed 12' })).toBeVisible();
  await expect(page.getByTestId('device-state')).toHaveAttribute('data-state', 'connected');
  await expect(
    page.getByTestId('numeric-MDC_PULS_OXIM_SAT_O2').getByTestId('numeric-value'),
  ).toHaveText('97');
  await page.screenshot({ path: 'test-results/screenshots/devices-connected.png' });

  await page.getByTestId('manage-devices').click();
  const device = page.getByTestId('device-panel-device');
  await device.getByRole('button', { name: 'Disconnect…' }).click();
  await device.getByRole('button', { name: 'Disconnect: its alarms stop' }).click();
  await expect(page.getByTestId('device-state')).toHaveCount(0);
  await expect(page.getByText('No device assigned')).toBeVisible();
  // Taken off on purpose: no "disconnected" technical alarm for it.
  await expect(page.getByTestId('alarm-bar').locator('li[data-kind="technical"]')).toHaveCount(0);
});

test('a clinician downloads the blood-pressure monitor for the demo patient and decides each earlier reading', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  const url = await serve('demo', ['--demo']);
  await openBed(page, url, 'Bed 1 (demo)');
  await expect(page.getByRole('heading', { name: 'Bed 1 (demo)' })).toBeVisible();
  await expect(page.getByTestId('nibp')).toHaveCount(0);

  await page.getByTestId('manage-devices').click();
  await page.getByTestId('download-bp').click();
  await expect(page.getByTestId('bp-result')).toHaveText(
    '3 readings on the monitor: 0 new for Demo, Ada, 0 already stored.',
  );
  // Taken before Demo, Ada was admitted: nothing is shown as hers until a person says so.
  const held = page.getByTestId('held-readings');
  await expect(held.getByRole('heading')).toHaveText(
    '3 readings not taken as Demo, Ada’s: keep or drop each',
  );
  const rows = held.getByTestId('held-reading');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toContainText('126/81 mmHg, pulse 72');
  await expect(rows.nth(0)).toContainText('Before the admission');
  await expect(page.getByTestId('nibp')).toHaveCount(0);
  await page.screenshot({ path: 'test-results/screenshots/devices-bp-held.png' });
  mkdirSync('docs/screenshots', { recursive: true });
  copyFileSync(
    'test-results/screenshots/devices-bp-held.png',
    'docs/screenshots/devices-bp-held.png',
  );

  await rows
    .nth(0)
    .getByRole('button', { name: /^Keep the reading of .* for Demo, Ada$/ })
    .click();
  await expect(page.getByTestId('bp-result')).toHaveText(
    '1 reading kept for Demo, Ada, 0 dropped.',
  );
  await expect(page.getByTestId('nibp-value')).toHaveText('126/81');
  await expect(page.getByTestId('nibp-time')).toContainText('pulse 72');
  await rows
    .nth(0)
    .getByRole('button', { name: /^Drop the reading of / })
    .click();
  await expect(page.getByTestId('bp-result')).toHaveText(
    '0 readings kept for Demo, Ada, 1 dropped.',
  );
  await expect(rows).toHaveCount(1);
  await rows
    .nth(0)
    .getByRole('button', { name: /^Drop the reading of / })
    .click();
  await expect(held).toHaveCount(0);

  // Downloaded again: the kept reading is not stored twice; the dropped ones are offered again.
  await page.getByTestId('download-bp').click();
  await expect(page.getByTestId('bp-result')).toHaveText(
    '3 readings on the monitor: 0 new for Demo, Ada, 1 already stored.',
  );
  await expect(rows).toHaveCount(2);
  await page.screenshot({ path: 'test-results/screenshots/devices-bp-download.png' });
});
