// Admitting, transferring, discharging and finding patients through the api of a real
// workstation (its real PGlite store on disk in a temp dir, no device): the bed carries its
// patient, limits follow the patient, every refusal is a sentence and changes nothing (no bed,
// no patient row), an MRN is one person in any case, a patient's details are versions that a
// person confirms and that a search still finds, and the patients are in their beds again after
// a restart. The audit trail is read from the store's files once the workstation has stopped.
// All patients here are fictional.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { storeCipher } from '../../electron/host/store/encryption/test-support';
import { startWorkstation, type Workstation } from '../../electron/host/workstation';
import { Status, type Bed } from '../../shared/model/schemas';
import { DEFAULT_LIMITS } from '../../shared/model/alarm-defaults';
import {
  PatientHistory,
  SameMrnQuestion,
  type PatientWhereabouts,
} from '../../shared/api/contract-patients';
import type { ApiError } from '../../shared/api/errors';

const nurse = { actor: 'nurse.test' };
const alice = {
  familyName: 'Test',
  givenName: 'Alice',
  mrn: 'FICT-0001',
  birthDate: '2019-05-04',
  category: 'paediatric' as const,
};
const bob = { ...alice, givenName: 'Bob', mrn: 'FICT-0002', birthDate: '1950-01-31' };
const robert = { ...bob, givenName: 'Robert', birthDate: '1951-02-01' };

describe('patients and beds', () => {
  let dir: string;
  let dataDir: string;
  let workstation: Workstation;

  const start = async () => {
    workstation = await startWorkstation({ dataDir, devices: [], log: () => {} });
  };
  const request = (method: string, params: unknown) =>
    workstation.router.request(method as never, params as never, nurse);
  const status = async () => Status.parse(await request('getStatus', {}));
  const bed = async (label: string): Promise<Bed> => {
    const found = (await status()).beds.find((b) => b.label === label);
    if (!found) throw new Error(`no ${label}`);
    return found;
  };
  const search = async (query: string) =>
    (await request('searchPatients', { query })) as PatientWhereabouts[];
  /** Every bed (who is in it, its alarm settings) and every patient the store knows. */
  const everything = async () => ({
    beds: (await status()).beds.map(({ id, label, patient, alarmSettings, deviceIds }) => ({
      id,
      label,
      patient,
      alarmSettings,
      deviceIds,
    })),
    patients: await search(''),
  });
  const refusal = async (params: unknown): Promise<ApiError> => {
    try {
      await request('admitPatient', params);
    } catch (error) {
      return error as ApiError;
    }
    throw new Error(`admitted: ${JSON.stringify(params)}`);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ws-patients-'));
    dataDir = join(dir, 'data');
    await start();
  });

  afterAll(async () => {
    await workstation?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('admits a patient to a new bed; the bed carries them and their category limits', async () => {
    const patient = await workstation.admitPatient({ ...alice, bedLabel: 'Bed 1' }, 'demo');
    expect(patient).toMatchObject(alice);
    const bed1 = await bed('Bed 1');
    expect(bed1.patient).toEqual(patient);
    expect(bed1.alarmSettings.category).toBe('paediatric');
    expect(bed1.alarmSettings.limits).toEqual(DEFAULT_LIMITS.paediatric);
  });

  it('refuses, in sentences, what cannot be done, and changes nothing', async () => {
    await request('admitPatient', { ...bob, bedLabel: 'Bed 2' });
    const before = await everything();
    const refusals: [unknown, RegExp][] = [
      [{ ...bob, mrn: 'FICT-0003', bedId: 'bed-1' }, /Bed 1 already has a patient, Test, Alice/],
      [
        { ...bob, mrn: 'FICT-0001', bedLabel: 'Bed 3' },
        /MRN FICT-0001 is already admitted in Bed 1/,
      ],
      // An MRN is one person in any case: "fict-0001" is the FICT-0001 in Bed 1.
      [
        { ...bob, mrn: 'fict-0001', bedLabel: 'Bed 3' },
        /MRN fict-0001 is already admitted in Bed 1/,
      ],
      [{ ...alice, mrn: ' Fict-0001 ', bedId: 'bed-2' }, /Bed 2 already has a patient/],
      [{ ...bob, mrn: 'FICT-0004', birthDate: '2999-01-01', bedLabel: 'Bed 3' }, /in the future/],
      [{ ...bob, mrn: 'FICT-0004', birthDate: '2023-02-30', bedLabel: 'Bed 3' }, /not a date/],
      [{ ...bob, mrn: 'FICT-0004', birthDate: '30/01/1950', bedLabel: 'Bed 3' }, /YYYY-MM-DD/],
      [{ ...bob, mrn: ' ', bedLabel: 'Bed 3' }, /MRN\) is missing/],
    ];
    for (const [params, message] of refusals) {
      await expect(request('admitPatient', params)).rejects.toThrow(message);
    }
    await expect(
      request('transferPatient', { fromBedId: 'bed-1', toBedId: 'bed-2' }),
    ).rejects.toThrow(/Bed 2 is not empty: Test, Bob/);
    await expect(request('dischargePatient', { bedId: 'bed-9' })).rejects.toThrow(/no bed "bed-9"/);
    // Every bed as it was (no "Bed 3" made by a refused admission), every patient as they were.
    expect(await everything()).toEqual(before);
  });

  it('transfers a patient with their alarm limits; the bed left goes back to defaults', async () => {
    await request('dischargePatient', { bedId: 'bed-2' });
    const tuned = structuredClone(DEFAULT_LIMITS.paediatric);
    tuned.hr.high = 150;
    const { version } = (await bed('Bed 1')).alarmSettings;
    await request('setAlarmLimits', {
      bedId: 'bed-1',
      category: 'paediatric',
      limits: tuned,
      version,
    });
    const moved = await request('transferPatient', { fromBedId: 'bed-1', toBedId: 'bed-2' });
    expect(moved).toMatchObject(alice);
    const [bed1, bed2] = [await bed('Bed 1'), await bed('Bed 2')];
    expect(bed1.patient).toBeNull();
    expect(bed1.alarmSettings).toMatchObject({ category: 'adult', limits: DEFAULT_LIMITS.adult });
    expect(bed2.patient?.mrn).toBe('FICT-0001');
    expect(bed2.alarmSettings).toMatchObject({ category: 'paediatric', limits: tuned });
    await expect(
      request('transferPatient', { fromBedId: 'bed-1', toBedId: 'bed-2' }),
    ).rejects.toThrow(/Bed 1 has no patient to transfer/);
  });

  it('finds patients by name or MRN in any case, discharged ones too, with where they are', async () => {
    const found = await search('test');
    expect(found.map((f) => [f.patient.givenName, f.bedLabel, f.lastEvent])).toEqual([
      ['Alice', 'Bed 2', 'transferred'],
      ['Bob', null, 'discharged'],
    ]);
    expect((await search('fict-0002')).map((f) => f.patient.givenName)).toEqual(['Bob']);
    expect(await search('alice test')).toHaveLength(1);
    expect(await request('searchPatients', { query: '%' })).toEqual([]);
  });

  it('a discharged MRN with other details is a question for a person, never an overwrite', async () => {
    const before = await everything();
    const [bobFound] = await search('FICT-0002');
    // A script that sends other details under Bob's MRN is refused with both sets of details.
    const asked = await refusal({ ...robert, mrn: 'fict-0002', bedId: 'bed-1' });
    expect(asked.code).toBe('conflict');
    expect(asked.message).toBe(
      'MRN FICT-0002 is Test, Bob, born 1950-01-31 on this workstation, not Test, Robert, born' +
        ' 1951-02-01. Confirm it is the same person to keep the new details (the old ones stay in' +
        ' their history), or check the MRN.',
    );
    const question = SameMrnQuestion.parse(asked.details);
    expect(question).toMatchObject({
      patientId: bobFound!.patient.id,
      stored: { mrn: 'FICT-0002', familyName: 'Test', givenName: 'Bob', birthDate: '1950-01-31' },
      entered: { givenName: 'Robert', birthDate: '1951-02-01' },
      stale: false,
    });
    expect(question.stored.recordedBy).toBe('nurse.test');
    // A confirmation of some other version (made up, or of a record since changed) is stale.
    const stale = await refusal({
      ...robert,
      bedId: 'bed-1',
      samePersonAs: { patientId: question.patientId, versionId: bobFound!.patient.id + '0' },
    });
    expect(stale.code).toBe('conflict');
    expect(stale.message).toMatch(/changed since it was shown/);
    expect(SameMrnQuestion.parse(stale.details).stale).toBe(true);
    expect(await everything()).toEqual(before);

    // Confirmed for the version shown: admitted, with the new details as a new version.
    const confirmed = { patientId: question.patientId, versionId: question.stored.versionId };
    const again = await request('admitPatient', {
      ...robert,
      bedId: 'bed-1',
      samePersonAs: confirmed,
    });
    expect(again).toMatchObject({ id: question.patientId, givenName: 'Robert', mrn: 'FICT-0002' });
    // The same confirmation cannot be used twice: the record it names is no longer the newest.
    await request('dischargePatient', { bedId: 'bed-1' });
    const replay = await refusal({ ...bob, bedId: 'bed-1', samePersonAs: confirmed });
    expect(SameMrnQuestion.parse(replay.details)).toMatchObject({
      stale: true,
      stored: { givenName: 'Robert' },
    });
    await request('admitPatient', { ...robert, bedId: 'bed-1' });
  });

  it('finds a patient by a former name, and their history shows each version with who and when', async () => {
    const [found, ...others] = await search('bob');
    expect(others).toEqual([]);
    expect(found).toMatchObject({
      patient: { givenName: 'Robert', mrn: 'FICT-0002' },
      bedLabel: 'Bed 1',
      formerly: [{ familyName: 'Test', givenName: 'Bob', birthDate: '1950-01-31' }],
    });
    const history = PatientHistory.parse(
      await request('patientHistory', { patientId: found!.patient.id }),
    );
    expect(history.versions.map((v) => [v.givenName, v.birthDate, v.recordedBy])).toEqual([
      ['Bob', '1950-01-31', 'nurse.test'],
      ['Robert', '1951-02-01', 'nurse.test'],
    ]);
    expect(history.versions[1]!.recordedAt).toBeGreaterThanOrEqual(history.versions[0]!.recordedAt);
    expect(history.events.map((e) => [e.event, e.bedLabel])).toEqual([
      ['admitted', 'Bed 2'],
      ['discharged', 'Bed 2'],
      ['admitted', 'Bed 1'],
      ['discharged', 'Bed 1'],
      ['admitted', 'Bed 1'],
    ]);
    await expect(request('patientHistory', { patientId: 'no-such-patient' })).rejects.toThrow(
      /no patient "no-such-patient"/,
    );
  });

  it('puts every patient back in their bed after a restart, with their limits, a bed with no device too', async () => {
    await workstation.stop();
    await start();
    const [bed1, bed2] = [await bed('Bed 1'), await bed('Bed 2')];
    expect(bed1.patient).toMatchObject({ givenName: 'Robert', mrn: 'FICT-0002' });
    expect(bed2.patient).toMatchObject(alice);
    expect(bed2.id).toBe('bed-2');
    expect(bed2.alarmSettings.category).toBe('paediatric');
    // The limits a nurse tuned for Alice came back with her; Robert has his category's defaults.
    expect(bed2.alarmSettings.limits.hr.high).toBe(150);
    expect(bed1.alarmSettings.limits).toEqual(DEFAULT_LIMITS.paediatric);
    // Versions outlive the restart: the former name still finds him.
    expect((await search('Bob')).map((f) => f.patient.givenName)).toEqual(['Robert']);
    await request('dischargePatient', { bedId: 'bed-2' });
  });

  it('keeps an audit event for every change, with who made it', async () => {
    await workstation.stop();
    const db = await PGlite.create(join(dataDir, 'pgdata'));
    // Details are sealed in the store's files (store/encryption): opened with its key.
    const cipher = storeCipher(join(dataDir, 'pgdata'));
    try {
      const sealed = await db.query<{ actor: string; action: string; detail: string }>(
        `SELECT actor, action, detail FROM audit_events WHERE action LIKE 'patient-%'
         ORDER BY at_ms, id`,
      );
      const rows = sealed.rows.map((r) => ({ ...r, detail: cipher.openText(r.detail) }));
      expect(rows.map((r) => `${r.actor} ${r.action}`)).toEqual([
        'demo patient-admitted',
        'nurse.test patient-admitted',
        'nurse.test patient-discharged',
        'nurse.test patient-transferred',
        'nurse.test patient-details-changed',
        'nurse.test patient-admitted',
        'nurse.test patient-discharged',
        'nurse.test patient-admitted',
        'nurse.test patient-discharged',
      ]);
      expect(rows[3]!.detail).toBe(
        'Test, Alice (MRN FICT-0001) transferred from Bed 1 to Bed 2, with their alarm settings',
      );
      expect(rows[4]!.detail).toBe(
        'MRN FICT-0002: Test, Bob, born 1950-01-31 is now Test, Robert, born 1951-02-01,' +
          ' confirmed the same person',
      );
      // Two versions of one patient, nothing replaced (patients rows are append-only).
      const versions = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM patients WHERE mrn_index = $1`,
        [cipher.mrnIndex('fict-0002')],
      );
      expect(versions.rows[0]!.n).toBe(2);
    } finally {
      await db.close();
    }
    await start();
  });
});
