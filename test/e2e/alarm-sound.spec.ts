// Alarms must not be silent without anyone knowing (issue 12, item 7), in Debian's Chromium against
// the browser shell, with the HealthyPi 5 simulator on a real pseudo-terminal pair driven to
// SpO₂ 85. While a screen cannot sound, every view says so in a banner that is itself the button;
// the host knows which open screens can sound and, when none can, raises a technical alarm on the
// alarming bed; a closed tab stops counting by itself.
//
// Headless Chromium lets any page play audio, so a browser's autoplay rule (audio waits for a
// person's click or key press) cannot happen here: an init script gives the page an AudioContext
// that behaves as a desktop browser's does (suspended, resumed only inside a person's gesture).
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { apiRequest, startSimulatedBed, type SimulatedBed } from '../support/simulated-bed';

const TOKEN = 'e2e-alarm-sound-banner';
let rig: SimulatedBed;

test.beforeAll(async () => {
  rig = await startSimulatedBed({
    name: 'alarm-sound',
    token: TOKEN,
    bed: '@Bed 1',
    simulatorArgs: ['--hr', '75', '--spo2', '85'],
  });
});

test.afterAll(async () => {
  await rig?.close();
});

test.use({ viewport: { width: 1920, height: 1080 } });

/** A screen as a desktop browser opens it: its audio waits for a person's gesture. */
async function browserScreen(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const page = await context.newPage();
  page.once('close', () => void context.close().catch(() => {})); // refused once the test ended
  await page.addInitScript(() => {
    const Real = window.AudioContext;
    class GestureGatedAudioContext extends Real {
      constructor(options?: AudioContextOptions) {
        super(options);
        void super.suspend();
      }
      override resume(): Promise<void> {
        return navigator.userActivation.isActive ? super.resume() : Promise.resolve();
      }
    }
    window.AudioContext = GestureGatedAudioContext;
  });
  return page;
}

async function bedAlarmCodes(): Promise<string[]> {
  const reply = await apiRequest(rig.url, TOKEN, 'getStatus', {});
  const status = reply.result as { beds: Array<{ id: string; alarms: Array<{ code: string }> }> };
  return status.beds.find((b) => b.id === 'bed-1')!.alarms.map((a) => a.code);
}

const NO_SOUND = 'WORKSTATION_NO_SOUND';

test('a screen that cannot sound says so on every view, and the host raises a technical alarm', async ({
  browser,
}) => {
  const page = await browserScreen(browser);
  await page.goto(rig.url);
  const banner = page.getByTestId('sound-banner');
  await expect(banner).toBeVisible();
  await expect(banner).toHaveText('Alarm sound is off until you click here');
  await expect(banner).toHaveRole('button');

  // The bed alarms (SpO₂ 85 against the adult limit of 90, and the recording's clipped
  // respiration): alarms nobody can hear. After 5 s without a screen that can sound, the bed gets
  // a technical alarm saying so, on its tile too.
  const tile = page.locator('[data-bed-id="bed-1"]');
  await expect(tile).not.toHaveAttribute('data-priority', 'none', { timeout: 30_000 });
  await expect.poll(bedAlarmCodes, { timeout: 10_000 }).toContain(NO_SOUND);
  await expect(tile.getByTestId('tile-alarm')).toContainText(/· \d alarms$/);
  await page.screenshot({ path: 'test-results/screenshots/central-sound-off.png' });
  expect(
    (await new AxeBuilder({ page }).include('[data-testid="sound-banner"]').analyze()).violations,
  ).toEqual([]);

  // Every view says so: the bedside shows the banner and the technical alarm in words.
  await page.goto(`${rig.url}#/bed/bed-1`);
  await expect(page.getByTestId('bedside')).toBeVisible();
  await expect(banner).toBeVisible();
  await expect(page.getByTestId('alarm-bar')).toContainText('No open screen can sound alarms');
  await page.goto(`${rig.url}#/patients`);
  await expect(banner).toBeVisible();

  // One click on the banner: the screen can sound, the banner goes, the technical alarm ends.
  await banner.click();
  await expect(banner).toHaveCount(0);
  await expect.poll(bedAlarmCodes, { timeout: 3000 }).not.toContain(NO_SOUND);

  // A second screen opens that cannot sound: one screen still can, so nothing is raised.
  const second = await browserScreen(browser);
  await second.goto(rig.url);
  await expect(second.getByTestId('sound-banner')).toBeVisible();
  // The first screen, the only one that could sound, is closed: it stops counting by itself,
  // and after the grace period the alarm nobody can hear is raised again.
  await page.close();
  await expect.poll(bedAlarmCodes, { timeout: 10_000 }).toContain(NO_SOUND);
  await second.goto(`${rig.url}#/bed/bed-1`);
  await expect(second.getByTestId('alarm-bar')).toContainText('No open screen can sound alarms');
  await second.close();
});
