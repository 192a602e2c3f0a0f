// Admitting, transferring, discharging and finding patients through the api of a real
// workstation (its real PGlite store on disk in a temp dir, no device): the bed carries its
// patient, limits follow the patient, every refusal is a sentence and changes nothing, and the
// patients are in their beds again after a restart. The audit trail is read from the store's
// files once the workstation has stopped. All patients here are fictional.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { startWorkstation, type Workstation } from '../../electron/host/workstation';
import { Status, type Bed } from '../../shared/model/schemas';
import { DEFAULT_LIMITS } from '../../shared/model/alarm-defaults';
import type { PatientWhereabouts } from '../../shared/api/contract-patients';

const nurse = { actor: 'nurse.test' };
const alice = {
  familyName: 'Test',
  givenName: 'Alice',
  mrn: 'FICT-0001',
  birthDate: '2019-05-04',
  category: 'paediatric' as const,
};
const bob = { ...alice, givenName: 'Bob', mrn: 'FICT-0002', birthDate: '1950-01-31' };

describe('patients and beds', () => {
  let dir: string;
  let dataDir: string;
  let workstation: Workstation;

  const start = async () => {
    workstation = await startWorkstation({ dataDir, devices: [], log: () => {} });
  };
  const request = (method: string, params: unknown) =>
    workstation.router.request(method as never, params as never, nurse);
  const bed = async (label: string): Promise<Bed> => {
    const { beds } = Status.parse(await request('getStatus', {}));
    const found = beds.find((b) => b.label === label);
    if (!found) throw new Error(`no ${label}`);
    return found;
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
    const refusals: [unknown, RegExp][] = [
      [{ ...bob, mrn: 'FICT-0003', bedId: 'bed-1' }, /Bed 1 already has a patient, Test, Alice/],
      [
        { ...bob, mrn: 'FICT-0001', bedLabel: 'Bed 3' },
        /MRN FICT-0001 is already admitted in Bed 1/,
      ],
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
    expect((await bed('Bed 1')).patient?.givenName).toBe('Alice');
    expect((await bed('Bed 2')).patient?.givenName).toBe('Bob');
  });

  it('transfers a patient with their alarm limits; the bed left goes back to defaults', async () => {
    await request('dischargePatient', { bedId: 'bed-2' });
    const tuned = structuredClone(DEFAULT_LIMITS.paediatric);
    tuned.hr.high = 150;
    await request('setAlarmLimits', { bedId: 'bed-1', category: 'paediatric', limits: tuned });
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
    const found = (await request('searchPatients', { query: 'test' })) as PatientWhereabouts[];
    expect(found.map((f) => [f.patient.givenName, f.bedLabel, f.lastEvent])).toEqual([
      ['Alice', 'Bed 2', 'transferred'],
      ['Bob', null, 'discharged'],
    ]);
    const byMrn = (await request('searchPatients', { query: 'fict-0002' })) as PatientWhereabouts[];
    expect(byMrn.map((f) => f.patient.givenName)).toEqual(['Bob']);
    const byFullName = (await request('searchPatients', { query: 'alice test' })) as unknown[];
    expect(byFullName).toHaveLength(1);
    expect(await request('searchPatients', { query: '%' })).toEqual([]);
  });

  it('readmits a discharged patient under the same MRN, correcting their details', async () => {
    const again = await request('admitPatient', { ...bob, givenName: 'Robert', bedId: 'bed-1' });
    expect(again).toMatchObject({ givenName: 'Robert', mrn: 'FICT-0002' });
    const found = (await request('searchPatients', { query: 'FICT-0002' })) as PatientWhereabouts[];
    expect(found.map((f) => [f.patient.givenName, f.bedLabel])).toEqual([['Robert', 'Bed 1']]);
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
    await request('dischargePatient', { bedId: 'bed-2' });
  });

  it('keeps an audit event for every change, with who made it', async () => {
    await workstation.stop();
    const db = await PGlite.create(join(dataDir, 'pgdata'));
    try {
      const { rows } = await db.query<{ actor: string; action: string; detail: string }>(
        `SELECT actor, action, detail FROM audit_events WHERE action LIKE 'patient-%'
         ORDER BY at_ms, id`,
      );
      expect(rows.map((r) => `${r.actor} ${r.action}`)).toEqual([
        'demo patient-admitted',
        'nurse.test patient-admitted',
        'nurse.test patient-discharged',
        'nurse.test patient-transferred',
        'nurse.test patient-admitted',
        'nurse.test patient-discharged',
      ]);
      expect(rows[3]!.detail).toBe(
        'Test, Alice (MRN FICT-0001) transferred from Bed 1 to Bed 2, with their alarm limits',
      );
    } finally {
      await db.close();
    }
    await start();
  });
});
