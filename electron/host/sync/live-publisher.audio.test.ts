// The live publisher's telehealth audio against a relay made in the test (a real WebSocket server
// on loopback): frames go out while the relay has welcomed the workstation, and are dropped, never
// queued, while it has not (stale sound is worse than none).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { quietBedAlarms } from '../../../shared/model/alarm-defaults';
import { LiveFromWorkstation } from '../../../shared/sync/live';
import { SYNC_PATHS } from '../../../shared/sync/protocol';
import type { AuscultationFrame } from '../../../shared/telehealth/audio';
import { Bus } from '../bus';
import { LivePublisher, type LiveSource } from './live-publisher';

function source(): LiveSource {
  const beds = new Map([
    [
      'bed-1',
      {
        snapshot: () => ({
          id: 'bed-1',
          label: 'Bed 1',
          deviceIds: [],
          numerics: {},
          alarms: [],
          ...quietBedAlarms(),
          patient: null,
        }),
      },
    ],
  ]);
  return {
    id: 'ws-audio',
    beds,
    bus: new Bus(),
    router: { subscribe: () => () => {} },
  };
}

function frames(from: number, count: number): AuscultationFrame[] {
  return Array.from({ length: count }, (_, i) => ({
    seq: from + i,
    atMs: 1_700_000_000_000 + (from + i) * 20,
    codec: 'opus' as const,
    sampleRateHz: 48_000,
    channels: 1 as const,
    durationUs: 20_000,
    data: Buffer.from([0xfc, from + i, 1, 2]).toString('base64'),
  }));
}

async function relay() {
  const server = createServer();
  const wss = new WebSocketServer({ server, path: SYNC_PATHS.live });
  const received: LiveFromWorkstation[] = [];
  const sockets: WebSocket[] = [];
  wss.on('connection', (socket) => {
    sockets.push(socket);
    socket.on('message', (data) => {
      // Everything the publisher sends is a message of the live protocol.
      const message = LiveFromWorkstation.parse(JSON.parse(String(data)));
      received.push(message);
      if (message.type === 'hello') socket.send(JSON.stringify({ type: 'welcome', protocol: 1 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    sockets,
    close: async () => {
      for (const socket of wss.clients) socket.terminate();
      wss.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
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

const audioIn = (received: LiveFromWorkstation[]) =>
  received.flatMap((m) => (m.type === 'audio' ? m.frames.map((f) => f.seq) : []));

describe('live publisher: auscultation audio', () => {
  it('sends frames while welcomed, drops them while disconnected and never sends them later', async () => {
    const server = await relay();
    cleanups.push(() => server.close());
    const publisher = new LivePublisher({
      source: source(),
      link: () => ({ serverUrl: server.url, credential: 'c' }),
      log: () => {},
      retryMs: { first: 50, last: 100 },
      bedsCheckMs: 50,
    }).start();
    cleanups.push(() => publisher.stop());

    // Not connected yet: nothing goes, nothing waits.
    expect(publisher.sendAudio('bed-1', frames(0, 5))).toBe(0);
    await until(() => server.received.some((m) => m.type === 'beds'), 'the bed list');

    expect(publisher.sendAudio('bed-1', frames(5, 5))).toBe(5);
    // A bed the relay was not told of would be refused there: not sent.
    expect(publisher.sendAudio('bed-9', frames(10, 5))).toBe(0);
    // More than one message holds: split, every frame sent.
    expect(publisher.sendAudio('bed-1', frames(100, 120))).toBe(120);
    await until(() => audioIn(server.received).length === 125, 'the frames at the relay');
    expect(server.received.filter((m) => m.type === 'audio').map((m) => m.bedId)).toEqual([
      'bed-1',
      'bed-1',
      'bed-1',
      'bed-1',
    ]);

    // The link drops: frames offered meanwhile are dropped, and not sent once it is back.
    server.sockets[0]!.terminate();
    await until(() => publisher.status().state !== 'connected', 'the link down');
    expect(publisher.sendAudio('bed-1', frames(300, 5))).toBe(0);
    await until(
      () =>
        server.sockets.length === 2 &&
        server.received.filter((m) => m.type === 'beds').length === 2,
      'connected again',
    );
    expect(publisher.sendAudio('bed-1', frames(400, 2))).toBe(2);
    await until(() => audioIn(server.received).includes(401), 'the new frames');
    const seqs = audioIn(server.received);
    expect(seqs.filter((seq) => seq >= 300 && seq < 305)).toEqual([]);
    expect(seqs.filter((seq) => seq < 10)).toEqual([5, 6, 7, 8, 9]);
    expect(publisher.status()).toMatchObject({ sentAudioFrames: 127, droppedAudioFrames: 15 });
  });
});
