// Live auscultation end to end in Debian's Chromium (telehealth): one page encodes a generated
// 440 Hz tone with the bedside's own share (WebCodecs Opus, 20 ms frames, ~100 ms requests) and
// sends it, as the workstation would, to a tiny server in this spec that hands it to the real live
// relay (in-process broker); the relay gives each frame to the viewer's audio socket as the
// binary message of shared/telehealth/audio.ts. A second page, the remote clinician's component,
// decodes and plays it after a click on Listen. Its AnalyserNode must hear 440 Hz (± 10 Hz), and
// the delay from a tone's onset at the bed to its onset heard is measured and printed.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { build } from 'vite';
import { WebSocketServer } from 'ws';
import { telehealthRequests } from '../../shared/api/contract-telehealth';
import { encodeViewerAudio } from '../../shared/telehealth/audio';
import { VIEWER_PATHS } from '../../shared/telehealth/viewer';
import { LocalBroker } from '../../server/live/broker';
import { testBed } from '../../server/live/live-clients.test-support';
import { LiveRelay } from '../../server/live/relay';
import { CHROMIUM_LAUNCH } from '../support/chromium';
import { heardHz } from '../support/heard-frequency';

const WORKSTATION = 'ws-audio-e2e';
const BED = `${WORKSTATION}/bed-1`;
const BED_PATH = '/bed-audio';
const RATE_HZ = 48_000;
/** The capture's worklet hands the page blocks of this many samples (pcm-capture-worklet.js). */
const CAPTURE_BLOCK = 4096;

test.use({
  launchOptions: {
    ...CHROMIUM_LAUNCH,
    args: [...CHROMIUM_LAUNCH.args, '--autoplay-policy=no-user-gesture-required'],
  },
});

let server: Server;
let baseUrl: string;
let relay: LiveRelay;
let sockets: WebSocketServer;
const refused: string[] = [];
const viewerSockets = { open: 0, frames: 0 };

test.beforeAll(async () => {
  const built = await build({
    configFile: false,
    logLevel: 'warn',
    root: resolve(import.meta.dirname, '../..'),
    define: { 'process.env.NODE_ENV': '"production"' },
    build: {
      write: false,
      minify: false,
      cssCodeSplit: false,
      lib: {
        entry: resolve(import.meta.dirname, 'telehealth-audio.entry.ts'),
        formats: ['iife'],
        name: 'telehealthAudio',
        fileName: () => 'bundle.js',
      },
    },
  });
  const outputs = (Array.isArray(built) ? built[0]! : built) as {
    output: Array<{ fileName: string; type: string; code?: string; source?: string | Uint8Array }>;
  };
  const files = new Map<string, string>();
  for (const out of outputs.output) {
    const text = out.type === 'chunk' ? out.code! : String(out.source);
    files.set(out.fileName.endsWith('.css') ? 'bundle.css' : out.fileName, text);
  }

  relay = new LiveRelay({ broker: new LocalBroker(), instanceId: 'e2e', log: () => {} }).start();
  relay.workstationConnected(
    { workstationId: WORKSTATION, workstationName: 'Clinic station', unit: 'Rural clinic' },
    'session-1',
  );
  relay.workstationBeds(WORKSTATION, [testBed(BED, 'Bed 1')]);

  server = createServer((req, res) => {
    const name = (req.url ?? '/').slice(1);
    if (files.has(name)) {
      res.writeHead(200, {
        'content-type': name.endsWith('.css') ? 'text/css' : 'text/javascript',
      });
      res.end(files.get(name));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(
      '<!doctype html><html><head><link rel="stylesheet" href="/bundle.css"></head>' +
        '<body><div id="root"></div><script src="/bundle.js"></script></body></html>',
    );
  });
  sockets = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    sockets.handleUpgrade(req, socket, head, (ws) => {
      if (req.url === BED_PATH) {
        // As the workstation's sendAuscultation: validated, then onto the live relay.
        ws.on('message', (data) => {
          const parsed = telehealthRequests.sendAuscultation.input.safeParse(
            JSON.parse(String(data)),
          );
          if (!parsed.success) return void refused.push(parsed.error.message);
          relay.workstationAudio(WORKSTATION, BED, parsed.data.frames);
        });
      } else if (req.url === VIEWER_PATHS.audio) {
        viewerSockets.open += 1;
        // Something that is not an auscultation frame first: ignored, never fatal to the player.
        ws.send(new Uint8Array([9, 0, 0, 0, 1, 0]));
        ws.send('not binary');
        const off = relay.subscribeAudio(BED, (frame) => {
          viewerSockets.frames += 1;
          ws.send(encodeViewerAudio(frame));
        });
        ws.on('close', off);
      } else ws.close(1008, 'unknown path');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  await relay?.close();
  for (const ws of sockets?.clients ?? []) ws.terminate();
  sockets?.close();
  server?.closeAllConnections();
  await new Promise((done) => server?.close(done));
});

async function page(browser: Browser): Promise<Page> {
  const context = await browser.newContext();
  const made = await context.newPage();
  // Closing its context after the test has ended is refused ("Test ended."): nothing to do then.
  made.once('close', () => void context.close().catch(() => {}));
  made.on('pageerror', (error) => console.log(`page error: ${error.message}`));
  await made.goto(baseUrl);
  await made.waitForFunction(() => 'telehealthAudio' in window);
  return made;
}

/** Tone plan at the bed: silence, 440 Hz, silence, 440 Hz (seconds). */
const PLAN = { silenceS: 1, toneS: 2, gapS: 0.8, secondToneS: 1.5 };

test('the tone encoded at the bed is the tone heard remotely, and how late', async ({
  browser,
}) => {
  const viewer = await page(browser);
  const bed = await page(browser);

  // What this Chromium offers (the report's question): Opus in both directions.
  const support = await bed.evaluate(async () => ({
    encoder: typeof AudioEncoder,
    decoder: typeof AudioDecoder,
    encode48k: (await window.telehealthAudio.canShareAt(48_000)) as boolean,
    encode44k: (await window.telehealthAudio.canShareAt(44_100)) as boolean,
    decode48k: (
      await AudioDecoder.isConfigSupported({
        codec: 'opus',
        sampleRate: 48_000,
        numberOfChannels: 1,
      })
    ).supported,
  }));
  console.log(`WebCodecs in ${browser.version()}: ${JSON.stringify(support)}`);
  expect(support).toMatchObject({ encoder: 'function', decoder: 'function', encode48k: true });

  // The remote clinician: the component, with a real click on Listen.
  await viewer.evaluate(
    (url) => window.telehealthAudio.mountViewer(url),
    baseUrl.replace('http', 'ws') + VIEWER_PATHS.audio,
  );
  await expect(viewer.getByTestId('remote-auscultation-status')).toHaveText(
    'Press Listen to hear the stethoscope at the bed (use headphones).',
  );
  await viewer.getByTestId('remote-auscultation-listen').click();
  await expect(viewer.getByTestId('remote-auscultation')).toHaveAttribute('data-state', 'silent');
  await expect(viewer.getByTestId('remote-auscultation-status')).toHaveText(
    'Not shared from the bed right now.',
  );
  expect(viewerSockets.open).toBe(1);

  // The viewer watches what it plays: when each tone begins to be heard (wall clock).
  await viewer.evaluate(() => {
    const player = window.__auscultation!;
    const samples = new Float32Array(player.analyser.fftSize);
    // An onset: loud after 400 ms of quiet (a dropped frame inside a tone is not a new tone).
    const watch = { onsets: [] as number[], lastLoudMs: -Infinity };
    window.__watch = watch;
    setInterval(() => {
      player.analyser.getFloatTimeDomainData(samples);
      let peak = 0;
      for (const value of samples.subarray(samples.length - 256))
        peak = Math.max(peak, Math.abs(value));
      if (peak <= 0.1) return;
      if (Date.now() - watch.lastLoudMs > 400) watch.onsets.push(Date.now());
      watch.lastLoudMs = Date.now();
    }, 5);
  });

  // The bed: the share as the panel runs it, fed in real time in the capture's blocks.
  const bedOnsets = await bed.evaluate(
    async ({ plan, rateHz, block, path }) => {
      const socket = new WebSocket(location.origin.replace('http', 'ws') + path);
      await new Promise((done) => (socket.onopen = done));
      const startedAtMs = Date.now();
      const share = window.telehealthAudio.startRemoteShare({
        sampleRateHz: rateHz,
        startedAtMs,
        send: async (frames) => {
          socket.send(JSON.stringify({ bedId: 'bed-1', frames }));
          return frames.length;
        },
      });
      const toneAt = (n: number) => {
        const s = n / rateHz;
        const first = s >= plan.silenceS && s < plan.silenceS + plan.toneS;
        const second2 = plan.silenceS + plan.toneS + plan.gapS;
        const second = s >= second2 && s < second2 + plan.secondToneS;
        return first || second ? 0.5 * Math.sin((2 * Math.PI * 440 * n) / rateHz) : 0;
      };
      const total = Math.round(
        (plan.silenceS + plan.toneS + plan.gapS + plan.secondToneS + 0.5) * rateHz,
      );
      let n = 0;
      await new Promise<void>((done) => {
        const timer = setInterval(() => {
          // A block is handed over once its last sample is in, as the worklet does.
          while (n + block <= total && Date.now() >= startedAtMs + ((n + block) / rateHz) * 1000) {
            const samples = new Float32Array(block);
            for (let i = 0; i < block; i++) samples[i] = toneAt(n + i);
            share.push(samples);
            n += block;
          }
          if (n + block > total) {
            clearInterval(timer);
            done();
          }
        }, 5);
      });
      await new Promise((done) => setTimeout(done, 300));
      share.stop();
      socket.close();
      // When each tone's first sample was taken.
      return [
        startedAtMs + plan.silenceS * 1000,
        startedAtMs + (plan.silenceS + plan.toneS + plan.gapS) * 1000,
      ];
    },
    { plan: PLAN, rateHz: RATE_HZ, block: CAPTURE_BLOCK, path: BED_PATH },
  );

  await expect
    .poll(() => viewer.evaluate(() => window.__watch!.onsets.length), { timeout: 10_000 })
    .toBeGreaterThanOrEqual(2);
  const heard = await viewer.evaluate(() => window.__watch!.onsets);
  const delaysMs = bedOnsets.map((at, i) => heard[i]! - at);
  const status = await viewer.evaluate(() => window.__auscultation!.status());
  console.log(
    `auscultation delay, tone onset at the bed → heard remotely (loopback, ${CAPTURE_BLOCK}-sample capture blocks): ` +
      `${delaysMs.map((ms) => `${Math.round(ms)} ms`).join(', ')}; ` +
      `the player's own "behind": ${status.behindMs} ms; frames played ${status.played}, ` +
      `dropped ${JSON.stringify(status.droppedBy)}`,
  );
  expect(refused).toEqual([]);
  for (const ms of delaysMs) {
    expect(ms).toBeGreaterThan(0);
    // Never more than 1 s behind (the player's bound). The issue's 500 ms goal on a good link is
    // the bench's to judge: on this shared 2-core machine the pages' timers are late at times.
    expect(ms).toBeLessThan(1_000);
  }

  // When the bed stops, the viewer says so within about 2 s.
  await expect(viewer.getByTestId('remote-auscultation-status')).toHaveText(
    'Not shared from the bed right now.',
    { timeout: 5_000 },
  );
  expect(status.played).toBeGreaterThan(150);
  await viewer.close();
  await bed.close();
});

test('the tone heard is 440 Hz', async ({ browser }) => {
  const viewer = await page(browser);
  const bed = await page(browser);
  await viewer.evaluate(
    (url) => window.telehealthAudio.mountViewer(url),
    baseUrl.replace('http', 'ws') + VIEWER_PATHS.audio,
  );
  await viewer.getByTestId('remote-auscultation-listen').click();
  await expect(viewer.getByTestId('remote-auscultation')).toHaveAttribute('data-state', 'silent');

  // 3 s of tone, pushed in capture-sized blocks in real time.
  const sending = bed.evaluate(
    async ({ rateHz, block, path }) => {
      const socket = new WebSocket(location.origin.replace('http', 'ws') + path);
      await new Promise((done) => (socket.onopen = done));
      const startedAtMs = Date.now();
      const share = window.telehealthAudio.startRemoteShare({
        sampleRateHz: rateHz,
        startedAtMs,
        send: async (frames) => {
          socket.send(JSON.stringify({ bedId: 'bed-1', frames }));
          return frames.length;
        },
      });
      let n = 0;
      const total = rateHz * 3;
      while (n + block <= total) {
        const wait = startedAtMs + ((n + block) / rateHz) * 1000 - Date.now();
        if (wait > 0) await new Promise((done) => setTimeout(done, wait));
        const samples = new Float32Array(block);
        for (let i = 0; i < block; i++)
          samples[i] = 0.5 * Math.sin((2 * Math.PI * 440 * (n + i)) / rateHz);
        share.push(samples);
        n += block;
      }
      await new Promise((done) => setTimeout(done, 300));
      share.stop();
      socket.close();
    },
    { rateHz: RATE_HZ, block: CAPTURE_BLOCK, path: BED_PATH },
  );
  await expect(viewer.getByTestId('remote-auscultation')).toHaveAttribute(
    'data-state',
    'listening',
  );
  await expect(viewer.getByTestId('remote-auscultation-status')).toHaveText(
    /^Live, \d\.\d s behind the bed$/,
  );
  // Listen for a second of the tone, then read the spectrum of what is played.
  await viewer.waitForTimeout(1_000);
  const dominantHz = await heardHz(viewer);
  await sending;
  console.log(`dominant frequency heard remotely: ${dominantHz.toFixed(1)} Hz (sent 440 Hz)`);
  const status = await viewer.evaluate(() => window.__auscultation!.status());
  expect(status.droppedBy.unreadable).toBe(1);
  expect(Math.abs(dominantHz - 440)).toBeLessThanOrEqual(10);
  await viewer.close();
  await bed.close();
});

declare global {
  interface Window {
    telehealthAudio: typeof import('./telehealth-audio.entry');
    __auscultation?: import('../../renderer/src/telehealth/audio-player').AuscultationPlayer;
    __watch?: { onsets: number[]; lastLoudMs: number };
  }
}
