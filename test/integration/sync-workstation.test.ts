// Sync as a whole workstation does it, through its api: enrolled from the screen's request, the
// status line's object (request and stream), a patient admitted here reaching the server with its
// clock stamp, what the server holds pulled back (its name for this workstation, a patient
// recorded elsewhere), the server gone (unreachable, with the words), and the enrolment forgotten.
// Against the stand-in for the central server; no device (all patients are fictional).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkstation, type Workstation } from '../../electron/host/workstation';
import { SyncStatus } from '../../shared/api/contract-sync';
import { Status } from '../../shared/model/schemas';
import { formatHlc, parseHlc } from '../../shared/sync/hlc';
import { uuidv7 } from '../../shared/ids';
import { CentralStandIn } from '../support/central-stand-in';

const nurse = { actor: 'nurse.ward' };
let dir: string;
let central: CentralStandIn;
let workstation: Workstation;
const events: SyncStatus[] = [];
let unsubscribe: () => void = () => {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ws-sync-'));
  central = await CentralStandIn.start();
  workstation = await startWorkstation({
    dataDir: join(dir, 'data'),
    devices: [],
    log: () => {},
    sync: {
      statusEveryMs: 200,
      pullEveryMs: 300,
      uploader: { idleMs: 100, probeEveryMs: 300, retryMs: { first: 100, max: 500 } },
      // Any row waiting on any disk is "much on a filling disk": the alarm's wiring is tested
      // without filling a disk (the thresholds themselves: unsent-data.test.ts).
      unsentAlarm: { lowDiskBytes: Number.POSITIVE_INFINITY, muchUnsentBytes: 1 },
    },
  });
  unsubscribe = workstation.router.subscribe('syncStatus', {}, (event) =>
    events.push(SyncStatus.parse(event)),
  );
});
afterAll(async () => {
  unsubscribe();
  await workstation.stop();
  await central.close();
  rmSync(dir, { recursive: true, force: true });
});

const request = (method: string, params: unknown) =>
  workstation.router.request(method, params, nurse) as Promise<unknown>;
const status = async () => SyncStatus.parse(await request('getSyncStatus', {}));

async function until<T>(
  what: string,
  check: () => Promise<T | false> | T | false,
  timeoutMs = 10_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a workstation syncing with the central server', () => {
  it('is not enrolled at first: it says so, and keeps everything', async () => {
    expect(await status()).toMatchObject({
      enrolled: false,
      state: 'not-enrolled',
      message: 'Not connected to a central server — all data are kept on this workstation',
    });
    expect(events[0]?.state).toBe('not-enrolled');
  });

  it('refuses a wrong code in words, and enrols with the right one', async () => {
    await expect(
      request('enrol', { server: central.url, code: 'ZZZZ-ZZZZ-ZZZZ-ZZZZ', name: 'ICU-2' }),
    ).rejects.toMatchObject({
      code: 'invalid_request',
      message: expect.stringContaining('did not accept the code'),
    });
    const enrolled = SyncStatus.parse(
      await request('enrol', { server: central.url, code: central.code, name: 'ICU-2' }),
    );
    expect(enrolled).toMatchObject({
      enrolled: true,
      server: central.url,
      workstationName: 'ICU-2',
    });
  });

  it('sends a patient admitted here, stamped by its clock, and says all is sent', async () => {
    await request('admitPatient', {
      bedLabel: 'Bed 1',
      familyName: 'Test',
      givenName: 'Ada',
      mrn: 'SYNC-0001',
      birthDate: '1950-05-06',
      category: 'adult',
    });
    const patient = await until('the patient on the server', () =>
      central.kept('patients').find((r) => r.row.mrn === 'SYNC-0001'),
    );
    expect(parseHlc(String(patient.row.hlc)).node).toBe(workstation.id);
    expect(central.kept('admissions')).toHaveLength(1);
    expect(central.kept('audit_events').length).toBeGreaterThan(0);
    const connected = await until('connected, nothing waiting', async () => {
      const now = await status();
      return now.state === 'connected' && now.waiting.rows === 0 && now;
    });
    expect(connected.message).toMatch(
      /^Connected to the central server 127\.0\.0\.1:\d+ — all data sent$/,
    );
    expect(connected.lastSuccessAtMs).toBeGreaterThan(Date.now() - 10_000);
    // The stream publishes on its own beat (statusEveryMs), so it may say so a moment after the
    // request did; it must say so.
    await until('the status stream says connected', () =>
      events.some((e) => e.state === 'connected'),
    );
  });

  it('sets a refused row aside with its reason, and sends it again when asked', async () => {
    central.refuse = (table, row) =>
      table === 'annotations' && row.text === 'refused note'
        ? 'annotation kinds not known here'
        : null;
    await workstation.store.appendAnnotations([
      { bedId: 'bed-1', atMs: Date.now(), kind: 'note', text: 'refused note', actor: 'nurse.ward' },
    ]);
    const aside = await until('the row set aside', async () => {
      const now = await status();
      return now.setAside.count === 1 && now;
    });
    expect(aside.setAside.lastReason).toContain('annotation kinds not known here');
    expect(central.kept('annotations')).toHaveLength(0);

    // The server is changed to take it; someone at the workstation sends it again.
    central.refuse = () => null;
    expect(await request('sendSetAsideAgain', {})).toEqual({ requeued: 1 });
    await until('the row on the server', () => central.kept('annotations').length === 1);
    expect((await status()).setAside.count).toBe(0);
    await until('the request audited on the server', () =>
      central
        .kept('audit_events')
        .some((r) => r.row.action === 'sync-set-aside-requeued' && r.row.actor === nurse.actor),
    );
    // Nothing set aside: nothing to send again.
    expect(await request('sendSetAsideAgain', {})).toEqual({ requeued: 0 });
  });

  it('pulls its name and unit, and a patient recorded at another workstation', async () => {
    const elsewhere = uuidv7();
    central.pullChanges.push(
      { kind: 'workstation', name: 'ICU-2 central', unit: 'Intensive care 2' },
      {
        kind: 'row',
        table: 'patients',
        row: {
          id: elsewhere,
          workstation_id: 'ws-ward-7',
          created_at: new Date().toISOString(),
          supersedes: null,
          mrn: 'SYNC-0002',
          family_name: 'Test',
          given_name: 'Bea',
          birth_date: '1944-04-04',
          category: 'adult',
          actor: 'nurse.ward7',
          at_ms: Date.now(),
          hlc: formatHlc({ wallMs: Date.now(), counter: 0, node: 'ws-ward-7' }),
        },
      },
    );
    await until(
      'the name IT gave',
      async () => (await status()).workstationName === 'ICU-2 central',
    );
    expect((await status()).unit).toBe('Intensive care 2');
    const found = await until('the pulled patient', async () => {
      const hits = (await request('searchPatients', { query: 'SYNC-0002' })) as {
        patient: { id: string; givenName: string };
      }[];
      return hits.length > 0 && hits;
    });
    expect(found[0]!.patient).toMatchObject({ id: elsewhere, givenName: 'Bea' });
    // Not sent back: it is the server's already.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(central.kept('patients').some((r) => r.row.id === elsewhere)).toBe(false);
  });

  it('says since when the server is unreachable and that everything is kept; then forgets', async () => {
    await central.close();
    await request('admitPatient', {
      bedLabel: 'Bed 2',
      familyName: 'Test',
      givenName: 'Cy',
      mrn: 'SYNC-0003',
      birthDate: '1970-07-07',
      category: 'adult',
    });
    const down = await until('unreachable', async () => {
      const now = await status();
      return now.state === 'unreachable' && now.waiting.rows > 0 && now;
    });
    // Every bed says the disk is filling with unsent data (thresholds lowered for the test).
    const alarm = await until('the unsent-data alarm on the bed', async () => {
      const { beds } = Status.parse(await request('getStatus', {}));
      const bed = beds.find((b) => b.label === 'Bed 2');
      return bed?.alarms.find((a) => a.code === 'SYNC_UNSENT_DISK');
    });
    expect(alarm).toMatchObject({ kind: 'technical', priority: 'low' });
    expect(alarm.message).toMatch(/^Disk filling with data not yet sent to the central server: /);
    expect(down.message).toMatch(
      /^Central server unreachable since \d\d:\d\d — [\d,]+ rows \(.+\) waiting, all kept on this workstation$/,
    );
    const forgotten = SyncStatus.parse(await request('forgetEnrolment', {}));
    expect(forgotten).toMatchObject({ enrolled: false, state: 'not-enrolled', server: null });
    expect(forgotten.waiting.rows).toBeGreaterThan(0);
  });
});
