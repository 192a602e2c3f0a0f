// The live relay on a real central server (PostgreSQL, loopback HTTP): workstations in with their
// credential, viewers out through the hospital central station's WebSocket. Refusals, hostile
// messages, a workstation that goes away, and a viewer that stops reading.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCentral, type TestCentral } from '../test-support/central';
import { MAX_LIVE_MESSAGE_BYTES } from '../../shared/sync/live';
import {
  liveWorkstation,
  numericEvent,
  samplesEvent,
  snapshotEvent,
  testBed,
  until,
  viewer,
  type ViewerClient,
} from './live-clients.test-support';

const TOKEN = 'test-viewer-token-0123456789abcdef';
const WS_A = 'ws-a-0000-0000';
const WS_B = 'ws-b-0000-0000';

let central: TestCentral;
let credentialA: string;
let credentialB: string;

beforeAll(async () => {
  central = await startTestCentral({
    viewerToken: TOKEN,
    liveTuning: {
      viewerLimits: { behindBytes: 256 * 1024, caughtUpBytes: 64 * 1024 },
      recheckMs: 300,
    },
  });
  credentialA = await central.enrol(WS_A, 'ICU-2 station');
  credentialB = await central.enrol(WS_B, 'Ward 5 station');
});
afterAll(async () => {
  await central?.stop();
});

async function statusBeds(view: ViewerClient) {
  const status = (await view.request('getStatus', {})) as {
    beds: Array<{ id: string; label: string; site?: unknown; offline?: unknown }>;
    origin: string;
  };
  return status;
}

describe('live relay', () => {
  it('takes a workstation’s beds and events and gives them to a viewer, ids namespaced', async () => {
    const station = await liveWorkstation(central.url, credentialA, WS_A);
    expect(station.replies[0]).toEqual({ type: 'welcome', protocol: 1 });
    const bed = testBed('bed-1', 'Bed 1');
    station.send({ type: 'beds', beds: [bed] });
    station.send({ type: 'bed', bedId: 'bed-1', event: snapshotEvent(bed) });

    const view = await viewer(central.url, TOKEN);
    const status = await until(async () => {
      const s = await statusBeds(view);
      return s.beds.some((b) => b.id === `${WS_A}/bed-1`) ? s : null;
    }, 'the bed in the status').then((p) => p);
    expect(status.origin).toBe('central');
    expect(status.beds.find((b) => b.id === `${WS_A}/bed-1`)).toMatchObject({
      label: 'Bed 1',
      site: { workstationId: WS_A, workstationName: 'ICU-2 station', unit: 'ICU 2' },
    });

    const id = view.subscribe('bedLive', { bedId: `${WS_A}/bed-1`, waveforms: 'primary' });
    await until(() => view.eventsOf(id).length > 0, 'the snapshot');
    const [snapshot] = view.eventsOf(id);
    expect(snapshot).toMatchObject({ type: 'snapshot', bed: { id: `${WS_A}/bed-1` } });

    station.send({ type: 'bed', bedId: 'bed-1', event: numericEvent(71) });
    station.send({ type: 'bed', bedId: 'bed-1', event: samplesEvent('bed-1', 20) });
    // The pleth is not the tile's wave: a primary viewer never gets it.
    station.send({
      type: 'bed',
      bedId: 'bed-1',
      event: samplesEvent('bed-1', 5, 'MDC_PULS_OXIM_PLETH'),
    });
    await until(() => view.eventsOf(id).some((e) => e.type === 'samples'), 'samples');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const events = view.eventsOf(id);
    expect(events.find((e) => e.type === 'numeric')).toMatchObject({ numeric: { value: 71 } });
    const samples = events.filter((e) => e.type === 'samples');
    expect(samples).toHaveLength(1);
    expect(samples[0]).toMatchObject({
      blocks: [{ bedId: `${WS_A}/bed-1`, channel: 'MDC_ECG_ELEC_POTL_II' }],
    });

    // A viewer that opens now starts with the latest numerics.
    const late = await viewer(central.url, TOKEN);
    const lateId = late.subscribe('bedLive', { bedId: `${WS_A}/bed-1` });
    await until(() => late.eventsOf(lateId).length > 0, 'the late snapshot');
    expect(late.eventsOf(lateId)[0]).toMatchObject({
      type: 'snapshot',
      bed: { numerics: { MDC_ECG_HEART_RATE: { value: 71 } } },
    });

    // The workstation goes: its bed says so, with the time of its last data.
    await station.close();
    await until(
      () =>
        view
          .eventsOf(id)
          .find((e) => e.type === 'snapshot' && (e.bed as { offline?: unknown }).offline),
      'the offline snapshot',
    );
    const offline = view.eventsOf(id).at(-1) as {
      bed: { offline: { sinceMs: number; lastDataMs: number } };
    };
    expect(offline.bed.offline.lastDataMs).toBeLessThanOrEqual(offline.bed.offline.sinceMs);
    expect(offline.bed.offline.lastDataMs).toBeGreaterThan(Date.now() - 60_000);
    const after = await statusBeds(view);
    expect(after.beds.find((b) => b.id === `${WS_A}/bed-1`)?.offline).toBeTruthy();
    await view.close();
    await late.close();
  });

  it('refuses what acts on a bed, in words, and reads nothing it was not asked', async () => {
    const view = await viewer(central.url, TOKEN);
    await expect(
      view.request('acknowledgeAlarm', { bedId: `${WS_A}/bed-1`, alarmId: 'x' }),
    ).rejects.toThrow('Do this at the workstation at the bed');
    await expect(
      view.request('admitPatient', {
        bedId: `${WS_A}/bed-1`,
        mrn: '1',
        familyName: 'A',
        givenName: 'B',
        birthDate: '1970-01-01',
        category: 'adult',
      }),
    ).rejects.toThrow('Do this at the workstation at the bed');
    await view.close();
  });

  it('refuses a revoked or unknown credential with the reason, and closes', async () => {
    const revokedId = 'ws-revoked-0000';
    const credential = await central.enrol(revokedId, 'Old station');
    await central.server.db.query('UPDATE workstations SET revoked_at = now() WHERE id = $1', [
      revokedId,
    ]);
    const revoked = await liveWorkstation(central.url, credential, revokedId, { hello: false });
    await until(() => revoked.replies.length > 0, 'the refusal');
    expect(revoked.replies[0]).toMatchObject({ type: 'refused', error: 'revoked' });
    expect((await revoked.closed).code).toBe(1008);

    const unknown = await liveWorkstation(central.url, 'not-a-credential-at-all-0123456789', 'x', {
      hello: false,
    });
    await until(() => unknown.replies.length > 0, 'the refusal');
    expect(unknown.replies[0]).toMatchObject({ type: 'refused', error: 'unauthenticated' });
    await unknown.closed;

    const none = await liveWorkstation(central.url, null, 'x', { hello: false });
    await until(() => none.replies.length > 0, 'the refusal');
    expect(none.replies[0]).toMatchObject({ type: 'refused', error: 'unauthenticated' });
  });

  it('ends the stream of a workstation revoked while it is connected; its beds leave the station', async () => {
    const id = 'ws-revoked-later';
    const credential = await central.enrol(id, 'Soon revoked');
    const station = await liveWorkstation(central.url, credential, id);
    expect(station.replies[0]).toMatchObject({ type: 'welcome' });
    const bed = testBed('bed-1');
    station.send({ type: 'beds', beds: [bed] });
    station.send({ type: 'bed', bedId: 'bed-1', event: snapshotEvent(bed) });
    await central.server.db.query('UPDATE workstations SET revoked_at = now() WHERE id = $1', [id]);
    await until(() => station.replies.length > 1, 'the refusal', 5_000);
    expect(station.replies[1]).toMatchObject({ type: 'refused', error: 'revoked' });
    await station.closed;
    expect(central.server.live.live.relay.hasBed(`${id}/bed-1`)).toBe(false);
    const view = await viewer(central.url, TOKEN);
    const status = await statusBeds(view);
    expect(status.beds.some((b) => b.id.startsWith(`${id}/`))).toBe(false);
    await view.close();
  });

  it('refuses hostile messages without crashing: wrong schema, huge, another workstation’s bed', async () => {
    const b = await liveWorkstation(central.url, credentialB, WS_B);
    const bedB = testBed('bed-1', 'Bed 1');
    b.send({ type: 'beds', beds: [bedB] });
    b.send({ type: 'bed', bedId: 'bed-1', event: snapshotEvent(bedB) });
    const view = await viewer(central.url, TOKEN);
    await until(
      async () => (await statusBeds(view)).beds.some((x) => x.id === `${WS_B}/bed-1`),
      'B’s bed',
    );
    const id = view.subscribe('bedLive', { bedId: `${WS_B}/bed-1` });
    await until(() => view.eventsOf(id).length > 0, 'B’s snapshot');

    const hostile = await liveWorkstation(central.url, credentialA, WS_A);
    hostile.send({ type: 'beds', beds: [testBed('bed-9')] });
    // Not JSON, not a message, a wrong schema, binary.
    hostile.send('{{{');
    hostile.send(JSON.stringify({ type: 'nonsense' }));
    hostile.send(
      JSON.stringify({ type: 'bed', bedId: 'bed-9', event: { type: 'numeric', refId: 5 } }),
    );
    hostile.send(Buffer.from([1, 2, 3]));
    // Another workstation's bed, by its namespaced id and by a bed it did not list.
    hostile.send({ type: 'bed', bedId: `${WS_B}/bed-1`, event: numericEvent(250) });
    hostile.send({ type: 'bed', bedId: 'bed-1', event: numericEvent(250) });
    // An event under its own bed that names another.
    hostile.send({ type: 'bed', bedId: 'bed-9', event: samplesEvent(`${WS_B}/bed-1`) });
    // A second hello claiming to be B.
    hostile.send({ type: 'hello', protocol: 1, workstationId: WS_B });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hostile.ws.readyState).toBe(hostile.ws.OPEN);
    expect(view.eventsOf(id).some((e) => e.type === 'numeric')).toBe(false);
    // Its own bed still flows.
    hostile.send({ type: 'bed', bedId: 'bed-9', event: numericEvent(60) });

    // Too large: closed with 1009, the relay carries on.
    hostile.send('x'.repeat(MAX_LIVE_MESSAGE_BYTES + 1));
    expect((await hostile.closed).code).toBe(1009);

    // Claiming another workstation's id in hello: refused.
    const liar = await liveWorkstation(central.url, credentialA, WS_B, { hello: false });
    liar.send({ type: 'hello', protocol: 1, workstationId: WS_B });
    await until(() => liar.replies.length > 0, 'the refusal');
    expect(liar.replies[0]).toMatchObject({ type: 'refused', error: 'forbidden' });

    // A protocol from the future: refused with what to update.
    const future = await liveWorkstation(central.url, credentialA, WS_A, { hello: false });
    future.send({ type: 'hello', protocol: 99, workstationId: WS_A });
    await until(() => future.replies.length > 0, 'the refusal');
    expect(future.replies[0]).toMatchObject({ type: 'refused', error: 'protocol-too-new' });

    // B is untouched and still live.
    b.send({ type: 'bed', bedId: 'bed-1', event: numericEvent(80) });
    await until(() => view.eventsOf(id).some((e) => e.type === 'numeric'), 'B’s numeric');
    expect(view.eventsOf(id).filter((e) => e.type === 'numeric')).toEqual([
      expect.objectContaining({ numeric: expect.objectContaining({ value: 80 }) }),
    ]);
    await b.close();
    await view.close();
  });

  it('drops a viewer that stops reading to numerics-only, and gives it waveforms when it catches up', async () => {
    const station = await liveWorkstation(central.url, credentialB, WS_B);
    const bed = testBed('bed-2', 'Bed 2');
    station.send({ type: 'beds', beds: [bed] });
    station.send({ type: 'bed', bedId: 'bed-2', event: snapshotEvent(bed) });
    const slow = await viewer(central.url, TOKEN);
    const fast = await viewer(central.url, TOKEN);
    await until(
      async () => (await statusBeds(fast)).beds.some((x) => x.id === `${WS_B}/bed-2`),
      'the bed',
    );
    const slowId = slow.subscribe('bedLive', { bedId: `${WS_B}/bed-2` });
    const fastId = fast.subscribe('bedLive', { bedId: `${WS_B}/bed-2` });
    await until(
      () => slow.eventsOf(slowId).length > 0 && fast.eventsOf(fastId).length > 0,
      'snapshots',
    );
    const viewers = () => central.server.live.station.viewers();
    const initially = viewers().length;
    expect(initially).toBeGreaterThanOrEqual(2);

    // The slow viewer stops reading: its socket is paused, the kernel's buffers fill, then ours.
    (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    let sent = 0;
    const sendBurst = async () => {
      for (let i = 0; i < 40; i++) {
        station.send({ type: 'bed', bedId: 'bed-2', event: samplesEvent('bed-2', 20_000) });
        sent += 1;
      }
      station.send({ type: 'bed', bedId: 'bed-2', event: numericEvent(90 + (sent % 5)) });
      await new Promise((resolve) => setTimeout(resolve, 50));
    };
    await until(
      async () => {
        await sendBurst();
        return viewers().some((v) => v.mode === 'numerics-only');
      },
      'the slow viewer to be dropped to numerics-only',
      30_000,
    );
    const dropped = viewers().find((v) => v.mode === 'numerics-only')!;
    await sendBurst();
    expect(dropped.droppedSampleEvents).toBeGreaterThan(0);
    // The fast viewer got every sample event meanwhile, but those the relay dropped for it and
    // counted (on a loaded machine this process, its reader, can fall behind too, and the relay
    // rightly drops its samples as well): never silently fewer, and far fewer than the slow one's.
    const othersDropped = () =>
      viewers()
        .filter((v) => v !== dropped)
        .reduce((n, v) => n + v.droppedSampleEvents, 0);
    await until(
      () =>
        fast.eventsOf(fastId).filter((e) => e.type === 'samples').length + othersDropped() >= sent,
      'every sample event at the fast viewer',
      20_000,
    );
    expect(othersDropped()).toBeLessThan(dropped.droppedSampleEvents);

    // It reads again: it catches up, gets the numerics it was owed, then waveforms again.
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    await until(
      async () => {
        station.send({ type: 'bed', bedId: 'bed-2', event: samplesEvent('bed-2', 10) });
        await new Promise((resolve) => setTimeout(resolve, 50));
        return dropped.mode === 'full';
      },
      'the slow viewer to catch up',
      30_000,
    );
    const before = slow.eventsOf(slowId).length;
    station.send({ type: 'bed', bedId: 'bed-2', event: samplesEvent('bed-2', 10) });
    await until(
      () =>
        slow
          .eventsOf(slowId)
          .slice(before)
          .some((e) => e.type === 'samples'),
      'samples at the caught-up viewer',
    );
    expect(slow.eventsOf(slowId).some((e) => e.type === 'numeric')).toBe(true);
    await station.close();
    await slow.close();
    await fast.close();
  }, 90_000);
});
