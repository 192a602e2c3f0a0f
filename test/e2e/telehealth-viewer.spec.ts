// The remote clinician's viewer page (out/renderer/telehealth.html) in Chromium, against a stand-in
// for the central server's viewer routes made here from the contract (shared/telehealth/viewer.ts,
// the wire of shared/api/wire.ts): the link's token, a wrong then a right code, the one bed live
// with its numerics and how far behind it is, a note, the clinic's link going down, a reload that
// keeps the session, and the consult ended at the bed shutting the page for good; and joining by
// signing in with the hospital account through a real OpenID Connect provider's login page
// (oidc-provider on loopback), which the stand-in asks for the code's tokens as the server does.
import { expect, test, type Page } from '@playwright/test';
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { quietBedAlarms } from '../../shared/model/alarm-defaults';
import type { Bed, DeviceStatus, Status, WaveformChannel } from '../../shared/model/schemas';
import type { BedLiveEvent } from '../../shared/api/contract';
import { ClientMessage, type ServerMessage } from '../../shared/api/wire';
import type { ConsultNote } from '../../shared/telehealth/invitation';
import { END_REASON_WORDS, normaliseCode } from '../../shared/telehealth/invitation';
import {
  NoteRequest,
  RedeemRequest,
  VIEWER_CLOSE,
  VIEWER_PATHS,
  VIEWER_SESSION_COOKIE,
  type ViewerRefusal,
  type ViewerSession,
} from '../../shared/telehealth/viewer';
import { seriousViolations } from '../support/page-checks';
import {
  TEST_CLIENT_ID,
  TEST_CLIENT_SECRET,
  listenTestOidcProvider,
  type TestOidcProvider,
} from '../../server/test-support/oidc-provider';

// The built renderer (npm run build); TELEHEALTH_RENDERER_DIR for a build kept elsewhere.
const RENDERER =
  process.env.TELEHEALTH_RENDERER_DIR ?? join(import.meta.dirname, '../../out/renderer');
const TOKEN = 'e2eTelehealthToken_0123456789';
const CODE = '12345678';
const BED_ID = 'ws-e2e/bed-1';
const INVITATION = randomUUID();
const SESSION_ID = 'e2e-session';

const DEVICE: DeviceStatus = {
  id: 'dev-1',
  driver: 'simulated',
  path: 'sim',
  bedId: BED_ID,
  state: 'connected',
  framesOk: 1,
  framesBad: 0,
  bytesSkipped: 0,
  bytesSkippedPerS: 0,
  lastFrameAt: null,
  problem: null,
};
const ECG: WaveformChannel = {
  deviceId: DEVICE.id,
  refId: 'MDC_ECG_ELEC_POTL_II',
  label: 'ECG II',
  unit: 'uV',
  rateHz: 250,
  scale: 1,
};

const NUMERICS = [
  ['MDC_ECG_HEART_RATE', 72, '/min'],
  ['MDC_PULS_OXIM_SAT_O2', 97, '%'],
] as const;

/** The stand-in central server: its state, changed by the test as it goes. */
interface StandIn {
  url: string;
  /** How far behind now the samples it sends are (server clock). */
  lagMs: number;
  /** Set: the bed's workstation is offline since then. */
  offlineSinceMs: number | null;
  sockets: Set<WebSocket>;
  connections: number;
  ppsAsked: number[];
  notes: ConsultNote[];
  redeemed: boolean;
  /** Set: the live socket cannot be opened (the viewer's own link is down). */
  refuseSockets: boolean;
  /** Open sockets that get nothing more (TCP waiting out its retransmissions). */
  stalled: Set<WebSocket>;
  /** The resumeFromMs of each bedLive subscription that asked to resume. */
  resumedFrom: number[];
  /** How many times the viewer left. */
  left: number;
  /** The hospital's sign-in (OpenID Connect provider) the stand-in offers; null: none. */
  issuer: string | null;
  /** Joined by signing in with the hospital account (the provider's tokens were given). */
  signedInWithAccount: boolean;
  /** Sends every open bedLive subscription a fresh snapshot. */
  resnapshot(): void;
  close(): Promise<void>;
}

function bed(state: StandIn): Bed {
  const nowMs = Date.now();
  return {
    id: BED_ID,
    label: 'Bed 4',
    deviceIds: [DEVICE.id],
    numerics: {
      MDC_ECG_HEART_RATE: { value: 72, unit: '/min', at: nowMs - 500, source: DEVICE.id },
      MDC_PULS_OXIM_SAT_O2: { value: 97, unit: '%', at: nowMs - 500, source: DEVICE.id },
    },
    alarms: [],
    ...quietBedAlarms(),
    patient: {
      id: 'p-1',
      mrn: 'MRN-0042',
      familyName: 'Example',
      givenName: 'Pat',
      birthDate: '1960-05-04',
      category: 'adult',
    },
    site: { unit: 'Rural clinic', workstationId: 'ws-e2e', workstationName: 'Clinic A' },
    ...(state.offlineSinceMs === null
      ? {}
      : { offline: { sinceMs: state.offlineSinceMs, lastDataMs: state.offlineSinceMs } }),
  };
}

function session(state: StandIn): ViewerSession {
  return {
    invitationId: INVITATION,
    bedId: BED_ID,
    bedLabel: 'Bed 4',
    workstationName: 'Clinic A',
    viewerName: 'Dr Remote',
    invitedBy: 'Nurse Night',
    expiresAtMs: Date.now() + 30 * 60_000,
    serverNowMs: Date.now(),
    notes: state.notes,
  };
}

async function startStandIn(): Promise<StandIn> {
  const subscriptions = new Map<WebSocket, number>();
  const state: StandIn = {
    url: '',
    lagMs: 400,
    offlineSinceMs: null,
    sockets: new Set(),
    connections: 0,
    ppsAsked: [],
    notes: [],
    redeemed: false,
    left: 0,
    refuseSockets: false,
    stalled: new Set(),
    resumedFrom: [],
    issuer: null,
    signedInWithAccount: false,
    resnapshot() {
      for (const [ws, id] of subscriptions) sendEvent(ws, id, snapshot());
    },
    close: async () => {},
  };
  const snapshot = (): BedLiveEvent => ({
    type: 'snapshot',
    bed: bed(state),
    devices: [DEVICE],
    channels: [ECG],
  });
  // The account sign-in in flight: its state and PKCE verifier (one at a time is enough here).
  let pending: { state: string; verifier: string } | null = null;
  const callbackUrl = () => `${state.url}${VIEWER_PATHS.accountCallback}`;
  const signedIn = (req: IncomingMessage) =>
    state.redeemed && (req.headers.cookie ?? '').includes(`${VIEWER_SESSION_COOKIE}=${SESSION_ID}`);

  const server: Server = createServer((req, res) => {
    void route(req, res).catch(() => json(res, 500, { error: 'bad-request', message: 'Broken.' }));
  });
  async function route(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'POST' && path === VIEWER_PATHS.redeem) {
      const body = RedeemRequest.safeParse(await readJson(req));
      if (!body.success || body.data.token !== TOKEN) {
        return refuse(res, 404, { error: 'unknown-link', message: 'This link is not known.' });
      }
      if (normaliseCode(body.data.code) !== CODE) {
        return refuse(res, 403, {
          error: 'wrong-code',
          message: 'That is not the code for this link. Check it with the nurse.',
          attemptsLeft: 4,
        });
      }
      state.redeemed = true;
      res.setHeader(
        'set-cookie',
        `${VIEWER_SESSION_COOKIE}=${SESSION_ID}; HttpOnly; SameSite=Strict; Path=/telehealth`,
      );
      return json(res, 200, session(state));
    }
    if (req.method === 'GET' && path === VIEWER_PATHS.account) {
      return json(res, 200, { offered: state.issuer !== null, refusal: null });
    }
    if (req.method === 'POST' && path === VIEWER_PATHS.account && state.issuer) {
      const body = (await readJson(req)) as { token?: string } | null;
      if (body?.token !== TOKEN) {
        return refuse(res, 404, { error: 'unknown-link', message: 'This link is not known.' });
      }
      pending = {
        state: randomBytes(16).toString('base64url'),
        verifier: randomBytes(32).toString('base64url'),
      };
      const url = new URL(`${state.issuer}/auth`);
      url.search = new URLSearchParams({
        client_id: TEST_CLIENT_ID,
        redirect_uri: callbackUrl(),
        response_type: 'code',
        scope: 'openid profile',
        state: pending.state,
        nonce: randomBytes(16).toString('base64url'),
        code_challenge: createHash('sha256').update(pending.verifier).digest('base64url'),
        code_challenge_method: 'S256',
      }).toString();
      return json(res, 200, { url: url.href });
    }
    if (req.method === 'GET' && path === VIEWER_PATHS.accountCallback && state.issuer) {
      const query = new URL(req.url ?? '/', 'http://x').searchParams;
      const taken = pending;
      pending = null;
      if (!taken || query.get('state') !== taken.state) return json(res, 400, {});
      const tokens = await fetch(`${state.issuer}/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${TEST_CLIENT_ID}:${TEST_CLIENT_SECRET}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: query.get('code') ?? '',
          redirect_uri: callbackUrl(),
          code_verifier: taken.verifier,
        }).toString(),
      });
      if (!tokens.ok) return json(res, 403, { error: await tokens.text() });
      state.redeemed = true;
      state.signedInWithAccount = true;
      res.writeHead(303, {
        location: VIEWER_PATHS.page,
        'set-cookie': `${VIEWER_SESSION_COOKIE}=${SESSION_ID}; HttpOnly; SameSite=Strict; Path=/telehealth`,
      });
      return res.end();
    }
    if (req.method === 'GET' && path === VIEWER_PATHS.session) {
      if (!signedIn(req)) {
        return refuse(res, 401, { error: 'not-signed-in', message: 'Not signed in.' });
      }
      return json(res, 200, session(state));
    }
    if (req.method === 'POST' && path === VIEWER_PATHS.notes) {
      const body = NoteRequest.safeParse(await readJson(req));
      if (!signedIn(req) || !body.success) {
        return refuse(res, 400, { error: 'bad-request', message: 'No note to add.' });
      }
      const note: ConsultNote = {
        id: randomUUID(),
        invitationId: INVITATION,
        text: body.data.text,
        author: 'Dr Remote',
        atMs: Date.now(),
      };
      state.notes.push(note);
      return json(res, 200, note);
    }
    if (req.method === 'POST' && path === VIEWER_PATHS.leave) {
      if (!signedIn(req)) {
        return refuse(res, 401, { error: 'not-signed-in', message: 'Not signed in.' });
      }
      state.left += 1;
      json(res, 200, {});
      for (const ws of state.sockets) ws.close(VIEWER_CLOSE.ended, END_REASON_WORDS['viewer-left']);
      return;
    }
    if (req.method === 'GET' && path.startsWith(VIEWER_PATHS.page)) {
      const file =
        path === VIEWER_PATHS.page ? 'telehealth.html' : path.slice(VIEWER_PATHS.page.length);
      const full = normalize(join(RENDERER, file));
      if (!full.startsWith(RENDERER) || !existsSync(full)) return json(res, 404, {});
      const types: Record<string, string> = {
        '.html': 'text/html',
        '.js': 'text/javascript',
        '.css': 'text/css',
      };
      res.writeHead(200, { 'content-type': types[extname(full)] ?? 'application/octet-stream' });
      return res.end(readFileSync(full));
    }
    json(res, 404, {});
  }

  // What the one-patient socket answers (ALLOWED_REQUESTS): the bed's status, an hour of heart
  // rate, ten minutes of stored ECG; anything else is refused as the server would.
  const answers: Record<string, (params: unknown) => unknown> = {
    getStatus: (): Status => ({
      devices: [DEVICE],
      beds: [bed(state)],
      notices: [],
      origin: 'central',
    }),
    getTrend: (params) => {
      const { fromMs, toMs } = params as { fromMs: number; toMs: number };
      const points = [];
      for (let t = fromMs; t < toMs; t += 60_000) {
        const hr = 72 + 8 * Math.sin(t / 600_000);
        points.push({ t, mean: hr, min: hr - 3, max: hr + 3, last: hr });
      }
      return [{ code: 'MDC_ECG_HEART_RATE', points }];
    },
    getWaveformExtent: () => ({ oldestMs: Date.now() - 600_000, newestMs: Date.now() }),
    getWaveformWindow: (params) => {
      const { fromMs, toMs } = params as { fromMs: number; toMs: number };
      const n = Math.floor(((toMs - fromMs) * 250) / 1000);
      return [
        {
          deviceId: DEVICE.id,
          channel: ECG.refId,
          rateHz: 250,
          t0Ms: fromMs,
          values: Array.from({ length: n }, (_, i) => ecgAt(fromMs + i * 4)),
          label: ECG.label,
          unit: ECG.unit,
          scale: ECG.scale,
        },
      ];
    },
    getAlarmLog: () => [],
    getBeatMarks: () => [],
  };

  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== VIEWER_PATHS.socket || state.refuseSockets) return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => {
      state.connections += 1;
      if (!signedIn(req)) return ws.close(VIEWER_CLOSE.notSignedIn, 'Not signed in.');
      state.ppsAsked.push(Number(url.searchParams.get('pps')));
      state.sockets.add(ws);
      ws.on('close', () => {
        state.sockets.delete(ws);
        subscriptions.delete(ws);
      });
      ws.on('message', (data) => {
        if (state.stalled.has(ws)) return; // nothing gets through, either way
        const parsed = ClientMessage.safeParse(JSON.parse(String(data)));
        if (!parsed.success) return;
        const message = parsed.data;
        const answer = message.type === 'request' ? answers[message.method] : undefined;
        if (message.type === 'request' && answer) {
          send(ws, { type: 'response', id: message.id, result: answer(message.params) });
        } else if (message.type === 'subscribe' && message.stream === 'bedLive') {
          subscriptions.set(ws, message.id);
          const { resumeFromMs } = (message.params ?? {}) as { resumeFromMs?: unknown };
          if (typeof resumeFromMs === 'number') state.resumedFrom.push(resumeFromMs);
          sendEvent(ws, message.id, snapshot());
        } else if (message.type === 'request') {
          send(ws, {
            type: 'error',
            id: message.id,
            error: { code: 'forbidden', message: 'Not in a one-patient view.' },
          });
        }
      });
    });
  });

  // ECG at 250 Hz to every subscription, without a gap, up to `lagMs` behind now.
  let sentUntilMs: number | null = null;
  let lastNumericsMs = 0;
  const timer = setInterval(() => {
    if (state.offlineSinceMs !== null) return;
    const untilMs = Date.now() - state.lagMs;
    if (sentUntilMs === null || untilMs - sentUntilMs > 2000) sentUntilMs = untilMs - 40;
    const n = Math.floor((untilMs - sentUntilMs) / 4);
    if (n <= 0) return;
    const t0 = sentUntilMs;
    sentUntilMs += n * 4;
    const values = Array.from({ length: n }, (_, i) => ecgAt(t0 + i * 4));
    // The numerics once a second, as a monitor reports them.
    const numerics = sentUntilMs - lastNumericsMs >= 1000;
    if (numerics) lastNumericsMs = sentUntilMs;
    for (const [ws, id] of subscriptions) {
      if (state.stalled.has(ws)) continue;
      for (const [refId, value, unit] of numerics ? NUMERICS : []) {
        const numeric = { value, unit, at: t0, source: DEVICE.id };
        sendEvent(ws, id, { type: 'numeric', refId, numeric });
      }
      sendEvent(ws, id, {
        type: 'samples',
        blocks: [
          { bedId: BED_ID, deviceId: DEVICE.id, channel: ECG.refId, rateHz: 250, t0, values },
        ],
      });
    }
  }, 40);

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  state.url = `http://127.0.0.1:${address.port}`;
  state.close = async () => {
    clearInterval(timer);
    for (const ws of state.sockets) ws.terminate();
    wss.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return state;
}

/** A made-up ECG in µV: a narrow R wave and a T wave once a second (60/min). */
function ecgAt(atMs: number): number {
  const phase = (atMs % 1000) / 1000;
  const r = 1200 * Math.exp(-(((phase - 0.3) / 0.012) ** 2));
  const t = 250 * Math.exp(-(((phase - 0.6) / 0.05) ** 2));
  return Math.round(r + t);
}

function send(ws: WebSocket, message: ServerMessage) {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
}
function sendEvent(ws: WebSocket, id: number, event: BedLiveEvent) {
  send(ws, { type: 'event', id, event });
}
function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
function refuse(res: ServerResponse, status: number, body: ViewerRefusal) {
  json(res, status, body);
}
async function readJson(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

let standIn: StandIn;
let provider: TestOidcProvider;

// axe twice, a reload and a phone layout in one story: more than the default on a busy machine.
test.setTimeout(180_000);

test.beforeAll(async () => {
  if (!existsSync(join(RENDERER, 'telehealth.html'))) {
    throw new Error(`No built viewer page in ${RENDERER}: run "npm run build" first.`);
  }
  provider = await listenTestOidcProvider([
    { sub: 'sub-remote', preferredUsername: 'remote', name: 'Dr Remote' },
  ]);
  standIn = await startStandIn();
  provider.serve(`${standIn.url}${VIEWER_PATHS.accountCallback}`);
  standIn.issuer = provider.issuer;
});

test.afterAll(async () => {
  await standIn?.close();
  await provider?.close();
});

async function latency(page: Page) {
  return page.getByTestId('latency');
}

test('a remote clinician joins with the code, watches the bed live, writes a note, and is shut out when the consult ends', async ({
  page,
}) => {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.goto(`${standIn.url}${VIEWER_PATHS.page}#t=${TOKEN}`);

  // The token leaves the address bar at once; the page asks for the name and the code.
  await expect(page.getByTestId('telehealth-sign-in')).toBeVisible();
  expect(page.url()).not.toContain(TOKEN);
  await page.getByLabel('Your name').fill('Dr Remote');
  await page.getByLabel('The code the nurse read to you').fill('1111 2222');
  await page.getByTestId('viewer-join').click();
  await expect(page.getByTestId('viewer-refusal')).toContainText(
    'That is not the code for this link. Check it with the nurse.',
  );
  await expect(page.getByTestId('attempts-left')).toHaveText('4 tries left before the link locks.');

  // The right code, typed as read out: the one bed, live, with its numerics and how far behind.
  await page.getByLabel('The code the nurse read to you').fill('1234 5678');
  await page.getByTestId('viewer-join').click();
  await expect(page.getByTestId('telehealth-live')).toBeVisible();
  await expect(page.getByTestId('numeric-MDC_ECG_HEART_RATE')).toContainText('72');
  await expect(page.getByTestId('bed-patient')).toContainText('Example');
  await expect(await latency(page)).toHaveText(/^Live, 0\.\d s behind$/);
  // 25 mm/s on a screen of device pixel ratio 1: ~94.5 px/s.
  expect(standIn.ppsAsked).toEqual([95]);
  // Read-only: no control that acts on the bed.
  await expect(page.getByTestId('alarm-bar').getByRole('button')).toHaveCount(0);
  await expect(page.getByTestId('open-limits')).toHaveCount(0);
  await expect(page.getByTestId('manage-devices')).toHaveCount(0);
  // The stethoscope's place: nothing plays until the clinician presses Listen.
  await expect(
    page.getByTestId('auscultation-slot').getByTestId('remote-auscultation-listen'),
  ).toHaveText('Listen');
  await page.waitForTimeout(1000);
  const violations = await seriousViolations(page);
  expect(violations).toEqual([]);
  await page.screenshot({ path: 'test-results/screenshots/telehealth-viewer.png' });

  // Samples arriving 3 s late: the warning says so.
  standIn.lagMs = 3000;
  await expect(await latency(page)).toHaveText(/^Behind: 3\.\d s$/);
  await expect(await latency(page)).toHaveAttribute('data-kind', 'behind');
  standIn.lagMs = 400;
  await expect(await latency(page)).toHaveText(/^Live, 0\.\d s behind$/);

  // A note, kept and listed.
  await page
    .getByLabel('New note (shown at the bed and kept with the stay)')
    .fill('Sinus rhythm, no ST change. Repeat troponin at 6 h.');
  await page.getByTestId('add-note').click();
  await expect(page.getByTestId('consult-note')).toHaveText([/Repeat troponin at 6 h\./]);
  expect(standIn.notes).toHaveLength(1);

  // Trends and review of the stay so far, read-only; the review's paper prints (Save as PDF).
  await page.getByTestId('bed-view-trends').click();
  await expect(page.getByTestId('trends')).toBeVisible();
  await expect(page.getByTestId('trend-window')).toBeVisible();
  await expect(await latency(page)).toHaveText(/^Live, 0\.\d s behind$/);
  await page.getByTestId('bed-view-review').click();
  await expect(page.getByTestId('review')).toBeVisible();
  await expect(page.locator('.review__paper canvas')).toBeVisible();
  await expect(page.getByTestId('export-open')).toHaveCount(0);
  await expect(page.getByTestId('print-review')).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/telehealth-viewer-review.png' });
  await page.emulateMedia({ media: 'print', reducedMotion: 'reduce' });
  await expect(page.getByTestId('latency')).toBeHidden();
  await expect(page.locator('.review__paper canvas')).toBeVisible();
  await page.emulateMedia({ media: 'screen', reducedMotion: 'reduce' });
  await page.getByTestId('bed-view-bed').click();
  await expect(page.getByTestId('telehealth-live')).toBeVisible();

  // The clinic's link goes down: said with its time; the trace drawn so far stays on screen,
  // the numerics say they are not current (as on the hospital central station), never a value
  // that looks live.
  const sinceMs = Date.now() - 5000;
  standIn.offlineSinceMs = sinceMs;
  standIn.resnapshot();
  await expect(await latency(page)).toHaveText(
    /^The clinic’s link is down since \d\d:\d\d — showing what arrived until then$/,
  );
  await expect(page.getByTestId(`waveform-${ECG.refId}`)).toBeVisible();
  await expect(page.getByTestId('numeric-MDC_ECG_HEART_RATE')).toHaveAttribute(
    'data-state',
    'stale',
  );
  standIn.offlineSinceMs = null;
  standIn.resnapshot();
  await expect(await latency(page)).toHaveText(/^Live, 0\.\d s behind$/);

  // The viewer's own link drops: "Reconnecting…" until the socket is back, then live again.
  standIn.refuseSockets = true;
  for (const ws of standIn.sockets) ws.terminate();
  await expect(await latency(page)).toHaveText('Reconnecting…');
  standIn.refuseSockets = false;
  await expect(await latency(page)).toHaveText(/^Live, 0\.\d s behind$/, { timeout: 30_000 });

  // The viewer's socket stalls (open, but nothing comes: TCP waiting out its retransmissions
  // after an outage): the page says it is behind, gives that socket up for a fresh one whose
  // stream resumes from the end of its trace, and is live again.
  const resumedBefore = standIn.resumedFrom.length;
  for (const ws of standIn.sockets) standIn.stalled.add(ws);
  await expect(await latency(page)).toHaveText(/^Behind: \d/, { timeout: 10_000 });
  await expect(await latency(page)).toHaveText(/^Live, 0\.\d s behind$/, { timeout: 20_000 });
  expect(standIn.resumedFrom.length).toBe(resumedBefore + 1);
  expect(standIn.resumedFrom.at(-1)).toBeGreaterThan(Date.now() - 15_000);

  // A reload picks the session up from the cookie: no code asked again, the note still there.
  await page.reload();
  await expect(page.getByTestId('telehealth-live')).toBeVisible();
  await expect(page.getByTestId('consult-note')).toHaveCount(1);
  await expect(await latency(page)).toHaveText(/^Live, 0\.\d s behind$/);

  // On a phone: one column, nothing wider than the screen.
  await page.setViewportSize({ width: 360, height: 740 });
  await expect(page.getByTestId('numeric-MDC_ECG_HEART_RATE')).toBeVisible();
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({
    path: 'test-results/screenshots/telehealth-viewer-phone.png',
    fullPage: true,
  });

  // The nurse ends the consult: the close's sentence, full page, and no reconnection.
  const connections = standIn.connections;
  for (const ws of standIn.sockets)
    ws.close(VIEWER_CLOSE.ended, 'The consult was ended at the bed.');
  await expect(page.getByTestId('shut-out-sentence')).toHaveText(
    'The consult was ended at the bed.',
  );
  await expect(page.getByTestId('telehealth-live')).toHaveCount(0);
  await page.waitForTimeout(2000);
  expect(standIn.connections).toBe(connections);
});

test('the remote clinician signs in with the hospital account, then leaves the consult, asked once more first', async ({
  page,
}) => {
  await page.goto(`${standIn.url}${VIEWER_PATHS.page}#t=${TOKEN}`);
  // Where the server offers it, the check page has both: the code, or the hospital account.
  const account = page.getByRole('button', { name: 'Sign in with your hospital account' });
  await expect(account).toBeVisible();
  await expect(page.getByTestId('viewer-join')).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/telehealth-viewer-account.png' });
  await account.click();
  // The provider's own login page (its development form: the login is the subject), then its
  // consent page, then back to the consult.
  await page.waitForURL((url) => url.href.startsWith(provider.issuer));
  await page.locator('input[name="login"]').fill('sub-remote');
  await page.locator('input[name="password"]').fill('any password');
  await page.locator('button[type="submit"]').click();
  for (let step = 0; step < 3 && page.url().startsWith(provider.issuer); step += 1) {
    await page.locator('button[type="submit"]').click();
    await page.waitForLoadState('load');
  }
  await expect(page.getByTestId('telehealth-live')).toBeVisible();
  expect(standIn.signedInWithAccount).toBe(true);

  // The day theme reads as well as the night one.
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.getByRole('button', { name: 'Switch to the day theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'day');
  expect(await seriousViolations(page)).toEqual([]);

  await page.getByTestId('leave-consult').click();
  await expect(page.getByText('Leave now? The consult ends for the nurse too')).toBeVisible();
  expect(standIn.left).toBe(0);
  await page.getByTestId('leave-confirm').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(
    /^(You left the consult|The consult has ended)$/,
  );
  await expect(page.getByTestId('telehealth-live')).toHaveCount(0);
  expect(standIn.left).toBe(1);
});
