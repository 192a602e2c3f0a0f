// When the remote view gives a stuck socket up (shouldResume), and what it keeps of a resumed
// stream (HeldSamples); then the page's own connection doing both over real sockets: a server that
// goes quiet mid-stream, the fresh socket asking to resume from the end of what the page holds,
// the overlap dropped, the trace continuous.
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { BedLiveEvent } from '../../../shared/api/contract';
import { REPLACES_PARAM, RESUME_PARAM, SOCKET_TAG_PARAM } from '../../../shared/telehealth/viewer';
import type { SocketLike } from '../api/websocket-bridge';
import { strings } from '../strings';
import {
  CONNECT_GIVE_UP_MS,
  HeldSamples,
  QUIET_MS,
  STALE_DATA_MS,
  quietMsAfter,
  shouldResume,
  type StallInput,
} from './live-resume';
import { connectViewer } from './viewer-connection';

const NOW = 1_000_000;
const stall = (over: Partial<StallInput> = {}): StallInput => ({
  nowMs: NOW,
  offsetMs: 0,
  newestDataMs: NOW - STALE_DATA_MS - 1,
  lastMessageAtMs: NOW - QUIET_MS,
  openedAtMs: NOW - 60_000,
  clinicDown: false,
  fruitlessResumes: 0,
  ...over,
});

describe('shouldResume', () => {
  it('gives up a socket that has been quiet while its data grew old', () => {
    expect(shouldResume(stall())).toBe(true);
  });

  it('keeps a socket whose data is fresh, or that spoke recently', () => {
    expect(shouldResume(stall({ newestDataMs: NOW - STALE_DATA_MS + 100 }))).toBe(false);
    expect(shouldResume(stall({ lastMessageAtMs: NOW - QUIET_MS + 100 }))).toBe(false);
    // Judged on the server's clock: this page's clock 2 s behind makes the data 2 s older.
    expect(shouldResume(stall({ newestDataMs: NOW - 1_500, offsetMs: 0 }))).toBe(false);
    expect(shouldResume(stall({ newestDataMs: NOW - 1_500 + 2_000, offsetMs: 5_000 }))).toBe(true);
  });

  it('leaves a socket just opened, the clinic being down, and a stream with no data yet', () => {
    expect(shouldResume(stall({ openedAtMs: NOW - 100, lastMessageAtMs: null }))).toBe(false);
    expect(shouldResume(stall({ clinicDown: true }))).toBe(false);
    expect(shouldResume(stall({ newestDataMs: null }))).toBe(false);
  });

  it('waits longer after resumes that brought nothing, up to a bound', () => {
    expect(quietMsAfter(0)).toBe(QUIET_MS);
    expect(quietMsAfter(1)).toBe(2 * QUIET_MS);
    expect(quietMsAfter(10)).toBe(20_000);
    expect(shouldResume(stall({ fruitlessResumes: 1 }))).toBe(false);
    expect(shouldResume(stall({ fruitlessResumes: 1, lastMessageAtMs: NOW - 2 * QUIET_MS }))).toBe(
      true,
    );
  });

  it('retries a socket that does not open (its SYN lost on a link still down)', () => {
    const opening = { openedAtMs: null, lastMessageAtMs: null };
    expect(shouldResume(stall({ ...opening, connectingSinceMs: NOW - 1_000 }))).toBe(false);
    expect(shouldResume(stall({ ...opening, connectingSinceMs: NOW - CONNECT_GIVE_UP_MS }))).toBe(
      true,
    );
    expect(shouldResume(stall({ ...opening, connectingSinceMs: null }))).toBe(false);
  });
});

const ecg = (t0: number, n: number, rateHz = 100, channel = 'ECG') => ({
  bedId: 'ws/bed-1',
  deviceId: 'dev-1',
  channel,
  rateHz,
  t0,
  values: Array.from({ length: n }, (_, i) => Math.round(t0 + (i * 1000) / rateHz)),
});
const samples = (...blocks: ReturnType<typeof ecg>[]): BedLiveEvent => ({
  type: 'samples',
  blocks,
});

describe('HeldSamples', () => {
  it('resumes from the earliest wave’s end and drops what a resumed stream repeats, once', () => {
    const held = new HeldSamples();
    expect(held.resumeFromMs()).toBeNull();
    const first = samples(ecg(1_000, 50), ecg(1_000, 20, 50, 'PLETH'));
    expect(held.take(first)).toBe(first); // nothing cut: the same object
    expect(held.resumeFromMs()).toBe(1_400); // PLETH ends at 1400, ECG at 1500
    held.resuming();
    // The resumed stream replays from 1400: ECG's 1400–1500 is held already, PLETH's is new.
    const replay = held.take(samples(ecg(1_400, 30), ecg(1_400, 10, 50, 'PLETH')));
    expect(replay).toEqual(samples(ecg(1_500, 20), ecg(1_400, 10, 50, 'PLETH')));
    // Once a wave is past what was held it is left alone (a device clock going back included).
    const back = samples(ecg(500, 10));
    expect(held.take(back)).toBe(back);
  });

  it('drops a block the viewer holds entirely, and keeps other events as they are', () => {
    const held = new HeldSamples();
    held.take(samples(ecg(1_000, 50)));
    held.resuming();
    expect(held.take(samples(ecg(1_200, 30)))).toBeNull();
    expect(held.take(samples(ecg(1_500, 10)))).toEqual(samples(ecg(1_500, 10)));
    const numeric = { type: 'alarms', alarms: [] } as unknown as BedLiveEvent;
    expect(held.take(numeric)).toBe(numeric);
  });
});

describe('connectViewer over real sockets', () => {
  let server: WebSocketServer | null = null;
  afterEach(() => {
    for (const client of server?.clients ?? []) client.terminate();
    server?.close();
    server = null;
  });

  it('gives a quiet socket up, resumes on a fresh one from the end of the trace, no gap, no twice', async () => {
    server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => server!.once('listening', resolve));
    const { port } = server.address() as { port: number };
    const subscribes: Array<Record<string, unknown>> = [];
    const t0 = Date.now() - 2_000;
    let connections = 0;
    const tags: Array<string | null> = [];
    server.on('connection', (ws, req) => {
      const nth = ++connections;
      tags.push(new URL(req.url ?? '/', 'ws://x').searchParams.get(SOCKET_TAG_PARAM));
      ws.on('message', (data) => {
        const message = JSON.parse(String(data)) as {
          type: string;
          id: number;
          params: Record<string, unknown>;
        };
        if (message.type !== 'subscribe') return;
        subscribes.push(message.params);
        const event = (e: BedLiveEvent) =>
          ws.send(JSON.stringify({ type: 'event', id: message.id, event: e }));
        // The first socket sends 1 s of ECG and then nothing (stuck); the second replays from a
        // little before what was asked (the page must drop the overlap) and goes on.
        if (nth === 1) event(samples(ecg(t0, 100)));
        else event(samples(ecg(t0 + 900, 150)));
      });
    });
    let shift = 0;
    const connection = connectViewer(`ws://127.0.0.1:${port}/telehealth/ws`, () => undefined, {
      openSocket: (url) => new WebSocket(url) as unknown as SocketLike,
      now: () => Date.now() + shift,
    });
    const got: Array<{ t0: number; n: number }> = [];
    const problems: string[] = [];
    connection.client.subscribe(
      'bedLive',
      { bedId: 'ws/bed-1' },
      (event) => {
        if (event.type === 'samples')
          for (const b of event.blocks) got.push({ t0: b.t0, n: b.values.length });
      },
      (error) => problems.push(error.message),
    );
    const until = async (test: () => boolean) => {
      for (let i = 0; i < 200 && !test(); i++) await new Promise((r) => setTimeout(r, 10));
      expect(test()).toBe(true);
    };
    await until(() => got.length === 1);
    const stop = connection.watchStalls(() => ({ offsetMs: 0, clinicDown: false }), 20);
    shift = 10_000; // ten seconds of nothing on the socket
    await until(() => connections === 2 && got.length === 2);
    stop();
    expect(connection.resumes()).toBe(1);
    expect(problems).toContain(strings.connectionLost); // the page says it is reconnecting
    expect(subscribes[0]).toEqual({ bedId: 'ws/bed-1' });
    // Each socket tagged by the page; the fresh one names the one given up, for the server to cut.
    expect(tags[0]).toMatch(/^[a-z0-9]{12}$/);
    expect(tags[1]).not.toBe(tags[0]);
    expect(subscribes[1]).toEqual({
      bedId: 'ws/bed-1',
      [RESUME_PARAM]: t0 + 1_000,
      [REPLACES_PARAM]: tags[0],
    });
    // The replay's first 100 ms were held already: the trace goes on where it stopped.
    expect(got).toEqual([
      { t0, n: 100 },
      { t0: t0 + 1_000, n: 140 },
    ]);
    expect(connection.newestDataMs()).toBe(t0 + 2_400);
  });
});
