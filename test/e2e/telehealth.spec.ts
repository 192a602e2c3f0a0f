// A remote consult from end to end, in Debian's Chromium, everything real: the central server's
// command on a fresh PostgreSQL database, the browser shell (`serve --demo 2`) enrolled with it,
// a nurse from the server's accounts signed in at the bed. She invites a remote clinician with the
// patient's consent; a second browser (another context: no cookie in common) opens the link,
// gives the code and sees the patient live; the nurse shares the stethoscope (Chromium's fake
// audio input playing a 440 Hz tone) and the remote side hears 440 Hz; the remote clinician
// writes a note, which the bedside shows; a third browser with the same link and code is
// refused; the nurse ends the consult and the viewer is shut out at once.
import { expect, test, type Browser, type Download, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWav } from '../../shared/audio/wav';
import { ACCOUNTS_ADMIN_PATHS } from '../../shared/sync/accounts';
import { ADMIN_PATHS } from '../../shared/sync/admin';
import { freshDatabase, type TestDatabase } from '../../server/test-support/database';
import { bearer, call } from '../../server/test-support/http-client';
import { startServerProcess, type ServerProcess } from '../../server/test-support/server-process';
import { CHROMIUM_LAUNCH } from '../support/chromium';
import { heardHz } from '../support/heard-frequency';
import { runCli, type RunningCommand } from '../support/processes';

const ADMIN_TOKEN = 'e2e-telehealth-admin-0123456789abcdef';
const TOKEN = 'e2e-telehealth-workstation';
// Fictional people.
const NURSE = { username: 'tess.example', name: 'Tess Example', password: 'tess-password-42' };
const DOCTOR = 'Dr Remote Example';
const NOTE = 'Sinus rhythm on the monitor; no change to treatment. Call again if HR > 120.';
const TONE_HZ = 440;
const TONE_RATE_HZ = 48_000;

/** A 440 Hz tone for Chromium's fake microphone: the stethoscope at the bed. */
function toneFile(): string {
  const seconds = 30;
  const samples = new Int16Array(seconds * TONE_RATE_HZ);
  for (let i = 0; i < samples.length; i++)
    samples[i] = Math.round(9000 * Math.sin((2 * Math.PI * TONE_HZ * i) / TONE_RATE_HZ));
  const path = join(tmpdir(), `ws-e2e-telehealth-tone-${TONE_HZ}.wav`);
  writeFileSync(path, encodeWav(samples, TONE_RATE_HZ));
  return path;
}

test.use({
  launchOptions: {
    ...CHROMIUM_LAUNCH,
    args: [
      ...CHROMIUM_LAUNCH.args,
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${toneFile()}`,
      '--autoplay-policy=no-user-gesture-required',
    ],
  },
});

let dir: string;
let database: TestDatabase;
let server: ServerProcess;
let serve: RunningCommand;
let workstationUrl: string;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  dir = mkdtempSync(join(tmpdir(), 'ws-e2e-telehealth-'));
  database = await freshDatabase('e2e_telehealth');
  const tokenFile = join(dir, 'admin-token');
  writeFileSync(tokenFile, `${ADMIN_TOKEN}\n`, { mode: 0o600 });
  server = await startServerProcess(
    [
      ...['--db', database.url, '--insecure-http', '--port', '0', '--host', '127.0.0.1'],
      ...['--admin-token-file', tokenFile],
    ],
    60_000,
  );
  const added = await call(server.url, ACCOUNTS_ADMIN_PATHS.users, {
    headers: bearer(ADMIN_TOKEN),
    body: {
      username: NURSE.username,
      displayName: NURSE.name,
      role: 'nurse',
      password: NURSE.password,
    },
  });
  expect(added.status, added.text).toBe(200);
  const code = await call(server.url, ADMIN_PATHS.enrolmentCodes, {
    headers: bearer(ADMIN_TOKEN),
    body: { unit: 'Rural clinic' },
  });
  const dataDir = join(dir, 'data');
  const enrol = runCli([
    'enrol',
    ...['--data', dataDir, '--server', server.url, '--code', code.json.code as string],
    ...['--name', 'Clinic station'],
  ]);
  await enrol.waitForLine(/enrolled/i, 30_000);
  await enrol.stop();
  serve = runCli(['serve', ...['--port', '0', '--data', dataDir, '--token', TOKEN, '--demo', '2']]);
  workstationUrl = (await serve.waitForLine(/Workstation ready at (http:\/\/\S+)/, 120_000))[1]!;
});

test.afterAll(async () => {
  await serve?.stop();
  await server?.stop();
  await database?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function signInAtTheBed(page: Page): Promise<void> {
  await page.goto(workstationUrl);
  await expect(page.getByTestId('access-state')).toHaveText('Nobody signed in — monitoring only', {
    timeout: 60_000,
  });
  await page.getByTestId('access-sign-in').click();
  const form = page.getByTestId('sign-in-form');
  await form.getByLabel('User name').fill(NURSE.username);
  await form.getByLabel('Password').fill(NURSE.password);
  await form.getByTestId('sign-in-submit').click();
  await expect(page.getByTestId('nav-user-name')).toHaveText(`${NURSE.name}, Nurse`);
}

/** A browser of its own (no cookie in common with the others) at the link, with the code. */
async function openTheLink(browser: Browser, link: string, code: string, name = DOCTOR) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(link);
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('The code the nurse read to you').fill(code);
  await page.getByTestId('viewer-join').click();
  return page;
}

test('a nurse invites a remote clinician, who watches, hears, writes a note, and is shut out when she ends it', async ({
  page,
  browser,
}) => {
  test.setTimeout(240_000);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await signInAtTheBed(page);
  await page.locator('[data-bed-id]').first().getByTestId('open-bed').click();
  await expect(page.getByTestId('bedside')).toBeVisible();
  const patient = (await page.getByTestId('bed-patient').textContent()) ?? '';

  // The invitation, with the patient's consent: a link and a code to read over the phone.
  await page.getByTestId('telehealth-open').click();
  const dialog = page.getByRole('dialog', { name: 'Invite a remote clinician' });
  await dialog.getByLabel('The patient').check();
  await page.getByTestId('telehealth-consent').check();
  await page.getByTestId('telehealth-invite-submit').click();
  const link = (await page.getByTestId('telehealth-link').textContent({ timeout: 30_000 }))!;
  const code = (await page.getByTestId('telehealth-code').textContent())!;
  expect(link).toMatch(/\/telehealth\/#t=[A-Za-z0-9_-]{40,}$/);
  expect(code).toMatch(/^\d{4} \d{4}$/);
  await page.screenshot({ path: 'docs/screenshots/telehealth-invite.png' });
  await page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();

  // The remote clinician, in a browser of their own: that one patient, live.
  const viewer = await openTheLink(browser, link, code);
  viewer.on('pageerror', (error) => problems.push(`viewer: ${error.message}`));
  await expect(viewer.getByTestId('telehealth-live')).toBeVisible({ timeout: 30_000 });
  await expect(viewer.getByTestId('bed-patient')).toHaveText(patient);
  await expect(viewer.getByTestId('numeric-MDC_ECG_HEART_RATE')).toContainText(/\d/, {
    timeout: 30_000,
  });
  await expect(viewer.getByTestId('latency')).toContainText(/^Live, \d+\.\d s behind/, {
    timeout: 30_000,
  });
  // Look, don't touch: no acknowledge, limits or devices.
  await expect(viewer.getByTestId('open-limits')).toHaveCount(0);
  await expect(viewer.getByTestId('manage-devices')).toHaveCount(0);

  // The bedside says who is watching, and since when.
  const strip = page.getByTestId('telehealth-strip');
  await expect(strip).toContainText(`${DOCTOR} watching since`, { timeout: 30_000 });

  // Live auscultation: the nurse shares the stethoscope, the remote side hears the tone.
  await page.getByTestId('open-stethoscope').click();
  await page.getByTestId('stethoscope-share-toggle').check({ timeout: 30_000 });
  await page.getByTestId('stethoscope-record').click();
  await expect(page.getByTestId('stethoscope-share')).toContainText(
    `${DOCTOR} hears the stethoscope now.`,
  );
  await viewer.getByTestId('remote-auscultation-listen').click();
  await expect(viewer.getByTestId('remote-auscultation-status')).toHaveText(
    /^Live, \d\.\d s behind the bed$/,
    { timeout: 30_000 },
  );
  await viewer.waitForTimeout(1_000);
  const hz = await heardHz(viewer);
  expect(Math.abs(hz - TONE_HZ), `heard ${hz.toFixed(1)} Hz`).toBeLessThanOrEqual(10);

  // The remote side asks for a recording to be kept: the bed keeps the last 10 s it shares, with
  // the patient like a local one; the bedside strip says so, the viewer sees it confirmed.
  await viewer.getByTestId('keep-recording-seconds').selectOption('10');
  await viewer.getByTestId('keep-recording-ask').click();
  const asked = page.getByTestId('telehealth-recording');
  await expect(asked).toContainText(`${DOCTOR} asked at`, { timeout: 30_000 });
  await expect(asked).toContainText('for a 10 s recording of the stethoscope');
  await expect(viewer.getByTestId('keep-recording-item').first()).toContainText(
    /^Kept at \d\d:\d\d, 10 s, (HR \d+|no heart rate found)$/,
    { timeout: 40_000 },
  );
  await expect(asked).toContainText('kept, 10 s');
  await expect(
    page.getByTestId('sound-recording').filter({ hasText: `Asked for by ${DOCTOR} remotely` }),
  ).toHaveCount(1, { timeout: 10_000 });
  await viewer.screenshot({ path: 'docs/screenshots/telehealth-viewer.png' });

  // A consult note: kept with the stay, shown at the bed.
  await viewer.getByLabel('New note (shown at the bed and kept with the stay)').fill(NOTE);
  await viewer.getByTestId('add-note').click();
  await expect(viewer.getByTestId('consult-note')).toContainText([NOTE]);
  await expect(page.getByTestId('telehealth-notes')).toContainText(NOTE, { timeout: 30_000 });
  await page
    .getByTestId('stethoscope-stop')
    .click()
    .catch(() => undefined);
  await page.getByTestId('open-stethoscope').click();
  await strip.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'docs/screenshots/telehealth-bedside.png' });

  // Save strip as PDF: the central server prints the newest 20 s it holds of the stay (each
  // minute of signal reaches it about a minute later; asked again while it has none), named for
  // the bed.
  const bedLabel = (await viewer.locator('.bedside__bed').textContent())!.trim();
  let saved: Download | null = null;
  for (let tries = 0; !saved && tries < 15; tries++) {
    const download = viewer.waitForEvent('download', { timeout: 4_000 }).catch(() => null);
    await viewer.getByTestId('save-strip').click();
    saved = await download;
  }
  expect(saved, 'a strip was saved').not.toBeNull();
  expect(saved!.suggestedFilename()).toMatch(/^strip .* \d{4}-\d\d-\d\d \d\d-\d\d-\d\d\.pdf$/);
  expect(saved!.suggestedFilename().startsWith(`strip ${bedLabel} `)).toBe(true);
  const stripPdf = join(dir, 'strip.pdf');
  await saved!.saveAs(stripPdf);
  expect(readFileSync(stripPdf).subarray(0, 5).toString()).toBe('%PDF-');
  const paper = execFileSync('pdftotext', ['-layout', stripPdf, '-'], { encoding: 'utf8' });
  expect(paper).toContain(bedLabel);
  expect(paper).toContain(patient.split(' ')[0]!.replace(/,$/, ''));
  expect(paper).toContain('25 mm/s');
  execFileSync('pdftoppm', [
    '-png',
    '-r',
    '70',
    '-singlefile',
    stripPdf,
    'docs/screenshots/telehealth-strip',
  ]);
  await expect(viewer.getByTestId('strip-said')).toContainText('Saved strip');

  // The same link and code in another browser: refused, the first viewer undisturbed.
  const intruder = await openTheLink(browser, link, code, 'Someone Else');
  await expect(intruder.getByTestId('viewer-refusal')).toContainText(/already/i);
  await expect(intruder.getByTestId('telehealth-live')).toHaveCount(0);
  await intruder.context().close();
  await expect(viewer.getByTestId('telehealth-live')).toBeVisible();

  // The nurse ends it: the viewer is shut out at once, in words, and does not come back.
  await page.getByTestId('telehealth-end').click();
  await expect(viewer.getByTestId('shut-out-sentence')).toHaveText(
    'The consult was ended at the bed.',
    { timeout: 5_000 },
  );
  await expect(viewer.getByTestId('telehealth-live')).toHaveCount(0);
  await expect(page.getByTestId('telehealth-history')).toContainText(
    'The consult was ended at the bed.',
    { timeout: 30_000 },
  );
  await viewer.reload();
  await expect(viewer.getByTestId('telehealth-live')).toHaveCount(0);
  await viewer.context().close();
  expect(problems).toEqual([]);
});
