// The alarm system as a nurse meets it, in Debian's Chromium against the browser shell: a
// simulated patient (HealthyPi 5 simulator on a real pseudo-terminal pair, synthetic waveforms
// whose rates follow the vitals) desaturates and becomes tachycardic. The workstation runs with a
// test clock (`serve --test-clock`), so the 2-minute audio pause and the 3-minute reminders are
// checked by moving the alarm clock forward through the api instead of waiting.
import { expect, test, type Page } from '@playwright/test';
import {
  apiRequest,
  startSimulatedBed,
  type SimulatedBed,
  openBed,
} from '../support/simulated-bed';

const TOKEN = 'e2e-alarms-scenario';
let rig: SimulatedBed;
let url: string;
let simulator: SimulatedBed['simulator'];

test.beforeAll(async () => {
  rig = await startSimulatedBed({
    name: 'alarms',
    token: TOKEN,
    bed: '@Bed 1',
    serveArgs: ['--test-clock'],
    simulatorArgs: ['--synthetic', '--hr', '75', '--spo2', '97'],
  });
  ({ url, simulator } = rig);
});

test.afterAll(async () => {
  await rig?.close();
});

/** Moves the workstation's alarm clock forward (only a --test-clock workstation accepts it). */
async function advanceAlarmClock(ms: number): Promise<void> {
  const reply = await apiRequest(url, TOKEN, 'advanceAlarmClock', { ms });
  expect(reply).toMatchObject({ type: 'response', id: 1 });
}

const bar = (page: Page) => page.getByTestId('alarm-bar');
const alarmItem = (page: Page, text: RegExp) =>
  bar(page).locator('[data-priority][data-state]').filter({ hasText: text });

test('desaturation then tachycardia: alarms in order, audio pause for 2 min, acknowledge and reminders', async ({
  page,
}) => {
  await openBed(page, url, 'Bed 1');
  const value = (refId: string) =>
    page.getByTestId(`numeric-${refId}`).getByTestId('numeric-value');
  await expect(value('MDC_PULS_OXIM_SAT_O2')).toHaveText('97');
  // A person's first click lets the page make sound (browsers' autoplay rule).
  await page.getByTestId('alarm-bar').click();
  await expect(bar(page)).toHaveAttribute('data-sounding', 'none');

  // SpO2 falls to 88: after its condition delay (10 s), a medium alarm, and its sound.
  simulator.child.stdin!.write('spo2 88\n');
  await expect(value('MDC_PULS_OXIM_SAT_O2')).toHaveText('88');
  await advanceAlarmClock(10_000);
  const spo2 = alarmItem(page, /SpO₂ low/);
  await expect(spo2).toHaveAttribute('data-priority', 'medium');
  await expect(bar(page)).toHaveAttribute('data-sounding', 'medium');

  // The heart rate climbs to 135: HR high follows, after the SpO2 alarm.
  simulator.child.stdin!.write('hr 135\n');
  await expect(value('MDC_ECG_HEART_RATE')).toHaveText('135');
  await advanceAlarmClock(5000);
  const hr = alarmItem(page, /HR high/);
  await expect(hr).toHaveAttribute('data-priority', 'medium');
  const since = async (item: ReturnType<typeof alarmItem>) =>
    Number(await item.getAttribute('data-since'));
  expect(await since(spo2)).toBeLessThan(await since(hr));

  // SpO2 82: the SpO2 alarm escalates to high (desaturation), and the high sound plays.
  simulator.child.stdin!.write('spo2 82\n');
  const desaturation = alarmItem(page, /Desaturation/);
  await expect(desaturation).toHaveAttribute('data-priority', 'high');
  await expect(bar(page)).toHaveAttribute('data-sounding', 'high');
  await page.screenshot({ path: 'test-results/screenshots/alarms.png' });

  // Audio paused: silence for 2 min, then the sound comes back by itself.
  await page.getByTestId('alarm-audio-pause').click();
  await expect(bar(page)).toHaveAttribute('data-sounding', 'none');
  await expect(page.getByTestId('alarm-audio-state')).toContainText(/paused/i);
  await advanceAlarmClock(119_000);
  await expect(bar(page)).toHaveAttribute('data-sounding', 'none');
  await advanceAlarmClock(1_500);
  await expect(bar(page)).toHaveAttribute('data-sounding', 'high');

  // Acknowledged: the sound stops, the alarms stay shown; a reminder every 3 min while they last.
  for (const item of [desaturation, hr]) {
    await item.getByRole('button', { name: /Acknowledge/ }).click();
    await expect(item).toHaveAttribute('data-state', 'acknowledged');
  }
  // PR high (from the pleth, 5 s delay) may be raised at any moment around here: acknowledge
  // whatever is still sounding until the bed is silent.
  await expect(async () => {
    for (const button of await bar(page)
      .getByRole('button', { name: /Acknowledge/ })
      .all()) {
      await button.click({ timeout: 1000 }).catch(() => undefined);
    }
    await expect(bar(page)).toHaveAttribute('data-sounding', 'none', { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  const reminders = Number(await bar(page).getAttribute('data-reminders'));
  await advanceAlarmClock(181_000);
  await expect(bar(page)).toHaveAttribute('data-reminders', String(reminders + 1));
  // A reminder does not make acknowledged alarms sound again. (The clock's 3-min jump can also
  // complete the delay of a condition still pending, such as PR high from the pleth: that new
  // alarm sounds, as it should.)
  for (const item of [desaturation, hr]) {
    await expect(item).toHaveAttribute('data-state', 'acknowledged');
  }
  if ((await bar(page).locator('[data-state="active"]').count()) === 0) {
    await expect(bar(page)).toHaveAttribute('data-sounding', 'none');
  }

  // Everything above is in the alarm log, with who did it.
  await page.getByTestId('open-alarm-log').click();
  const log = page.getByTestId('alarm-log');
  for (const event of [/raised/, /escalated/, /audio.paused/i, /acknowledged/, /reminded/]) {
    await expect(log.getByTestId('alarm-log-row').filter({ hasText: event }).first()).toBeVisible();
  }
  // "By" names a person, or "device" for what the device measured: never its port path
  // (issue 12, item 17). Times are on the 24-hour clock.
  const raised = log
    .locator('[data-testid="alarm-log-row"][data-event="raised"]')
    .filter({ hasText: 'SpO₂ low' })
    .last();
  await expect(raised.getByTestId('alarm-log-by')).toHaveText('device');
  const acknowledged = log
    .locator('[data-testid="alarm-log-row"][data-event="acknowledged"]')
    .first();
  await expect(acknowledged.getByTestId('alarm-log-by')).toHaveText(
    'unidentified user at this workstation',
  );
  for (const by of await log.getByTestId('alarm-log-by').allTextContents()) {
    expect(by).not.toMatch(/\/|@/);
  }
  await expect(raised.locator('td').first()).toHaveText(/^(\d{4}-\d\d-\d\d )?\d\d:\d\d:\d\d$/);
  await page.screenshot({ path: 'test-results/screenshots/alarm-log.png' });
});
