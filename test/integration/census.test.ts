// The hospital's patient list on a whole workstation, through its api: pulled page by page after a
// kept cursor once enrolled, searched by name or MRN (admitted first), held against the patients
// admitted here while offline (the same in any case and spacing; other details shown for a person
// to resolve, both ways; a "keep ours" asked again once the hospital's record changes), hostile
// pages refused without harm, and everything kept across a restart with the server gone.
// Against the stand-in for the central server (test/support/central-stand-in.ts): the server's
// census endpoint is being built at the same time, the wire between them is shared/sync/census.ts.
// Real PGlite store on disk; every patient is fictional.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkstation, type Workstation } from '../../electron/host/workstation';
import {
  HospitalListEvent,
  HospitalMatch,
  type HospitalListState,
} from '../../shared/api/contract-census';
import { PatientHistory } from '../../shared/api/contract-patients';
import { CensusEntry } from '../../shared/sync/census';
import { Status } from '../../shared/model/schemas';
import { CentralStandIn } from '../support/central-stand-in';

const nurse = { actor: 'nurse.ward' };
let dir: string;
let central: CentralStandIn;
let workstation: Workstation;
const logged: string[] = [];
let latest: HospitalListEvent | null = null;
let unsubscribe: () => void = () => {};

type SearchAnswer = HospitalListState & { entries: CensusEntry[] };

function entry(seq: number, mrn: string, over: Partial<CensusEntry> = {}): CensusEntry {
  return {
    seq,
    mrn,
    familyName: 'Fictional',
    givenName: `Patient ${seq}`,
    birthDate: '1970-01-01',
    sex: 'U',
    status: seq % 3 === 0 ? 'discharged' : 'admitted',
    visitNumber: `V${seq}`,
    location: { unit: 'Ward 7', room: '7', bed: String(seq % 20), facility: 'Testville' },
    admittedAtMs: 1_700_000_000_000,
    dischargedAtMs: null,
    updatedAtMs: 1_700_000_000_000 + seq,
    lastEvent: 'A01',
    ...over,
  };
}

async function start(): Promise<void> {
  workstation = await startWorkstation({
    dataDir: join(dir, 'data'),
    devices: [],
    log: (message) => logged.push(message),
    sync: {
      statusEveryMs: 200,
      pullEveryMs: 200,
      uploader: { idleMs: 100, probeEveryMs: 300, retryMs: { first: 100, max: 500 } },
    },
  });
  unsubscribe = workstation.router.subscribe('hospitalList', {}, (event) => {
    latest = HospitalListEvent.parse(event);
  });
}

async function stop(): Promise<void> {
  unsubscribe();
  await workstation.stop();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ws-census-'));
  central = await CentralStandIn.start();
  await start();
});
afterAll(async () => {
  await stop();
  await central.close();
  rmSync(dir, { recursive: true, force: true });
});

const request = (method: string, params: unknown) =>
  workstation.router.request(method, params, nurse) as Promise<unknown>;
const search = async (query: string) => (await request('searchCensus', { query })) as SearchAnswer;

async function until<T>(what: string, check: () => Promise<T | false> | T | false, ms = 15_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const matchOf = (mrn: string) => latest?.matches.find((m) => m.mrn === mrn);

async function admit(bedLabel: string, mrn: string, familyName: string, givenName: string) {
  await request('admitPatient', {
    bedLabel,
    familyName,
    givenName,
    mrn,
    birthDate: '1960-02-02',
    category: 'adult',
  });
}

describe('the hospital patient list on a workstation', () => {
  it('is not available before the workstation was ever linked to a central server', async () => {
    expect(await search('')).toEqual({ available: false, asOfMs: null, patients: 0, entries: [] });
    // Admitted here while offline (the rural case): one as the hospital has them (but typed in
    // another case and spacing), one with another family name, one the list does not have.
    await admit('Bed 1', 'HOSP-0002', 'Test', 'Bea');
    await admit('Bed 2', 'hosp-0003', 'Test', 'Cal');
    await admit('Bed 3', 'LOCAL-0009', 'Test', 'Dee');
    await until('the three patients compared', () => latest?.matches.length === 3);
    expect(latest).toMatchObject({ available: false });
    expect(latest!.matches.every((m) => m.state === 'not-on-list')).toBe(true);
  });

  it('is pulled page by page after a kept cursor once enrolled', async () => {
    central.census = [
      ...Array.from({ length: 1_100 }, (_, i) =>
        entry(i + 1, `FICT-${String(i + 1).padStart(4, '0')}`),
      ),
      entry(1_101, 'HOSP-0002', { familyName: 'Testa', givenName: 'Bea', birthDate: '1960-02-02' }),
      entry(1_102, 'HOSP-0003', {
        familyName: ' test ',
        givenName: 'CAL',
        birthDate: '1960-02-02',
      }),
    ];
    await request('enrol', { server: central.url, code: central.code, name: 'Clinic' });
    const found = await until('the whole list', async () => {
      const answer = await search('');
      return answer.patients === 1_102 && answer;
    });
    expect(found.available).toBe(true);
    expect(found.asOfMs).toBeGreaterThan(Date.now() - 60_000);
    // Three pages of at most 500, each after the last one kept.
    expect(central.censusAsks.slice(0, 3)).toEqual([
      { after: 0, limit: 500 },
      { after: 500, limit: 500 },
      { after: 1_000, limit: 500 },
    ]);
    // Then again after the last one, every round while the link is up.
    await until('a round after the whole list', () =>
      central.censusAsks.some((a) => a.after === 1_102),
    );
  });

  it('is searched by part of a name or MRN, admitted patients first', async () => {
    const bea = await search('testa');
    expect(bea.entries.map((e) => e.mrn)).toEqual(['HOSP-0002']);
    expect(bea.entries[0]).toMatchObject({ location: { unit: 'Ward 7' }, visitNumber: 'V1101' });
    expect((await search('fict-0012')).entries.map((e) => e.mrn)).toEqual(['FICT-0012']);
    // 102 and 1020…1029: the five discharged ones (every third seq) after the admitted ones.
    const some = await search('Fictional, Patient 102');
    expect(some.entries).toHaveLength(11);
    const statuses = some.entries.map((e) => e.status);
    expect(statuses.indexOf('discharged')).toBe(statuses.lastIndexOf('admitted') + 1);
    expect(statuses.filter((s) => s === 'discharged')).toHaveLength(5);
    expect(await search('Fictional')).toMatchObject({ entries: { length: 20 } });
    expect((await search('%')).entries).toHaveLength(0);
  });

  it('shows a patient admitted here with other details, and nothing for the same one', async () => {
    const differs = await until('the difference shown', () => {
      const m = matchOf('HOSP-0002');
      return m?.state === 'differs' && m;
    });
    expect(differs.differences).toEqual(['familyName']);
    expect(differs.hospital).toMatchObject({ familyName: 'Testa', seq: 1_101 });
    expect(differs.ours).toMatchObject({ familyName: 'Test', givenName: 'Bea' });
    expect(matchOf('hosp-0003')).toMatchObject({ state: 'same', differences: [] });
    expect(matchOf('LOCAL-0009')).toMatchObject({ state: 'not-on-list', hospital: null });
  });

  it('keeps ours when a person says so (audited), and asks again when the hospital changes', async () => {
    const shown = matchOf('HOSP-0002')!;
    const answer = {
      patientId: shown.patientId,
      versionId: shown.ours.versionId,
      hospitalSeq: shown.hospital!.seq,
    };
    await expect(
      request('resolveHospitalDifference', { ...answer, hospitalSeq: 1, choice: 'keep-ours' }),
    ).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('changed') });
    const kept = HospitalMatch.parse(
      await request('resolveHospitalDifference', { ...answer, choice: 'keep-ours' }),
    );
    expect(kept).toMatchObject({ state: 'kept-ours', keptOurs: { actor: 'nurse.ward' } });
    await until('the audit event on its way to the server', () =>
      central
        .kept('audit_events')
        .find((r) => r.row.action === 'hospital-details-declined' && r.row.actor === 'nurse.ward'),
    );
    // The hospital's record changes (an A08 with another given name): the question comes back.
    central.census.push(
      entry(1_103, 'HOSP-0002', {
        familyName: 'Testa',
        givenName: 'Beatrix',
        birthDate: '1960-02-02',
      }),
    );
    const again = await until('the difference asked again', () => {
      const m = matchOf('HOSP-0002');
      return m?.state === 'differs' && m.hospital?.seq === 1_103 && m;
    });
    expect(again.differences).toEqual(['familyName', 'givenName']);
  });

  it("takes the hospital's details as a new version when a person says so", async () => {
    const shown = matchOf('HOSP-0002')!;
    const taken = HospitalMatch.parse(
      await request('resolveHospitalDifference', {
        patientId: shown.patientId,
        versionId: shown.ours.versionId,
        hospitalSeq: shown.hospital!.seq,
        choice: 'use-hospital',
      }),
    );
    expect(taken).toMatchObject({
      state: 'same',
      ours: { familyName: 'Testa', givenName: 'Beatrix' },
    });
    const history = PatientHistory.parse(
      await request('patientHistory', { patientId: shown.patientId }),
    );
    expect(history.versions.map((v) => `${v.familyName}, ${v.givenName}`)).toEqual([
      'Test, Bea',
      'Testa, Beatrix',
    ]);
    expect(history.versions[1]).toMatchObject({ mrn: 'HOSP-0002', recordedBy: 'nurse.ward' });
    const { beds } = Status.parse(await request('getStatus', {}));
    expect(beds.find((b) => b.label === 'Bed 1')?.patient).toMatchObject({
      familyName: 'Testa',
      givenName: 'Beatrix',
    });
    // The old answer is stale now: refused, nothing changed.
    await expect(
      request('resolveHospitalDifference', {
        patientId: shown.patientId,
        versionId: shown.ours.versionId,
        hospitalSeq: shown.hospital!.seq,
        choice: 'use-hospital',
      }),
    ).rejects.toMatchObject({ code: 'conflict' });
  });

  it('refuses hostile pages whole, keeps the list and its cursor, and goes on', async () => {
    const before = await search('');
    const asks = central.censusAsks.length;
    const after = central.censusAsks.at(-1)!.after;
    central.censusFaults.push(
      { status: 200, body: 'not json at all' },
      {
        status: 200,
        body: JSON.stringify({
          entries: [{ ...entry(1_104, 'X'), seq: 'one' }],
          cursor: 1_104,
          more: false,
        }),
      },
      {
        status: 200,
        body: JSON.stringify({
          entries: [entry(1_104, 'X', { familyName: 'x'.repeat(5_000) })],
          cursor: 1_104,
          more: false,
        }),
      },
      { status: 200, body: JSON.stringify({ entries: [entry(5, 'OLD')], cursor: 5, more: false }) },
      { status: 200, body: `{"entries":["${'x'.repeat(3 * 1024 * 1024)}"]}` },
      {
        status: 200,
        body: JSON.stringify({
          entries: Array(501).fill(entry(1_104, 'X')),
          cursor: 1_104,
          more: false,
        }),
      },
      { status: 500, body: '{}' },
    );
    central.census.push(entry(1_104, 'FICT-LATE', { familyName: 'Latecomer' }));
    await until(
      'the page after the faults',
      async () => (await search('latecomer')).entries.length === 1,
    );
    const faultAsks = central.censusAsks.slice(asks, asks + 8);
    // Every refused page was asked again after the same cursor: nothing moved it.
    expect(faultAsks.every((a) => a.after === after)).toBe(true);
    expect((await search('')).patients).toBe(before.patients + 1);
    expect((await search('OLD')).entries).toHaveLength(0);
    const said = logged.filter((m) => m.includes('hospital patient list'));
    expect(said.some((m) => m.includes('not a page of the hospital patient list'))).toBe(true);
    expect(said.some((m) => m.includes('goes back'))).toBe(true);
    expect(said.some((m) => m.includes('more than'))).toBe(true);
  });

  it('keeps the list across a restart, offline, with when it was last confirmed', async () => {
    const before = await search('');
    await stop();
    await central.close();
    latest = null;
    await start();
    const offline = await search('');
    expect(offline).toMatchObject({ available: true, patients: before.patients });
    expect(offline.asOfMs).toBe(before.asOfMs);
    await until('the patients compared after the restart', () => latest?.matches.length === 3);
    expect(matchOf('HOSP-0002')).toMatchObject({ state: 'same' });
    expect(matchOf('hosp-0003')).toMatchObject({ state: 'same' });
  });
});
