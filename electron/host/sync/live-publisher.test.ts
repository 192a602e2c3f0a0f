// The live publisher against a relay made in the test (a real WebSocket server on loopback): what
// it sends and when, how it follows beds, what it drops when the link is behind, how it comes back.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Bed } from '../../../shared/model/schemas';
import { quietBedAlarms } from '../../../shared/model/alarm-defaults';
import type { LiveFromWorkstation, LiveToWorkstation } from '../../../shared/sync/live';
import { SYNC_PATHS } from '../../../shared/sync/protocol';
import { Bus } from '../bus';
import { LivePublisher, liveUrl, type LiveSource } from './live-publisher';

function bed(id: string): { snapshot(): Bed } {
  return {
    snapshot: () => ({
      id,
      label: id,
      deviceIds: [],
      numerics: {},
      alarms: [],
      ...quietBedAlarms(),
      patient: null,
    }),
  };
}

/** A host whose bedLive streams the test drives by hand. */
function fakeSource() {
  const beds = new Map([['bed-1', bed('bed-1')]]);
  const bus = new Bus();
  const streams = new Map<string, (event: unknown) => void>();
  const source: LiveSource = {
    id: 'ws-test',
    beds,
    bus,
    router: {
      subscribe(stream, params, emit) {
        const { bedId } = params as { bedId: string };
        expect(stream).toBe('bedLive');
        expect(params).toEqual({ bedId, waveforms: 'all' });
        streams.set(bedId, emit);
        emit({ type: 'snapshot', bed: beds.get(bedId)!.snapshot(), devices: [], channels: [] });
        return () => streams.delete(bedId);
      },
    },
  };
  return { source, beds, bus, streams };
}

interface Relay {
  url: string;
  received: LiveFromWorkstation[];
  sockets: WebSocket[];
  headers: Array<Record<string, string | string[] | undefined>>;
  /** How the relay answers hello: welcome, or a refusal. */
  answer: LiveToWorkstation;
  server: Server;
  close(): Promise<void>;
}

async function relay(): Promise<Relay> {
  const server = createServer();
  const wss = new WebSocketServer({ server, path: SYNC_PATHS.live });
  const state: Relay = {
    url: '',
    received: [],
    sockets: [],
    headers: [],
    answer: { type: 'welcome', protocol: 1 },
    server,
    close: async () => {
      for (const socket of wss.clients) socket.terminate();
      wss.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  wss.on('connection', (socket, req) => {
    state.sockets.push(socket);
    state.headers.push(req.headers);
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as LiveFromWorkstation;
      state.received.push(message);
      if (message.type === 'hello') socket.send(JSON.stringify(state.answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

async function until(probe: () => unknown, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function start(source: LiveSource, link: () => unknown, options = {}) {
  const publisher = new LivePublisher({
    source,
    link: link as () => null,
    log: () => {},
    retryMs: { first: 50, last: 200 },
    bedsCheckMs: 50,
    ...options,
  }).start();
  cleanups.push(() => publisher.stop());
  return publisher;
}

describe('live publisher', () => {
  it('addresses the relay under the server: ws for http, wss for https', () => {
    expect(liveUrl('https://central.example:8443')).toBe(
      'wss://central.example:8443/api/sync/live',
    );
    expect(liveUrl('http://127.0.0.1:9000/')).toBe('ws://127.0.0.1:9000/api/sync/live');
  });

  it('says hello with its credential, then sends its beds and every bed’s events', async () => {
    const server = await relay();
    cleanups.push(() => server.close());
    const { source, beds, bus, streams } = fakeSource();
    const publisher = start(source, () => ({ serverUrl: server.url, credential: 'secret-1' }));
    await until(() => publisher.status().state === 'connected', 'connected');
    expect(server.headers[0]!.authorization).toBe('Bearer secret-1');
    expect(server.headers[0]!['x-sync-protocol']).toBe('1');
    await until(() => server.received.some((m) => m.type === 'bed'), 'the first snapshot');
    expect(server.received.slice(0, 3)).toEqual([
      { type: 'hello', protocol: 1, workstationId: 'ws-test' },
      { type: 'beds', beds: [beds.get('bed-1')!.snapshot()] },
      expect.objectContaining({
        type: 'bed',
        bedId: 'bed-1',
        event: expect.objectContaining({ type: 'snapshot' }),
      }),
    ]);

    streams.get('bed-1')!({
      type: 'numeric',
      refId: 'HR',
      numeric: { value: 70, unit: '/min', at: 1, source: 'd' },
    });
    await until(
      () => server.received.some((m) => m.type === 'bed' && m.event.type === 'numeric'),
      'the numeric',
    );

    // A bed made later: the list is sent again and its stream followed.
    beds.set('bed-2', bed('bed-2'));
    bus.emit('bed', { bedId: 'bed-2' });
    await until(() => streams.has('bed-2'), 'bed-2 followed');
    await until(
      () => server.received.filter((m) => m.type === 'beds').at(-1)?.beds.length === 2,
      'the new list',
    );
    // A bed gone: its stream ends.
    beds.delete('bed-1');
    await until(() => !streams.has('bed-1'), 'bed-1 no longer followed');
  });

  it('drops samples, never numerics, while the link is behind, and counts them', async () => {
    const server = await relay();
    cleanups.push(() => server.close());
    const { source, streams } = fakeSource();
    const publisher = start(source, () => ({ serverUrl: server.url, credential: 'c' }), {
      maxBufferedBytes: 64 * 1024,
    });
    await until(() => streams.has('bed-1') && server.sockets.length === 1, 'following bed-1');
    // The relay stops reading: what the publisher sends piles up in its socket.
    (
      server.sockets[0] as unknown as { _socket: { pause(): void; resume(): void } }
    )._socket.pause();
    const samples = {
      type: 'samples',
      blocks: [
        {
          bedId: 'bed-1',
          deviceId: 'd',
          channel: 'ecg',
          rateHz: 500,
          t0: 1,
          values: new Array(20_000).fill(123),
        },
      ],
    };
    let numerics = 0;
    await until(
      () => {
        for (let i = 0; i < 20; i++) streams.get('bed-1')!(samples);
        streams.get('bed-1')!({
          type: 'numeric',
          refId: 'HR',
          numeric: { value: ++numerics, unit: '/min', at: numerics, source: 'd' },
        });
        return publisher.status().droppedSampleEvents > 0;
      },
      'samples dropped',
      20_000,
    );
    (server.sockets[0] as unknown as { _socket: { resume(): void } })._socket.resume();
    await until(
      () =>
        server.received.filter((m) => m.type === 'bed' && m.event.type === 'numeric').length ===
        numerics,
      'every numeric delivered',
      20_000,
    );
    expect(publisher.status().state).toBe('connected');
  });

  it('connects again with backoff when the link drops, with a fresh snapshot', async () => {
    const server = await relay();
    cleanups.push(() => server.close());
    const { source } = fakeSource();
    const publisher = start(source, () => ({ serverUrl: server.url, credential: 'c' }));
    await until(
      () => server.sockets.length === 1 && publisher.status().state === 'connected',
      'connected',
    );
    // The first snapshot has reached the relay before the link is cut: the publisher sends it at
    // once on welcome, but a socket terminated before the relay read it would lose it.
    await until(
      () => server.received.some((m) => m.type === 'bed' && m.event.type === 'snapshot'),
      'the first snapshot',
    );
    const droppedAt = Date.now();
    server.sockets[0]!.terminate();
    await until(
      () => server.sockets.length === 2 && publisher.status().state === 'connected',
      'connected again',
    );
    await until(
      () =>
        server.received.filter((m) => m.type === 'bed' && m.event.type === 'snapshot').length === 2,
      'a second snapshot',
    );
    // After the first wait (50 ms, less its jitter), not at once.
    expect(publisher.status().sinceMs - droppedAt).toBeGreaterThanOrEqual(25);
  });

  it('after a refusal says why and waits before asking again; not enrolled, it waits quietly', async () => {
    const server = await relay();
    cleanups.push(() => server.close());
    server.answer = { type: 'refused', error: 'revoked', message: 'This workstation was revoked.' };
    const { source } = fakeSource();
    const publisher = start(source, () => ({ serverUrl: server.url, credential: 'c' }), {
      refusedRetryMs: 60_000,
    });
    await until(() => publisher.status().state === 'refused', 'refused');
    expect(publisher.status().problem).toBe('This workstation was revoked.');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.sockets).toHaveLength(1);
    expect(server.received.filter((m) => m.type !== 'hello')).toEqual([]);

    const idle = start(fakeSource().source, () => null);
    await until(() => idle.status().state === 'not-enrolled', 'not enrolled');
  });

  it("passes the server's update-feed notice on once welcomed; malformed ones are ignored", async () => {
    const server = await relay();
    cleanups.push(() => server.close());
    const notices: unknown[] = [];
    const publisher = start(
      fakeSource().source,
      () => ({ serverUrl: server.url, credential: 'c' }),
      {
        onUpdateFeed: (notice: unknown) => notices.push(notice),
      },
    );
    await until(() => publisher.status().state === 'connected', 'connected');
    const socket = server.sockets[0]!;
    for (const bad of [
      '{"type":"update-feed","channel":"nightly","platform":"linux"}',
      '{"type":"update-feed","channel":"stable"}',
      '{"type":"update-feed","channel":"stable","platform":42}',
      'not json',
      '{"type":"update-fee","channel":"stable","platform":"linux"}',
    ])
      socket.send(bad);
    socket.send(Buffer.from([1, 2, 3]), { binary: true });
    socket.send(JSON.stringify({ type: 'update-feed', channel: 'pilot', platform: 'win' }));
    await until(() => notices.length === 1, 'the notice');
    expect(notices).toEqual([{ channel: 'pilot', platform: 'win' }]);
    expect(publisher.status().state).toBe('connected');
  });

  it('an unreachable server is a status, not an error', async () => {
    const server = await relay();
    const url = server.url;
    await server.close();
    const publisher = start(fakeSource().source, () => ({ serverUrl: url, credential: 'c' }));
    await until(() => publisher.status().state === 'unreachable', 'unreachable');
    expect(publisher.status().problem).toMatch(/Central server unreachable/);
  });
});
