// The browser shell over real sockets: token on every request, the contract over WebSocket, and
// clear errors for malformed input. The workstation behind it is the real core with a device port
// that exists (a pseudo-terminal) but has nothing sending on it. Then what an attacker or a broken
// client can send: none of it may end the process, each gets its own answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { openPtyPair, type PtyPair } from '../../electron/host/devices/simulators/pty-pair';
import { startWorkstation, type Workstation } from '../../electron/host/workstation';
import {
  MAX_SOCKETS_PER_CLIENT,
  startBrowserShell,
  type BrowserShell,
} from '../../electron/cli/serve/server';
import { MAX_SUBSCRIPTIONS_PER_SOCKET } from '../../electron/cli/serve/websocket';
import type { ApiRouter } from '../../electron/host/api/router';
import { MAX_CLIENT_MESSAGE_BYTES, serverMessagesIn } from '../../shared/api/wire';
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

/** Bytes written as they are on a TCP connection; resolves with what comes back before it closes. */
function rawRequest(port: number, text: string | Buffer, waitMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(reply);
    }, waitMs);
    socket.on('data', (chunk) => (reply += chunk.toString('latin1')));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(reply);
    });
    socket.on('error', reject);
    socket.write(text);
  });
}

function closeOf(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
}

function openSocket(
  port: number,
  token: string | null,
  headers: Record<string, string> = {},
): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/ws${token ? `?token=${token}` : ''}`, {
    headers,
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The messages of one WebSocket message: events of one moment come together as an array. */
function messagesOf<T = Record<string, unknown>>(data: unknown): T[] {
  return serverMessagesIn(JSON.parse(String(data))) as T[];
}

function nextMessage(
  ws: WebSocket,
  predicate: (m: Record<string, unknown>) => boolean = () => true,
) {
  return new Promise<Record<string, unknown>>((resolve) => {
    const onMessage = (data: unknown) => {
      const message = messagesOf(data).find((m) => predicate(m));
      if (!message) return;
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
  const logged: string[] = [];

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
      log: (message) => logged.push(message),
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

  // ---- What a hostile page or a broken client sends: each gets an answer, the process carries on.

  const bearer = { Authorization: `Bearer ${TOKEN}` };
  const statusStillAnswers = async () =>
    expect((await http(shell.port, '/api/status', { headers: bearer })).status).toBe(200);

  it('refuses a malformed token cookie as no token, and a planted cookie beside the real one does not lock the nurse out', async () => {
    const planted = 'workstation_token=%E0%A4%A';
    await expect(openSocket(shell.port, null, { Cookie: planted })).rejects.toThrow(/401/);
    expect((await http(shell.port, '/', { headers: { Cookie: planted } })).status).toBe(401);
    const both = await openSocket(shell.port, null, {
      Cookie: `${planted}; workstation_token=${TOKEN}`,
      Origin: `http://127.0.0.1:${shell.port}`,
    });
    both.close();
    await statusStillAnswers();
  });

  it('answers a request target it cannot read with 400, over HTTP and as a WebSocket upgrade, and logs it', async () => {
    const host = `Host: 127.0.0.1:${shell.port}`;
    const upgrade = await rawRequest(
      shell.port,
      `GET http://[zz/api/ws?token=${TOKEN} HTTP/1.1\r\n${host}\r\nUpgrade: websocket\r\n` +
        'Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
        'Sec-WebSocket-Version: 13\r\n\r\n',
    );
    expect(upgrade).toMatch(/^HTTP\/1\.1 400 /);
    const plain = await rawRequest(
      shell.port,
      `GET http://[zz/?token=${TOKEN} HTTP/1.1\r\n${host}\r\nConnection: close\r\n\r\n`,
    );
    expect(plain).toMatch(/^HTTP\/1\.1 400 /);
    expect(logged.join('\n')).toMatch(/cannot read: GET http:\/\/\[zz\/api\/ws\?token=…/);
    expect(logged.join('\n')).not.toContain(TOKEN);
    const badPath = await http(shell.port, `/%E0%A4%A?token=${TOKEN}`);
    expect(badPath.status).toBe(400);
    await statusStillAnswers();
  });

  it('closes a socket that sends invalid UTF-8 with 1007; the other sockets carry on', async () => {
    const [bad, good] = await Promise.all([
      openSocket(shell.port, TOKEN),
      openSocket(shell.port, TOKEN),
    ]);
    try {
      const closed = closeOf(bad);
      bad.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
      expect((await closed).code).toBe(1007);
      good.send(JSON.stringify({ type: 'request', id: 9, method: 'getStatus', params: {} }));
      expect(await nextMessage(good, (m) => m.id === 9)).toMatchObject({ type: 'response' });
    } finally {
      good.close();
    }
    expect(logged.join('\n')).toMatch(/WebSocket of browser failed: .*UTF-8/i);
  });

  it('carries the largest request the contract accepts, and closes a socket whose message is larger with 1009', async () => {
    // importRecord with every field at the contract's maximum: a reply (the record is not WFDB),
    // not a closed socket.
    const ws = await openSocket(shell.port, TOKEN);
    try {
      const params = {
        bedLabel: 'Bed 9',
        header: 'A'.repeat(1_000_000),
        signals: 'A'.repeat(40_000_000),
        annotations: 'A'.repeat(10_000_000),
      };
      const message = JSON.stringify({ type: 'request', id: 1, method: 'importRecord', params });
      expect(Buffer.byteLength(message)).toBeLessThanOrEqual(MAX_CLIENT_MESSAGE_BYTES);
      ws.send(message);
      expect(await nextMessage(ws, (m) => m.id === 1)).toMatchObject({
        type: 'error',
        error: { code: 'invalid_request', message: expect.stringMatching(/WFDB record/) },
      });
      const closed = closeOf(ws);
      ws.send('x'.repeat(MAX_CLIENT_MESSAGE_BYTES + 1));
      expect((await closed).code).toBe(1009);
    } finally {
      ws.terminate();
    }
    await statusStillAnswers();
  });

  it('answers an oversized HTTP body with 413, declared or streamed', async () => {
    const headers = { ...bearer, 'Content-Type': 'application/json' };
    const declared = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: shell.port,
          path: '/api/getStatus',
          method: 'POST',
          headers: { ...headers, 'Content-Length': String(MAX_CLIENT_MESSAGE_BYTES + 1) },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
          req.destroy();
        },
      );
      req.on('error', reject);
      req.write('{"padding":"');
    });
    expect(declared).toBe(413);
    const streamed = await http(shell.port, '/api/getStatus', {
      method: 'POST',
      headers: { ...headers, 'Transfer-Encoding': 'chunked' },
      body: `{"padding":"${'x'.repeat(MAX_CLIENT_MESSAGE_BYTES)}"}`,
    });
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.body).error.message).toMatch(/larger than the workstation accepts/);
    await statusStillAnswers();
  });

  it(`holds at most ${MAX_SOCKETS_PER_CLIENT} WebSockets per client, and frees a place when one closes`, async () => {
    const open: WebSocket[] = [];
    try {
      for (let i = 0; i < MAX_SOCKETS_PER_CLIENT; i++)
        open.push(await openSocket(shell.port, TOKEN));
      await expect(openSocket(shell.port, TOKEN)).rejects.toThrow(/503/);
      const closed = closeOf(open[0]!);
      open.shift()!.close();
      await closed;
      const deadline = Date.now() + 5000;
      for (;;) {
        try {
          open.push(await openSocket(shell.port, TOKEN));
          break;
        } catch (error) {
          if (Date.now() > deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    } finally {
      await Promise.all(
        open.map((ws) => {
          const closed = closeOf(ws);
          ws.close();
          return closed;
        }),
      );
    }
    expect(logged.join('\n')).toMatch(/refused a WebSocket from 127\.0\.0\.1: it holds 16 already/);
  });

  it(`holds at most ${MAX_SUBSCRIPTIONS_PER_SOCKET} live streams per socket`, async () => {
    const ws = await openSocket(shell.port, TOKEN);
    try {
      const subscribe = (id: number) =>
        ws.send(
          JSON.stringify({ type: 'subscribe', id, stream: 'bedLive', params: { bedId: 'bed-1' } }),
        );
      const snapshots = new Promise<void>((resolve) => {
        let seen = 0;
        ws.on('message', (data) => {
          for (const m of messagesOf<{ type: string; event?: { type: string } }>(data)) {
            if (
              m.type === 'event' &&
              m.event?.type === 'snapshot' &&
              ++seen === MAX_SUBSCRIPTIONS_PER_SOCKET
            )
              resolve();
          }
        });
      });
      for (let id = 1; id <= MAX_SUBSCRIPTIONS_PER_SOCKET; id++) subscribe(id);
      await snapshots;
      subscribe(MAX_SUBSCRIPTIONS_PER_SOCKET + 1);
      expect(await nextMessage(ws, (m) => m.id === MAX_SUBSCRIPTIONS_PER_SOCKET + 1)).toMatchObject(
        {
          type: 'error',
          error: {
            code: 'invalid_request',
            message: expect.stringMatching(/At most 64 live views/),
          },
        },
      );
      // The same id again replaces its stream: not one more.
      subscribe(1);
      expect(await nextMessage(ws, (m) => m.id === 1)).toMatchObject({
        type: 'event',
        event: { type: 'snapshot' },
      });
    } finally {
      ws.close();
    }
  });

  it('refuses a change from another page (Origin), as text, or by cookie from a script; changes nothing', async () => {
    const cookie = { Cookie: `workstation_token=${TOKEN}` };
    const own = { Origin: `http://127.0.0.1:${shell.port}` };
    const off = '{"bedId":"bed-1","mode":"off","reason":"csrf"}';
    const attempts = [
      { ...cookie, Origin: 'http://127.0.0.1:9', 'Content-Type': 'application/json' },
      { ...cookie, Origin: 'null', 'Content-Type': 'application/json' },
      { ...cookie, ...own, 'Content-Type': 'text/plain' },
      { ...cookie, ...own, 'Content-Type': 'application/x-www-form-urlencoded' },
      { ...cookie, ...own, 'Content-Type': 'application/json', 'Sec-Fetch-Site': 'same-site' },
      { ...cookie, 'Content-Type': 'application/json' },
    ];
    const statuses = [];
    for (const headers of attempts) {
      statuses.push(
        (await http(shell.port, '/api/setAlarmAudio', { method: 'POST', headers, body: off }))
          .status,
      );
    }
    expect(statuses).toEqual([403, 403, 415, 415, 403, 403]);
    const status = Status.parse(
      JSON.parse((await http(shell.port, '/api/status', { headers: bearer })).body),
    );
    expect(status.beds[0]!.alarmAudio.mode).toBe('on');
    // The shell's own page, and a script with the token in its header, may.
    const json = { 'Content-Type': 'application/json; charset=utf-8' };
    const allowed = [
      { ...cookie, ...own, ...json, 'Sec-Fetch-Site': 'same-origin' },
      { ...bearer, ...json },
    ];
    for (const headers of allowed) {
      const on = await http(shell.port, '/api/setAlarmAudio', {
        method: 'POST',
        headers,
        body: '{"bedId":"bed-1","mode":"on"}',
      });
      expect(on.status).toBe(200);
    }
  });

  it('refuses a WebSocket from another page, or by cookie from a client without an Origin', async () => {
    const cookie = { Cookie: `workstation_token=${TOKEN}` };
    await expect(
      openSocket(shell.port, null, { ...cookie, Origin: 'http://127.0.0.1:9' }),
    ).rejects.toThrow(/403/);
    await expect(openSocket(shell.port, null, cookie)).rejects.toThrow(/403/);
    const script = await openSocket(shell.port, null, bearer);
    script.close();
  });

  it('survives clients that reset the connection while being refused', async () => {
    const upgradeWithoutToken =
      `GET /api/ws HTTP/1.1\r\nHost: 127.0.0.1:${shell.port}\r\nUpgrade: websocket\r\n` +
      'Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
      'Sec-WebSocket-Version: 13\r\n\r\n';
    for (let i = 0; i < 50; i++) {
      await new Promise<void>((resolve) => {
        const socket = connect(shell.port, '127.0.0.1', () => {
          socket.write(upgradeWithoutToken);
          setImmediate(() => socket.resetAndDestroy());
        });
        socket.on('error', () => {});
        socket.on('close', () => resolve());
      });
    }
    await statusStillAnswers();
  });

  it('stops a stream on unsubscribe, and every stream of a socket when it closes', async () => {
    // The real router, counted: how many of its streams are open.
    let open = 0;
    const counted: ApiRouter = {
      request: (method, params, caller) => workstation.router.request(method, params, caller),
      subscribe: (stream, params, emit) => {
        const stop = workstation.router.subscribe(stream, params, emit);
        open++;
        return () => {
          open--;
          stop();
        };
      },
    };
    const counting = await startBrowserShell({
      router: counted,
      rendererDir: join(dir, 'renderer'),
      port: 0,
      token: TOKEN,
      log: () => {},
    });
    const ws = await openSocket(counting.port, TOKEN);
    try {
      const received = new Map<number, number>();
      ws.on('message', (data) => {
        for (const m of messagesOf<{ id: number; type: string }>(data)) {
          if (m.type === 'event') received.set(m.id, (received.get(m.id) ?? 0) + 1);
        }
      });
      for (const id of [1, 2, 3]) {
        ws.send(
          JSON.stringify({ type: 'subscribe', id, stream: 'bedLive', params: { bedId: 'bed-1' } }),
        );
      }
      await until(() => received.size === 3);
      ws.send(JSON.stringify({ type: 'unsubscribe', id: 2 }));
      await until(() => open === 2);
      received.clear();
      const block = {
        bedId: 'bed-1',
        deviceId: `healthypi5@${pair.devicePath}`,
        channel: 'MDC_ECG_ELEC_POTL',
        rateHz: 128,
        t0: Date.now(),
        values: [1, 2, 3],
      };
      workstation.bus.emit('samples', block);
      await until(() => received.size === 2);
      expect([...received.keys()].sort()).toEqual([1, 3]);
      ws.close();
      await until(() => open === 0);
    } finally {
      ws.terminate();
      await counting.close();
    }
  });

  it('events made in one turn travel as one message, and an answer never overtakes them', async () => {
    let emit: (event: unknown) => void = () => {};
    let subscribed = false;
    const batching: ApiRouter = {
      request: (method) => {
        // Three events made while the request is answered: they must arrive before the answer.
        for (let i = 0; i < 3; i++) emit({ type: 'device', n: 100 + i });
        return Promise.resolve({ method });
      },
      subscribe: (_stream, _params, sink) => {
        emit = sink;
        subscribed = true;
        return () => {};
      },
    };
    const batched = await startBrowserShell({
      router: batching,
      rendererDir: join(dir, 'renderer'),
      port: 0,
      token: TOKEN,
      log: () => {},
    });
    const ws = await openSocket(batched.port, TOKEN);
    try {
      const frames: unknown[] = [];
      ws.on('message', (data) => frames.push(JSON.parse(String(data))));
      ws.send(JSON.stringify({ type: 'subscribe', id: 1, stream: 'bedLive', params: {} }));
      await until(() => subscribed);
      // Sixteen beds' samples gathered on the same clock tick: one WebSocket message.
      for (let bed = 0; bed < 16; bed++) emit({ type: 'samples', bed });
      await until(() => frames.length === 1);
      expect(Array.isArray(frames[0])).toBe(true);
      expect((frames[0] as { event: { bed: number } }[]).map((m) => m.event.bed)).toEqual(
        Array.from({ length: 16 }, (_, i) => i),
      );
      // One event alone is sent as it is, not wrapped.
      emit({ type: 'device', n: 1 });
      await until(() => frames.length === 2);
      expect(frames[1]).toEqual({ type: 'event', id: 1, event: { type: 'device', n: 1 } });

      ws.send(JSON.stringify({ type: 'request', id: 7, method: 'getStatus', params: {} }));
      await until(() => frames.length === 4);
      expect((frames[2] as { event: { n: number } }[]).map((m) => m.event.n)).toEqual([
        100, 101, 102,
      ]);
      expect(frames[3]).toEqual({ type: 'response', id: 7, result: { method: 'getStatus' } });
    } finally {
      ws.terminate();
      await batched.close();
    }
  });

  it("a viewer that stops reading loses samples, never the workstation's memory, and is let go once it stays behind", async () => {
    // Only the flood is made up: a real bed would need minutes to send this much.
    let emit: (event: unknown) => void = () => {};
    let subscribed = false;
    let unsubscribed = 0;
    const flooding: ApiRouter = {
      request: (method, params, caller) => workstation.router.request(method, params, caller),
      subscribe: (_stream, _params, sink) => {
        emit = sink;
        subscribed = true;
        return () => unsubscribed++;
      },
    };
    const viewerLog: string[] = [];
    const flooded = await startBrowserShell({
      router: flooding,
      rendererDir: join(dir, 'renderer'),
      port: 0,
      token: TOKEN,
      log: (message) => viewerLog.push(message),
      stalledViewerMs: 1500,
    });
    const ws = await openSocket(flooded.port, TOKEN);
    try {
      let samples = 0;
      let markers = 0;
      ws.on('message', (data) => {
        for (const m of messagesOf<{ event?: { type: string } }>(data)) {
          if (m.event?.type === 'samples') samples++;
          else if (m.event?.type === 'device') markers++;
        }
      });
      ws.send(JSON.stringify({ type: 'subscribe', id: 1, stream: 'bedLive', params: {} }));
      await until(() => subscribed);
      emit({ type: 'device' });
      await until(() => markers === 1);

      // ~250 kB per event, 400 of them (100 MB) while the viewer reads nothing.
      const block = { t0: 0, values: new Array(50_000).fill(1234) };
      ws.pause();
      for (let i = 0; i < 400; i++) {
        emit({ type: 'samples', blocks: [block] });
        await new Promise((resolve) => setImmediate(resolve));
      }
      emit({ type: 'device' }); // not a sample: it waits in the queue, never dropped
      ws.resume();
      await until(() => markers === 2);
      // What got through is what the 4 MiB allowance and the kernel's buffers held, not 100 MB.
      expect(samples).toBeGreaterThan(0);
      expect(samples).toBeLessThan(100);
      expect(unsubscribed).toBe(0);

      // Now it stops reading for good: after 1.5 s behind it is let go, and its stream stopped.
      ws.pause();
      const deadline = Date.now() + 10_000;
      while (unsubscribed === 0 && Date.now() < deadline) {
        emit({ type: 'samples', blocks: [block] });
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(unsubscribed).toBe(1);
      expect(viewerLog.join('\n')).toMatch(
        /a viewer of browser stopped reading \(\d+ bytes waiting/,
      );
    } finally {
      ws.terminate();
      await flooded.close();
    }
  });
});
