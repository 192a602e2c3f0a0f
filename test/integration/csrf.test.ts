// A page on another port of 127.0.0.1 attacks the bedside, in a real (Debian) Chromium that has
// the workstation open: the token cookie is in the browser, and SameSite=Strict does not tell
// ports apart. The page tries every way a page can send a request without reading the token —
// fetch in no-cors mode as text, a form posted into a hidden frame, a beacon, fetch as JSON
// (which needs a preflight), a WebSocket — to switch the bed's alarm audio and its SpO₂ alarms
// off. Nothing may change, and the shell must have seen and refused the attempts (so the test is
// not passing because the browser never sent them). The workstation is the real core.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPtyPair, type PtyPair } from '../../electron/host/devices/simulators/pty-pair';
import { startWorkstation, type Workstation } from '../../electron/host/workstation';
import { startBrowserShell, type BrowserShell } from '../../electron/cli/serve/server';
import { Status } from '../../shared/model/schemas';
import { CHROMIUM_LAUNCH } from '../support/chromium';

const TOKEN = 'csrf-test-token-0123456789';

/** The attacker's page: it knows the shell's port (a scan finds it), never the token. */
function attackPage(shellPort: number): string {
  const api = `http://127.0.0.1:${shellPort}/api`;
  const audioOff = JSON.stringify({ bedId: 'bed-1', mode: 'off', reason: 'attack' });
  const spo2Off = JSON.stringify({ bedId: 'bed-1', parameter: 'spo2', off: true, reason: 'x' });
  // A text/plain form whose one field's name and value make a JSON body: {"…":"=…"}.
  const formName = audioOff.slice(0, -1) + ',"pad":"';
  return `<!doctype html><title>Cat pictures</title>
<iframe name="sink" style="display:none"></iframe>
<form id="form" method="POST" action="${api}/setAlarmAudio" enctype="text/plain" target="sink">
  <input type="hidden" name='${formName}' value='"}'>
</form>
<script>
  const tries = [];
  const attempt = (what, promise) => tries.push(promise.then(() => what + ': sent', (e) => what + ': ' + e));
  attempt('no-cors audio', fetch('${api}/setAlarmAudio', { method: 'POST', mode: 'no-cors',
    credentials: 'include', headers: { 'Content-Type': 'text/plain' }, body: '${audioOff}' }));
  attempt('no-cors spo2', fetch('${api}/setAlarmOff', { method: 'POST', mode: 'no-cors',
    credentials: 'include', headers: { 'Content-Type': 'text/plain' }, body: '${spo2Off}' }));
  attempt('json spo2', fetch('${api}/setAlarmOff', { method: 'POST', credentials: 'include',
    headers: { 'Content-Type': 'application/json' }, body: '${spo2Off}' }));
  attempt('beacon', Promise.resolve(navigator.sendBeacon('${api}/setAlarmOff',
    new Blob(['${spo2Off}'], { type: 'text/plain' }))));
  attempt('socket', new Promise((resolve, reject) => {
    const ws = new WebSocket('ws://127.0.0.1:${shellPort}/api/ws');
    ws.onopen = () => {
      ws.send(JSON.stringify({ type: 'request', id: 1, method: 'setAlarmAudio', params: ${audioOff} }));
      ws.send(JSON.stringify({ type: 'request', id: 2, method: 'setAlarmOff', params: ${spo2Off} }));
      ws.onmessage = () => resolve();
    };
    ws.onerror = () => reject(new Error('refused'));
  }));
  document.getElementById('form').submit();
  window.attack = Promise.all(tries);
</script>`;
}

describe('a page on another port of 127.0.0.1', () => {
  let dir: string;
  let pair: PtyPair;
  let workstation: Workstation;
  let shell: BrowserShell;
  let attacker: Server;
  let browser: Browser;
  const logged: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ws-csrf-'));
    pair = await openPtyPair(dir, 'quiet');
    const rendererDir = join(dir, 'renderer');
    mkdirSync(rendererDir);
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Workstation</title>');
    workstation = await startWorkstation({
      dataDir: join(dir, 'data'),
      devices: [{ driver: 'healthypi5', path: pair.devicePath }],
      log: () => {},
    });
    shell = await startBrowserShell({
      router: workstation.router,
      rendererDir,
      port: 0,
      token: TOKEN,
      log: (message) => logged.push(message),
    });
    attacker = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(attackPage(shell.port));
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    browser = await chromium.launch(CHROMIUM_LAUNCH);
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => attacker?.close(resolve));
    await shell?.close();
    await workstation?.stop();
    await pair?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('cannot switch a bed’s alarm audio or its SpO₂ alarms off, by any request a page can send', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // The nurse has the workstation open: the browser holds its token cookie.
    await page.goto(shell.url);
    expect((await context.cookies()).map((c) => c.name)).toContain('workstation_token');

    const { port } = attacker.address() as AddressInfo;
    const attack = await context.newPage();
    await attack.goto(`http://127.0.0.1:${port}/`);
    const outcomes = await attack.evaluate(
      () => (window as unknown as { attack: Promise<string[]> }).attack,
    );
    // The form and the beacon are sent without waiting for an answer: wait for the shell to see them.
    const deadline = Date.now() + 10_000;
    const refusedPosts = () =>
      logged.filter((line) =>
        /^browser shell: refused POST \/api\/setAlarm(Audio|Off) /.test(line),
      );
    while (refusedPosts().length < 4 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await context.close();

    const status = Status.parse(await workstation.router.request('getStatus', {}, { actor: 't' }));
    const bed = status.beds.find((b) => b.id === 'bed-1')!;
    expect(bed.alarmAudio.mode).toBe('on');
    expect(bed.alarmsOff).toEqual([]);
    // The shell saw them and said no: both no-cors fetches, the beacon and the form.
    expect(refusedPosts().length).toBeGreaterThanOrEqual(4);
    expect(logged.join('\n')).toMatch(/refused a WebSocket \(Only the workstation’s own page/);
    expect(outcomes).toContain('socket: Error: refused');
    expect(outcomes.find((o) => o.startsWith('json spo2'))).toMatch(/Failed to fetch/);
  });
});
