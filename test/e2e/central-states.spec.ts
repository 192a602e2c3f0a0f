// What a central tile and the bedside say about a bed whose alarms are silenced, blinded or stale
// (issue 12, items 2, 5 and 6), in Debian's Chromium against the browser shell, with the
// HealthyPi 5 simulator on a real pseudo-terminal pair: alarms switched off show a crossed bell on
// their numeric, audio off and paused are said in words with a symbol, a pulled cable stops the
// tile's trace with "No signal" within 2 s, and a bed whose device was taken off is "Not monitored".
import { expect, test, type Page } from '@playwright/test';
import { apiRequest, startSimulatedBed, type SimulatedBed } from '../support/simulated-bed';

const TOKEN = 'e2e-central-states';
let rig: SimulatedBed;

test.beforeAll(async () => {
  rig = await startSimulatedBed({
    name: 'central-states',
    token: TOKEN,
    bed: '@Bed 1',
    simulatorArgs: ['--hr', '75', '--spo2', '89'],
  });
});

test.afterAll(async () => {
  await rig?.close();
});

test.use({ viewport: { width: 1920, height: 1080 } });

async function api(method: string, params: unknown): Promise<unknown> {
  const reply = await apiRequest(rig.url, TOKEN, method, params);
  expect(reply, `${method} ${JSON.stringify(params)}`).toMatchObject({ type: 'response' });
  return reply.result;
}

const tile = (page: Page) => page.locator('[data-bed-id="bed-1"]');

test('alarms off, audio off and paused, a pulled cable and a removed device, on the tile and at the bed', async ({
  page,
}) => {
  await page.goto(rig.url);
  const spo2 = tile(page).getByTestId('numeric-MDC_PULS_OXIM_SAT_O2');
  await expect(spo2.getByTestId('numeric-value')).toHaveText('89');
  // SpO₂ alarms off: the alarm ends, and the value that is no longer guarded carries a crossed
  // bell on the tile, with the state in words.
  await api('setAlarmOff', {
    bedId: 'bed-1',
    parameter: 'spo2',
    off: true,
    reason: 'probe change',
  });
  await api('setAlarmOff', { bedId: 'bed-1', parameter: 'arrhythmia', off: true, reason: 'paced' });
  await expect(tile(page).getByTestId('tile-alarm')).not.toContainText('SpO₂');
  await expect(spo2).not.toHaveAttribute('data-alarm');
  await expect(spo2).toHaveAttribute('data-alarm-off', 'true');
  await expect(
    spo2.getByTestId('alarm-off-mark').locator('svg[data-icon="bell-off"]'),
  ).toBeVisible();
  const states = tile(page).getByTestId('tile-states');
  await expect(states).toContainText('SpO₂, Arrhythmia alarms off');
  await expect(states.locator('[data-state-kind="alarms-off"] svg')).toBeVisible();

  // Audio paused, then off: said on the tile, each with its symbol.
  await api('setAlarmAudio', { bedId: 'bed-1', mode: 'paused' });
  await expect(states.locator('[data-state-kind="audio-paused"]')).toContainText(
    /Audio paused [12]:\d\d/,
  );
  await api('setAlarmAudio', { bedId: 'bed-1', mode: 'off', reason: 'family at the bedside' });
  await expect(states.locator('[data-state-kind="audio-off"]')).toHaveText('Audio off');
  await expect(tile(page)).toHaveAttribute('data-audio', 'off');
  await page.screenshot({ path: 'test-results/screenshots/central-states-tile.png' });

  // At the bed: SpO₂ 89 with "No active alarms" is no longer the whole story.
  await tile(page).getByTestId('open-bed').click();
  const bedSpo2 = page.getByTestId('numeric-MDC_PULS_OXIM_SAT_O2');
  await expect(bedSpo2.getByTestId('numeric-value')).toHaveText('89');
  await expect(bedSpo2).toHaveAttribute('data-alarm-off', 'true');
  await expect(bedSpo2.getByTestId('alarm-off-mark')).toContainText('Alarm off');
  await expect(
    page.getByTestId('numeric-MDC_ECG_HEART_RATE').getByTestId('rhythm-off-mark'),
  ).toHaveText('Arrhythmia alarms off');
  await page.screenshot({ path: 'test-results/screenshots/bedside-alarms-off.png' });
  await page.getByTestId('theme-toggle').click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'day');
  await page.screenshot({ path: 'test-results/screenshots/day-bedside-alarms-off.png' });
  await page.getByTestId('theme-toggle').click();
  await page.getByTestId('nav-central').click();

  // The cable is pulled: the tile's trace stops and says so within 2 s, as the bedside's does.
  const trace = tile(page).getByTestId('tile-trace');
  await expect(trace).toHaveAttribute('data-live', 'true');
  // The moment the tile changes, taken in the page (the test's polling would add its own delay).
  const stoppedAt = trace.evaluate(
    (element) =>
      new Promise<number>((resolve) => {
        new MutationObserver(() => {
          if (element.getAttribute('data-live') === 'false') resolve(Date.now());
        }).observe(element, { attributes: true });
      }),
  );
  await rig.simulator.stop();
  const pulledAt = Date.now();
  await rig.pair.close();
  await expect(trace).toHaveAttribute('data-live', 'false', { timeout: 5000 });
  expect((await stoppedAt) - pulledAt).toBeLessThanOrEqual(2000);
  await expect(trace).toContainText('No signal');
  // Its numerics are not shown as current either.
  await expect(spo2.getByTestId('numeric-value')).toHaveText('---');

  // The device is taken off the bed: the bed is "not monitored", never "No alarms".
  const status = (await api('getStatus', {})) as { devices: Array<{ id: string }> };
  await api('disconnectDevice', { deviceId: status.devices[0]!.id });
  // (On the alarm line when the bed has no alarm left, else on the line of states below it.)
  await expect(tile(page)).toHaveAttribute('data-monitored', 'false');
  const notMonitored = tile(page).getByText('Not monitored — no device');
  await expect(notMonitored).toBeVisible();
  await expect(tile(page).locator('svg[data-icon="unplugged"]')).toBeVisible();
  await expect(tile(page).getByTestId('tile-alarm')).not.toHaveText('No alarms');
  await page.screenshot({ path: 'test-results/screenshots/central-not-monitored.png' });
  await tile(page).getByTestId('open-bed').click();
  await expect(page.getByTestId('alarm-bar')).toContainText('Not monitored — no device');
});
