// NEWS2 as a nurse meets it through a deterioration, in Debian's Chromium against the browser
// shell: a simulated patient (HealthyPi 5 simulator on a real pseudo-terminal pair) breathes
// faster, desaturates and becomes tachycardic. The nurse records air and ACVPU at the bed; the
// score rises through its bands on the bed's tile at the central station and at the bedside, and
// its urgent and emergency bands alarm, naming what scored. No NIBP is measured: the score says
// "≥" and names systolic BP as missing throughout, never assuming it normal. The workstation
// runs with a test clock so the score's 30 s alarm delay is moved past, not waited for. At
// 1920 × 1080. The patient is fictional.
import { expect, test, type Page } from '@playwright/test';
import {
  apiRequest,
  openBed,
  startSimulatedBed,
  type SimulatedBed,
} from '../support/simulated-bed';
import { seriousViolations } from '../support/page-checks';

const TOKEN = 'e2e-news2-deterioration';
const SHOTS = 'test-results/screenshots';
let rig: SimulatedBed;

test.use({ viewport: { width: 1920, height: 1080 } });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  rig = await startSimulatedBed({
    name: 'news2',
    token: TOKEN,
    bed: '@Bed 1',
    serveArgs: ['--test-clock'],
    simulatorArgs: ['--synthetic', '--hr', '76', '--spo2', '97', '--rr', '16'],
  });
  expect(
    await apiRequest(rig.url, TOKEN, 'admitPatient', {
      familyName: 'Testperson',
      givenName: 'Nora',
      mrn: 'NEWS2-E2E-1',
      birthDate: '1944-07-08',
      category: 'adult',
      bedId: 'bed-1',
    }),
  ).toMatchObject({ type: 'response' });
});

test.afterAll(async () => {
  await rig?.close();
});

async function advanceAlarmClock(ms: number): Promise<void> {
  expect(await apiRequest(rig.url, TOKEN, 'advanceAlarmClock', { ms })).toMatchObject({
    type: 'response',
  });
}
/**
 * Moves the alarm clock past the score's 30 s until its alarm shows at `priority`: a moment of
 * poor signal on the scoring vitals' waveforms (the simulator changing rate) holds the alarm and
 * starts its delay again, as it does for the vitals' own alarms.
 */
async function advanceUntilAlarm(page: Page, priority: 'medium' | 'high'): Promise<void> {
  for (let attempt = 0; attempt < 4; attempt++) {
    await advanceAlarmClock(31_000);
    const shown = alarm(page).and(page.locator(`[data-priority="${priority}"]`));
    if (
      await shown.waitFor({ timeout: 3_000 }).then(
        () => true,
        () => false,
      )
    )
      return;
  }
}
const vitals = (line: string) => rig.simulator.child.stdin!.write(`${line}\n`);
const score = (page: Page) => page.getByTestId('bedside').getByTestId('news2');
const alarm = (page: Page) =>
  page.getByTestId('alarm-bar').locator('[data-priority][data-state]').filter({ hasText: /NEWS2/ });

test('a deteriorating patient: the score rises through its bands, at the bedside and the central station, and alarms', async ({
  page,
}) => {
  test.setTimeout(150_000);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));

  // At the central station: the tile scores what is monitored, the rest is missing.
  await page.goto(rig.url);
  const tile = page.locator('[data-bed-id="bed-1"]');
  await expect(tile.getByTestId('news2-value')).toHaveText('≥0');
  await expect(tile.getByTestId('news2')).toHaveAttribute('data-complete', 'false');

  // At the bed, the nurse records air and "alert" in the NEWS2 sheet.
  await openBed(page, rig.url, 'Bed 1');
  await score(page).click();
  const panel = page.getByTestId('news2-panel');
  await expect(panel).toBeVisible();
  await expect(panel.locator('tr[data-parameter="consciousness"]')).toHaveAttribute(
    'data-score',
    'missing',
  );
  await panel.getByTestId('news2-air').check();
  await panel.getByTestId('news2-acvpu-A').check();
  await panel.getByTestId('news2-record').click();
  await expect(panel.getByTestId('news2-recorded')).toContainText(/A — alert \(.+, \d{2}:\d{2}/);
  await expect(panel.locator('tr[data-parameter="consciousness"]')).toHaveAttribute(
    'data-score',
    '0',
  );
  await expect(score(page).getByTestId('news2-missing')).toHaveText('Missing: Sys BP');
  await expect(score(page)).toHaveAttribute('data-band', 'low');

  // Breathing 25 a minute scores 3: one parameter at 3 is the low–medium band.
  vitals('rr 25');
  await expect(score(page)).toHaveAttribute('data-band', 'low-medium');
  await expect(score(page).getByTestId('news2-value')).toHaveText('≥3');

  // SpO₂ 93 adds 2: 5, the urgent band; after 30 s in it, a medium-priority alarm.
  vitals('spo2 93');
  await expect(score(page)).toHaveAttribute('data-band', 'medium');
  await expect(score(page).getByTestId('news2-value')).toHaveText('≥5');
  await expect(alarm(page)).toHaveCount(0);
  await advanceUntilAlarm(page, 'medium');
  await expect(alarm(page)).toHaveAttribute('data-priority', 'medium');
  await expect(alarm(page)).toContainText('NEWS2 ≥5 — urgent response: RR 25 (3), SpO₂ 93 (2)');
  await page.screenshot({ path: `${SHOTS}/news2-bedside-urgent.png` });

  // SpO₂ 90 and a pulse of 135 score 3 each: 9, the emergency band, a high-priority alarm.
  vitals('spo2 90');
  vitals('hr 135');
  await expect(score(page)).toHaveAttribute('data-band', 'high');
  await expect(score(page).getByTestId('news2-value')).toHaveText('≥9');
  await advanceUntilAlarm(page, 'high');
  await expect(alarm(page)).toHaveAttribute('data-priority', 'high');
  await expect(alarm(page)).toContainText(
    'NEWS2 ≥9 — emergency response: RR 25 (3), SpO₂ 90 (3), Pulse 135 (3)',
  );
  await expect(panel.locator('tr[data-parameter="pulse"]')).toHaveAttribute('data-score', '3');
  await page.screenshot({ path: `${SHOTS}/news2-bedside.png` });
  expect(await seriousViolations(page)).toEqual([]);

  // Back at the central station the tile says the same, in the alarm's colour.
  await page.goto(rig.url);
  await expect(tile.getByTestId('news2-value')).toHaveText('≥9');
  await expect(tile.getByTestId('news2')).toHaveAttribute('data-band', 'high');
  await expect(tile.getByTestId('news2')).toHaveAttribute('data-alarm', 'high');
  await expect(tile.getByTestId('news2-band')).toHaveText('emergency');
  await expect(tile.getByTestId('tile-trace')).toHaveAttribute('data-live', 'true');
  await page.waitForTimeout(2000); // the sweep fills for the picture
  await page.screenshot({ path: `${SHOTS}/news2-central.png` });
  expect(problems).toEqual([]);
});
