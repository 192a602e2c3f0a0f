// Full-disclosure review in Debian's Chromium against the browser shell: a bed holding an
// imported MIT-BIH record (101, 5 min, in resources/demo) and, after it, live signal from the
// HealthyPi 5 simulator on a real pseudo-terminal pair, whose low SpO₂ raises an alarm to jump
// to. Only the device is simulated; the store is real PGlite on disk.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { openPtyPair, type PtyPair } from '../../electron/host/devices/simulators/pty-pair';
import { runCli, type RunningCommand } from '../support/processes';
import { apiRequest, openBed } from '../support/simulated-bed';

const TOKEN = 'e2e-review-full-disclosure';
const BED = 'Bed 9';
const RECORD = join(import.meta.dirname, '..', '..', 'resources', 'demo', 'mitbih-101-5min');
const PX_PER_MS_AT_25 = ((96 / 25.4) * 25) / 1000;

let dir: string;
let pair: PtyPair;
let serve: RunningCommand;
let simulator: RunningCommand;
let url: string;
let record: { bedId: string; from: string; to: string };

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ws-e2e-review-'));
  const data = join(dir, 'data');
  const importing = runCli(['import', '--data', data, '--wfdb', RECORD, '--bed', BED]);
  record = JSON.parse(
    (await importing.waitForLine(/\{[^\n]*"bedId"[^\n]*\}/, 60_000))[0],
  ) as typeof record;
  await importing.stop();
  pair = await openPtyPair(dir, 'hp5');
  serve = runCli([
    'serve',
    ...['--port', '0', '--data', data, '--token', TOKEN],
    ...['--device', `healthypi5:${pair.devicePath}@${BED}`],
  ]);
  url = (await serve.waitForLine(/Workstation ready at (http:\/\/\S+)/))[1]!;
  await new Promise((r) => setTimeout(r, 500));
  simulator = runCli([
    'simulate',
    ...['--driver', 'healthypi5', '--port', pair.simulatorPath],
    ...['--synthetic', '--hr', '75', '--spo2', '86'],
  ]);
  await simulator.waitForLine(/Simulating healthypi5/);
});

test.afterAll(async () => {
  await simulator?.stop();
  await serve?.stop();
  await pair?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Bright (trace) pixels of the review canvas, and a fingerprint of where they are. */
async function tracePixels(page: Page): Promise<{ bright: number; fingerprint: number }> {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('.review-paper__canvas')!;
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let bright = 0;
    let fingerprint = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i]! > 200 && data[i + 1]! > 200) {
        bright++;
        fingerprint = (fingerprint * 31 + i) % 1_000_000_007;
      }
    }
    return { bright, fingerprint };
  });
}

async function drawnWindow(page: Page): Promise<{ fromMs: number; toMs: number }> {
  const paper = page.getByTestId('review-paper');
  return {
    fromMs: Number(await paper.getAttribute('data-window-from')),
    toMs: Number(await paper.getAttribute('data-window-to')),
  };
}

/** Two successive R peaks of MLII a second or more into the window, from the stored samples. */
async function rPeaks(fromMs: number): Promise<[number, number]> {
  const reply = await apiRequest(url, TOKEN, 'getWaveformWindow', {
    bedId: record.bedId,
    fromMs: fromMs + 1000,
    toMs: fromMs + 5000,
    channels: ['mlii'],
  });
  const [segment] = reply.result as Array<{ t0Ms: number; rateHz: number; values: number[] }>;
  const { t0Ms, rateHz, values } = segment!;
  // R peaks: the highest point of each stretch above 60 % of the strip's range.
  const min = Math.min(...values);
  const threshold = min + 0.6 * (Math.max(...values) - min);
  const peaks: number[] = [];
  for (let i = 0; i < values.length;) {
    if (values[i]! < threshold) {
      i++;
      continue;
    }
    let top = i;
    for (; i < values.length && values[i]! >= threshold; i++)
      if (values[i]! > values[top]!) top = i;
    peaks.push(top);
  }
  const [first, second] = peaks;
  return [t0Ms + (first! * 1000) / rateHz, t0Ms + (second! * 1000) / rateHz];
}

test('review: paper draws, steps, calipers read RR, jumps to an alarm', async ({ page }) => {
  const recordMiddle = (Date.parse(record.from) + Date.parse(record.to)) / 2;
  await openBed(page, url, BED);
  await page.goto(`${url}#/bed/${record.bedId}/review?at=${Math.round(recordMiddle)}`);
  const paper = page.getByTestId('review-paper');
  await expect(paper).toHaveAttribute('data-drawn-at', /\d/);
  const opened = await drawnWindow(page);
  // Centred on the moment asked for; 1280 px wide at 25 mm/s is about 10 s of paper.
  expect(Math.abs((opened.fromMs + opened.toMs) / 2 - recordMiddle)).toBeLessThan(2);
  expect(opened.toMs - opened.fromMs).toBeGreaterThan(7000);
  await expect(page.getByTestId('review-row-mlii')).toContainText('10 mm/mV');
  await expect(page.getByTestId('review-row-v1')).toBeVisible();
  const before = await tracePixels(page);
  expect(before.bright).toBeGreaterThan(2000);

  // A step of 10 s moves the paper and draws other beats.
  await page.getByTestId('review-step-forward').click();
  await expect(paper).toHaveAttribute('data-window-from', String(opened.fromMs + 10_000));
  const after = await tracePixels(page);
  expect(after.bright).toBeGreaterThan(2000);
  expect(after.fingerprint).not.toBe(before.fingerprint);
  // The keyboard: the left arrow brings it back.
  await page.locator('.review__paper').focus();
  await page.keyboard.press('ArrowLeft');
  await expect(paper).toHaveAttribute('data-window-from', String(opened.fromMs));

  // Time calipers dragged from one R peak to the next read the RR interval and the heart rate.
  const [r1, r2] = await rPeaks(opened.fromMs);
  const box = (await paper.boundingBox())!;
  const y = box.y + 60;
  await page.mouse.move(box.x + (r1 - opened.fromMs) * PX_PER_MS_AT_25, y);
  await page.mouse.down();
  await page.mouse.move(box.x + (r2 - opened.fromMs) * PX_PER_MS_AT_25, y, { steps: 5 });
  await page.mouse.up();
  const interval = Number(
    /(\d+) ms/.exec(await page.getByTestId('caliper-interval').innerText())![1],
  );
  expect(Math.abs(interval - (r2 - r1))).toBeLessThan(15);
  const rate = Number(/(\d+)/.exec(await page.getByTestId('caliper-rate').innerText())![1]);
  expect(rate).toBeGreaterThanOrEqual(55);
  expect(rate).toBeLessThanOrEqual(100);
  // Keyboard-operable: marker B one millimetre (40 ms at 25 mm/s) later.
  await page.getByTestId('caliper-b').focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('caliper-interval')).toContainText(`${interval + 40} ms`);

  mkdirSync('test-results/screenshots', { recursive: true });
  await page.screenshot({ path: 'test-results/screenshots/review.png' });
  mkdirSync('docs/screenshots', { recursive: true });
  copyFileSync('test-results/screenshots/review.png', 'docs/screenshots/review.png');

  // Amplitude caliper on MLII: peak to peak of a calibrated ECG, in millivolts.
  await page.getByTestId('caliper-mode-amplitude').check();
  await page.getByTestId('place-calipers').click();
  const amplitude = await page.getByTestId('caliper-amplitude').innerText();
  const mv = Number(/Δ ([\d.]+) mV/.exec(amplitude)![1]);
  expect(mv).toBeGreaterThan(0.3);
  expect(mv).toBeLessThan(5);

  // The live bed's low SpO₂ is logged as an alarm; the list jumps to it.
  await expect
    .poll(
      async () => {
        const reply = await apiRequest(url, TOKEN, 'getAlarmLog', { bedId: record.bedId });
        return (reply.result as unknown[]).length;
      },
      { timeout: 40_000 },
    )
    .toBeGreaterThan(0);
  await page.reload();
  await expect(paper).toHaveAttribute('data-drawn-at', /\d/);
  const event = page.getByTestId('review-events').getByRole('button').last();
  await event.click();
  const [oldest] = (
    (await apiRequest(url, TOKEN, 'getAlarmLog', { bedId: record.bedId })).result as Array<{
      atMs: number;
    }>
  ).slice(-1);
  await expect
    .poll(async () => {
      const w = await drawnWindow(page);
      return Math.abs((w.fromMs + w.toMs) / 2 - oldest!.atMs);
    })
    .toBeLessThan(2);
  // The live channels (raw counts of the HealthyPi) are drawn fitted and say so.
  await expect(page.locator('.review-paper__row-label').first()).toBeVisible();
  await expect(page.getByText(/uncalibrated/).first()).toBeVisible();
});
