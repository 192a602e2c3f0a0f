// The privacy officer's access audit on a real central server (real PostgreSQL, real HTTP): one
// patient's entries by id, MRN and by the beds of their stays (not the bed before or after them),
// newest first in pages; the user filter; the CSV (RFC 4180, formulas defused); FHIR AuditEvents;
// each workstation's chain state, a changed entry found; refusals in sentences.
import { createHash } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DOCTOR,
  ICU,
  NURSE,
  ROBIN_ICU,
  ROBIN_WARD,
  SCENE_MRN,
  WARD,
  auditScene,
  sceneId,
  seedAuditScene,
} from '../audit/audit-scene.test-support';
import { ADMIN_TOKEN, startTestCentral } from '../test-support/central';
import type { TestCentral } from '../test-support/central';
import { bearer, call } from '../test-support/http-client';
import { AUDIT_PATHS } from './audit-routes';

const admin = bearer(ADMIN_TOKEN);
const T0_MS = Date.UTC(2026, 10, 20, 8);
const WIDE = `from=${T0_MS - 86_400_000}&to=${T0_MS + 86_400_000}`;
let central: TestCentral;
let scene: ReturnType<typeof auditScene>;
const keyOf = new Map<string, string>();

beforeAll(async () => {
  central = await startTestCentral();
  await central.enrol(ICU, 'ICU 2 station');
  await central.enrol(WARD, 'Ward 5 station');
  scene = await seedAuditScene(central.database.url, T0_MS);
  for (const entry of scene.entries) keyOf.set(sceneId(entry.key), entry.key);
});
afterAll(async () => {
  await central?.stop();
});

const report = (query: string) =>
  call(central.url, `${AUDIT_PATHS.report}?${query}`, { headers: admin });
const keys = (json: { entries: { id: string }[] }) => json.entries.map((e) => keyOf.get(e.id));

describe('one patient', () => {
  it("lists what names the patient's MRN or ids, and their beds during their stays only", async () => {
    const answer = await report(`patient=${SCENE_MRN}&${WIDE}`);
    expect(answer.status).toBe(200);
    expect(keys(answer.json)).toEqual(scene.robin);
    expect(answer.json.patient).toEqual({ known: true, stays: 3 });
    expect(answer.json.nextCursor).toBeNull();
    const first = answer.json.entries.find(
      (e: { id: string }) => keyOf.get(e.id) === 'icu-bed1-view',
    );
    expect(first).toMatchObject({
      workstationName: 'ICU 2 station',
      actor: NURSE,
      action: 'bedLive',
      actionWords: "opened the bed's screen",
      subject: 'bedId=bed-1',
      detail: 'from browser tab 3 (page)',
      atMs: T0_MS + 3_600_000,
    });
    const refused = answer.json.entries.find((e: { id: string }) => keyOf.get(e.id) === 'refused');
    expect(refused.actionWords).toBe('was refused: acknowledged an alarm');
  });

  it('finds the same person from any workstation patient id, and the MRN in any case', async () => {
    for (const patient of [ROBIN_ICU, ROBIN_WARD, SCENE_MRN.toLowerCase()]) {
      const answer = await report(`patient=${encodeURIComponent(patient)}&${WIDE}`);
      expect(keys(answer.json)).toEqual(scene.robin);
    }
  });

  it('keeps to the time asked for', async () => {
    const answer = await report(
      `patient=${SCENE_MRN}&from=${T0_MS + 2 * 3_600_000}&to=${T0_MS + 6 * 3_600_000}`,
    );
    expect(keys(answer.json)).toEqual(['ward-export', 'refused', 'icu-bed2-wave']);
  });

  it('pages newest first, every entry once', async () => {
    const seen: (string | undefined)[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const answer = await report(
        `patient=${SCENE_MRN}&${WIDE}&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(answer.status).toBe(200);
      expect(answer.json.entries.length).toBeLessThanOrEqual(3);
      seen.push(...keys(answer.json));
      cursor = answer.json.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(scene.robin);
  });

  it('answers a patient no workstation sent with no entries, saying it is unknown', async () => {
    const answer = await report(`patient=MRN-NOBODY&${WIDE}`);
    expect(answer.status).toBe(200);
    expect(answer.json.entries).toEqual([]);
    expect(answer.json.patient).toEqual({ known: false, stays: 0 });
  });
});

describe('by user and everything', () => {
  it("lists one user's entries, the sign-in included", async () => {
    const answer = await report(`user=ana&${WIDE}`);
    expect(keys(answer.json)).toEqual([
      'ward-view',
      'icu-bed1-trend',
      'icu-bed1-view',
      'sign-in',
      'before-stay',
    ]);
    const both = await report(
      `user=${encodeURIComponent('Ben Sample')}&patient=${SCENE_MRN}&${WIDE}`,
    );
    expect(keys(both.json)).toEqual(['history-by-id', 'ward-export', 'icu-bed2-wave']);
    expect(both.json.entries.every((e: { actor: string }) => e.actor === DOCTOR)).toBe(true);
  });

  it('lists every entry without filters, an unknown action as it was written', async () => {
    const answer = await report(WIDE);
    expect(answer.json.entries).toHaveLength(scene.entries.length);
    const times = answer.json.entries.map((e: { atMs: number }) => e.atMs);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const odd = answer.json.entries.find((e: { id: string }) => keyOf.get(e.id) === 'formula');
    expect(odd.actionWords).toBe('unknownThing');
  });
});

describe('downloads', () => {
  it('writes a CSV with a header, quoted fields and formulas defused', async () => {
    const answer = await report(`format=csv&${WIDE}`);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^text\/csv/);
    expect(answer.headers['content-disposition']).toMatch(
      /attachment; filename="access-audit\.csv"/,
    );
    const lines = answer.text.split('\r\n');
    expect(lines[0]).toBe('time (UTC),workstation,who,what,action,subject,detail');
    // Seven rows and one whose detail holds a line break; and the final CRLF.
    expect(answer.text.endsWith('\r\n')).toBe(true);
    expect(answer.text).toContain(
      `"'=HYPERLINK(""http://evil.example"",""x"")",unknownThing,unknownThing,bedId=bed-9,"said ""hi"", then left\nsecond line"\r\n`,
    );
    expect(answer.text).toContain(
      `${new Date(T0_MS + 3_600_000).toISOString()},ICU 2 station,${NURSE},opened the bed's screen,bedLive,bedId=bed-1,from browser tab 3 (page)\r\n`,
    );
    expect(answer.text.split('\r\n').filter((l) => l.startsWith('20'))).toHaveLength(
      scene.entries.length,
    );
  });

  it("gives the patient's selection as FHIR AuditEvents in a Bundle", async () => {
    const answer = await report(`format=fhir&patient=${SCENE_MRN}&${WIDE}&limit=5`);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^application\/fhir\+json/);
    expect(answer.json.resourceType).toBe('Bundle');
    expect(answer.json.entry).toHaveLength(5);
    const event = answer.json.entry[0].resource;
    expect(event).toMatchObject({
      resourceType: 'AuditEvent',
      agent: [{ who: { display: NURSE } }],
      source: { observer: { display: 'Ward 5 station' } },
      entity: [{ name: 'bedId=bed-1' }],
    });
    const next = answer.json.link.find((l: { relation: string }) => l.relation === 'next');
    const rest = await call(central.url, new URL(next.url).pathname + new URL(next.url).search, {
      headers: admin,
    });
    expect(rest.json.entry).toHaveLength(scene.robin.length - 5);
  });
});

describe('audit chains', () => {
  it('says each chain is intact, then names a changed entry', async () => {
    const before = await call(central.url, AUDIT_PATHS.chains, { headers: admin });
    expect(before.status).toBe(200);
    expect(before.json.workstations.map((w: { state: string }) => w.state)).toEqual([
      'intact',
      'intact',
    ]);
    const client = new pg.Client({ connectionString: central.database.url });
    await client.connect();
    await client.query(`UPDATE audit_events SET actor = 'someone else' WHERE id = $1`, [
      sceneId('icu-bed1-trend'),
    ]);
    await client.end();
    const after = await call(central.url, AUDIT_PATHS.chains, { headers: admin });
    const icu = after.json.workstations.find(
      (w: { workstationId: string }) => w.workstationId === ICU,
    );
    expect(icu.state).toBe('broken');
    expect(icu.atSeq).toBe(4);
    expect(icu.message).toMatch(/changed/i);
  });
});

describe('refusals', () => {
  it('refuses without the admin token', async () => {
    for (const path of [`${AUDIT_PATHS.report}?${WIDE}`, AUDIT_PATHS.chains]) {
      const answer = await call(central.url, path);
      expect(answer.status).toBe(401);
      expect(answer.json.message).toMatch(/admin token/);
    }
  });

  it.each([
    ['from=yesterday', /"from" must be a time in milliseconds/],
    [`from=${T0_MS}&to=${T0_MS - 1}`, /"from" must be before "to"/],
    ['limit=0', /"limit" is a whole number from 1 to 1000/],
    ['limit=5000', /"limit" is a whole number from 1 to 1000/],
    ['format=xml', /"format" is json, csv or fhir/],
    ['cursor=not-a-cursor', /cursor is not one this report gave/],
    [`patient=${'x'.repeat(201)}`, /longer than 200 characters/],
  ])('answers %s with 400 and a sentence', async (query, message) => {
    const answer = await report(query);
    expect(answer.status).toBe(400);
    expect(answer.json.message).toMatch(message);
  });
});

describe("the central server's own FHIR api reads", () => {
  it("are on the patient's report by the Patient ids each answered about, and on a client's", async () => {
    const robin = `mrn-${createHash('md5').update(SCENE_MRN.toLowerCase()).digest('hex')}`;
    const client = new pg.Client({ connectionString: central.database.url });
    await client.connect();
    try {
      const log = (hours: number, name: string, query: string, patients: string[]) =>
        client.query(
          `INSERT INTO fhir_access_log (at, client_id, client_name, interaction, resource_type,
             query, result_count, status, patient_ids)
           VALUES (to_timestamp($1 / 1000.0), $6, $2, 'search-type', 'Observation', $3,
             $4, 200, $5)`,
          [
            T0_MS + hours * 3_600_000,
            name,
            query,
            patients.length,
            patients,
            name.toLowerCase().replace(/ /g, '-'),
          ],
        );
      await log(2.25, 'EHR bridge', `patient=Patient/${robin}`, [robin]);
      await log(2.5, 'EHR bridge', 'patient=Patient/mrn-someone-else', ['mrn-someone-else']);
      // Three reads in the same millisecond: pages still give each once.
      for (const n of [1, 2, 3]) await log(4, 'Ward app', `_id=${n}`, []);
    } finally {
      await client.end();
    }

    const hers = await report(`patient=${SCENE_MRN}&${WIDE}`);
    const fhir = hers.json.entries.filter(
      (e: { workstationName: string }) => e.workstationName === 'Central server (FHIR api)',
    );
    expect(fhir).toEqual([
      expect.objectContaining({
        atMs: T0_MS + 2.25 * 3_600_000,
        actor: 'EHR bridge (FHIR client ehr-bridge)',
        actionWords: 'searched through the FHIR api',
        subject: `patient=${robin}`,
        detail: `Observation?patient=Patient/${robin}: 1 answered (HTTP 200)`,
      }),
    ]);
    // In its place among the workstations' entries, newest first.
    const times = hers.json.entries.map((e: { atMs: number }) => e.atMs);
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const byClient = await report(`user=${encodeURIComponent('EHR bridge')}&${WIDE}`);
    expect(byClient.json.entries.map((e: { subject: string }) => e.subject)).toEqual([
      'patient=mrn-someone-else',
      `patient=${robin}`,
    ]);
    // Paged like the rest: one a page, both once.
    const first = await report(`user=ehr&${WIDE}&limit=1`);
    const second = await report(`user=ehr&${WIDE}&limit=1&cursor=${first.json.nextCursor}`);
    expect([first.json.entries[0].subject, second.json.entries[0].subject]).toEqual([
      'patient=mrn-someone-else',
      `patient=${robin}`,
    ]);
    expect(second.json.nextCursor).toBeNull();
    const ties: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 5; page++) {
      const answer = await report(
        `user=${encodeURIComponent('Ward app')}&${WIDE}&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      ties.push(...answer.json.entries.map((e: { detail: string }) => e.detail.split(':')[0]));
      cursor = answer.json.nextCursor;
      if (!cursor) break;
    }
    expect(ties).toEqual(['Observation?_id=3', 'Observation?_id=2', 'Observation?_id=1']);
  });
});

describe('what the hospital central station opened', () => {
  it("is on the patient's report while they were in the bed, and on the station's by its address", async () => {
    const client = new pg.Client({ connectionString: central.database.url });
    await client.connect();
    try {
      const opened = (hours: number, bedId: string, action: string) =>
        client.query(
          `INSERT INTO station_access_log (at, address, user_agent, action, workstation_id, bed_id)
           VALUES (to_timestamp($1 / 1000.0), '10.1.2.3', 'Chromium', $2, $3, $4)`,
          [T0_MS + hours * 3_600_000, action, ICU, bedId],
        );
      await opened(1.2, 'bed-1', 'bedLive'); // Robin in ICU bed 1
      await opened(1.3, 'bed-1', 'getTrend');
      await opened(-0.5, 'bed-1', 'bedLive'); // before Robin came
      await opened(1.2, 'bed-9', 'bedLive'); // another bed
    } finally {
      await client.end();
    }
    const station = (entries: { workstationName: string }[]) =>
      entries.filter((e) => e.workstationName === 'Central server (hospital central station)');
    const robin = station((await report(`patient=${SCENE_MRN}&${WIDE}`)).json.entries);
    expect(robin).toEqual([
      expect.objectContaining({
        atMs: T0_MS + 1.3 * 3_600_000,
        actor: 'Hospital central station at 10.1.2.3',
        actionWords: 'read trends',
        subject: 'bedId=bed-1',
        detail: 'bed bed-1 of ICU 2 station',
      }),
      expect.objectContaining({
        atMs: T0_MS + 1.2 * 3_600_000,
        actionWords: "opened the bed's screen",
      }),
    ]);
    const byAddress = await report(`user=10.1.2.3&${WIDE}&limit=2`);
    expect(byAddress.json.entries).toHaveLength(2);
    const rest = await report(`user=10.1.2.3&${WIDE}&limit=2&cursor=${byAddress.json.nextCursor}`);
    expect(
      [...byAddress.json.entries, ...rest.json.entries].map((e: { atMs: number }) => e.atMs),
    ).toEqual([1.3, 1.2, 1.2, -0.5].map((h) => T0_MS + h * 3_600_000));
    expect(rest.json.nextCursor).toBeNull();
  });
});
