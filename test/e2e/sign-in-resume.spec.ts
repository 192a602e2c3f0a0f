// A sign-in that outlives a reload, in Chromium against the browser shell: the nurse signs in,
// reloads the page and is still signed in (the tab's resume token, in sessionStorage, taken over
// by the new connection); a locked screen reloads locked; another tab is a screen of its own and
// signs in on its own. The nurse sets her own PIN from her place in the top bar and unlocks with
// it. Wrong passwords for one user name make that name wait, said in a sentence.
import { expect, test, type Page } from '@playwright/test';
import { WebSocket } from 'ws';
import { startSimulatedBed, type SimulatedBed } from '../support/simulated-bed';

/** The scripts' token (`serve --script-token`): the page's token makes a screen that signs in. */
const SCRIPT_TOKEN = 'e2e-sign-in-resume-scripts';
const TOKEN = 'e2e-sign-in-resume';
// Fictional people; the passwords exist only in this test.
const ADMIN = {
  username: 'ada.it',
  displayName: 'Ada Example',
  password: 'correct-horse-42',
  pin: '9753',
};
const NURSE = {
  username: 'sam.nurse',
  displayName: 'Sam Sample',
  role: 'nurse',
  password: 'night-shift-2468',
};
const NEW_PIN = '4826';

let rig: SimulatedBed;
let url: string;

/** One request as a script: the token in the Authorization header. */
async function asScript(method: string, params: unknown): Promise<unknown> {
  const { port } = new URL(url);
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/ws`, {
    headers: { Authorization: `Bearer ${SCRIPT_TOKEN}` },
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const reply = new Promise<unknown>((resolve) =>
    ws.once('message', (data) => resolve(JSON.parse(String(data)))),
  );
  ws.send(JSON.stringify({ type: 'request', id: 1, method, params }));
  try {
    const answer = await reply;
    expect(answer, JSON.stringify(answer)).toMatchObject({ type: 'response', id: 1 });
    return answer;
  } finally {
    ws.close();
  }
}

test.beforeAll(async () => {
  rig = await startSimulatedBed({
    name: 'sign-in-resume',
    token: TOKEN,
    bed: '@Bed 1',
    serveArgs: ['--script-token', SCRIPT_TOKEN],
    simulatorArgs: ['--synthetic', '--hr', '75', '--spo2', '97'],
  });
  ({ url } = rig);
  await asScript('createAdministrator', ADMIN);
  await asScript('addAccount', NURSE);
});

test.afterAll(async () => {
  await rig?.close();
});

const resumeToken = (page: Page) =>
  page.evaluate(() => sessionStorage.getItem('workstation.resumeToken'));

async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByTestId('access-sign-in').click();
  const form = page.getByTestId('sign-in-form');
  await form.getByLabel('User name').fill(username);
  await form.getByLabel('Password').fill(password);
  await form.getByTestId('sign-in-submit').click();
}

test('a reload keeps the nurse signed in (and a locked screen locked); her own PIN unlocks; wrong passwords wait', async ({
  page,
  context,
}) => {
  await page.goto(url);
  await expect(page.getByTestId('access-state')).toHaveText('Nobody signed in — monitoring only');
  await signIn(page, NURSE.username, NURSE.password);
  const who = page.getByTestId('nav-user-name');
  await expect(who).toHaveText(`${NURSE.displayName}, Nurse`);
  const first = await resumeToken(page);
  expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);

  // The page reloads: still the nurse, no sign-in asked, and the token spent for a new one.
  await page.reload();
  await expect(who).toHaveText(`${NURSE.displayName}, Nurse`);
  await expect(page.getByTestId('access-bar')).toHaveCount(0);
  await expect.poll(() => resumeToken(page)).not.toBe(first);
  expect(await resumeToken(page)).toMatch(/^[A-Za-z0-9_-]{43}$/);

  // Another tab is a screen of its own: nobody is signed in there.
  const other = await context.newPage();
  await other.goto(url);
  await expect(other.getByTestId('access-state')).toHaveText('Nobody signed in — monitoring only');
  expect(await resumeToken(other)).toBeNull();
  await expect(who).toHaveText(`${NURSE.displayName}, Nurse`);

  // The nurse sets her own PIN from her place in the top bar.
  await page.getByTestId('set-own-pin').click();
  const setPin = page.getByTestId('set-pin-form');
  await expect(setPin.getByLabel('Your password')).toBeFocused();
  await setPin.getByLabel('Your password').fill(NURSE.password);
  await setPin.getByLabel('New PIN', { exact: true }).fill(NEW_PIN);
  await setPin.getByLabel('New PIN again').fill('4827');
  await setPin.getByTestId('set-pin-submit').click();
  await expect(setPin.getByRole('alert')).toHaveText('The two PINs are not the same.');
  await setPin.getByLabel('New PIN again').fill(NEW_PIN);
  await page.screenshot({ path: 'test-results/screenshots/set-my-pin.png' });
  await setPin.getByTestId('set-pin-submit').click();
  await expect(setPin).toHaveCount(0);
  await expect(page.getByTestId('set-pin-saved')).toContainText('Your PIN is set');

  // Locked, then reloaded: still locked, for the nurse, and her new PIN unlocks it.
  await page.getByTestId('lock-screen').click();
  await expect(page.getByTestId('access-state')).toHaveText('Locked — monitoring only');
  await page.reload();
  await expect(page.getByTestId('access-state')).toHaveText('Locked — monitoring only');
  await expect(who).toHaveText(`${NURSE.displayName}, Nurse`);
  await page.getByTestId('access-sign-in').click();
  const unlock = page.getByTestId('sign-in-form');
  await expect(unlock).toHaveAttribute('data-mode', 'pin');
  await unlock.getByLabel('PIN').fill(NEW_PIN);
  await unlock.getByTestId('sign-in-submit').click();
  await expect(page.getByTestId('access-bar')).toHaveCount(0);
  await expect(who).toHaveText(`${NURSE.displayName}, Nurse`);

  // In the other tab, five wrong passwords for the nurse's name: then that name waits.
  for (let i = 0; i < 5; i++) {
    await signIn(other, NURSE.username, `wrong-password-${i}`);
    await expect(other.getByTestId('sign-in-problem')).toContainText('wrong');
    await other.getByTestId('sign-in-cancel').click();
  }
  await signIn(other, NURSE.username, NURSE.password);
  await expect(other.getByTestId('sign-in-problem')).toHaveText(
    /^Too many wrong passwords for this user name: try again in \d+ minutes?/,
  );
  // The nurse at her own screen is not signed out by someone guessing elsewhere.
  await expect(who).toHaveText(`${NURSE.displayName}, Nurse`);
  await other.close();
});
