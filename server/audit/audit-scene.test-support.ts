// Test support: a small, fictional scene for the access audit, written straight into the central
// server's PostgreSQL as sync would have stored it. Patient "Robin Testpatient" (MRN-1001) stays
// on the ICU workstation in bed-1, is moved to bed-2 and discharged, then is admitted on the ward
// workstation; another patient takes ICU bed-1 after Robin. Each workstation's entries form a
// valid hash chain. No imports of migrations or the server, so Playwright specs can use it too.
import { createHash } from 'node:crypto';
import pg from 'pg';
import { nextAuditLink, type AuditChainEntry } from '../../shared/security/audit-chain';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const HOUR_MS = 3_600_000;

export const SCENE_MRN = 'MRN-1001';
export const ICU = 'ws-audit-icu';
export const WARD = 'ws-audit-ward';
export const ROBIN_ICU = '01900000-0000-7000-8000-00000000a001';
export const ROBIN_ICU_V2 = '01900000-0000-7000-8000-00000000a002';
export const ROBIN_WARD = '01900000-0000-7000-8000-00000000b001';
export const OTHER_ICU = '01900000-0000-7000-8000-00000000a101';
export const NURSE = 'Ana Example (ana)';
export const DOCTOR = 'Ben Sample (ben)';

export interface AuditSceneEntry {
  workstationId: string;
  key: string;
  atMs: number;
  actor: string;
  action: string;
  subject: string | null;
  detail: string | null;
}

/** The scene's entries by key, and which of them are about Robin (newest first). */
export function auditScene(t0Ms: number) {
  const at = (hours: number) => t0Ms + hours * HOUR_MS;
  const entries: AuditSceneEntry[] = [
    e(ICU, 'before-stay', at(-1), NURSE, 'bedLive', 'bedId=bed-1', 'from browser tab 1 (page)'),
    e(ICU, 'icu-bed1-view', at(1), NURSE, 'bedLive', 'bedId=bed-1', 'from browser tab 3 (page)'),
    e(
      ICU,
      'icu-bed1-trend',
      at(1.5),
      NURSE,
      'getTrend',
      'bedId=bed-1',
      'from browser tab 3 (page)',
    ),
    e(ICU, 'sign-in', at(0.5), NURSE, 'sign-in', 'user=ana', 'with password'),
    e(ICU, 'other-patient', at(3), DOCTOR, 'getTrend', 'bedId=bed-1', 'from window 1'),
    e(ICU, 'icu-bed2-wave', at(3), DOCTOR, 'getWaveformWindow', 'bedId=bed-2', 'from window 1'),
    e(
      ICU,
      'refused',
      at(3.5),
      'unidentified user at this workstation',
      'refused:acknowledgeAlarm',
      'bedId=bed-2 alarmId=al-1',
      'from window 1',
    ),
    e(
      ICU,
      'history-by-id',
      at(6),
      DOCTOR,
      'patientHistory',
      `patientId=${ROBIN_ICU_V2}`,
      'from window 1',
    ),
    e(
      ICU,
      'formula',
      at(7),
      '=HYPERLINK("http://evil.example","x")',
      'unknownThing',
      'bedId=bed-9',
      'said "hi", then left\nsecond line',
    ),
    e(
      WARD,
      'ward-before',
      at(1),
      DOCTOR,
      'acknowledgeAlarm',
      'bedId=bed-1 alarmId=al-2',
      'from window 2',
    ),
    e(WARD, 'ward-export', at(5.5), DOCTOR, 'fhir-export', `patient ${SCENE_MRN}`, 'to a folder'),
    e(WARD, 'ward-view', at(6.5), NURSE, 'bedLive', 'bedId=bed-1', 'from browser tab 7 (page)'),
  ];
  const robin = [
    'ward-view',
    'history-by-id',
    'ward-export',
    'refused',
    'icu-bed2-wave',
    'icu-bed1-trend',
    'icu-bed1-view',
  ];
  return { entries, robin, at };
}

function e(
  workstationId: string,
  key: string,
  atMs: number,
  actor: string,
  action: string,
  subject: string | null,
  detail: string | null,
): AuditSceneEntry {
  return { workstationId, key, atMs, actor, action, subject, detail };
}

/** A stable UUID per entry key (UUIDv7-shaped, so ids sort by nothing in particular). */
export function sceneId(key: string): string {
  const hex = createHash('sha256').update(key).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Writes the scene (patients, admissions, chained audit entries) into the database at `url`. */
export async function seedAuditScene(url: string, t0Ms: number) {
  const scene = auditScene(t0Ms);
  const { at } = scene;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const patient = (
      ws: string,
      id: string,
      supersedes: string | null,
      mrn: string,
      given: string,
    ) =>
      client.query(
        `INSERT INTO patients (id, workstation_id, created_at, supersedes, mrn, family_name,
           given_name, birth_date, category, actor, at_ms)
         VALUES ($1, $2, now(), $3, $4, 'Testpatient', $5, '1970-01-01', 'adult', $6, $7)`,
        [id, ws, supersedes, mrn, given, NURSE, t0Ms],
      );
    await patient(ICU, ROBIN_ICU, null, SCENE_MRN, 'Robin');
    await patient(ICU, ROBIN_ICU_V2, ROBIN_ICU, SCENE_MRN, 'Robin J.');
    await patient(ICU, OTHER_ICU, null, 'MRN-2002', 'Sasha');
    await patient(WARD, ROBIN_WARD, null, ` ${SCENE_MRN.toLowerCase()} `, 'Robin');
    const admission = (ws: string, patientId: string, bed: string, event: string, atMs: number) =>
      client.query(
        `INSERT INTO admissions (id, workstation_id, created_at, patient_id, bed_id, bed_label,
           event, at_ms, actor)
         VALUES ($1, $2, now(), $3, $4, $5, $6, $7, $8)`,
        [
          sceneId(`${ws}${patientId}${event}${atMs}`),
          ws,
          patientId,
          bed,
          bed.replace('bed-', 'Bed '),
          event,
          atMs,
          NURSE,
        ],
      );
    await admission(ICU, ROBIN_ICU, 'bed-1', 'admitted', at(0));
    await admission(ICU, ROBIN_ICU_V2, 'bed-2', 'transferred', at(2));
    await admission(ICU, ROBIN_ICU_V2, 'bed-2', 'discharged', at(4));
    await admission(ICU, OTHER_ICU, 'bed-1', 'admitted', at(2));
    await admission(WARD, ROBIN_WARD, 'bed-1', 'admitted', at(5));
    for (const ws of [ICU, WARD]) {
      let tail: AuditChainEntry | null = null;
      const mine = scene.entries
        .filter((x) => x.workstationId === ws)
        .sort((a, b) => a.atMs - b.atMs);
      for (const x of mine) {
        const link: AuditChainEntry = nextAuditLink(
          tail,
          {
            workstationId: ws,
            id: sceneId(x.key),
            atMs: x.atMs,
            actor: x.actor,
            action: x.action,
            subject: x.subject,
            detail: x.detail,
          },
          sha256,
        );
        await client.query(
          `INSERT INTO audit_events (id, workstation_id, created_at, at_ms, actor, action, subject,
             detail, seq, prev_hash, entry_hash)
           VALUES ($1, $2, now(), $3, $4, $5, $6, $7, $8, $9, $10)`,
          [
            link.id,
            ws,
            link.atMs,
            link.actor,
            link.action,
            link.subject,
            link.detail,
            link.seq,
            link.prevHash,
            link.entryHash,
          ],
        );
        tail = link;
      }
    }
  } finally {
    await client.end();
  }
  return scene;
}
