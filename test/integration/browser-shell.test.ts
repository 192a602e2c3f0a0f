// The browser shell over real sockets: token on every request, the contract over WebSocket, and
// clear errors for malformed input. The workstation behind it is the real core with a device port
// that exists (a pseudo-terminal) but has nothing sending on it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { openPtyPair, type PtyPair } from '../../electron/host/devices/simulators/pty-pair';
import { startWorkstation, type Workstation } from '../../electron/host/workstation';
import { startBrowserShell, type BrowserShell } from '../../electron/cli/serve/server';
import { Status } from '../../shared/model/schemas';

const TOKEN = 'test-token-123';

function http(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

function openSocket(port: number, token: string | null): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/ws${token ? `?token=${token}` : ''}`);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

function nextMessage(
  ws: WebSocket,
  predicate: (m: Record<string, unknown>) => boolean = () => true,
) {
  return new Promise<Record<string, unknown>>((resolve) => {
    const onMessage = (data: unknown) => {
      const message = JSON.parse(String(data)) as Record<string, unknown>;
      if (!predicate(message)) return;
      ws.off('message', onMessage);
      resolve(message);
    };
    ws.on('message', onMessage);
  });
}

describe('browser shell', () => {
  let dir: string;
  let pair: PtyPair;
  let workstation: Workstation;
  let shell: BrowserShell;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ws-shell-'));
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
    });
  });

  afterAll(async () => {
    await shell?.close();
    await workstation?.stop();
    await pair?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints an address that carries the token', () => {
    expect(shell.url).toBe(`http://127.0.0.1:${shell.port}/?token=${TOKEN}`);
  });

  it('refuses requests without the token', async () => {
    for (const path of ['/api/status', '/', '/index.html']) {
      const res = await http(shell.port, path);
      expect(res.status).toBe(401);
      expect(JSON.parse(res.body).error.code).toBe('unauthorized');
    }
    expect(
      (await http(shell.port, '/api/status', { headers: { Authorization: 'Bearer wrong' } }))
        .status,
    ).toBe(401);
  });

  it('answers /api/status with devices and beds, by bearer header or query token', async () => {
    const res = await http(shell.port, '/api/status', {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(res.status).toBe(200);
    const status = Status.parse(JSON.parse(res.body));
    expect(status.devices).toEqual([
      expect.objectContaining({
        id: `healthypi5@${pair.devicePath}`,
        driver: 'healthypi5',
        path: pair.devicePath,
        framesOk: 0,
        framesBad: 0,
      }),
    ]);
    expect(status.beds).toEqual([
      expect.objectContaining({ id: 'bed-1', label: 'Bed 1', numerics: {}, alarms: [] }),
    ]);
    expect((await http(shell.port, `/api/status?token=${TOKEN}`)).status).toBe(200);
  });

  it('serves the renderer with a strict CSP and sets the token cookie for its assets', async () => {
    const res = await http(shell.port, `/?token=${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toContain('HttpOnly');
    const asset = await http(shell.port, '/index.html', {
      headers: { Cookie: cookie.split(';')[0]! },
    });
    expect(asset.status).toBe(200);
    const traversal = await http(shell.port, `/..%2f..%2f..%2fetc%2fpasswd?token=${TOKEN}`);
    expect(traversal.status).toBe(404);
  });

  it('refuses a request addressed to another host name (DNS rebinding)', async () => {
    const res = await http(shell.port, `/api/status?token=${TOKEN}`, {
      headers: { Host: `evil.example:${shell.port}` },
    });
    expect(res.status).toBe(403);
  });

  it('explains a malformed request body', async () => {
    const headers = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };
    const bad = await http(shell.port, '/api/acknowledgeAlarm', {
      method: 'POST',
      headers,
      body: '{"bedId": 7}',
    });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.message).toMatch(/bedId.*string/i);
    const notJson = await http(shell.port, '/api/acknowledgeAlarm', {
      method: 'POST',
      headers,
      body: '{nope',
    });
    expect(notJson.status).toBe(400);
    const gone = await http(shell.port, '/api/acknowledgeAlarm', {
      method: 'POST',
      headers,
      body: '{"bedId":"bed-1","alarmId":"x"}',
    });
    expect(gone.status).toBe(404);
    expect(JSON.parse(gone.body).error.code).toBe('not_found');
  });

  it('refuses a WebSocket without the token', async () => {
    await expect(openSocket(shell.port, null)).rejects.toThrow(/401/);
  });

  it('carries the contract over WebSocket and answers bad messages with clear errors', async () => {
    const ws = await openSocket(shell.port, TOKEN);
    try {
      ws.send('not json');
      expect(await nextMessage(ws)).toMatchObject({
        type: 'error',
        id: null,
        error: { code: 'invalid_request' },
      });

      ws.send(JSON.stringify({ type: 'request', id: 1, method: 'selfDestruct', params: {} }));
      expect(await nextMessage(ws)).toMatchObject({
        type: 'error',
        id: 1,
        error: { code: 'unknown_method' },
      });

      ws.send(
        JSON.stringify({ type: 'subscribe', id: 2, stream: 'bedLive', params: { bedId: '' } }),
      );
      expect(await nextMessage(ws)).toMatchObject({
        type: 'error',
        id: 2,
        error: { code: 'invalid_request' },
      });

      ws.send(JSON.stringify({ type: 'request', id: 3, method: 'getStatus', params: {} }));
      const status = await nextMessage(ws, (m) => m.id === 3);
      expect(Status.safeParse(status.result).success).toBe(true);

      ws.send(
        JSON.stringify({ type: 'subscribe', id: 4, stream: 'bedLive', params: { bedId: 'bed-1' } }),
      );
      const snapshot = await nextMessage(ws, (m) => m.id === 4);
      expect(snapshot).toMatchObject({
        type: 'event',
        event: { type: 'snapshot', bed: { id: 'bed-1' } },
      });
      const channels = (snapshot.event as { channels: Array<{ refId: string }> }).channels.map(
        (c) => c.refId,
      );
      expect(channels).toEqual(['MDC_ECG_ELEC_POTL', 'MDC_PULS_OXIM_PLETH', 'MDC_IMPED_TTHOR']);
    } finally {
      ws.close();
    }
  });
});
