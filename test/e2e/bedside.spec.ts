// The path a nurse takes at the bedside, in Debian's Chromium against the browser shell, with the
// HealthyPi 5 simulator on a real pseudo-terminal pair. Only the device is simulated.
import { expect, test, type Page } from '@playwright/test';
import { startSimulatedBed, type SimulatedBed, openBed } from '../support/simulated-bed';

let rig: SimulatedBed;
let url: string;
let simulator: SimulatedBed['simulator'];
let pair: SimulatedBed['pair'];

test.beforeAll(async () => {
  rig = await startSimulatedBed({
    name: 'bedside',
    token: 'e2e-bedside-nurse',
    simulatorArgs: ['--hr', '72', '--spo2', '98', '--rr', '16', '--temp', '36.5'],
  });
  ({ url, simulator, pair } = rig);
});

test.afterAll(async () => {
  await rig?.close();
});

/** How many pixels of the waveform canvases are not background, and a fingerprint of them. */
async function tracePixels(page: Page): Promise<{ inked: number; fingerprint: number }> {
  return page.evaluate(() => {
    let inked = 0;
    let fingerprint = 0;
    for (const canvas of document.querySelectorAll<HTMLCanvasElement>(
      '[data-testid^="waveform-"] canvas',
    )) {
      const context = canvas.getContext('2d');
      if (!context || canvas.width === 0) continue;
      const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
      for (let i = 3; i < data.length; i += 4) {
        if (data[i]! > 0) {
          inked++;
          fingerprint = (fingerprint * 31 + i) % 1_000_000_007;
        }
      }
    }
    return { inked, fingerprint };
  });
}

test('a nurse watches the bed, gets a desaturation alarm, acknowledges it, and sees the cable pulled', async ({
  page,
}) => {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  await openBed(page, url);

  // Numerics show what the device sends, with units.
  const value = (refId: string) =>
    page.getByTestId(`numeric-${refId}`).getByTestId('numeric-value');
  await expect(value('MDC_ECG_HEART_RATE')).toHaveText('72');
  await expect(value('MDC_PULS_OXIM_SAT_O2')).toHaveText('98');
  await expect(value('MDC_RESP_RATE')).toHaveText('16');
  // With their alarm limits (the adult defaults): HR ↑ 120 ↓ 50.
  await expect(page.getByTestId('numeric-MDC_ECG_HEART_RATE')).toContainText('↑ 120');
  await expect(page.getByTestId('numeric-MDC_ECG_HEART_RATE')).toContainText('↓ 50');
  await expect(value('MDC_TEMP_BODY')).toHaveText('36.5');
  await expect(page.getByTestId('device-state')).toHaveAttribute('data-state', 'connected');

  // Three waveforms draw, and keep moving (sweep).
  for (const channel of ['MDC_ECG_ELEC_POTL', 'MDC_PULS_OXIM_PLETH', 'MDC_IMPED_TTHOR']) {
    await expect(page.getByTestId(`waveform-${channel}`).locator('canvas').first()).toBeVisible();
  }
  await expect
    .poll(async () => (await tracePixels(page)).inked, { timeout: 10_000 })
    .toBeGreaterThan(500);
  const before = await tracePixels(page);
  await page.waitForTimeout(500);
  expect((await tracePixels(page)).fingerprint).not.toBe(before.fingerprint);
  // Let the sweep fill most of the screen for the README's picture.
  await page.waitForTimeout(6000);
  await page.screenshot({ path: 'test-results/screenshots/bedside.png' });

  // SpO2 drops to 85 and stays there: after the condition delay the alarm bar turns yellow or red.
  simulator.child.stdin!.write('spo2 85\n');
  await expect(value('MDC_PULS_OXIM_SAT_O2')).toHaveText('85');
  const alarm = page
    .getByTestId('alarm-bar')
    .locator('[data-priority][data-state]')
    .filter({ hasText: /SpO₂/ });
  await expect(alarm).toHaveAttribute('data-state', 'active', { timeout: 20_000 });
  await expect(alarm).toHaveAttribute('data-priority', /^(medium|high)$/);
  await page.screenshot({ path: 'test-results/screenshots/bedside-alarm.png' });

  await alarm.getByRole('button', { name: /Acknowledge/ }).click();
  await expect(alarm).toHaveAttribute('data-state', 'acknowledged');

  // The cable is pulled: a technical alarm within 3 s.
  await simulator.stop();
  const pulledAt = Date.now();
  await pair.close();
  const technical = page.getByTestId('alarm-bar').locator('[data-kind="technical"]');
  await expect(technical.first()).toBeVisible({ timeout: 3000 });
  expect(Date.now() - pulledAt).toBeLessThan(3000);
  await expect(technical.first()).toContainText(/ECG\/SpO2 device/);
  // The last values of a device that is gone are not shown as if current.
  await expect(value('MDC_PULS_OXIM_SAT_O2')).toHaveText('---', { timeout: 1000 });
  await page.screenshot({ path: 'test-results/screenshots/bedside-disconnected.png' });

  expect(problems.filter((text) => /Content Security Policy|Refused/.test(text))).toEqual([]);
});
