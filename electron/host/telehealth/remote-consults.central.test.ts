// Remote consults against the real central server (server/telehealth on real PostgreSQL, loopback
// HTTP), with the workstation's real credential from enrolment: the nurse invites, the remote
// clinician redeems the link and code as the viewer's page does and writes a note, the bedside
// picks up who is watching and the note (kept as the stay's annotation), the nurse ends it and the
// viewer's session is gone; a discharge ends another consult at the server as 'patient-left'.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VIEWER_PATHS } from '../../../shared/telehealth/viewer';
import { startTestCentral, type TestCentral } from '../../../server/test-support/central';
import { call } from '../../../server/test-support/http-client';
import { Admissions } from '../admissions';
import { BedState } from '../beds';
import { Bus } from '../bus';
import { ADULT_DEFAULTS } from '../alarms/limits';
import { openStore, type Store } from '../store/client';
import { freshStoreDir } from '../store/store-template.test-support';
import { CONSULT_NOTE_KIND } from '../store/telehealth-consults';
import { RemoteConsults } from './remote-consults';

const NOTE = 'ECG reviewed remotely: no acute change.';

let central: TestCentral;
let credential: string;
let store: Store;
let folder: string;
let consults: RemoteConsults;
let admissions: Admissions;
const bus = new Bus(() => {});
const beds = new Map(
  [1, 2].map((n) => [`bed-${n}`, new BedState(`bed-${n}`, `Bed ${n}`, ADULT_DEFAULTS)]),
);

async function until<T>(read: () => T | Promise<T>, ok: (value: T) => boolean, what: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`still waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The viewer's page, as a browser: redeems the link's token and the code; its session cookie. */
async function redeem(url: string, code: string, name: string): Promise<string> {
  const token = new URL(url).hash.replace(/^#(t=)?/, '');
  const answer = await call(central.url, VIEWER_PATHS.redeem, {
    body: { token, code, name },
    headers: { origin: central.url },
    noProtocol: true,
  });
  expect(answer.status, answer.text).toBe(200);
  const cookie = String(answer.headers['set-cookie']?.[0] ?? '').split(';')[0]!;
  expect(cookie).toContain('=');
  return cookie;
}

beforeAll(async () => {
  central = await startTestCentral();
  credential = await central.enrol('ws-telehealth-real');
  const dir = await freshStoreDir('ws-telehealth-real-');
  folder = dir.folder;
  store = await openStore({ dataDir: dir.dataDir, workstationId: 'ws-telehealth-real' });
  admissions = new Admissions({
    beds,
    bedForLabel: (label) => [...beds.values()].find((b) => b.label === label)!,
    store,
    bus,
    now: () => Date.now(),
    emptyBedCategory: 'adult',
  });
  consults = await new RemoteConsults({
    beds,
    bus,
    store,
    link: () => ({ serverUrl: central.url, credential }),
    pollEveryMs: 100,
    timeoutMs: 2_000,
    log: () => {},
  }).start();
}, 180_000);

afterAll(async () => {
  await consults?.stop();
  await store?.close();
  await central?.stop();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

describe('remote consults with the real central server', () => {
  it('invites, is watched, gets the note, and ends at the bed: the viewer is shut out', async () => {
    const patient = await admissions.admit(
      {
        bedId: 'bed-1',
        mrn: 'THR-0001',
        familyName: 'Test',
        givenName: 'Alice',
        birthDate: '1950-01-02',
        category: 'adult',
      },
      'Nurse Ada',
    );
    const made = await consults.invite(
      { bedId: 'bed-1', minutes: 15, consent: { givenBy: 'patient' } },
      'Nurse Ada',
    );
    expect(made).toMatchObject({ status: 'waiting', patientId: patient.id });
    expect(made.code).toMatch(/^\d{8}$/);

    const cookie = await redeem(made.url!, made.code!, 'Dr Real');
    const note = await call(central.url, VIEWER_PATHS.notes, {
      body: { text: NOTE },
      headers: { origin: central.url, cookie },
      noProtocol: true,
    });
    expect([200, 201], note.text).toContain(note.status);

    const watching = await until(
      () => consults.list('bed-1')[0]!,
      (c) => c.status === 'watching' && c.notes.length === 1,
      'the viewer and the note at the bed',
    );
    expect(watching).toMatchObject({ url: null, code: null, viewer: { name: 'Dr Real' } });
    const kept = (await store.readAnnotations('bed-1', 0, Date.now() + 60_000)).filter(
      (a) => a.kind === CONSULT_NOTE_KIND,
    );
    expect(kept).toEqual([
      expect.objectContaining({ text: NOTE, actor: 'Dr Real (remote clinician)' }),
    ]);

    const ended = await consults.end({ bedId: 'bed-1', consultId: made.id }, 'Nurse Ada');
    expect(ended).toMatchObject({ status: 'ended', endReason: 'ended-at-bed', problem: null });
    const session = await call(central.url, VIEWER_PATHS.session, {
      headers: { origin: central.url, cookie },
      noProtocol: true,
    });
    expect(session.status).not.toBe(200);
  });

  it('ends the consult at the server when the patient is discharged', async () => {
    await admissions.admit(
      {
        bedId: 'bed-2',
        mrn: 'THR-0002',
        familyName: 'Test',
        givenName: 'Bob',
        birthDate: '1951-01-02',
        category: 'adult',
      },
      'Nurse Ada',
    );
    const made = await consults.invite(
      { bedId: 'bed-2', minutes: 15, consent: { givenBy: 'patient' } },
      'Nurse Ada',
    );
    const cookie = await redeem(made.url!, made.code!, 'Dr Real');
    await admissions.discharge('bed-2', 'Nurse Ada');
    await until(
      async () =>
        (
          await call(central.url, VIEWER_PATHS.session, {
            headers: { origin: central.url, cookie },
            noProtocol: true,
          })
        ).status,
      (status) => status !== 200,
      'the viewer shut out after the discharge',
    );
    expect(consults.list('bed-2')).toEqual([]);
  });
});
