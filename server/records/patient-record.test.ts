// Versions ordered by hybrid logical clock across workstations, one person per MRN, a transfer
// between two workstations as one record with both stays, and the pull feed that carries other
// workstations' versions of a patient, over real HTTP on the real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PATHS, PatientRecord } from '../../shared/sync/admin';
import { HybridClock } from '../../shared/sync/hlc';
import { PullResponse, validPulledRow } from '../../shared/sync/messages';
import { SYNC_PATHS } from '../../shared/sync/protocol';
import { uuidv7 } from '../../shared/ids';
import type { PushRow } from '../../shared/sync/push-frame';
import { ADMIN_TOKEN, startTestCentral } from '../test-support/central';
import type { TestCentral } from '../test-support/central';
import { bearer, call } from '../test-support/http-client';
import { admission, patientVersion, pushFrame } from '../test-support/rows';

let central: TestCentral;
const credentials = new Map<string, string>();

beforeAll(async () => {
  central = await startTestCentral();
  for (const id of ['ws-fast', 'ws-right', 'ws-icu', 'ws-ward', 'ws-many']) {
    credentials.set(id, await central.enrol(id, `${id} station`));
  }
});
afterAll(() => central?.stop());

async function push(workstationId: string, rows: PushRow[]) {
  const answer = await call(central.url, SYNC_PATHS.push, {
    body: pushFrame(workstationId, rows),
    headers: bearer(credentials.get(workstationId)!),
  });
  expect(answer.status, answer.text).toBe(200);
  expect(answer.json.refused).toEqual([]);
  return answer.json;
}

async function pullAll(workstationId: string) {
  const changes: PullResponse['changes'] = [];
  const pages: number[] = [];
  let cursor = 0;
  for (;;) {
    const answer = await call(central.url, `${SYNC_PATHS.pull}?cursor=${cursor}`, {
      headers: bearer(credentials.get(workstationId)!),
    });
    const page = PullResponse.parse(answer.json);
    changes.push(...page.changes);
    pages.push(page.changes.length);
    cursor = page.cursor;
    if (!page.more) return { changes, pages };
  }
}

const pulledPatients = (changes: PullResponse['changes']) =>
  changes.flatMap((c) => (c.kind === 'row' && c.table === 'patients' ? [c.row] : []));

async function record(mrn: string) {
  const answer = await call(
    central.url,
    `${ADMIN_PATHS.patientRecord}?mrn=${encodeURIComponent(mrn)}`,
    { headers: bearer(ADMIN_TOKEN) },
  );
  expect(answer.status, answer.text).toBe(200);
  return PatientRecord.parse(answer.json);
}

describe('patient versions', () => {
  it('are current by hybrid logical clock, not wall clock, when a workstation clock runs 10 minutes ahead', async () => {
    const realNow = Date.now();
    let rightNow = realNow;
    const fastClock = new HybridClock('ws-fast', () => realNow + 10 * 60_000);
    const rightClock = new HybridClock('ws-right', () => rightNow);

    // The workstation with the right clock admits the patient first…
    const first = patientVersion('ws-right', {
      mrn: 'mrn-77',
      family: 'Smith',
      given: 'Ann',
      atMs: rightNow,
      hlc: rightClock.send(),
    });
    await push('ws-right', [first]);
    // …then the fast one records a version (its wall clock 10 minutes ahead of the truth).
    rightNow += 60_000;
    const fast = patientVersion('ws-fast', {
      mrn: 'MRN-77',
      family: 'Smith',
      given: 'Anne',
      atMs: realNow + 10 * 60_000,
      hlc: fastClock.send(),
    });
    await push('ws-fast', [fast]);

    // The right one pulls that version, takes in its stamp, and corrects the name a minute later.
    const pulled = pulledPatients((await pullAll('ws-right')).changes);
    expect(pulled.map((row) => row.id)).toEqual([fast.row.id]);
    expect(validPulledRow('patients', pulled[0]).success).toBe(true);
    rightClock.receive(pulled[0]!.hlc as string);
    rightNow += 60_000;
    const corrected = patientVersion('ws-right', {
      supersedes: first.row.id as string,
      mrn: 'mrn-77',
      family: 'Smyth',
      given: 'Anne',
      atMs: rightNow,
      hlc: rightClock.send(),
    });
    await push('ws-right', [corrected]);

    const patient = await record('Mrn-77 ');
    expect(patient.versions.map((v) => v.id)).toEqual([
      first.row.id,
      fast.row.id,
      corrected.row.id,
    ]);
    expect(patient.current).toMatchObject({
      id: corrected.row.id,
      family_name: 'Smyth',
      workstation_id: 'ws-right',
    });
    // The server's view of current versions agrees.
    const { rows: current } = await central.server.db.query(
      `SELECT id, stamp FROM person_current_patients WHERE person_key = mrn_key('MRN-77')`,
    );
    expect(current).toEqual([{ id: corrected.row.id, stamp: corrected.row.hlc }]);
    // Wall-clock times stay as each workstation recorded them: the fast one's is the latest.
    const atMs = patient.versions.map((v) => v.at_ms!);
    expect(Math.max(...atMs)).toBe(fast.row.at_ms);
    // And the fast workstation is fed the correction.
    expect(pulledPatients((await pullAll('ws-fast')).changes).map((r) => r.id)).toEqual([
      first.row.id,
      corrected.row.id,
    ]);
  });

  it('order a version without a clock stamp (an older workstation) by its wall-clock time', async () => {
    const t = Date.now() - 3_600_000;
    const old = patientVersion('ws-many', {
      mrn: 'OLD-1',
      family: 'Before',
      given: 'A',
      atMs: t,
      hlc: null,
    });
    const stamped = patientVersion('ws-many', {
      supersedes: old.row.id as string,
      mrn: 'OLD-1',
      family: 'After',
      given: 'A',
      atMs: t + 1_000,
      hlc: new HybridClock('ws-many', () => t + 1_000).send(),
    });
    // Sent newest first, as the uploader's lanes do: the chain forms once both are there.
    await push('ws-many', [stamped]);
    expect((await record('old-1')).current.family_name).toBe('After');
    await push('ws-many', [old]);
    const patient = await record('old-1');
    expect(patient.versions.map((v) => v.family_name)).toEqual(['Before', 'After']);
    expect(patient.versions[0]!.stamp).toMatch(/^\d{15}-0000-ws-many$/);
  });
});

describe('a transfer between two workstations', () => {
  it('ends with one patient record holding both stays, and each workstation fed the other one’s versions', async () => {
    const t1 = Date.UTC(2026, 11, 1, 8);
    const t2 = t1 + 26 * 3_600_000;
    const t3 = t2 + 5 * 60_000;
    const icuPatient = uuidv7(t1);
    await push('ws-icu', [
      patientVersion('ws-icu', {
        id: icuPatient,
        mrn: 'T-100',
        family: 'Okafor',
        given: 'Chidi',
        atMs: t1,
        hlc: null,
      }),
      admission('ws-icu', { patientId: icuPatient, bedId: 'bed-3', event: 'admitted', atMs: t1 }),
      admission('ws-icu', { patientId: icuPatient, bedId: 'bed-3', event: 'discharged', atMs: t2 }),
    ]);
    const wardPatient = uuidv7(t3);
    await push('ws-ward', [
      patientVersion('ws-ward', {
        id: wardPatient,
        mrn: 't-100',
        family: 'Okafor',
        given: 'Chidi',
        atMs: t3,
        hlc: null,
      }),
      admission('ws-ward', { patientId: wardPatient, bedId: 'bed-1', event: 'admitted', atMs: t3 }),
    ]);

    const patient = await record('T-100');
    expect(patient.versions.map((v) => v.workstation_id)).toEqual(['ws-icu', 'ws-ward']);
    expect(patient.current.workstation_id).toBe('ws-ward');
    expect(patient.stays).toEqual([
      {
        workstationId: 'ws-icu',
        workstationName: 'ws-icu station',
        unit: 'ICU 2',
        patientId: icuPatient,
        bedId: 'bed-3',
        bedLabel: 'Bed 3',
        fromMs: t1,
        toMs: t2,
      },
      {
        workstationId: 'ws-ward',
        workstationName: 'ws-ward station',
        unit: 'ICU 2',
        patientId: wardPatient,
        bedId: 'bed-1',
        bedLabel: 'Bed 1',
        fromMs: t3,
        toMs: null,
      },
    ]);
    expect(pulledPatients((await pullAll('ws-ward')).changes).map((r) => r.id)).toEqual([
      icuPatient,
    ]);
    expect(pulledPatients((await pullAll('ws-icu')).changes).map((r) => r.id)).toEqual([
      wardPatient,
    ]);

    const unknown = await call(central.url, `${ADMIN_PATHS.patientRecord}?mrn=NOBODY`, {
      headers: bearer(ADMIN_TOKEN),
    });
    expect(unknown.status).toBe(404);
  });

  it('pages a long feed: 602 changes come in pages of 500 and 102, each once', async () => {
    const t = Date.now() - 7_200_000;
    const clock = new HybridClock('ws-many', () => t);
    const versions = Array.from({ length: 600 }, (_, i) =>
      patientVersion('ws-many', {
        mrn: 'T-100',
        family: `Okafor ${i}`,
        given: 'C',
        atMs: t + i,
        hlc: clock.send(),
      }),
    );
    await push('ws-many', versions);
    const { changes, pages } = await pullAll('ws-ward');
    // Its own record, the ICU's version, and the 600.
    expect(pages).toEqual([500, 102]);
    const ids = pulledPatients(changes).map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(601);
  });
});
