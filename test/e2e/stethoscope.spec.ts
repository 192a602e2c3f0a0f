// A clinician auscultates at the bedside, in Debian's Chromium against the browser shell. The
// stethoscope is Chromium's fake audio input playing a real heart-sound recording (PhysioNet/CinC
// 2016 a0007, see test/fixtures/heart-sounds/README.md); the bed is the simulated --demo bed, with
// its fictional patient.
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decodeWav, encodeWav } from '../../shared/audio/wav';
import { CHROMIUM_LAUNCH } from '../support/chromium';
import { runCli, type RunningCommand } from '../support/processes';
import { openBed } from '../support/simulated-bed';

const HEART_SOUND = resolve(import.meta.dirname, '../fixtures/heart-sounds/a0007.wav');
const SCREENSHOT = resolve(import.meta.dirname, '../../test-results/screenshots/stethoscope.png');
// Long enough for a heart rate: the live one looks at 8 s, and the rate needs 4.5 s at the least.
const RECORD_MS = 10_000;
const FAKE_INPUT_RATE_HZ = 48_000;

/**
 * Chromium's fake capture plays a 2000 Hz file as silence, so the input gets the recording
 * upsampled (linear interpolation) to a rate a sound card has. Written before the browser starts.
 */
function heartSoundAtCardRate(): string {
  const { samples, rateHz } = decodeWav(new Uint8Array(readFileSync(HEART_SOUND)));
  const factor = FAKE_INPUT_RATE_HZ / rateHz;
  const upsampled = new Int16Array(Math.floor((samples.length - 1) * factor));
  for (let i = 0; i < upsampled.length; i++) {
    const at = i / factor;
    const before = samples[Math.floor(at)]!;
    const after = samples[Math.floor(at) + 1]!;
    upsampled[i] = Math.round(before + (after - before) * (at - Math.floor(at)));
  }
  const path = join(tmpdir(), `ws-e2e-heart-sound-${FAKE_INPUT_RATE_HZ}.wav`);
  writeFileSync(path, encodeWav(upsampled, FAKE_INPUT_RATE_HZ));
  return path;
}

test.use({
  launchOptions: {
    ...CHROMIUM_LAUNCH,
    args: [
      ...CHROMIUM_LAUNCH.args,
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${heartSoundAtCardRate()}`,
      '--autoplay-policy=no-user-gesture-required',
    ],
  },
});

let dir: string;
let serve: RunningCommand;
let url: string;

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ws-e2e-stethoscope-'));
  serve = runCli([
    'serve',
    '--port',
    '0',
    '--data',
    join(dir, 'data'),
    '--demo',
    '--token',
    'e2e-stethoscope-heart',
  ]);
  url = (await serve.waitForLine(/Workstation ready at (http:\/\/\S+)/))[1]!;
});

test.afterAll(async () => {
  await serve?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Pixels of the phonocardiogram that show sound. */
async function inkedTracePixels(page: Page): Promise<number> {
  return page.getByTestId('stethoscope-trace').evaluate((canvas: HTMLCanvasElement) => {
    const context = canvas.getContext('2d');
    if (!context || canvas.width === 0) return 0;
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    // Green pixels away from the midline: sound, not the flat trace of silence.
    const mid = Math.floor(canvas.height / 2);
    let inked = 0;
    for (let i = 0; i < data.length; i += 4) {
      const row = Math.floor(i / 4 / canvas.width);
      if (data[i + 1]! > 150 && Math.abs(row - mid) > 3) inked++;
    }
    return inked;
  });
}

/** Pixels of the saved recording's trace that show sound (away from its midline). */
async function recordingTraceInk(page: Page): Promise<number> {
  return page.getByTestId('sound-recording-trace').evaluate((canvas: HTMLCanvasElement) => {
    const context = canvas.getContext('2d')!;
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    const mid = Math.floor(canvas.height / 2);
    let inked = 0;
    for (let i = 0; i < data.length; i += 4) {
      const row = Math.floor(i / 4 / canvas.width);
      if (data[i + 3]! > 0 && data[i + 1]! > 150 && Math.abs(row - mid) > 3) inked++;
    }
    return inked;
  });
}

test('a clinician records heart sounds at the bedside, plays them back and exports a WAV', async ({
  page,
}) => {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
  });
  await openBed(page, url);
  await expect(page.getByTestId('bedside')).toBeVisible();

  // The panel opens from the bedside header, by keyboard.
  const open = page.getByTestId('open-stethoscope');
  await open.focus();
  await page.keyboard.press('Enter');
  await expect(open).toHaveAttribute('aria-pressed', 'true');
  const panel = page.getByTestId('stethoscope-panel');
  await expect(panel).toBeVisible();
  await expect(page.getByTestId('sound-recording')).toHaveCount(0);

  await page.getByLabel('Site').selectOption('heart');
  await page.getByRole('radio', { name: /Bell/ }).check();
  await page.getByLabel('Note').fill('apex, supine');

  await page.getByTestId('stethoscope-record').click();
  await expect(panel).toHaveAttribute('data-phase', 'recording');
  // Captured by the AudioWorklet, loaded under the CSP, not by the fallback.
  await expect(panel).toHaveAttribute('data-capture-method', 'worklet');
  await expect(page.getByTestId('stethoscope-elapsed')).toContainText(/Recording \d/);
  // Once the input is open, its name is listed.
  await expect(page.getByTestId('stethoscope-input').locator('option')).not.toHaveCount(1);
  await expect.poll(() => inkedTracePixels(page), { timeout: 5000 }).toBeGreaterThan(200);
  // Live: every 2 s over the last 8 s. a0007 varies with breathing (beat-to-beat 0.60–1.16 s,
  // 52–100 /min; its 8 s windows read 61–79 /min), so only a plausible rate is asserted here.
  const liveRate = page.getByTestId('stethoscope-live-rate');
  await expect(liveRate).toHaveText(/HR \d+ bpm from heart sounds/, { timeout: 9000 });
  const liveBpm = Number(await liveRate.getAttribute('data-bpm'));
  expect(liveBpm).toBeGreaterThan(55);
  expect(liveBpm).toBeLessThan(90);
  await page.waitForTimeout(Math.max(0, RECORD_MS - 6000));
  await page.getByTestId('stethoscope-stop').click();

  await expect(page.getByTestId('stethoscope-message')).toHaveText('Recording saved.');
  await expect(panel).toHaveAttribute('data-phase', 'idle');
  const item = page.getByTestId('sound-recording');
  await expect(item).toHaveCount(1);
  await expect(item).toContainText('Heart');
  await expect(item).toContainText('Bell');
  await expect(item).toContainText('apex, supine');
  const durationS = Number(await item.getAttribute('data-duration-s'));
  const rateHz = Number(await item.getAttribute('data-rate-hz'));
  expect(durationS).toBeGreaterThan(8);
  expect(durationS).toBeLessThan(14);
  // Kept with the patient in the bed (the demo's fictional patient), listed under the bed.
  await expect(item.getByTestId('sound-recording-patient')).toHaveText(
    /^Demo, \w+ · MRN DEMO-\d{4}$/,
  );
  expect(await item.getAttribute('data-patient-id')).toMatch(/^[0-9a-f-]{36}$/);
  // The host's rate on saving, from 8–14 s of a0007 from wherever the fake input began: its beats
  // counted by hand give 71.7 /min over the whole file, 61–79 /min over any 8 s of it.
  await expect(item.getByTestId('sound-recording-heart-rate')).toHaveText(
    /^HR \d+ bpm from heart sounds$/,
  );
  const savedBpm = Number(await item.getAttribute('data-heart-rate-bpm'));
  expect(savedBpm).toBeGreaterThan(58);
  expect(savedBpm).toBeLessThan(85);
  expect(rateHz).toBeGreaterThanOrEqual(8000);
  expect(rateHz).toBeLessThanOrEqual(48000);

  // Playback from a blob: URL.
  await item.getByTestId('sound-recording-play').click();
  const audio = page.getByTestId('sound-recording-audio');
  await expect(audio).toHaveAttribute('src', /^blob:/);
  await expect
    .poll(() => audio.evaluate((element: HTMLAudioElement) => element.currentTime))
    .toBeGreaterThan(0.2);
  const playedDurationS = await audio.evaluate((element: HTMLAudioElement) => element.duration);
  expect(playedDurationS).toBeCloseTo(durationS, 1);

  // The whole recording's phonocardiogram, with a cursor that follows playback…
  const trace = page.getByTestId('sound-recording-trace');
  const cursorS = async () => Number(await trace.getAttribute('data-cursor-s'));
  await expect.poll(cursorS).toBeGreaterThan(0.2);
  const earlier = await cursorS();
  await expect.poll(cursorS).toBeGreaterThan(earlier + 0.3);
  expect(await recordingTraceInk(page)).toBeGreaterThan(500);
  // …and a click on the trace seeks there: three quarters along is three quarters in.
  const box = (await trace.boundingBox())!;
  await trace.click({ position: { x: box.width * 0.75, y: box.height / 2 } });
  const seekedS = await audio.evaluate((element: HTMLAudioElement) => element.currentTime);
  expect(seekedS).toBeGreaterThan(durationS * 0.75 - 0.3);
  expect(seekedS).toBeLessThan(durationS * 0.75 + 0.5);
  await expect.poll(cursorS).toBeGreaterThan(durationS * 0.75 - 0.3);
  // By keyboard too: Home goes back to the start.
  await trace.focus();
  await page.keyboard.press('Home');
  await expect.poll(cursorS).toBeLessThan(durationS * 0.5);
  await page.waitForTimeout(1200);
  mkdirSync(resolve(SCREENSHOT, '..'), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });

  // The export is the recording as a 16-bit PCM WAV, with sound in it.
  const downloading = page.waitForEvent('download');
  await page.getByTestId('sound-recording-export').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^bed-.*-heart-.*\.wav$/);
  const wav = decodeWav(new Uint8Array(readFileSync(await download.path())));
  expect(wav.rateHz).toBe(rateHz);
  expect(wav.channelCount).toBe(1);
  expect(wav.samples.length / wav.rateHz).toBeCloseTo(durationS, 2);
  let peak = 0;
  let sumSquares = 0;
  for (const sample of wav.samples) {
    peak = Math.max(peak, Math.abs(sample));
    sumSquares += sample * sample;
  }
  const rms = Math.sqrt(sumSquares / wav.samples.length);
  expect(peak).toBeGreaterThan(1000);
  expect(rms).toBeGreaterThan(50);

  const blocked = /Content Security Policy|Refused|AudioWorklet/;
  expect(problems.filter((text) => blocked.test(text))).toEqual([]);
});
