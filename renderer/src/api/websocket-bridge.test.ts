import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClientMessage, ServerMessage } from '../../../shared/api/wire';
import { strings } from '../strings';
import { createWebSocketBridge, type SocketLike } from './websocket-bridge';
import { webSocketUrl } from './connect';

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
    this.drop();
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({});
  }
  deliver(message: ServerMessage) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
}

describe('createWebSocketBridge', () => {
  let sockets: FakeSocket[];
  const latest = () => sockets[sockets.length - 1] as FakeSocket;
  const bridge = () =>
    createWebSocketBridge('ws://host/api/ws?token=t', {
      openSocket: () => {
        const socket = new FakeSocket();
        sockets.push(socket);
        return socket;
      },
      backoffMs: { firstMs: 100, maxMs: 1000 },
    });

  beforeEach(() => {
    sockets = [];
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it('takes the events of one moment sent together as an array, each to its stream, in order', async () => {
    const b = bridge();
    const seen: unknown[] = [];
    b.subscribe(
      'bedLive',
      { bedId: 'a' },
      { onEvent: (e) => seen.push(['a', e]), onError: () => {} },
    );
    b.subscribe(
      'bedLive',
      { bedId: 'b' },
      { onEvent: (e) => seen.push(['b', e]), onError: () => {} },
    );
    latest().open();
    const [a, c] = latest().sent.map((m) => m.id);
    const answer = b.request('getStatus', {});
    const requestId = latest().sent[2]?.id ?? -1;
    const reported = vi.spyOn(console, 'error').mockImplementation(() => {});
    latest().onmessage?.({
      data: JSON.stringify([
        { type: 'event', id: a, event: { n: 1 } },
        { type: 'event', id: c, event: { n: 2 } },
        { type: 'nonsense' },
        { type: 'event', id: a, event: { n: 3 } },
        { type: 'response', id: requestId, result: 'ok' },
      ]),
    });
    // A malformed member is reported and skipped; the others are delivered.
    expect(seen).toEqual([
      ['a', { n: 1 }],
      ['b', { n: 2 }],
      ['a', { n: 3 }],
    ]);
    expect(reported).toHaveBeenCalledTimes(1);
    reported.mockRestore();
    await expect(answer).resolves.toBe('ok');
  });

  it('sends requests once the socket opens and resolves them by id', async () => {
    const b = bridge();
    const result = b.request('getStatus', {});
    latest().open();
    const sent = latest().sent[0];
    expect(sent).toMatchObject({ type: 'request', method: 'getStatus' });
    latest().deliver({ type: 'response', id: sent?.id ?? -1, result: { ok: 1 } });
    await expect(result).resolves.toEqual({ ok: 1 });
  });

  it('rejects with the host error shape', async () => {
    const b = bridge();
    latest().open();
    const result = b.request('nope', {});
    const id = latest().sent[0]?.id ?? -1;
    latest().deliver({ type: 'error', id, error: { code: 'unknown_method', message: 'No.' } });
    await expect(result).rejects.toEqual({ code: 'unknown_method', message: 'No.' });
  });

  it('delivers stream events until unsubscribed', () => {
    const b = bridge();
    latest().open();
    const events: unknown[] = [];
    const stop = b.subscribe(
      'bedLive',
      { bedId: 'b' },
      { onEvent: (e) => events.push(e), onError() {} },
    );
    const id = latest().sent[0]?.id ?? -1;
    latest().deliver({ type: 'event', id, event: 1 });
    stop();
    latest().deliver({ type: 'event', id, event: 2 });
    expect(events).toEqual([1]);
    expect(latest().sent[1]).toEqual({ type: 'unsubscribe', id });
  });

  it('on a dropped socket fails requests, reports streams, reconnects and re-subscribes', async () => {
    const b = bridge();
    latest().open();
    const errors: string[] = [];
    b.subscribe(
      'bedLive',
      { bedId: 'b' },
      { onEvent() {}, onError: (e) => errors.push(e.message) },
    );
    const waiting = b.request('getStatus', {});
    latest().drop();
    await expect(waiting).rejects.toMatchObject({ message: strings.connectionLost });
    expect(errors).toEqual([strings.connectionLost]);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(200);
    expect(sockets).toHaveLength(2);
    latest().open();
    expect(latest().sent).toEqual([
      { type: 'subscribe', id: 1, stream: 'bedLive', params: { bedId: 'b' } },
    ]);
  });

  it('says so when the socket never opened, and tells a stream only once per outage', async () => {
    const b = bridge();
    const errors: string[] = [];
    b.subscribe(
      'bedLive',
      { bedId: 'b' },
      { onEvent() {}, onError: (e) => errors.push(e.message) },
    );
    const waiting = b.request('getStatus', {});
    latest().drop();
    await expect(waiting).rejects.toMatchObject({ message: strings.cannotConnect });
    vi.advanceTimersByTime(200);
    latest().drop();
    expect(errors).toEqual([strings.connectionLost]);
  });

  it('stops for good when onClose says so: the reason to everyone, no reconnection', async () => {
    const closes: Array<{ code: number; reason: string }> = [];
    const b = createWebSocketBridge('ws://host/telehealth/ws', {
      openSocket: () => {
        const socket = new FakeSocket();
        sockets.push(socket);
        return socket;
      },
      backoffMs: { firstMs: 100, maxMs: 1000 },
      onClose: (close) => {
        closes.push(close);
        return close.code === 4003 ? 'stop' : 'reconnect';
      },
    });
    const errors: string[] = [];
    b.subscribe(
      'bedLive',
      { bedId: 'a' },
      { onEvent() {}, onError: (e) => errors.push(e.message) },
    );
    latest().open();
    // An ordinary drop (no code on the event) reconnects as before.
    latest().drop();
    expect(closes).toEqual([{ code: 1006, reason: '' }]);
    vi.advanceTimersByTime(200);
    expect(sockets).toHaveLength(2);
    latest().open();
    const waiting = b.request('getStatus', {});
    const ended = 'The consult was ended at the bed.';
    latest().readyState = 3;
    latest().onclose?.({ code: 4003, reason: ended });
    await expect(waiting).rejects.toMatchObject({ message: ended });
    expect(errors).toEqual([strings.connectionLost, ended]);
    vi.advanceTimersByTime(20_000);
    expect(sockets).toHaveLength(2);
    await expect(b.request('getStatus', {})).rejects.toMatchObject({ message: ended });
  });

  it('times out a request the host never answers', async () => {
    const b = bridge();
    latest().open();
    const result = b.request('getStatus', {});
    vi.advanceTimersByTime(15_001);
    await expect(result).rejects.toMatchObject({ message: strings.requestTimedOut });
  });
});

describe('webSocketUrl', () => {
  it('uses the page host, the matching scheme and the page token', () => {
    expect(
      webSocketUrl({ protocol: 'http:', host: '127.0.0.1:8080', search: '?token=a+b&x=1' }),
    ).toBe('ws://127.0.0.1:8080/api/ws?token=a%20b');
    expect(webSocketUrl({ protocol: 'https:', host: 'ward', search: '' })).toBe(
      'wss://ward/api/ws?token=',
    );
  });
});
