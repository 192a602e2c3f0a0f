// Exports from the review screen, in Debian's Chromium against the browser shell: a demo bed
// (`serve --demo 1`, the HealthyPi 5 simulator on a real pseudo-terminal) that also holds a
// 12-hour record imported before it started, so that an export runs long enough to watch. An
// export is started, followed (percent, pace, time left), cancelled; others run to the end,
// sealed at rest in the workstation's exports folder, and their files are downloaded from the
// list (plain) and read back. The store is real PGlite.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { readWfdb, writeWfdb } from '../../electron/host/export/wfdb';
import { readEdf } from '../../electron/host/export/edf-read';
import { runCli, type RunningCommand } from '../support/processes';
import { seriousViolations } from '../support/page-checks';

const TOKEN = 'e2e-review-exports-from-the-screen';
const BED_ID = 'bed-1-demo';
const HOURS = 12;
const RATE_HZ = 125;

let dir: string;
let data: string;
let serve: RunningCommand;
let url: string;
let record: { fromMs: number; toMs: number };

/** As the review's datetime-local inputs take a moment: local time, to the second. */
function localInput(atMs: number): string {
  const d = new Date(atMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}

test.describe.configure({ timeout: 180_000 });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  dir = mkdtempSync(join(tmpdir(), 'ws-e2e-export-'));
  data = join(dir, 'data');
  // 12 h of one ECG lead at 125 Hz (5.4 M samples), a beat a second, ending now.
  const samples = new Int32Array(HOURS * 3600 * RATE_HZ);
  for (let i = 0; i < samples.length; i++) {
    const phase = i % RATE_HZ;
    samples[i] = phase < 6 ? 900 - phase * 150 : Math.round(40 * Math.sin(i / 20));
  }
  const written = writeWfdb(
    {
      name: 'holter12',
      startMs: Date.now() - HOURS * 3_600_000,
      channels: [
        {
          key: 'ecg',
          label: 'ECG II',
          unit: 'mV',
          rateHz: RATE_HZ,
          rawPerUnit: 200,
          baseline: 0,
          samples,
        },
      ],
      annotations: [],
    },
    { format: 16 },
  );
  for (const file of written.files) writeFileSync(join(dir, file.name), file.contents);
  const importing = runCli([
    'import',
    '--data',
    data,
    '--wfdb',
    join(dir, 'holter12'),
    '--bed',
    'Bed 1 (demo)',
  ]);
  const imported = JSON.parse(
    (await importing.waitForLine(/\{[^\n]*"bedId"[^\n]*\}/, 150_000))[0],
  ) as { bedId: string; from: string; to: string };
  await importing.stop();
  expect(imported.bedId).toBe(BED_ID);
  record = { fromMs: Date.parse(imported.from), toMs: Date.parse(imported.to) };
  serve = runCli(['serve', '--port', '0', '--data', data, '--token', TOKEN, '--demo', '1']);
  url = (await serve.waitForLine(/Workstation ready at (http:\/\/\S+)/, 60_000))[1]!;
});

test.afterAll(async () => {
  await serve?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The export items of the list, newest first. */
const items = (page: Page) => page.getByTestId('export-item');

test('review: export a bed from the screen, follow it, cancel one, find the files', async ({
  page,
}) => {
  const exportsFolder = join(data, 'exports');
  await page.goto(`${url}#/bed/${BED_ID}/review`);
  await expect(page.getByTestId('review-paper')).toHaveAttribute('data-drawn-at', /\d/, {
    timeout: 30_000,
  });

  // The form: format and range, checked by axe as it is.
  const open = page.getByTestId('export-open');
  await expect(open).toHaveAttribute('aria-expanded', 'false');
  // The page's first click also lets it sound (the sound banner goes): the click still counts.
  await open.click();
  await expect(open).toHaveAttribute('aria-expanded', 'true');
  const form = page.getByTestId('export-form');
  await expect(form).toBeVisible();
  expect(await seriousViolations(page, '.review')).toEqual([]);
  mkdirSync('test-results/screenshots', { recursive: true });
  await page.screenshot({ path: 'test-results/screenshots/review-export-form.png' });

  // Bad times are said before anything is asked, and the host's refusals are shown as it words them.
  await form.getByLabel('Format').selectOption('csv');
  await page.getByTestId('export-range-chosen').check();
  await page.getByTestId('export-from').fill(localInput(record.toMs));
  await page.getByTestId('export-to').fill(localInput(record.fromMs));
  await page.getByTestId('export-start').click();
  await expect(page.getByTestId('export-problem')).toHaveText(
    'Choose a start and an end, the end after the start.',
  );
  const old = Date.now() - 80 * 3_600_000;
  await page.getByTestId('export-from').fill(localInput(old));
  await page.getByTestId('export-to').fill(localInput(old + 3_600_000));
  await page.getByTestId('export-start').click();
  await expect(page.getByTestId('export-problem')).toContainText(
    'The export was not started: The range begins before what the workstation keeps (the last 72 hours)',
  );
  await expect(items(page)).toHaveCount(0);

  // The 12 h as CSV (5.4 M rows): a bar with percent, pace and time left, then cancelled.
  await page.getByTestId('export-from').fill(localInput(record.fromMs));
  await page.getByTestId('export-to').fill(localInput(record.toMs));
  await page.getByTestId('export-start').click();
  await expect(form).toBeHidden();
  const csv = items(page).first();
  await expect(csv).toHaveAttribute('data-state', 'running');
  const bar = csv.getByRole('progressbar');
  await expect(bar).toHaveAccessibleName(/^Progress of the CSV export of /);
  await expect(csv.getByTestId('export-figures')).toContainText(
    /^\d+ % · (reading the record|writing the files) · .*of signal per second · about .* left$/,
  );
  expect(Number(await bar.getAttribute('aria-valuenow'))).toBeGreaterThanOrEqual(0);
  await page.screenshot({ path: 'test-results/screenshots/review-export-progress.png' });
  await csv.getByRole('button', { name: /^Cancel the CSV export of / }).click();
  await expect(csv).toHaveAttribute('data-state', 'cancelled');
  await expect(csv.getByTestId('export-cancelled')).toHaveText('Cancelled; nothing was kept.');
  expect(readdirSync(exportsFolder)).toEqual([]);

  // A failed export says why: the HealthyPi 5's raw PPG counts do not fit WFDB's 16 bits.
  await open.click();
  await form.getByLabel('Format').selectOption('wfdb');
  await page.getByTestId('export-range-stay').check();
  await page.getByTestId('export-start').click();
  await expect(form).toBeHidden();
  const refused = items(page).first();
  await expect(refused).toHaveAttribute('data-state', 'failed');
  await expect(refused.getByTestId('export-error')).toHaveText(
    /^Failed: The WFDB \(format 16\) export stopped: channel "[^"]+" has samples from -?\d+ to \d+, outside WFDB format 16's range -32768\.\.32767; export as EDF or CSV instead\. Nothing was kept\.$/,
  );

  // Two at once: the stay as EDF+, the record's first hour as WFDB; both run to the end.
  await open.click();
  await form.getByLabel('Format').selectOption('edf');
  await page.getByTestId('export-start').click();
  await expect(form).toBeHidden();
  await open.click();
  await form.getByLabel('Format').selectOption('wfdb');
  await page.getByTestId('export-range-chosen').check();
  await page.getByTestId('export-from').fill(localInput(record.fromMs));
  await page.getByTestId('export-to').fill(localInput(record.fromMs + 3_600_000));
  await page.getByTestId('export-start').click();
  await expect(form).toBeHidden();
  await expect(items(page)).toHaveCount(4);
  const [wfdb, edf] = [items(page).nth(0), items(page).nth(1)];
  await expect(wfdb).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await expect(edf).toHaveAttribute('data-state', 'done', { timeout: 60_000 });

  // Where the files are: the folder and their names, on screen; on disk, sealed, owner-only.
  await expect(wfdb.getByTestId('export-folder')).toHaveText(exportsFolder);
  const shown = (item: typeof wfdb) =>
    item.getByTestId('export-file').locator('code').allInnerTexts();
  const wfdbFiles = await shown(wfdb);
  expect(wfdbFiles).toHaveLength(3);
  const header = wfdbFiles.find((name) => name.endsWith('.hea'))!;
  expect(header).toMatch(/^Bed_1_demo_wfdb_\d{8}T\d{6}Z_\d{8}T\d{6}Z\.hea$/);
  for (const name of wfdbFiles) {
    const sealed = join(exportsFolder, `${name}.sealed`);
    expect(existsSync(sealed), name).toBe(true);
    expect(statSync(sealed).mode & 0o777).toBe(0o600);
    expect(readFileSync(sealed).subarray(0, 8).toString('ascii')).toBe('WSEXPORT');
  }
  // Each file's Download gives the plain file, under its own name.
  const downloaded = async (item: typeof wfdb, name: string): Promise<Buffer> => {
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      item.getByRole('button', { name: `Download ${name}` }).click(),
    ]);
    expect(file.suggestedFilename()).toBe(name);
    return readFileSync((await file.path())!);
  };
  // The WFDB header (record name, one signal, 125 Hz, an hour of samples), read back whole.
  const headerText = (await downloaded(wfdb, header)).toString('utf8');
  const [name, signals, rateHz, length] = headerText.split('\n')[0]!.split(' ');
  expect(name).toBe(header.replace(/\.hea$/, ''));
  expect([signals, rateHz, length]).toEqual(['1', String(RATE_HZ), String(3600 * RATE_HZ)]);
  const read = readWfdb(headerText, await downloaded(wfdb, `${name}.dat`));
  expect(read.channels.map((c) => [c.label, c.rateHz, c.samples.length])).toEqual([
    ['ECG II', RATE_HZ, 3600 * RATE_HZ],
  ]);
  // The EDF+ of the stay: the live bed's signals, from its header on.
  const edfName = (await shown(edf))[0]!;
  expect(edfName).toMatch(/^Bed_1_demo_edf_.*\.edf$/);
  const edfBytes = await downloaded(edf, edfName);
  expect(edfBytes.subarray(0, 8).toString('ascii')).toBe('0       ');
  expect(readEdf(edfBytes).channels.map((c) => c.label)).toContain('ECG');

  await page.screenshot({ path: 'test-results/screenshots/review-export.png' });
  mkdirSync('docs/screenshots', { recursive: true });
  copyFileSync('test-results/screenshots/review-export.png', 'docs/screenshots/review-export.png');

  // A reload finds the same exports (looked up, never started again).
  const ids = await items(page).evaluateAll((all) =>
    all.map((li) => li.getAttribute('data-export-id')),
  );
  await page.reload();
  await expect(items(page)).toHaveCount(4);
  expect(
    await items(page).evaluateAll((all) => all.map((li) => li.getAttribute('data-export-id'))),
  ).toEqual(ids);
  expect(readdirSync(exportsFolder).sort()).toEqual(
    [...wfdbFiles, edfName].map((file) => `${file}.sealed`).sort(),
  );

  expect(await seriousViolations(page, '.review')).toEqual([]);
});
