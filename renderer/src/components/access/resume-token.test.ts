// The tab's resume token: kept from every access the host sends, forgotten when there is none,
// and sent first on each (re)connection of the WebSocket bridge, before what was waiting and
// before the streams subscribe again.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ScreenAccess } from '../../../../shared/api/contract-access';
import type { ClientMessage } from '../../../../shared/api/wire';
import { createWebSocketBridge, type SocketLike } from '../../api/websocket-bridge';
import {
  keepResumeToken,
  RESUME_TOKEN_KEY,
  resumeGreeting,
  type TokenStorage,
} from './resume-token';

class MapStorage implements TokenStorage {
  readonly items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
}

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: ClientMessage[] = [];
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  send(data: string) {
    this.sent.push(JSON.parse(data) as ClientMessage);
  }
  close() {
    this.readyState = 3;
    this.onclose?.({});
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
}

const ACCESS: ScreenAccess = {
  setUp: true,
  principal: 'user',
  user: { userId: 'u1', username: 'sam', displayName: 'Sam Sample', role: 'nurse', hasPin: true },
  locked: false,
  permissions: ['monitor'],
  idleLockS: 300,
  locksAtMs: null,
  resumeToken: 'T'.repeat(43),
};

describe('the resume token of a tab', () => {
  it('is kept from an access that has one and forgotten from one that has none', () => {
    const storage = new MapStorage();
    keepResumeToken(storage, ACCESS);
    expect(storage.getItem(RESUME_TOKEN_KEY)).toBe(ACCESS.resumeToken);
    const { resumeToken: _gone, ...signedOut } = { ...ACCESS, principal: 'unidentified' as const };
    keepResumeToken(storage, { ...signedOut, user: null });
    expect(storage.getItem(RESUME_TOKEN_KEY)).toBeNull();
    expect(resumeGreeting(storage)).toBeNull();
    expect(resumeGreeting(null)).toBeNull();
  });

  it('asks to resume with it, and keeps the next token the answer brings', () => {
    const storage = new MapStorage();
    storage.setItem(RESUME_TOKEN_KEY, 'first-token');
    const greeting = resumeGreeting(storage)!;
    expect(greeting).toMatchObject({ method: 'resumeScreen', params: { token: 'first-token' } });
    greeting.answered?.({ ...ACCESS, resumeToken: 'next-token' });
    expect(storage.getItem(RESUME_TOKEN_KEY)).toBe('next-token');
    storage.setItem(RESUME_TOKEN_KEY, 'x'.repeat(65)); // not a token the host gave
    expect(resumeGreeting(storage)).toBeNull();
  });
});

describe('the bridge’s greeting', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it('goes first on every connection, before what waited and before the streams', () => {
    const storage = new MapStorage();
    storage.setItem(RESUME_TOKEN_KEY, 'token-1');
    const sockets: FakeSocket[] = [];
    const bridge = createWebSocketBridge('ws://host/api/ws?token=t', {
      openSocket: () => {
        const socket = new FakeSocket();
        sockets.push(socket);
        return socket;
      },
      backoffMs: { firstMs: 100, maxMs: 1000 },
      greeting: () => resumeGreeting(storage),
    });
    bridge.subscribe('access', {}, { onEvent: () => {}, onError: () => {} });
    void bridge.request('getStatus', {}).catch(() => undefined);
    sockets[0]!.open();
    expect(sockets[0]!.sent.map((m) => (m.type === 'request' ? m.method : m.type))).toEqual([
      'resumeScreen',
      'getStatus',
      'subscribe',
    ]);
    const greetingId = sockets[0]!.sent[0]!.id;
    sockets[0]!.onmessage?.({
      data: JSON.stringify({
        type: 'response',
        id: greetingId,
        result: { ...ACCESS, resumeToken: 'token-2' },
      }),
    });
    expect(storage.getItem(RESUME_TOKEN_KEY)).toBe('token-2');

    sockets[0]!.close(); // the socket blips
    vi.advanceTimersByTime(1000);
    sockets[1]!.open();
    expect(sockets[1]!.sent[0]).toMatchObject({
      type: 'request',
      method: 'resumeScreen',
      params: { token: 'token-2' },
    });
    expect(sockets[1]!.sent[1]).toMatchObject({ type: 'subscribe', stream: 'access' });
  });
});
