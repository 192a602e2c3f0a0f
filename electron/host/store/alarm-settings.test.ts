// The alarm settings a stay keeps, read back as the store gives them at start: the newest per
// patient (alarms off and audio off with the limits) and per empty bed, and rows kept under a
// later version of a patient's record (before versions shared one id) read as that patient's.
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from './migrate';
import { migrations } from './migrations/index';
import { readLatestAlarmSettings, recordAlarmSettings } from './alarm-settings';
import { defaultStaySettings } from '../../../shared/model/alarm-defaults';
import { HybridClock } from '../../../shared/sync/hlc';

const clock = new HybridClock('ws');
const stamp = () => clock.send();

const FIRST = '01900000-0000-7000-8000-000000000001';
const SECOND = '01900000-0000-7000-8000-000000000002';

let db: PGlite;
beforeAll(async () => {
  db = await PGlite.create();
  await applyMigrations(db, migrations);
  // One patient in two versions: SECOND supersedes FIRST (a name corrected).
  for (const [id, supersedes, given] of [
    [FIRST, null, 'Alice'],
    [SECOND, FIRST, 'Alicia'],
  ] as const) {
    await db.query(
      `INSERT INTO patients (id, workstation_id, supersedes, mrn, family_name, given_name,
         birth_date, category, actor)
       VALUES ($1, 'ws', $2, 'AS-0001', 'Test', $3, '1970-01-01', 'adult', 'nurse')`,
      [id, supersedes, given],
    );
  }
});
afterAll(async () => {
  await db.close();
});

describe('alarm settings kept for a stay', () => {
  it('reads back the newest per patient, whichever version of their record it was kept under', async () => {
    const off = {
      ...defaultStaySettings('adult'),
      alarmsOff: [{ parameter: 'spo2' as const, by: 'nurse', reason: 'probe changed', since: 5 }],
      audioOff: { by: 'nurse', reason: 'family present', since: 5, carriedFrom: 'Bed 1' },
    };
    await recordAlarmSettings(
      db,
      'ws',
      {
        ...defaultStaySettings('adult'),
        bedId: 'bed-1',
        patientId: FIRST,
        actor: 'nurse',
        atMs: 1,
      },
      stamp,
    );
    // Kept by an older release under the later version's id.
    await recordAlarmSettings(
      db,
      'ws',
      {
        ...off,
        bedId: 'bed-2',
        patientId: SECOND,
        actor: 'nurse',
        atMs: 2,
      },
      stamp,
    );
    await recordAlarmSettings(
      db,
      'ws',
      {
        ...defaultStaySettings('neonatal'),
        bedId: 'bed-3',
        patientId: null,
        actor: 'nurse',
        atMs: 3,
      },
      stamp,
    );
    const kept = await readLatestAlarmSettings(db);
    expect(kept).toHaveLength(2);
    expect(kept.find((k) => k.patientId === FIRST)).toMatchObject({
      bedId: 'bed-2',
      alarmsOff: off.alarmsOff,
      audioOff: off.audioOff,
    });
    expect(kept.find((k) => k.patientId === null)).toMatchObject({
      bedId: 'bed-3',
      category: 'neonatal',
    });
  });
});
