// The limits editor as a nurse uses it, in Debian's Chromium against the browser shell with a
// HealthyPi 5 simulator on a real pseudo-terminal pair: a limit cannot be emptied into "off" or
// set outside its range (the editor says why), a second screen with the editor left open cannot
// undo a newer change, alarms switched off ask for a reason, and what was switched off travels
// with the patient to the bed they are transferred to, which says so. Fictional patients only.
import { expect, test, type Page } from '@playwright/test';
import {
  apiRequest,
  openBed,
  startSimulatedBed,
  type SimulatedBed,
} from '../support/simulated-bed';

const TOKEN = 'e2e-limits-0123456789';
let rig: SimulatedBed;

test.beforeAll(async () => {
  rig = await startSimulatedBed({
    name: 'limits',
    token: TOKEN,
    bed: '@Bed 1',
    simulatorArgs: ['--synthetic', '--hr', '75', '--spo2', '97'],
  });
  const admit = (givenName: string, mrn: string, bed: object) =>
    apiRequest(rig.url, TOKEN, 'admitPatient', {
      familyName: 'Test',
      givenName,
      mrn,
      birthDate: '1970-04-05',
      category: 'adult',
      ...bed,
    });
  expect(await admit('Alice', 'LIM-0001', { bedId: 'bed-1' })).toMatchObject({ type: 'response' });
  // An empty Bed 2 to transfer her to.
  expect(await admit('Zed', 'LIM-0002', { bedLabel: 'Bed 2' })).toMatchObject({
    type: 'response',
  });
  await apiRequest(rig.url, TOKEN, 'dischargePatient', { bedId: 'bed-2' });
});

test.afterAll(async () => {
  await rig?.close();
});

const field = (page: Page, parameter: string, edge: string) =>
  page.getByTestId(`limit-${parameter}-${edge}`);
const row = (page: Page, parameter: string) =>
  page.getByTestId('limits-editor').locator(`tr[data-parameter="${parameter}"]`);

async function openLimits(page: Page): Promise<void> {
  await openBed(page, rig.url, 'Bed 1');
  await page.getByTestId('open-limits').click();
  await expect(page.getByTestId('limits-editor')).toBeVisible();
}

test('an emptied or impossible limit is refused in words; a good one is confirmed and shown', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await openLimits(page);
  await field(page, 'spo2', 'low').fill('');
  await expect(row(page, 'spo2')).toContainText(
    'The SpO₂ low limit cannot be left empty: to stop SpO₂ alarms, use "Alarms off" and give a reason.',
  );
  await expect(page.getByTestId('limits-review')).toBeDisabled();
  await field(page, 'spo2', 'low').fill('150');
  await expect(row(page, 'spo2')).toContainText(
    'The SpO₂ low limit of 150 % is outside the range a limit can have, 50–100 %.',
  );
  await field(page, 'rr', 'low').fill('-3');
  await expect(row(page, 'rr')).toContainText('outside the range a limit can have, 2–150 /min');
  await page.screenshot({ path: 'test-results/screenshots/limits-refused.png' });
  await field(page, 'rr', 'low').fill('8');
  await field(page, 'spo2', 'low').fill('92');
  await page.getByTestId('limits-review').click();
  await expect(page.getByTestId('limits-change')).toHaveText(['SpO₂ low 90 → 92 %']);
  await page.getByTestId('limits-confirm').click();
  await expect(page.getByTestId('limits-changed-by')).toContainText(
    'Limits changed by unidentified user at this workstation',
  );
  await expect(page.getByTestId('numeric-MDC_PULS_OXIM_SAT_O2')).toContainText('92');
});

test('an editor left open on a second screen cannot undo a newer change', async ({ browser }) => {
  const [first, second] = [await browser.newPage(), await browser.newPage()];
  await openLimits(first);
  await openLimits(second);
  await expect(field(second, 'spo2', 'low')).toHaveValue('92');
  // The first screen raises the SpO₂ low limit to 93 …
  await field(first, 'spo2', 'low').fill('93');
  await first.getByTestId('limits-review').click();
  await first.getByTestId('limits-confirm').click();
  await expect(first.getByTestId('limits-changed-by')).toBeVisible();
  // … the second, opened before that, says so at once …
  await expect(second.getByTestId('limits-stale')).toContainText('review them again');
  // … and its own change, made from the old limits, is refused rather than undoing it.
  await field(second, 'hr', 'high').fill('130');
  await second.getByTestId('limits-review').click();
  await expect(second.getByTestId('limits-change')).toHaveText(['HR high 120 → 130 bpm']);
  await second.getByTestId('limits-confirm').click();
  await expect(second.getByTestId('limits-error')).toContainText(
    /changed by unidentified user at this workstation at \d\d:\d\d:\d\d after you opened them: review them again/,
  );
  await second.screenshot({ path: 'test-results/screenshots/limits-stale.png' });
  await second.getByTestId('limits-reload').click();
  await expect(field(second, 'spo2', 'low')).toHaveValue('93');
  await expect(field(second, 'hr', 'high')).toHaveValue('120');
  const status = await apiRequest(rig.url, TOKEN, 'getStatus', {});
  const beds = (status.result as { beds: { id: string; alarmSettings: unknown }[] }).beds;
  expect(beds.find((b) => b.id === 'bed-1')?.alarmSettings).toMatchObject({
    limits: { spo2: { low: 93 }, hr: { high: 120 } },
  });
  await Promise.all([first.close(), second.close()]);
});

test('alarms switched off ask for a reason, and travel with the patient to her new bed', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await openLimits(page);
  await page.getByTestId('limits-off-spo2').click();
  await page.getByTestId('limits-off-confirm').click();
  // No reason, nothing switched off.
  await expect(page.getByTestId('alarm-off')).toHaveCount(0);
  await page.getByTestId('limits-off-reason').fill('probe being changed');
  await page.getByTestId('limits-off-confirm').click();
  await expect(page.getByTestId('alarm-off')).toContainText(
    'SpO₂ alarms off — probe being changed (by unidentified user at this workstation)',
  );
  const moved = await apiRequest(rig.url, TOKEN, 'transferPatient', {
    fromBedId: 'bed-1',
    toBedId: 'bed-2',
  });
  expect(moved).toMatchObject({ type: 'response' });
  // The bed she left is back to every alarm on.
  await expect(page.getByTestId('alarm-off')).toHaveCount(0);
  await openBed(page, rig.url, 'Bed 2');
  await expect(page.getByTestId('alarm-off')).toContainText(
    'SpO₂ alarms off — probe being changed (by unidentified user at this workstation), set in Bed 1 and brought with the patient',
  );
  await page.screenshot({ path: 'test-results/screenshots/alarms-off-transferred.png' });
});
