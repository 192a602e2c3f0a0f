// Live auscultation through the relay (telehealth): a workstation's audio frames reach whoever
// listens to the bed now, through the in-process broker and through the real NATS at
// 127.0.0.1:4222 to a viewer on another instance; nothing is kept or replayed; audio for a bed
// the workstation did not list, or frames of the wrong shape, are refused like events.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuscultationFrame } from '../../shared/telehealth/audio';
import { startTestCentral, type TestCentral } from '../test-support/central';
import { freshDatabase, type TestDatabase } from '../test-support/database';
import { LocalBroker } from './broker';
import { liveWorkstation, testBed, until } from './live-clients.test-support';
import { LiveRelay } from './relay';

const NATS_URL = process.env.CENTRAL_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const TOKEN = 'test-viewer-token-0123456789abcdef';

function frames(from: number, count: number): AuscultationFrame[] {
  return Array.from({ length: count }, (_, i) => ({
    seq: from + i,
    atMs: 1_700_000_000_000 + (from + i) * 20,
    codec: 'opus' as const,
    sampleRateHz: 48_000,
    channels: 1 as const,
    durationUs: 20_000,
    data: Buffer.from([0xfc, (from + i) & 0xff, 7, 7]).toString('base64'),
  }));
}

const SITE = { workstationId: 'ws-local', workstationName: 'Station', unit: 'ICU 2' };

describe('relay audio, one instance (in-process broker)', () => {
  it('fans a bed’s frames out to its listeners now, keeps none, and isolates a failing ear', async () => {
    const log: string[] = [];
    const relay = new LiveRelay({
      broker: new LocalBroker(),
      instanceId: 'one',
      log: (m) => log.push(m),
    }).start();
    try {
      relay.workstationConnected(SITE, 'session-1');
      relay.workstationBeds('ws-local', [testBed('ws-local/bed-1'), testBed('ws-local/bed-2')]);

      // Nobody listening: the frames are gone, not kept for a listener that comes later.
      relay.workstationAudio('ws-local', 'ws-local/bed-1', frames(0, 3));
      const first: number[] = [];
      const second: number[] = [];
      const other: number[] = [];
      const offFirst = relay.subscribeAudio('ws-local/bed-1', (f) => first.push(f.seq));
      relay.subscribeAudio('ws-local/bed-1', () => {
        throw new Error('a broken ear');
      });
      relay.subscribeAudio('ws-local/bed-1', (f) => second.push(f.seq));
      relay.subscribeAudio('ws-local/bed-2', (f) => other.push(f.seq));
      expect(relay.stats().audioListeners).toBe(4);

      relay.workstationAudio('ws-local', 'ws-local/bed-1', frames(3, 2));
      expect(first).toEqual([3, 4]);
      expect(second).toEqual([3, 4]);
      expect(other).toEqual([]);
      expect(log.filter((m) => m.includes('a broken ear'))).toHaveLength(2);

      // A workstation not connected here says nothing; a bed id not under its own is not heard.
      relay.workstationAudio('ws-other', 'ws-local/bed-1', frames(10, 1));
      expect(first).toEqual([3, 4]);

      offFirst();
      relay.workstationAudio('ws-local', 'ws-local/bed-1', frames(5, 1));
      expect(first).toEqual([3, 4]);
      expect(second).toEqual([3, 4, 5]);
      expect(relay.stats().audioListeners).toBe(3);
    } finally {
      await relay.close();
    }
  });
});

describe('relay audio through the workstation socket and NATS', () => {
  let database: TestDatabase;
  let one: TestCentral;
  let two: TestCentral;

  beforeAll(async () => {
    database = await freshDatabase();
    const options = { viewerToken: TOKEN, natsUrl: NATS_URL };
    one = await startTestCentral(options, database);
    two = await startTestCentral(options, database);
  });
  afterAll(async () => {
    await one?.stop().catch(() => undefined);
    await two?.stop().catch(() => undefined);
    await database?.drop();
  });

  it('relays a listed bed’s frames to listeners on both instances; refuses an unlisted bed’s', async () => {
    const ws = `ws-audio-${Date.now()}`;
    const credential = await one.enrol(ws, 'Audio station');
    const station = await liveWorkstation(one.url, credential, ws);
    expect(station.replies[0]).toMatchObject({ type: 'welcome' });
    station.send({ type: 'beds', beds: [testBed('bed-1', 'Bed 1')] });
    await until(() => two.server.live.live.relay.hasBed(`${ws}/bed-1`), 'the bed over NATS');

    const here: AuscultationFrame[] = [];
    const there: AuscultationFrame[] = [];
    const unlisted: AuscultationFrame[] = [];
    one.server.live.live.relay.subscribeAudio(`${ws}/bed-1`, (f) => here.push(f));
    const offThere = two.server.live.live.relay.subscribeAudio(`${ws}/bed-1`, (f) => there.push(f));
    two.server.live.live.relay.subscribeAudio(`${ws}/bed-9`, (f) => unlisted.push(f));

    const sent = frames(0, 5);
    station.send({ type: 'audio', bedId: 'bed-1', frames: sent });
    await until(() => there.length === 5 && here.length === 5, 'the frames on both instances');
    expect(there).toEqual(sent);
    expect(here).toEqual(sent);

    // A bed the workstation did not list: refused and logged, heard nowhere.
    station.send({ type: 'audio', bedId: 'bed-9', frames: frames(5, 1) });
    // Frames of the wrong shape: refused whole.
    station.send({
      type: 'audio',
      bedId: 'bed-1',
      frames: [{ ...frames(6, 1)[0]!, codec: 'mp3' }],
    } as never);
    station.send({
      type: 'audio',
      bedId: 'bed-1',
      frames: [{ ...frames(7, 1)[0]!, data: 'A'.repeat(6000) }],
    });
    station.send({ type: 'audio', bedId: 'bed-1', frames: [] } as never);
    station.send({ type: 'audio', bedId: 'bed-1', frames: frames(8, 1) });
    await until(() => there.length === 6, 'the frame after the refused ones');
    expect(there.map((f) => f.seq)).toEqual([0, 1, 2, 3, 4, 8]);
    expect(unlisted).toEqual([]);
    expect(one.logs.some((m) => m.includes('audio for bed-9, which is not one of its beds'))).toBe(
      true,
    );
    // The workstation keeps its socket: a refused message is not the end of it.
    expect(station.ws.readyState).toBe(station.ws.OPEN);

    offThere();
    station.send({ type: 'audio', bedId: 'bed-1', frames: frames(9, 1) });
    await until(() => here.length === 7, 'the frame on the first instance');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(there).toHaveLength(6);
    await station.close();
  });
});
