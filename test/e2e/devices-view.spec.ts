// The Devices view as a biomedical engineer uses it, in Chromium against the browser shell:
// `serve --demo 4` (four simulated beds: two HealthyPi 5, an IntelliVue, a Datex S/5, each on a
// real pseudo-terminal pair), the view opened from the navigation bar, a CMS50 oximeter connected
// to a bed from the view itself, all five devices connected with their frames counting; the
// oximeter's firmware prints a debug line between its frames, and the view shows those bytes
// skipped and their rate while the clean lines show 0. Then 2 s of one device's raw bytes
// captured, downloaded, and decoded again by `workstation decode`; last, the oximeter
// disconnected (with its confirmation). Only the devices are simulated.
import { expect, test } from '@playwright/test';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPtyPair, type PtyPair } from '../../electron/host/devices/simulators/pty-pair';
import { runCli, type RunningCommand } from '../support/processes';
import { runNoisyDevice, type NoisyDevice } from '../support/noisy-line';

let dir: string;
const running: RunningCommand[] = [];
let pair: PtyPair | null = null;
let oximeter: NoisyDevice | null = null;

test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ws-e2e-devices-view-'));
});

test.afterAll(async () => {
  await Promise.all(running.splice(0).map((command) => command.stop()));
  await oximeter?.stop().catch(() => {});
  await pair?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a biomed sees every device, its frames counting, and captures raw bytes that decode', async ({
  page,
}) => {
  const serve = runCli([
    'serve',
    ...['--port', '0', '--data', join(dir, 'data'), '--token', 'e2e-devices-view-biomed'],
    ...['--demo', '4', '--allow-port', join(dir, '*.tty')],
  ]);
  running.push(serve);
  const url = (await serve.waitForLine(/Workstation ready at (http:\/\/\S+)/, 40_000))[1]!;

  await page.goto(url);
  await page.getByTestId('nav-devices').click();
  const view = page.getByTestId('devices-view');
  await expect(view.getByRole('heading', { name: 'Devices', level: 1 })).toBeVisible();

  const rows = view.getByTestId('device-row');
  await expect(rows).toHaveCount(4);

  // A fifth device, an oximeter on a port of its own, connected to bed 2 from this view. Its
  // firmware prints a 24-byte debug line after every tenth write (~6 a second).
  pair = await openPtyPair(dir, 'cms50');
  oximeter = await runNoisyDevice(pair.simulatorPath, 'cms50-v7', 10);
  const panel = view.getByTestId('device-panel');
  await panel.getByTestId('device-panel-bed').fill('Bed 2 (demo)');
  await panel.getByTestId('device-panel-port').fill(pair.devicePath);
  await panel.getByTestId('device-panel-driver').selectOption('cms50-v7');
  await panel.getByRole('button', { name: 'Connect to this bed' }).click();
  await expect(rows).toHaveCount(5);
  await expect(view.locator('[data-testid="device-row"][data-state="connected"]')).toHaveCount(5);
  await expect(view.getByTestId('devices-summary')).toHaveText('5 devices, 5 connected');
  // Sorted by bed, each bed a link to its bedside.
  const beds = await rows.locator('td a').allTextContents();
  expect(beds).toEqual([...beds].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })));
  expect(beds[0]).toBe('Bed 1 (demo)');

  const first = rows.first();
  await expect(first.getByRole('rowheader')).toContainText('HealthyPi 5');
  await expect(first.getByTestId('last-frame')).toHaveText(/^\d+\.\d s ago$/);
  const framesOk = async () =>
    Number((await first.getByTestId('frames-ok').textContent())!.replace(/,/g, ''));
  const before = await framesOk();
  expect(before).toBeGreaterThan(0);
  await expect.poll(framesOk, { timeout: 5000 }).toBeGreaterThan(before);
  await expect(first.getByTestId('frames-bad')).toHaveText('0');
  // A clean line shows 0 skipped bytes, plainly; the oximeter's debug text shows, with its rate.
  await expect(view.getByRole('columnheader', { name: 'Bytes skipped' })).toBeVisible();
  await expect(first.getByTestId('device-skipped')).toHaveText('0');
  const noisyRow = rows.filter({ hasText: 'cms50-v7' });
  await expect(noisyRow.getByTestId('frames-bad')).toHaveText('0');
  const skipped = async () =>
    Number((await noisyRow.getByTestId('bytes-skipped').textContent())!.replace(/,/g, ''));
  await expect.poll(skipped, { timeout: 5000 }).toBeGreaterThan(0);
  const rateText = noisyRow.getByTestId('bytes-skipped-rate');
  await expect(rateText).toHaveText(/^[\d.,]+ B\/s over the last 10 s$/);
  // ~144 B/s once the line has run a few seconds.
  const rate = async () =>
    Number(/[\d.,]+/.exec((await rateText.textContent())!)![0].replace(/,/g, ''));
  await expect.poll(rate, { timeout: 5000 }).toBeGreaterThan(50);
  const deviceId = (await first.getAttribute('data-device-id'))!;
  const driver = deviceId.split('@')[0]!;

  await first.getByRole('button', { name: 'Raw capture…' }).click();
  const capture = page.getByTestId('raw-capture');
  await expect(capture).toHaveAttribute('data-device-id', deviceId);
  await capture.getByTestId('raw-capture-seconds').fill('2');
  await capture.getByRole('button', { name: 'Start capture' }).click();
  await expect(capture.getByTestId('raw-capture-status')).toHaveText('Recording 2 s of raw bytes…');
  const link = capture.getByTestId('raw-capture-download');
  await expect(link).toBeVisible({ timeout: 10_000 });
  await expect(capture.getByTestId('raw-capture-command')).toHaveText(
    new RegExp(`^workstation decode --driver ${driver} --input ${driver}-\\d{8}-\\d{6}\\.bin$`),
  );
  await page.screenshot({ path: 'test-results/screenshots/devices-view.png' });
  mkdirSync('docs/screenshots', { recursive: true });
  copyFileSync('test-results/screenshots/devices-view.png', 'docs/screenshots/devices-view.png');

  const downloading = page.waitForEvent('download');
  await link.click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(new RegExp(`^${driver}-\\d{8}-\\d{6}\\.bin$`));
  const file = join(dir, download.suggestedFilename());
  await download.saveAs(file);
  expect(statSync(file).size).toBeGreaterThan(0);

  const decode = runCli(['decode', '--driver', driver, '--input', file]);
  running.push(decode);
  const summary = await decode.waitForLine(/\{"summary":\{"framesOk":(\d+),"framesBad":(\d+)/);
  expect(Number(summary[1])).toBeGreaterThan(0);

  // Taking the oximeter off its bed asks first.
  const oximeterRow = rows.filter({ hasText: 'cms50-v7' });
  await oximeterRow.getByRole('button', { name: 'Disconnect…' }).click();
  await oximeterRow.getByRole('button', { name: 'Disconnect: its alarms stop' }).click();
  await expect(rows).toHaveCount(4);
  await expect(view.getByTestId('devices-summary')).toHaveText('4 devices, 4 connected');
});
