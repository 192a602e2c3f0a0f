// The hospital's patient list on a workstation, in Debian's Chromium against the browser shell and
// the REAL central server (its command, on the real PostgreSQL, a fresh database, its ADT listener
// on MLLP). A rural clinic admits a fictional patient by hand while it has no central server (the
// admission form says the hospital list is not available). The hospital's interface engine sends
// ADT A01s (made and sent over MLLP by simple-hl7, an encoder we did not write): one for a new
// patient, one for the clinic's patient with another family name, one for another with another
// date of birth. The clinic enrols; the list arrives; the differences are shown on the patients
// view and in the bed's header, never merged; a nurse admits the new patient by picking them from
// the list with the keyboard, takes the hospital's details for one (a new version; the old one
// stays) and keeps ours for the other, which is asked again once an A08 changes the hospital's
// record. At 1920 × 1080.
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TcpClient } from 'simple-hl7';
import { runCli, type RunningCommand } from '../support/processes';
import { seriousViolations } from '../support/page-checks';
import { freshDatabase, type TestDatabase } from '../../server/test-support/database';
import {
  runServerCommand,
  startServerProcess,
  type ServerProcess,
} from '../../server/test-support/server-process';
import {
  ackView,
  adtMessage,
  mllpClient,
  sendAdt,
  type AdtPerson,
} from '../../server/test-support/adt-feed';

const TOKEN = 'e2e-census-hospital-list';
const SHOTS = join(import.meta.dirname, '..', '..', 'docs', 'screenshots');

let dir: string;
let db: TestDatabase;
let serve: RunningCommand;
let central: ServerProcess;
let adt: TcpClient | null = null;
let workstationUrl: string;

test.use({ viewport: { width: 1920, height: 1080 } });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  dir = mkdtempSync(join(tmpdir(), 'ws-e2e-census-'));
  db = await freshDatabase('e2e_census');
  central = await startServerProcess([
    ...['--db', db.url, '--port', '0', '--host', '127.0.0.1', '--insecure-http'],
    ...['--adt-port', '0', '--adt-host', '127.0.0.1'],
  ]);
  // Three empty beds (their oximeters are on ports that do not exist: they stay disconnected).
  serve = runCli([
    'serve',
    ...['--port', '0', '--data', join(dir, 'data'), '--token', TOKEN],
    ...['--device', `cms50-v7:${join(dir, 'no-such-port-1')}@Bed 1`],
    ...['--device', `cms50-v7:${join(dir, 'no-such-port-2')}@Bed 2`],
    ...['--device', `cms50-v7:${join(dir, 'no-such-port-3')}@Bed 3`],
  ]);
  workstationUrl = (await serve.waitForLine(/Workstation ready at (http:\/\/\S+)/, 90_000))[1]!;
});

test.afterAll(async () => {
  adt?.close?.();
  await serve?.stop();
  await central?.stop();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const bedRow = (page: Page, label: string) =>
  page.getByTestId('patient-bed').filter({ has: page.getByRole('rowheader', { name: label }) });

async function openPatients(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Patients' }).click();
  await expect(page.getByRole('heading', { name: 'Patients and beds' })).toBeVisible();
}

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

/** An ADT message from the hospital's interface engine, over MLLP; its ACK must accept it. */
async function hospitalSends(event: string, controlId: string, person: AdtPerson): Promise<void> {
  const port = Number(/ADT listener \(HL7 v2 over MLLP\) at \S+:(\d+)/.exec(central.stdout())![1]);
  adt ??= mllpClient(port);
  const ack = ackView(await sendAdt(adt, adtMessage(event, controlId, person)));
  expect(ack.code, ack.text).toBe('AA');
}

test('a clinic admits from the hospital list and resolves a patient admitted offline', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(workstationUrl);
  await openPatients(page);

  // Offline (no central server yet): the list is not available; the nurse types by hand (twice).
  await page.getByRole('button', { name: 'Admit a patient to Bed 2' }).click();
  let form = page.getByTestId('admit-form');
  await expect(form.getByTestId('hospital-list-state')).toHaveText(
    'The hospital list is not available (no central server): type the details by hand.',
  );
  await expect(form.getByLabel('Family name')).toBeFocused();
  await form.getByLabel('Family name').fill('Test');
  await form.getByLabel('Given name').fill('Eve');
  await form.getByLabel('Medical record number (MRN)').fill('FICT-ADT-2');
  await form.getByLabel('Date of birth').fill('1980-03-04');
  await form.getByRole('button', { name: 'Admit', exact: true }).click();
  await expect(bedRow(page, 'Bed 2')).toContainText('Test, Eve');
  await page.getByRole('button', { name: 'Admit a patient to Bed 3' }).click();
  form = page.getByTestId('admit-form');
  await form.getByLabel('Family name').fill('Test');
  await form.getByLabel('Given name').fill('Gus');
  await form.getByLabel('Medical record number (MRN)').fill('FICT-ADT-3');
  await form.getByLabel('Date of birth').fill('1990-01-01');
  await form.getByRole('button', { name: 'Admit', exact: true }).click();
  await expect(bedRow(page, 'Bed 3')).toContainText('Test, Gus');
  // Without a list, nothing is said about it beside the patients.
  await expect(page.getByTestId('hospital-note')).toHaveCount(0);

  // The hospital admits three patients: one new, and the clinic's with another family name.
  await hospitalSends('A01', 'CENSUS-1', {
    mrn: 'FICT-ADT-1',
    family: 'Testperson',
    given: 'Ann',
    birth: '19750607',
    sex: 'F',
    location: ['ICU', '3', '12', 'GENERAL'],
    visit: 'V-7001',
  });
  await hospitalSends('A01', 'CENSUS-2', {
    mrn: 'FICT-ADT-2',
    family: 'Testerson',
    given: 'Eve',
    birth: '19800304',
    sex: 'F',
    location: ['WARD 5', '2', '4'],
    visit: 'V-7002',
  });
  await hospitalSends('A01', 'CENSUS-3', {
    mrn: 'FICT-ADT-3',
    family: 'Test',
    given: 'Gus',
    birth: '19900110',
    location: ['WARD 5', '2', '5'],
    visit: 'V-7003',
  });

  // The clinic's link comes: it enrols with the code IT read out.
  const made = await runServerCommand(['enrolment-code', '--db', db.url, '--unit', 'Clinic']);
  expect(made.code, made.stderr).toBe(0);
  const code = /[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}/.exec(made.stdout)![0];
  await page.getByTestId('sync-status-line').getByRole('link', { name: 'Set up' }).click();
  await page.getByLabel('Server address').fill(central.url);
  await page.getByLabel('Enrolment code').fill(code);
  await page.getByLabel('Name of this workstation').fill('Clinic Testville');
  await page.getByRole('button', { name: 'Connect' }).click();
  await expect(page.getByTestId('sync-state')).toHaveAttribute('data-state', /connected|draining/, {
    timeout: 30_000,
  });

  // The difference is shown for a person to resolve; nothing was changed by itself.
  await openPatients(page);
  const differences = page.getByTestId('hospital-differences').getByTestId('hospital-difference');
  const difference = differences.filter({ hasText: 'FICT-ADT-2' });
  await expect(difference).toContainText(
    'The hospital’s record for MRN FICT-ADT-2 says Testerson, Eve, born 1980-03-04; this workstation has Test, Eve, born 1980-03-04.',
    { timeout: 60_000 },
  );
  await expect(difference.getByRole('row', { name: /Family name/ })).toContainText(
    'Testerson (differs)',
  );
  await expect(bedRow(page, 'Bed 2')).toContainText('Test, Eve');
  await expect(bedRow(page, 'Bed 2').getByTestId('hospital-note')).toHaveText(
    'Differs from the hospital record',
  );
  await shot(page, 'census-mismatch');
  expect(await seriousViolations(page)).toEqual([]);

  // The bed's own screen says it too, under the patient in its header.
  await page.goto(`${workstationUrl}#/bed/bed-2`);
  await expect(page.getByTestId('bed-patient')).toContainText('Test, Eve');
  await expect(page.getByTestId('hospital-difference')).toContainText(
    'The hospital’s record for MRN FICT-ADT-2 says Testerson, Eve',
  );
  await openPatients(page);

  // A nurse admits the new patient by picking them from the list, with the keyboard.
  await page.getByRole('button', { name: 'Admit a patient to Bed 1' }).click();
  form = page.getByTestId('admit-form');
  const search = form.getByRole('combobox', { name: 'Find a hospital patient by name or MRN' });
  await expect(search).toBeFocused();
  await expect(form.getByTestId('hospital-list-state')).toHaveText(
    /^Hospital list as of \d\d:\d\d/,
  );
  await page.keyboard.type('testp');
  const list = form.getByRole('listbox', { name: 'Hospital patients found' });
  const ann = list.getByRole('option', { name: /Testperson, Ann, MRN FICT-ADT-1/ });
  await expect(ann).toBeVisible();
  await expect(ann).toContainText('ICU, room 3, bed 12');
  await expect(ann).toHaveAttribute('aria-selected', 'true');
  await expect(search).toHaveAttribute('aria-activedescendant', (await ann.getAttribute('id'))!);
  await shot(page, 'census-admit');
  expect(await seriousViolations(page)).toEqual([]);
  await page.keyboard.press('Enter');
  await expect(list).toBeHidden();
  await expect(form.getByTestId('hospital-picked')).toHaveText(
    'Testperson, Ann (MRN FICT-ADT-1) from the hospital list: check the details, choose the category, then admit.',
  );
  await expect(form.getByLabel('Family name')).toHaveValue('Testperson');
  await expect(form.getByLabel('Given name')).toHaveValue('Ann');
  await expect(form.getByLabel('Medical record number (MRN)')).toHaveValue('FICT-ADT-1');
  await expect(form.getByLabel('Date of birth')).toHaveValue('1975-06-07');
  // The category is the nurse's to choose: it has the focus.
  await expect(form.getByLabel('Category')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(form.getByRole('button', { name: 'Admit', exact: true })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('patients-notice')).toHaveText(
    'Testperson, Ann admitted to Bed 1.',
  );
  await expect(bedRow(page, 'Bed 1').getByTestId('hospital-note')).toHaveText(
    'On the hospital list, visit V-7001',
  );

  // The other one: the hospital's details are taken (a new version; the old one is kept).
  await difference.getByRole('button', { name: 'Use the hospital’s details' }).click();
  await expect(page.getByTestId('patients-notice')).toHaveText(
    'The hospital’s details are now those of MRN FICT-ADT-2 (the old ones stay in the history).',
  );
  await expect(difference).toBeHidden();
  await expect(bedRow(page, 'Bed 2')).toContainText('Testerson, Eve');
  await expect(bedRow(page, 'Bed 2').getByTestId('hospital-note')).toHaveText(
    'On the hospital list, visit V-7002',
  );
  // The third: the nurse keeps ours (the wristband says 1990-01-01); recorded, not asked again…
  const gus = differences.filter({ hasText: 'FICT-ADT-3' });
  await expect(gus.getByRole('row', { name: /Date of birth/ })).toContainText(
    '1990-01-10 (differs)',
  );
  await gus.getByRole('button', { name: 'Keep ours' }).click();
  await expect(page.getByTestId('patients-notice')).toHaveText(
    'This workstation’s details of MRN FICT-ADT-3 were kept.',
  );
  await expect(bedRow(page, 'Bed 3').getByTestId('hospital-note')).toHaveText(
    /^Ours kept by unidentified user at this workstation, \d{4}-\d\d-\d\d \d\d:\d\d$/,
  );
  await expect(page.getByTestId('hospital-differences')).toBeHidden();
  // …until the hospital's record changes (an A08 update): then it is asked again, at the next pull.
  await hospitalSends('A08', 'CENSUS-4', {
    mrn: 'FICT-ADT-3',
    family: 'Test',
    given: 'Gustav',
    birth: '19900110',
    location: ['WARD 5', '2', '5'],
    visit: 'V-7003',
  });
  await expect(gus).toContainText('says Test, Gustav, born 1990-01-10', { timeout: 90_000 });
  await expect(bedRow(page, 'Bed 3').getByTestId('hospital-note')).toHaveText(
    'Differs from the hospital record',
  );

  await page.getByLabel('Name or MRN').fill('FICT-ADT-2');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByTestId('patient-search-results')).toContainText('formerly Test, Eve');
  expect(problems).toEqual([]);
});
