// Which screen a browser-shell connection opens: the page's token (the printed address, also in
// the address bar) opens a page screen wherever it is shown, the Authorization header included,
// so copying it from the address bar into a script does not get round the sign-in; only the
// scripts' token opens a script screen. Real HTTP and WebSocket on loopback; the router and the
// screens are stand-ins (what is tested is which kind the shell asks for).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { AccessScreen } from '../../host/access/access-screen';
import type { ApiRouter, Caller } from '../../host/api/router';
import { startBrowserShell, type BrowserShell } from './server';

const TOKEN = 'page-token-abcdefgh';
const SCRIPT_TOKEN = 'script-token-ijklmnop';

describe('browser shell: the page token opens a page, the scripts’ token a script', () => {
  const opened: string[] = [];
  const seen: string[] = [];
  let shell: BrowserShell;

  beforeAll(async () => {
    const rendererDir = mkdtempSync(join(tmpdir(), 'shell-screens-'));
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
    const router: ApiRouter = {
      request: (_method, _params, caller: Caller) => {
        seen.push(caller.screen?.label ?? 'no screen');
        return Promise.resolve({ ok: true });
      },
      subscribe: () => () => {},
    };
    shell = await startBrowserShell({
      router,
      rendererDir,
      port: 0,
      token: TOKEN,
      scriptToken: SCRIPT_TOKEN,
      log: () => {},
      openScreen: (kind, label) => {
        opened.push(kind);
        return { label: `${kind}: ${label}`, close: () => {} } as unknown as AccessScreen;
      },
    });
  });

  afterAll(async () => {
    await shell?.close();
  });

  const post = (authorization: string) =>
    fetch(`http://127.0.0.1:${shell.port}/api/getStatus`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: '{}',
    });

  it('makes the page token in a header a page screen, and the scripts’ token a script', async () => {
    expect((await post(`Bearer ${TOKEN}`)).status).toBe(200);
    expect((await post(`Bearer ${SCRIPT_TOKEN}`)).status).toBe(200);
    expect((await post('Bearer not-a-token-at-all')).status).toBe(401);
    expect(seen).toEqual([
      'page: the page over HTTP (POST /api/getStatus)',
      'script: a script over HTTP',
    ]);
  });

  it('does the same for WebSockets', async () => {
    opened.length = 0;
    for (const token of [TOKEN, SCRIPT_TOKEN]) {
      const ws = new WebSocket(`ws://127.0.0.1:${shell.port}/api/ws`, {
        headers: { authorization: `Bearer ${token}` },
      });
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      ws.close();
    }
    expect(opened).toEqual(['page', 'script']);
  });
});
