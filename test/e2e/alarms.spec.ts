// The alarm system as a nurse meets it, in Debian's Chromium against the browser shell: a
// simulated patient (HealthyPi 5 simulator on a real pseudo-terminal pair, synthetic waveforms
// whose rates follow the vitals) desaturates and becomes tachycardic. The workstation runs with a
// test clock (`serve --test-clock`), so the 2-minute audio pause and the 3-minute reminders are
// checked by moving the alarm clock forward through the api instead of waiting.
import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { openPtyPair, type PtyPair } from '../../electron/host/devices/simulators/pty-pair';
import { runCli, type RunningCommand } from '../support/processes';

const TOKEN = 'e2e-alarms';
let dir: string;
let pair: PtyPair;
let serve: RunningCommand;
let simulator: RunningCommand;
let url: string;

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ws-e2e-alarms-'));
  pair = await openPtyPair(dir, 'hp5');
  serve = runCli([
    'serve',
    '--port',
    '0',
    '--data',
    join(dir, 'data'),
    '--device',
    `healthypi5:${pair.devicePath}@Bed 1`,
    '--token',
    TOKEN,
    '--test-clock',
  ]);
  url = (await serve.waitForLine(/Workstation ready at (http:\/\/\S+)/))[1]!;
  await new Promise((r) => setTimeout(r, 500));
  simulator = runCli([
    'simulate',
    '--driver',
    'healthypi5',
    '--port',
    pair.simulatorPath,
    '--synthetic',
    '--hr',
    '75',
    '--spo2',
    '97',
  ]);
  await simulator.waitForLine(/Simulating healthypi5/);
});

test.afterAll(async () => {
  await simulator?.stop();
  await serve?.stop();
  await pair?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Moves the workstation's alarm clock forward (only a --test-clock workstation accepts it). */
async function advanceAlarmClock(ms: number): Promise<void> {
  const { port } = new URL(url);
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/ws?token=${TOKEN}`);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const reply = new Promise<Record<string, unknown>>((resolve) =>
    ws.once('message', (data) => resolve(JSON.parse(String(data)) as Record<string, unknown>)),
  );
  ws.send(JSON.stringify({ type: 'request', id: 1, method: 'advanceAlarmClock', params: { ms } }));
  const message = await reply;
  ws.close();
  expect(message).toMatchObject({ type: 'response', id: 1 });
}

const bar = (page: Page) => page.getByTestId('alarm-bar');
const alarmItem = (page: Page, text: RegExp) =>
  bar(page).locator('[data-priority][data-state]').filter({ hasText: text });

test('desaturation then tachycardia: alarms in order, audio pause for 2 min, acknowledge and reminders', async ({
  page,
}) => {
  await page.goto(url);
  const value = (refId: string) =>
    page.getByTestId(`numeric-${refId}`).getByTestId('numeric-value');
  await expect(value('MDC_PULS_OXIM_SAT_O2')).toHaveText('97');
  // A person's first click lets the page make sound (browsers' autoplay rule).
  await page.getByTestId('alarm-bar').click();
  await expect(bar(page)).toHaveAttribute('data-sounding', 'none');

  // SpO2 falls to 88: after its condition delay (10 s), a medium alarm, and its sound.
  simulator.child.stdin!.write('spo2 88\n');
  await expect(value('MDC_PULS_OXIM_SAT_O2')).toHaveText('88');
  await advanceAlarmClock(10_000);
  const spo2 = alarmItem(page, /SpO₂ low/);
  await expect(spo2).toHaveAttribute('data-priority', 'medium');
  await expect(bar(page)).toHaveAttribute('data-sounding', 'medium');

  // The heart rate climbs to 135: HR high follows, after the SpO2 alarm.
  simulator.child.stdin!.write('hr 135\n');
  await expect(value('MDC_ECG_HEART_RATE')).toHaveText('135');
  await advanceAlarmClock(5000);
  const hr = alarmItem(page, /HR high/);
  await expect(hr).toHaveAttribute('data-priority', 'medium');
  const since = async (item: ReturnType<typeof alarmItem>) =>
    Number(await item.getAttribute('data-since'));
  expect(await since(spo2)).toBeLessThan(await since(hr));

  // SpO2 82: the SpO2 alarm escalates to high (desaturation), and the high sound plays.
  simulator.child.stdin!.write('spo2 82\n');
  const desaturation = alarmItem(page, /Desaturation/);
  await expect(desaturation).toHaveAttribute('data-priority', 'high');
  await expect(bar(page)).toHaveAttribute('data-sounding', 'high');
  await page.screenshot({ path: 'test-results/screenshots/alarms.png' });

  // Audio paused: silence for 2 min, then the sound comes back by itself.
  await page.getByTestId('alarm-audio-pause').click();
  await expect(bar(page)).toHaveAttribute('data-sounding', 'none');
  await expect(page.getByTestId('alarm-audio-state')).toContainText(/paused/i);
  await advanceAlarmClock(119_000);
  await expect(bar(page)).toHaveAttribute('data-sounding', 'none');
  await advanceAlarmClock(1_500);
  await expect(bar(page)).toHaveAttribute('data-sounding', 'high');

  // Acknowledged: the sound stops, the alarms stay shown; a reminder every 3 min while they last.
  for (const item of [desaturation, hr]) {
    await item.getByRole('button', { name: /Acknowledge/ }).click();
    await expect(item).toHaveAttribute('data-state', 'acknowledged');
  }
  const pr = alarmItem(page, /PR high/);
  if ((await pr.count()) > 0) await pr.getByRole('button', { name: /Acknowledge/ }).click();
  await expect(bar(page)).toHaveAttribute('data-sounding', 'none');
  const reminders = Number(await bar(page).getAttribute('data-reminders'));
  await advanceAlarmClock(181_000);
  await expect(bar(page)).toHaveAttribute('data-reminders', String(reminders + 1));
  await expect(bar(page)).toHaveAttribute('data-sounding', 'none');

  // Everything above is in the alarm log, with who did it.
  await page.getByTestId('open-alarm-log').click();
  const log = page.getByTestId('alarm-log');
  for (const event of [/raised/, /escalated/, /audio.paused/i, /acknowledged/, /reminded/]) {
    await expect(log.getByTestId('alarm-log-row').filter({ hasText: event }).first()).toBeVisible();
  }
  await page.screenshot({ path: 'test-results/screenshots/alarm-log.png' });
});
