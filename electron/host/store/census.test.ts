// The hospital's patient list in the store: a page kept with its cursor, an entry replaced only by
// a newer one (an MRN twice in a page counts once, as its newest; any case is one MRN), another
// server's list dropped rather than mixed in, a search that takes its text literally, and a
// person's "keep ours" read back as the newest per patient with its audit event.
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from './migrate';
import { migrations } from './migrations/index';
import {
  keepCensusPage,
  readCensusByMrn,
  readCensusState,
  readKeptOurs,
  recordKeptOurs,
  searchCensus,
} from './census';
import { readSyncState } from './sync-outbox';
import type { CensusEntry } from '../../../shared/sync/census';

let db: PGlite;
beforeAll(async () => {
  db = await PGlite.create();
  await applyMigrations(db, migrations);
});
afterAll(async () => {
  await db.close();
});

function entry(seq: number, mrn: string, familyName: string): CensusEntry {
  return {
    seq,
    mrn,
    familyName,
    givenName: 'Ada',
    birthDate: '1950-05-06',
    sex: null,
    status: 'admitted',
    visitNumber: null,
    location: { unit: 'ICU', room: null, bed: '4', facility: null },
    admittedAtMs: null,
    dischargedAtMs: null,
    updatedAtMs: seq,
    lastEvent: 'A01',
  };
}

describe('the hospital patient list in the store', () => {
  it('keeps a page with its cursor; an MRN twice counts once, as its newest', async () => {
    const changed = await keepCensusPage(db, {
      serverId: 'one',
      entries: [entry(1, 'FICT-1', 'Old'), entry(2, 'fict-1', 'New'), entry(3, 'FICT-50%', 'Pc')],
      cursor: 3,
      atMs: 1_000,
    });
    expect(changed.sort()).toEqual(['fict-1', 'fict-50%']);
    expect(await readSyncState(db, 'census-cursor:one')).toBe(3);
    expect(await readCensusState(db)).toEqual({ serverId: 'one', asOfMs: 1_000, patients: 2 });
    expect(await readCensusByMrn(db, [' FICT-1 '])).toMatchObject([
      { mrn: 'fict-1', familyName: 'New', location: { unit: 'ICU', bed: '4' } },
    ]);
  });

  it('replaces an entry only with a newer one', async () => {
    const changed = await keepCensusPage(db, {
      serverId: 'one',
      entries: [entry(2, 'FICT-1', 'Same seq'), entry(1, 'FICT-1', 'Older')],
      cursor: 4,
      atMs: 2_000,
    });
    expect(changed).toEqual([]);
    expect((await readCensusByMrn(db, ['fict-1']))[0]?.familyName).toBe('New');
    expect(await readCensusState(db)).toMatchObject({ asOfMs: 2_000 });
  });

  it('takes the search text literally, in any case', async () => {
    expect((await searchCensus(db, '50%', 20)).map((e) => e.mrn)).toEqual(['FICT-50%']);
    expect(await searchCensus(db, '%', 20)).toHaveLength(1);
    expect(await searchCensus(db, '_', 20)).toHaveLength(0);
    expect((await searchCensus(db, 'ada new', 20)).map((e) => e.familyName)).toEqual(['New']);
    expect((await searchCensus(db, 'NEW, A', 20)).map((e) => e.familyName)).toEqual(['New']);
  });

  it("drops another server's list rather than mixing the two", async () => {
    // Searched before (the opened list is kept between searches), then searched after the write.
    expect((await searchCensus(db, 'new', 20)).map((e) => e.mrn)).toEqual(['fict-1']);
    await keepCensusPage(db, {
      serverId: 'two',
      entries: [entry(9, 'OTHER-1', 'Other')],
      cursor: 9,
      atMs: 3_000,
    });
    expect(await readCensusState(db)).toEqual({ serverId: 'two', asOfMs: 3_000, patients: 1 });
    expect(await readCensusByMrn(db, ['FICT-1'])).toEqual([]);
    expect(await searchCensus(db, 'new', 20)).toEqual([]);
    expect((await searchCensus(db, 'other', 20)).map((e) => e.mrn)).toEqual(['OTHER-1']);
  });

  it('reads back the newest "keep ours" per patient, each audited', async () => {
    const patientId = '01900000-0000-7000-8000-0000000000aa';
    for (const [atMs, versionId] of [
      [10, '01900000-0000-7000-8000-0000000000b1'],
      [20, '01900000-0000-7000-8000-0000000000b2'],
    ] as const) {
      await recordKeptOurs(db, 'ws', {
        patientId,
        versionId,
        hospitalDetails: `["x${atMs}"]`,
        actor: 'nurse.ward',
        atMs,
        detail: 'kept',
      });
    }
    expect(await readKeptOurs(db, [patientId])).toEqual([
      {
        patientId,
        versionId: '01900000-0000-7000-8000-0000000000b2',
        hospitalDetails: '["x20"]',
        actor: 'nurse.ward',
        atMs: 20,
      },
    ]);
    const { rows } = await db.query(
      `SELECT actor FROM audit_events WHERE action = 'hospital-details-declined'`,
    );
    expect(rows).toHaveLength(2);
  });
});
