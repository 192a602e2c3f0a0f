// Two (then three) central server instances against one database, sharing live data through the
// real NATS at 127.0.0.1:4222: a workstation connected to one, viewers on the others.
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCentral, type TestCentral } from '../test-support/central';
import { freshDatabase, type TestDatabase } from '../test-support/database';
import {
  liveWorkstation,
  numericEvent,
  samplesEvent,
  snapshotEvent,
  testBed,
  until,
  viewer,
} from './live-clients.test-support';

const NATS_URL = process.env.CENTRAL_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const TOKEN = 'test-viewer-token-0123456789abcdef';
const WS = `ws-nats-${Date.now()}`;

let database: TestDatabase;
let one: TestCentral;
let two: TestCentral;
const started: TestCentral[] = [];

beforeAll(async () => {
  database = await freshDatabase();
  const options = { viewerToken: TOKEN, natsUrl: NATS_URL };
  one = await startTestCentral(options, database);
  two = await startTestCentral(options, database);
  started.push(one, two);
});
afterAll(async () => {
  for (const central of started) await central.stop().catch(() => undefined);
  await database?.drop();
});

describe('live relay across instances (NATS)', () => {
  it('gives a viewer on one instance what a workstation sends to another, and says when it goes', async () => {
    const credential = await one.enrol(WS, 'ICU-3 station');
    const station = await liveWorkstation(one.url, credential, WS);
    expect(station.replies[0]).toMatchObject({ type: 'welcome' });
    const bed = testBed('bed-1', 'Bed 1');
    station.send({ type: 'beds', beds: [bed] });
    station.send({ type: 'bed', bedId: 'bed-1', event: snapshotEvent(bed) });
    station.send({ type: 'bed', bedId: 'bed-1', event: numericEvent(64) });

    const view = await viewer(two.url, TOKEN);
    await until(async () => {
      const status = (await view.request('getStatus', {})) as { beds: Array<{ id: string }> };
      return status.beds.some((b) => b.id === `${WS}/bed-1`);
    }, 'the bed at the other instance');
    const id = view.subscribe('bedLive', { bedId: `${WS}/bed-1` });
    await until(() => view.eventsOf(id).length > 0, 'the snapshot');
    expect(view.eventsOf(id)[0]).toMatchObject({
      type: 'snapshot',
      bed: {
        site: { workstationName: 'ICU-3 station' },
        numerics: { MDC_ECG_HEART_RATE: { value: 64 } },
      },
    });
    station.send({ type: 'bed', bedId: 'bed-1', event: samplesEvent('bed-1', 50) });
    await until(() => view.eventsOf(id).some((e) => e.type === 'samples'), 'samples across NATS');

    // An instance started now learns what the others hold from them.
    const three = await startTestCentral({ viewerToken: TOKEN, natsUrl: NATS_URL }, database);
    started.push(three);
    const lateView = await viewer(three.url, TOKEN);
    await until(async () => {
      const status = (await lateView.request('getStatus', {})) as {
        beds: Array<{ id: string; offline?: unknown }>;
      };
      return status.beds.some((b) => b.id === `${WS}/bed-1` && !b.offline);
    }, 'the bed live at the late instance');
    const lateId = lateView.subscribe('bedLive', { bedId: `${WS}/bed-1` });
    await until(() => lateView.eventsOf(lateId).length > 0, 'the late instance’s snapshot');
    expect(lateView.eventsOf(lateId)[0]).toMatchObject({
      bed: { numerics: { MDC_ECG_HEART_RATE: { value: 64 } } },
      channels: expect.arrayContaining([
        expect.objectContaining({ refId: 'MDC_ECG_ELEC_POTL_II' }),
      ]),
    });

    // The workstation goes: both other instances mark its bed offline.
    await station.close();
    for (const [client, subscription] of [
      [view, id],
      [lateView, lateId],
    ] as const) {
      await until(
        () =>
          client
            .eventsOf(subscription)
            .some((e) => e.type === 'snapshot' && (e.bed as { offline?: unknown }).offline),
        'the offline snapshot',
      );
    }
    await view.close();
    await lateView.close();
  });

  it('tells the workstations on every instance when IT changes an update feed; a malformed notice on NATS goes nowhere', async () => {
    const onOne = await liveWorkstation(one.url, await one.enrol(`${WS}-u1`), `${WS}-u1`);
    const onTwo = await liveWorkstation(two.url, await two.enrol(`${WS}-u2`), `${WS}-u2`);
    const notices = (client: typeof onOne) =>
      client.replies.filter((r) => r.type === 'update-feed');
    // Straight onto NATS, as a broken or hostile peer might: checked, not passed on.
    const nats = await connect({ servers: NATS_URL });
    nats.publish(
      'live._updates',
      JSON.stringify({ kind: 'update-feed', channel: 'nightly', platform: 'linux', atMs: 1 }),
    );
    nats.publish('live._updates', JSON.stringify({ kind: 'update-feed' }));
    await nats.flush();
    await nats.close();
    two.server.live.live.relay.updateFeedChanged({ channel: 'pilot', platform: 'mac' });
    await until(() => notices(onOne).length > 0 && notices(onTwo).length > 0, 'both notices');
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (const client of [onOne, onTwo])
      expect(notices(client)).toEqual([{ type: 'update-feed', channel: 'pilot', platform: 'mac' }]);
    await onOne.close();
    await onTwo.close();
  });
});
