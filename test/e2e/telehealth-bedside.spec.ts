// A nurse invites a remote clinician at the bedside, in Debian's Chromium against the browser
// shell (`serve --demo 2`, fictional patients): the dialog is a labelled modal that keeps the
// keyboard in it, Invite stays disabled until the patient's consent is recorded (who gave it, a
// representative by name and relation, the tick), and the host's refusal is shown in the dialog
// as its sentence. The workstation is enrolled with no central server, so no invitation can be
// made: the refusal is the point here. An empty bed's button is disabled and says why. The third
// test stands in for the host's remoteConsults stream and its two requests on the page's socket
// (the central server's side is another spec's): the link and the code after inviting, the strip
// of an open invitation, of a clinician watching with a note and a warning, and "End now".
import { expect, test, type WebSocketRoute } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type RunningCommand } from '../support/processes';
import { seriousViolations } from '../support/page-checks';
import { apiRequest } from '../support/simulated-bed';

const TOKEN = 'e2e-telehealth-bedside';
const SCREENSHOT = 'test-results/screenshots/telehealth-invite.png';
/** What the host answers an invitation at a workstation not enrolled with a central server. */
const NOT_ENROLLED =
  'This workstation is not connected to a central server: remote consults go through it. IT enrols it in Settings.';

let dir: string;
let serve: RunningCommand;
let url: string;

test.use({ viewport: { width: 1920, height: 1080 } });

test.beforeAll(async () => {
  // A loaded machine starts the demo's simulators and opens a new store slowly.
  test.setTimeout(180_000);
  dir = mkdtempSync(join(tmpdir(), 'ws-e2e-telehealth-bedside-'));
  serve = runCli([
    'serve',
    ...['--port', '0', '--data', join(dir, 'data'), '--token', TOKEN, '--demo', '2'],
  ]);
  url = (await serve.waitForLine(/Workstation ready at (http:\/\/\S+)/, 150_000))[1]!;
});

test.afterAll(async () => {
  await serve?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('the invitation needs the consent recorded, keeps the keyboard in, and shows the refusal', async ({
  page,
}) => {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  await page.goto(`${url}#/bed/bed-1-demo`);
  await expect(page.getByTestId('bed-patient')).toContainText('Demo');

  const open = page.getByTestId('telehealth-open');
  await expect(open).toBeEnabled();
  await open.click();
  const dialog = page.getByRole('dialog', { name: 'Invite a remote clinician' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toHaveAttribute('aria-modal', 'true');
  // Whom the link is for, in words: the patient in the header, and this bed.
  await expect(dialog).toContainText('Demo, Ada');
  await expect(dialog).toContainText('Bed 1 (demo)');

  // The keyboard stays in the dialog: twenty Tabs forward and back never leave it.
  await expect(dialog.getByLabel('30 min')).toBeFocused();
  for (const key of ['Tab', 'Shift+Tab']) {
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press(key);
      expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
    }
  }

  // Invite stays disabled until the consent is recorded, saying what is missing.
  const invite = page.getByTestId('telehealth-invite-submit');
  const missing = page.getByTestId('telehealth-missing');
  await expect(invite).toBeDisabled();
  await expect(missing).toHaveText('Say who gave consent to invite.');
  await dialog.getByLabel('1 h').check();
  await dialog.getByLabel('A representative').check();
  await expect(invite).toBeDisabled();
  await expect(missing).toHaveText('Write the representative’s name and relation to invite.');
  await page.getByTestId('telehealth-consent').check();
  await expect(invite).toBeDisabled();
  await page.getByTestId('telehealth-representative').fill('   ');
  await expect(invite).toBeDisabled();
  await page.getByTestId('telehealth-representative').fill('Pat Example, daughter');
  await expect(invite).toBeEnabled();
  await expect(missing).toHaveCount(0);
  // Unticking the consent disables it again.
  await page.getByTestId('telehealth-consent').uncheck();
  await expect(invite).toBeDisabled();
  await expect(missing).toHaveText('Tick that consent was given to invite.');
  await page.getByTestId('telehealth-consent').check();
  // The one hospital account that may sign in, optional: a name too short is said, not sent.
  const account = page.getByTestId('telehealth-account');
  await account.fill('x');
  await expect(invite).toBeDisabled();
  await expect(dialog).toContainText('A login name has 2 to 64 characters.');
  await account.fill('dr.remote');
  await expect(invite).toBeEnabled();

  // The host refuses (no central server): its sentence, in the dialog, the form kept as it was.
  await invite.click();
  const refusal = page.getByTestId('telehealth-problem');
  await expect(refusal).toBeVisible();
  await expect(refusal).toHaveText(NOT_ENROLLED);
  await expect(page.getByTestId('telehealth-representative')).toHaveValue('Pat Example, daughter');
  await expect(account).toHaveValue('dr.remote');
  await expect(dialog.getByLabel('1 h')).toBeChecked();
  await expect(page.getByTestId('telehealth-invited')).toHaveCount(0);
  expect(await seriousViolations(page, '[data-testid="telehealth-dialog"]')).toEqual([]);
  await page.screenshot({ path: SCREENSHOT });

  // Escape closes it and gives the keyboard back to the button; no consult strip was made.
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(open).toBeFocused();
  await expect(page.getByTestId('telehealth-strip')).toHaveCount(0);
  expect(problems).toEqual([]);
});

test('an empty bed cannot invite, and says why', async ({ page }) => {
  expect(await apiRequest(url, TOKEN, 'dischargePatient', { bedId: 'bed-2-demo' })).toMatchObject({
    type: 'response',
  });
  await page.goto(`${url}#/bed/bed-2-demo`);
  await expect(page.getByTestId('bedside')).toBeVisible();
  const open = page.getByTestId('telehealth-open');
  await expect(open).toBeDisabled();
  await expect(open).toHaveAttribute(
    'title',
    'Admit a patient to this bed first: a remote consult is for the patient in the bed.',
  );
  await expect(open).toHaveAccessibleDescription(
    'Admit a patient to this bed first: a remote consult is for the patient in the bed.',
  );
});

/** A consult as the host's stream sends it (shared/api/contract-telehealth.ts, RemoteConsult). */
function standInConsult(id: string, nowMs: number, minutes: number) {
  return {
    id,
    bedId: 'bed-1-demo',
    patientId: 'demo-patient',
    status: 'waiting' as 'waiting' | 'watching' | 'ended',
    url: `https://central.example/telehealth/#invitation=${id}` as string | null,
    code: '12345678' as string | null,
    minutes,
    createdAtMs: nowMs,
    expiresAtMs: nowMs + minutes * 60_000,
    invitedBy: 'unidentified user at this workstation',
    viewerUsername: null as string | null,
    consent: {
      givenBy: 'patient',
      representative: null,
      atMs: nowMs,
      recordedBy: 'unidentified user at this workstation',
    },
    viewer: null as { name: string; sinceMs: number; connected: boolean } | null,
    endedAtMs: null as number | null,
    endReason: null as string | null,
    endedBy: null as string | null,
    recordings: [] as unknown[],
    notes: [] as Array<{
      id: string;
      invitationId: string;
      text: string;
      author: string;
      atMs: number;
    }>,
    problem: null as string | null,
    checkedAtMs: null as number | null,
  };
}
type StandIn = ReturnType<typeof standInConsult>;

test('after inviting: the link and the code; the strip while waiting and watching; End now', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const consults: StandIn[] = [];
  const ended: Array<{ consultId: string }> = [];
  const invited: Array<Record<string, unknown>> = [];
  let page$: WebSocketRoute | null = null;
  let streamId: number | null = null;
  const push = () => {
    if (page$ && streamId !== null) {
      page$.send(JSON.stringify({ type: 'event', id: streamId, event: { consults } }));
    }
  };
  // Everything else goes to the real host; telehealth's stream and requests are answered here.
  await page.routeWebSocket(/\/api\/ws/, (ws) => {
    const host = ws.connectToServer();
    page$ = ws;
    ws.onMessage((raw) => {
      const message = JSON.parse(String(raw)) as {
        type: string;
        id: number;
        method?: string;
        stream?: string;
        params?: Record<string, unknown>;
      };
      if (message.type === 'subscribe' && message.stream === 'remoteConsults') {
        streamId = message.id;
        push();
        return;
      }
      if (message.type === 'request' && message.method === 'inviteRemoteClinician') {
        invited.push(message.params!);
        const consult = {
          ...standInConsult(
            '6d1e3c1a-8a61-4c39-9d36-8b1f0e9b2c47',
            Date.now(),
            message.params!.minutes as number,
          ),
          viewerUsername: (message.params!.viewerUsername as string | undefined) ?? null,
        };
        consults.push(consult);
        ws.send(JSON.stringify({ type: 'response', id: message.id, result: consult }));
        push();
        return;
      }
      if (message.type === 'request' && message.method === 'endRemoteConsult') {
        const consult = consults.find((c) => c.id === message.params!.consultId)!;
        ended.push({ consultId: consult.id });
        Object.assign(consult, {
          status: 'ended',
          url: null,
          code: null,
          endedAtMs: Date.now(),
          endReason: 'ended-at-bed',
          endedBy: 'unidentified user at this workstation',
          problem: null,
        });
        ws.send(JSON.stringify({ type: 'response', id: message.id, result: consult }));
        push();
        return;
      }
      host.send(raw);
    });
  });

  await page.goto(`${url}#/bed/bed-1-demo`);
  await expect(page.getByTestId('bed-patient')).toContainText('Demo');
  await expect(page.getByTestId('telehealth-strip')).toHaveCount(0);

  // Invite for 1 h with the patient's own consent: the link, the code in large digits, the expiry.
  const open = page.getByTestId('telehealth-open');
  await open.click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('1 h').check();
  await dialog.getByLabel('The patient').check();
  await page.getByTestId('telehealth-consent').check();
  await page.getByTestId('telehealth-account').fill('  Dr.Remote ');
  await page.getByTestId('telehealth-invite-submit').click();
  await expect(dialog).toHaveAccessibleName('Give the remote clinician the link and the code');
  await expect(page.getByTestId('telehealth-link')).toHaveText(consults[0]!.url!);
  await expect(page.getByTestId('telehealth-code')).toHaveText('1234 5678');
  expect(invited.at(-1)).toMatchObject({ minutes: 60, viewerUsername: 'dr.remote' });
  await expect(page.getByTestId('telehealth-only-account')).toHaveText(
    'Only the hospital account “dr.remote” can sign in to it.',
  );
  await expect(page.getByTestId('telehealth-expires')).toHaveText(
    /^Expires at \d\d:\d\d \((1 h|59 min) from now\)\.$/,
  );
  const digitHeight = await page
    .getByTestId('telehealth-code')
    .evaluate((code) => parseFloat(getComputedStyle(code).fontSize));
  expect(digitHeight).toBeGreaterThanOrEqual(40);
  await page.getByTestId('telehealth-copy').click();
  await expect(dialog.getByRole('status')).toHaveText('Copied.');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(consults[0]!.url);
  await page.screenshot({ path: 'test-results/screenshots/telehealth-invited.png' });
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(open).toBeFocused();

  // Waiting: said so, with the code and Cancel.
  const strip = page.getByTestId('telehealth-consult');
  await expect(strip).toHaveAttribute('data-strip', 'waiting');
  await expect(strip).toContainText('Invitation open, nobody has joined yet');
  await expect(strip).toContainText('code 1234 5678');
  await expect(strip.getByTestId('telehealth-end')).toHaveText('Cancel');

  // Someone watching (as if they had joined 14 min ago), with a note and the server unreachable;
  // an earlier consult of the stay, over by its time, is a history line.
  const joinedAtMs = Date.now() - 14 * 60_000 - 5_000;
  Object.assign(consults[0]!, {
    status: 'watching',
    url: null,
    code: null,
    viewer: { name: 'Dr Remote', sinceMs: joinedAtMs, connected: false },
    notes: [
      {
        id: '0b5c7d2e-4f1a-4e6b-9c3d-2a1b0c9d8e7f',
        invitationId: consults[0]!.id,
        text: 'Sinus rhythm, no ST changes. Repeat the ECG in one hour.',
        author: 'Dr Remote',
        atMs: Date.now() - 2 * 60_000,
      },
    ],
    problem:
      'The central server cannot be reached (timed out): what is shown is the consult as last heard from it.',
    checkedAtMs: Date.now() - 30_000,
  });
  const earlier = standInConsult(
    '1f0a2b3c-4d5e-4f60-8a71-92b3c4d5e6f7',
    Date.now() - 3 * 3_600_000,
    15,
  );
  Object.assign(earlier, {
    status: 'ended',
    url: null,
    code: null,
    viewer: { name: 'Dr Earlier', sinceMs: earlier.createdAtMs + 60_000, connected: false },
    endedAtMs: earlier.expiresAtMs,
    endReason: 'expired',
    endedBy: 'the server',
  });
  consults.push(earlier);
  push();
  const watching = page.locator('[data-testid="telehealth-consult"][data-strip="watching"]');
  const hhmm = await page.evaluate((at) => {
    const d = new Date(at);
    return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  }, joinedAtMs);
  await expect(watching).toContainText(`Remote consult: Dr Remote watching since ${hhmm} (14 min)`);
  await expect(watching).toContainText('not connected now');
  await expect(watching).toContainText(/(1 h|59 min) left/);
  await expect(watching.getByTestId('telehealth-problem-line')).toContainText(
    'The central server cannot be reached (timed out)',
  );
  await expect(page.getByTestId('telehealth-notes')).toContainText('Dr Remote');
  await expect(page.getByTestId('telehealth-notes')).toContainText(
    'Sinus rhythm, no ST changes. Repeat the ECG in one hour.',
  );
  await expect(page.getByTestId('telehealth-history')).toContainText(
    'Remote consult with Dr Earlier',
  );
  await expect(page.getByTestId('telehealth-history')).toContainText('The consult’s time is up.');
  expect(await seriousViolations(page, '[data-testid="telehealth-strip"]')).toEqual([]);
  await page.screenshot({ path: 'test-results/screenshots/telehealth-strip.png' });

  // End now: at once, no question asked; the consult becomes a history line with why.
  await watching.getByRole('button', { name: 'End now' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(watching).toHaveCount(0);
  expect(ended).toEqual([{ consultId: consults[0]!.id }]);
  await expect(page.getByTestId('telehealth-history')).toContainText(
    'The consult was ended at the bed.',
  );
  // The note stays with the stay after the consult has ended.
  await expect(page.getByTestId('telehealth-notes')).toContainText('Sinus rhythm');
});
