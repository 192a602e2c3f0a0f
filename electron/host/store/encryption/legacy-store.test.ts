// A store made before sealing (plain rows, as the releases before it kept them) is sealed on its
// first open with a key: rows rewritten in one transaction, tables rewritten (VACUUM FULL), so
// that `strings` over the data folder finds none of the patient's details afterwards; the app
// reads them back plainly and sync still sends them plainly. All patients here are fictional.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../client';
import { applyMigrations } from '../migrate';
import { migrations } from '../migrations/index';
import { stringsFind } from './test-support';
import { uuidv7 } from '../../../../shared/ids';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const NEEDLES = ['LGC7734521', 'Brambleworth', 'Ottoline', 'sapphire harbour', 'Pellucidor'];
const PDF = new TextEncoder().encode('%PDF-1.4\n% Ottoline Brambleworth LGC7734521\n%%EOF\n');

let folder: string;
let dataDir: string;
const patientId = uuidv7();
const stripId = uuidv7();

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'ws-legacy-'));
  dataDir = join(folder, 'pgdata');
  // As a release before sealing left it: every migration before 021, rows written plainly.
  const db = await PGlite.create(dataDir);
  await applyMigrations(
    db,
    migrations.filter((m) => m.version < 21),
  );
  await db.query(
    `INSERT INTO patients (id, workstation_id, mrn, family_name, given_name, birth_date, category,
       actor, at_ms) VALUES ($1, 'ws-legacy', 'LGC7734521', 'Brambleworth', 'Ottoline',
       '1944-06-17', 'adult', 'nurse', $2)`,
    [patientId, T0],
  );
  await db.query(
    `INSERT INTO admissions (id, workstation_id, patient_id, bed_id, bed_label, event, at_ms, actor)
     VALUES ($1, 'ws-legacy', $2, 'bed-1', 'Bed 1', 'admitted', $3, 'nurse')`,
    [uuidv7(), patientId, T0],
  );
  await db.query(
    `INSERT INTO annotations (id, workstation_id, bed_id, at_ms, kind, text, actor)
     VALUES ($1, 'ws-legacy', 'bed-1', $2, 'note', 'Asked about the sapphire harbour', 'nurse')`,
    [uuidv7(), T0 + 1000],
  );
  await db.query(
    `INSERT INTO audit_events (id, workstation_id, at_ms, actor, action, subject, detail)
     VALUES ($1, 'ws-legacy', $2, 'nurse', 'patient-admitted', $3,
       'Brambleworth, Ottoline (MRN LGC7734521) admitted to Bed 1')`,
    [uuidv7(), T0, patientId],
  );
  await db.query(
    `INSERT INTO strips (id, workstation_id, bed_id, kind, from_ms, to_ms, created_at_ms, actor, pdf)
     VALUES ($1, 'ws-legacy', 'bed-1', 'manual', $2, $3, $3, 'nurse', $4)`,
    [stripId, T0, T0 + 20_000, PDF],
  );
  await db.query(
    `INSERT INTO census_entries (mrn_key, mrn, seq, family_name, given_name, birth_date, status,
       updated_at_ms, last_event, search_text)
     VALUES ('pel-0001', 'PEL-0001', 1, 'Pellucidor', 'Anselm', '1950-01-02', 'admitted', $1,
       'A01', 'pel-0001 pellucidor, anselm anselm pellucidor')`,
    [T0],
  );
  await db.query(`INSERT INTO sync_state (key, value) VALUES ('census:server', '"server-1"')`);
  await db.close();
}, 120_000);

afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('a store made before sealing', () => {
  it('is plain on disk before (the check below could fail)', () => {
    expect(stringsFind(folder, NEEDLES).length).toBeGreaterThan(0);
  });

  it('is sealed on its first open with a key, and nothing plain is left in its files', async () => {
    const store = await openStore({ dataDir, workstationId: 'ws-legacy', onError: () => {} });
    await store.close();
    expect(stringsFind(folder, NEEDLES)).toEqual([]);
  }, 60_000);

  it('reads back plainly, and sync sends the plain values', async () => {
    const store = await openStore({ dataDir, workstationId: 'ws-legacy', onError: () => {} });
    try {
      const record = await store.findPatientByMrn('lgc7734521');
      expect(record?.patient).toMatchObject({
        id: patientId,
        familyName: 'Brambleworth',
        givenName: 'Ottoline',
        birthDate: '1944-06-17',
      });
      expect(record?.bedLabel).toBe('Bed 1');
      expect((await store.searchPatients('ottol', 5)).map((f) => f.patient.id)).toEqual([
        patientId,
      ]);
      const notes = await store.readAnnotations('bed-1', T0, T0 + 5000);
      expect(notes.map((n) => n.text)).toEqual(['Asked about the sapphire harbour']);
      expect((await store.readStrip(stripId))?.pdf).toEqual(PDF);
      expect((await store.census.byMrn(['PEL-0001']))[0]?.familyName).toBe('Pellucidor');
      expect((await store.census.search('pellu', 5)).map((e) => e.mrn)).toEqual(['PEL-0001']);
      const batch = await store.outbox.readBatch(0, 1 << 26, 1000);
      expect(batch.rows.find((r) => r.table === 'patients')?.row).toMatchObject({
        mrn: 'LGC7734521',
        family_name: 'Brambleworth',
        birth_date: '1944-06-17',
      });
      expect(batch.rows.find((r) => r.table === 'audit_events')?.row.detail).toBe(
        'Brambleworth, Ottoline (MRN LGC7734521) admitted to Bed 1',
      );
    } finally {
      await store.close();
    }
  });
});
