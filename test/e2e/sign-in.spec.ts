// Sign-in and the lock screen as a ward meets them, in Chromium against the browser shell: a new
// workstation is not set up (everything works, logged as the unidentified user) until IT makes
// the administrator; the administrator adds a nurse; the nurse signs in, the screen locks, and
// the monitoring goes on: the waveforms keep drawing, the alarm stays shown and sounding, and its
// audio can be paused for 2 minutes without signing in. Acknowledging asks for the nurse's PIN
// and, once it is entered, is done without a second click. The workstation runs with a test
// clock (`serve --test-clock`) so the alarm's condition delay is a step, not a wait.
import { expect, test, type Page } from '@playwright/test';
import { WebSocket } from 'ws';
import { startSimulatedBed, type SimulatedBed } from '../support/simulated-bed';

/** The scripts' token (`serve --script-token`): the page's token makes a screen that signs in. */
const SCRIPT_TOKEN = 'e2e-sign-in-scenario-scripts';
const TOKEN = 'e2e-sign-in-scenario';
// Fictional people; the passwords exist only in this test.
const ADMIN = {
  name: 'Ada Example',
  username: 'ada.it',
  password: 'correct-horse-42',
  pin: '9753',
};
const NURSE = {
  name: 'Sam Sample',
  username: 'sam.nurse',
  password: 'night-shift-2468',
  pin: '2468',
};

let rig: SimulatedBed;
let url: string;

test.beforeAll(async () => {
  rig = await startSimulatedBed({
    name: 'sign-in',
    token: TOKEN,
    bed: '@Bed 1',
    serveArgs: ['--test-clock', '--script-token', SCRIPT_TOKEN],
    simulatorArgs: ['--synthetic', '--hr', '75', '--spo2', '97'],
  });
  ({ url } = rig);
});

test.afterAll(async () => {
  await rig?.close();
});

/**
 * Moves the workstation's alarm clock forward, as a script: the token in the Authorization
 * header (a page's socket carries it in the address and must sign in like any screen).
 */
async function advanceAlarmClock(ms: number): Promise<void> {
  const { port } = new URL(url);
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/ws`, {
    headers: { Authorization: `Bearer ${SCRIPT_TOKEN}` },
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const reply = new Promise<unknown>((resolve) =>
    ws.once('message', (data) => resolve(JSON.parse(String(data)))),
  );
  ws.send(JSON.stringify({ type: 'request', id: 1, method: 'advanceAlarmClock', params: { ms } }));
  try {
    expect(await reply).toMatchObject({ type: 'response', id: 1 });
  } finally {
    ws.close();
  }
}

/** A fingerprint of the waveform canvases' inked pixels: it changes while they sweep. */
async function traceFingerprint(page: Page): Promise<number> {
  return page.evaluate(() => {
    let fingerprint = 0;
    for (const canvas of document.querySelectorAll<HTMLCanvasElement>(
      '[data-testid^="waveform-"] canvas',
    )) {
      const context = canvas.getContext('2d');
      if (!context || canvas.width === 0) continue;
      const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
      for (let i = 3; i < data.length; i += 4) {
        if (data[i]! > 0) fingerprint = (fingerprint * 31 + i) % 1_000_000_007;
      }
    }
    return fingerprint;
  });
}

const bar = (page: Page) => page.getByTestId('alarm-bar');
const openBedTile = async (page: Page) => {
  await page.getByTestId('nav-central').click();
  await page.locator('[data-bed-id]').filter({ hasText: 'Bed 1' }).getByTestId('open-bed').click();
  await expect(page.getByTestId('waveform-MDC_ECG_ELEC_POTL')).toBeVisible();
};

test('the administrator is made, a nurse signs in, the lock keeps the monitoring, the PIN unlocks an acknowledge', async ({
  page,
}) => {
  await page.goto(url);
  // Not set up: a calm line on every screen, and everything works as before.
  const notSetUp = page.getByTestId('access-not-set-up');
  await expect(notSetUp).toContainText('unidentified user at this workstation');
  await openBedTile(page);
  await expect(notSetUp).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/not-set-up.png' });
  // A person's first click lets the page make sound (browsers' autoplay rule).
  await bar(page).click();

  // IT sets up the administrator from that line; this screen is then signed in as them.
  await page.getByTestId('set-up-administrator').click();
  const setUp = page.getByTestId('set-up-form');
  await expect(setUp.getByLabel('Name', { exact: true })).toBeFocused();
  await setUp.getByLabel('Name', { exact: true }).fill(ADMIN.name);
  await setUp.getByLabel('User name').fill(ADMIN.username);
  await setUp.getByLabel('Password', { exact: true }).fill(ADMIN.password);
  await setUp.getByLabel('Password again').fill('not-the-same-one');
  await setUp.getByLabel('PIN', { exact: true }).fill(ADMIN.pin);
  await setUp.getByLabel('PIN again').fill(ADMIN.pin);
  await setUp.getByTestId('set-up-submit').click();
  // A typing mistake is caught before anything is made, and said.
  await expect(setUp.getByRole('alert')).toHaveText('The two passwords are not the same.');
  await setUp.getByLabel('Password again').fill(ADMIN.password);
  await setUp.getByTestId('set-up-submit').click();
  await expect(page.getByTestId('nav-user-name')).toHaveText(`${ADMIN.name}, IT administrator`);
  await expect(notSetUp).toHaveCount(0);

  // The administrator adds a nurse in Settings.
  await page.getByTestId('nav-settings').click();
  const accounts = page.getByTestId('accounts');
  await expect(accounts.getByTestId('account-row')).toHaveCount(1);
  const add = accounts.getByTestId('add-account');
  await add.getByLabel('Name', { exact: true }).fill(NURSE.name);
  await add.getByLabel('User name').fill(NURSE.username);
  await add.getByLabel('Role').selectOption('nurse');
  await add.getByLabel('Password', { exact: true }).fill(NURSE.password);
  await add.getByLabel('Password again').fill(NURSE.password);
  await add.getByLabel('PIN', { exact: true }).fill(NURSE.pin);
  await add.getByTestId('add-account-submit').click();
  const nurseRow = accounts.locator(
    `[data-testid="account-row"][data-username="${NURSE.username}"]`,
  );
  await expect(nurseRow).toContainText('Nurse');
  await expect(nurseRow).toHaveAttribute('data-disabled', 'false');
  await accounts.evaluate((section) => section.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: 'docs/screenshots/accounts.png' });

  // The administrator signs out: monitoring only until someone signs in.
  await page.getByTestId('sign-out').click();
  await expect(page.getByTestId('access-state')).toHaveText('Nobody signed in — monitoring only');
  await expect(page.getByTestId('nav-user')).toHaveCount(0);
  await openBedTile(page);

  // The nurse signs in with user name and password.
  await page.getByTestId('access-sign-in').click();
  const signIn = page.getByTestId('sign-in-form');
  await expect(signIn.getByLabel('User name')).toBeFocused();
  await signIn.getByLabel('User name').fill(NURSE.username);
  await signIn.getByLabel('Password').fill('wrong-password-1');
  await signIn.getByTestId('sign-in-submit').click();
  await expect(signIn.getByRole('alert')).toBeVisible();
  await signIn.getByLabel('Password').fill(NURSE.password);
  await page.screenshot({ path: 'docs/screenshots/sign-in.png' });
  await signIn.getByTestId('sign-in-submit').click();
  await expect(page.getByTestId('nav-user-name')).toHaveText(`${NURSE.name}, Nurse`);
  await expect(page.getByTestId('access-bar')).toHaveCount(0);

  // SpO2 falls to 88: after its condition delay, a medium alarm that sounds.
  rig.simulator.child.stdin!.write('spo2 88\n');
  await expect(
    page.getByTestId('numeric-MDC_PULS_OXIM_SAT_O2').getByTestId('numeric-value'),
  ).toHaveText('88');
  await advanceAlarmClock(10_000);
  const spo2 = bar(page)
    .locator('[data-priority][data-state]')
    .filter({ hasText: /SpO₂ low/ });
  await expect(spo2).toHaveAttribute('data-state', 'active');
  await expect(bar(page)).toHaveAttribute('data-sounding', 'medium');

  // The nurse locks the screen: monitoring only, and all of it still in sight.
  await page.getByTestId('lock-screen').click();
  const lockBar = page.getByTestId('access-bar');
  await expect(lockBar).toHaveAttribute('data-state', 'locked');
  await expect(page.getByTestId('access-state')).toHaveText('Locked — monitoring only');
  await expect(page.getByTestId('waveform-MDC_ECG_ELEC_POTL')).toBeInViewport();
  const before = await traceFingerprint(page);
  await expect.poll(() => traceFingerprint(page), { timeout: 5_000 }).not.toBe(before);
  await expect(spo2).toBeInViewport();
  await expect(bar(page)).toHaveAttribute('data-sounding', 'medium');

  // The Unlock button opens the PIN in the strip; Escape closes it again.
  await page.getByTestId('access-sign-in').click();
  await expect(page.getByTestId('sign-in-form').getByLabel('PIN')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('sign-in-form')).toHaveCount(0);

  // A patient's history says what signing in would show, rather than failing to read it.
  await page.getByTestId('bed-view-trends').click();
  await expect(page.getByTestId('sign-in-to-see')).toContainText(
    'Sign in to see this patient’s history.',
  );
  await page.getByTestId('bed-view-bed').click();
  await expect(page.getByTestId('waveform-MDC_ECG_ELEC_POTL')).toBeVisible();

  // Pausing the alarm audio for 2 minutes works without signing in.
  await page.getByTestId('alarm-audio-pause').click();
  await expect(bar(page)).toHaveAttribute('data-sounding', 'none');
  await expect(page.getByTestId('alarm-audio-state')).toContainText(/paused/i);
  await expect(page.getByTestId('sign-in-form')).toHaveCount(0);
  // Let the sweep fill part of the screen for the picture.
  await page.waitForTimeout(4000);
  await page.screenshot({ path: 'docs/screenshots/locked.png' });

  // Acknowledging asks for the PIN, in the strip, with the alarm still in sight.
  await spo2.getByRole('button', { name: /Acknowledge/ }).click();
  const unlock = page.getByTestId('sign-in-form');
  await expect(unlock).toHaveAttribute('data-mode', 'pin');
  await expect(unlock.getByTestId('sign-in-reason')).toHaveText('Sign in to acknowledge alarms.');
  await expect(unlock.getByLabel('PIN')).toBeFocused();
  await expect(spo2).toBeInViewport();
  await expect(spo2).toHaveAttribute('data-state', 'active');
  await page.screenshot({ path: 'test-results/screenshots/unlock-pin.png' });
  await unlock.getByLabel('PIN').fill(NURSE.pin);
  await unlock.getByTestId('sign-in-submit').click();
  // Unlocked, and the acknowledge went through without a second click.
  await expect(spo2).toHaveAttribute('data-state', 'acknowledged');
  await expect(page.getByTestId('access-bar')).toHaveCount(0);
  await expect(page.getByTestId('nav-user-name')).toHaveText(`${NURSE.name}, Nurse`);

  // The alarm log names who did what: the pause was the unidentified user, the acknowledge the nurse.
  await page.getByTestId('open-alarm-log').click();
  const log = page.getByTestId('alarm-log');
  await expect(
    log.locator('[data-testid="alarm-log-row"][data-event="acknowledged"]').first(),
  ).toContainText(new RegExp(`${NURSE.name}|${NURSE.username}`));
});
