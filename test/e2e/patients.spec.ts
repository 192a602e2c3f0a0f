// Patients and beds, in Debian's Chromium against the browser shell: a HealthyPi 5 simulated on a
// real pseudo-terminal feeds Bed 1; Bed 2 has an oximeter configured on a port that does not
// exist (an empty bed to transfer to; its device simply stays disconnected). A nurse admits a
// fictional patient with the keyboard, sees a refusal next to the form (the same MRN in another
// case too), sees the patient in the bedside header, transfers them, admits and discharges a
// second one, and finds both by search. Then the second one's MRN comes back with other details:
// the nurse is shown both, says "not the same person" (refused, in a sentence), then "same
// person" (a new version), and finds them by their former name, with their history. At 1920 ×
// 1080, the size the screenshots are taken at.
import { expect, test, type Page } from '@playwright/test';
import { copyFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBed, startSimulatedBed, type SimulatedBed } from '../support/simulated-bed';

let rig: SimulatedBed;

test.use({ viewport: { width: 1920, height: 1080 } });

test.beforeAll(async () => {
  rig = await startSimulatedBed({
    name: 'patients',
    token: 'e2e-patients-nurse',
    bed: '@Bed 1',
    serveArgs: ['--device', `cms50-v7:${join(tmpdir(), 'no-such-port-for-bed-2')}@Bed 2`],
    simulatorArgs: ['--hr', '72', '--spo2', '98'],
  });
});

test.afterAll(async () => {
  await rig?.close();
});

const bedRow = (page: Page, label: string) =>
  page.getByTestId('patient-bed').filter({ has: page.getByRole('rowheader', { name: label }) });

async function openPatients(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Patients' }).click();
  await expect(page.getByRole('heading', { name: 'Patients and beds' })).toBeVisible();
}

test('a nurse admits, transfers, discharges and finds fictional patients', async ({ page }) => {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  await page.goto(rig.url);
  await openPatients(page);
  await expect(bedRow(page, 'Bed 1')).toContainText('Empty');
  await expect(bedRow(page, 'Bed 2')).toContainText('Empty');

  // Admit with the keyboard only: the form opens on its first input, Tab moves, Enter admits.
  await page.getByRole('button', { name: 'Admit a patient to Bed 1' }).focus();
  await page.keyboard.press('Enter');
  const form = page.getByTestId('admit-form');
  await expect(page.getByLabel('Family name')).toBeFocused();
  await page.keyboard.type('Test');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Alice');
  await page.keyboard.press('Tab');
  await page.keyboard.type('FICT-E2E-1');
  await page.keyboard.press('Tab');
  await page.keyboard.type('05042019'); // month, day, year: the en-US order of the date field
  await expect(form.getByLabel('Date of birth')).toHaveValue('2019-05-04');
  // Chromium's date field keeps the focus for one more Tab before the category gets it.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await expect(form.getByLabel('Category')).toBeFocused();
  await page.keyboard.press('ArrowDown'); // Adult → Paediatric
  await expect(form.getByLabel('Category')).toHaveValue('paediatric');
  await page.keyboard.press('Tab');
  await expect(form.getByRole('button', { name: 'Admit', exact: true })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('patients-notice')).toHaveText('Test, Alice admitted to Bed 1.');
  await expect(bedRow(page, 'Bed 1')).toContainText('Test, Alice');
  await expect(bedRow(page, 'Bed 1')).toContainText('Paediatric');

  // The same MRN in another bed is refused, next to the form, and what was typed stays.
  await page.getByRole('button', { name: 'Admit a patient to Bed 2' }).click();
  await form.getByLabel('Family name').fill('Test');
  await form.getByLabel('Given name').fill('Duplicate');
  await form.getByLabel('Medical record number (MRN)').fill('FICT-E2E-1');
  await form.getByLabel('Date of birth').fill('1980-01-01');
  await form.getByRole('button', { name: 'Admit', exact: true }).click();
  await expect(form.getByRole('alert')).toHaveText(
    'Not admitted: MRN FICT-E2E-1 is already admitted in Bed 1 (Test, Alice (MRN FICT-E2E-1)).',
  );
  await expect(form.getByLabel('Given name')).toHaveValue('Duplicate');
  // An MRN is one person in any case.
  await form.getByLabel('Medical record number (MRN)').fill('fict-e2e-1');
  await form.getByRole('button', { name: 'Admit', exact: true }).click();
  await expect(form.getByRole('alert')).toHaveText(
    'Not admitted: MRN fict-e2e-1 is already admitted in Bed 1 (Test, Alice (MRN FICT-E2E-1)).',
  );
  await expect(bedRow(page, 'Bed 2')).toContainText('Empty');
  await form.getByLabel('Given name').press('Escape');
  await expect(form).toHaveCount(0);

  // The bedside header names the patient, with MRN and age; the limits are paediatric.
  await openBed(page, rig.url, 'Bed 1');
  const header = page.getByTestId('bed-patient');
  await expect(header).toContainText('Test, Alice');
  await expect(header).toContainText('MRN FICT-E2E-1');
  await expect(header).toContainText(/\d+ y/);
  await page.screenshot({ path: 'test-results/screenshots/patients-bedside.png' });

  // Transfer to the empty Bed 2.
  await openPatients(page);
  await bedRow(page, 'Bed 1')
    .getByRole('button', { name: 'Transfer the patient in Bed 1' })
    .click();
  const transfer = page.getByTestId('transfer-form');
  await expect(transfer.getByLabel('To the empty bed')).toHaveValue('bed-2');
  await transfer.getByRole('button', { name: 'Transfer', exact: true }).click();
  await expect(page.getByTestId('patients-notice')).toHaveText('Test, Alice transferred to Bed 2.');
  await expect(bedRow(page, 'Bed 2')).toContainText('Test, Alice');
  await expect(bedRow(page, 'Bed 1')).toContainText('Empty');

  // A second fictional patient in Bed 1, then discharged after a confirmation.
  await page.getByRole('button', { name: 'Admit a patient to Bed 1' }).click();
  await form.getByLabel('Family name').fill('Test');
  await form.getByLabel('Given name').fill('Bob');
  await form.getByLabel('Medical record number (MRN)').fill('FICT-E2E-2');
  await form.getByLabel('Date of birth').fill('1950-01-31');
  await form.getByRole('button', { name: 'Admit', exact: true }).click();
  await expect(bedRow(page, 'Bed 1')).toContainText('Test, Bob');
  await bedRow(page, 'Bed 1')
    .getByRole('button', { name: 'Discharge the patient in Bed 1' })
    .click();
  const confirm = page.getByTestId('discharge-confirm');
  await expect(confirm).toContainText('Discharge Test, Bob from Bed 1?');
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await confirm.getByRole('button', { name: 'Discharge', exact: true }).click();
  await expect(page.getByTestId('patients-notice')).toHaveText('Test, Bob discharged from Bed 1.');
  await expect(bedRow(page, 'Bed 1')).toContainText('Empty');

  // Search finds both, in any case, with where they are now.
  await page.getByRole('searchbox', { name: 'Name or MRN' }).fill('TEST');
  await page.getByRole('searchbox', { name: 'Name or MRN' }).press('Enter');
  const results = page.getByTestId('patient-search-results');
  await expect(results.getByRole('row', { name: /Test, Alice/ })).toContainText('In Bed 2');
  await expect(results.getByRole('row', { name: /Test, Bob/ })).toContainText('Discharged');

  await page.screenshot({ path: 'test-results/screenshots/patients.png', fullPage: true });
  mkdirSync('docs/screenshots', { recursive: true });
  copyFileSync('test-results/screenshots/patients.png', 'docs/screenshots/patients.png');

  // Bob's MRN, in another case, with other details: both are shown, nothing is admitted yet.
  await page.getByRole('button', { name: 'Admit a patient to Bed 1' }).click();
  await form.getByLabel('Family name').fill('Test');
  await form.getByLabel('Given name').fill('Robert');
  await form.getByLabel('Medical record number (MRN)').fill('fict-e2e-2');
  await form.getByLabel('Date of birth').fill('1951-02-01');
  await form.getByRole('button', { name: 'Admit', exact: true }).click();
  const question = page.getByTestId('same-person-question');
  await expect(question.getByRole('heading')).toHaveText(
    'MRN FICT-E2E-2 is known with other details',
  );
  await expect(question.getByRole('row', { name: /Given name/ })).toHaveText(
    /Given name\s*Bob\s*Robert \(differs\)/,
  );
  await expect(question.getByRole('row', { name: /Date of birth/ })).toHaveText(
    /1950-01-31\s*1951-02-01 \(differs\)/,
  );
  await expect(question.getByRole('row', { name: /Family name/ })).toHaveText(
    /Family name\s*Test\s*Test$/,
  );
  // The safe answer has the focus.
  await expect(question.getByRole('button', { name: 'Not the same person' })).toBeFocused();
  await expect(form.getByRole('button', { name: 'Admit', exact: true })).toBeDisabled();
  await page.screenshot({ path: 'test-results/screenshots/patients-same-person.png' });
  copyFileSync(
    'test-results/screenshots/patients-same-person.png',
    'docs/screenshots/patients-same-person.png',
  );
  await question.getByRole('button', { name: 'Not the same person' }).click();
  await expect(question).toHaveCount(0);
  await expect(form.getByRole('alert')).toHaveText(
    'Not admitted: MRN FICT-E2E-2 belongs to someone else on this workstation, Test, Bob, born' +
      ' 1950-01-31. Check the MRN on the wristband or in the hospital record.',
  );
  await expect(bedRow(page, 'Bed 1')).toContainText('Empty');
  await expect(form.getByLabel('Given name')).toHaveValue('Robert');

  // Asked again, the nurse confirms: Robert is Bob, with corrected details.
  await form.getByRole('button', { name: 'Admit', exact: true }).click();
  await question.getByRole('button', { name: 'Same person: admit with the new details' }).click();
  await expect(page.getByTestId('patients-notice')).toHaveText('Test, Robert admitted to Bed 1.');
  await expect(bedRow(page, 'Bed 1')).toContainText('FICT-E2E-2');

  // The former name still finds him, and his history has both versions with who and when.
  await page.getByRole('searchbox', { name: 'Name or MRN' }).fill('bob');
  await page.getByRole('searchbox', { name: 'Name or MRN' }).press('Enter');
  const robert = results.getByRole('row', { name: /Test, Robert/ });
  await expect(robert).toContainText('formerly Test, Bob, born 1950-01-31');
  await expect(robert).toContainText('In Bed 1');
  await robert.getByRole('button', { name: 'History of Test, Robert' }).click();
  const history = page.getByTestId('patient-history');
  const versions = history.getByTestId('patient-versions').locator('tbody tr');
  await expect(versions).toHaveCount(2);
  await expect(versions.nth(0)).toContainText('Test, Bob');
  await expect(versions.nth(1)).toContainText('Test, Robert');
  await expect(versions.nth(1)).toContainText('1951-02-01');
  await expect(history.getByTestId('patient-stays').locator('tbody tr')).toHaveText([
    /Admitted to Bed 1/,
    /Discharged from Bed 1/,
    /Admitted to Bed 1/,
  ]);
  await history.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/screenshots/patients-history.png', fullPage: true });
  copyFileSync(
    'test-results/screenshots/patients-history.png',
    'docs/screenshots/patients-history.png',
  );
  await history.getByRole('button', { name: 'Close' }).press('Escape');
  await expect(history).toHaveCount(0);
  expect(problems).toEqual([]);
});
