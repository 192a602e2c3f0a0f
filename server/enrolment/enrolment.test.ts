// Enrolment and the admin api over real HTTP on the real PostgreSQL, and the admin commands.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PATHS, WorkstationList } from '../../shared/sync/admin';
import { EnrolResponse, EnrolmentCode, Hello, PullResponse } from '../../shared/sync/messages';
import { SYNC_PATHS, SYNC_PROTOCOL } from '../../shared/sync/protocol';
import { ADMIN_TOKEN, startTestCentral } from '../test-support/central';
import type { TestCentral } from '../test-support/central';
import { bearer, call } from '../test-support/http-client';
import { runServerCommand } from '../test-support/server-process';
import { CODE_ALPHABET, newEnrolmentCode, sha256 } from './secrets';

let central: TestCentral;
beforeAll(async () => {
  central = await startTestCentral();
});
afterAll(() => central?.stop());

const admin = bearer(ADMIN_TOKEN);
async function newCode(unit: string | null = 'ICU 2', workstationId?: string): Promise<string> {
  const made = await call(central.url, ADMIN_PATHS.enrolmentCodes, {
    headers: admin,
    body: { unit, ...(workstationId ? { workstationId } : {}) },
  });
  expect(made.status).toBe(200);
  return made.json.code;
}
const enrol = (code: string, workstationId: string, name = 'ICU-2 central') =>
  call(central.url, SYNC_PATHS.enrol, {
    body: { protocol: SYNC_PROTOCOL, code, workstationId, name, appVersion: '0.1.0' },
  });

describe('enrolment codes', () => {
  it('are 16 characters of an unambiguous alphabet in four groups', () => {
    for (let i = 0; i < 500; i++) {
      const code = newEnrolmentCode();
      expect(code).toMatch(/^[2-9A-HJKMNP-Z]{4}(-[2-9A-HJKMNP-Z]{4}){3}$/);
      expect(EnrolmentCode.parse(code)).toBe(code);
    }
    expect(CODE_ALPHABET).not.toMatch(/[01ILO]/);
  });
});

describe('enrol', () => {
  it('gives a workstation a credential kept only as its hash, and its unit', async () => {
    const code = await newCode('ICU 2');
    // Read out over the phone: lower case, no dashes.
    const answer = await enrol(code.toLowerCase().replaceAll('-', ''), 'ws-good');
    expect(answer.status).toBe(200);
    const enrolled = EnrolResponse.parse(answer.json);
    expect(enrolled).toMatchObject({ workstationId: 'ws-good', unit: 'ICU 2' });
    expect(Buffer.from(enrolled.credential, 'base64url')).toHaveLength(32);
    const hello = Hello.parse((await call(central.url, SYNC_PATHS.hello)).json);
    expect(enrolled.serverId).toBe(hello.serverId);
    const { rows } = await central.server.db.query(
      'SELECT credential_hash FROM workstations WHERE id = $1',
      ['ws-good'],
    );
    expect(rows[0].credential_hash).toEqual(sha256(enrolled.credential));
    // The workstation's pull says who it is on the server.
    const pulled = await call(central.url, `${SYNC_PATHS.pull}?cursor=0`, {
      headers: bearer(enrolled.credential),
    });
    const page = PullResponse.parse(pulled.json);
    expect(page.changes).toEqual([{ kind: 'workstation', name: 'ICU-2 central', unit: 'ICU 2' }]);
    const next = await call(central.url, `${SYNC_PATHS.pull}?cursor=${page.cursor}`, {
      headers: bearer(enrolled.credential),
    });
    expect(next.json).toMatchObject({ changes: [], more: false, cursor: page.cursor });
  });

  it('refuses a code used already, one expired, one never made, and one of the wrong form', async () => {
    const code = await newCode();
    expect((await enrol(code, 'ws-first')).status).toBe(200);
    const reused = await enrol(code, 'ws-second');
    expect(reused.status).toBe(403);
    expect(reused.json).toMatchObject({ error: 'enrolment-code-invalid' });
    expect(reused.json.message).toMatch(/used already/);

    const expiring = await newCode();
    await central.server.db.query(
      `UPDATE enrolment_codes SET expires_at = now() - interval '1 second' WHERE used_at IS NULL`,
    );
    const expired = await enrol(expiring, 'ws-late');
    expect(expired.status).toBe(403);
    expect(expired.json.message).toMatch(/expired/);

    const unknown = await enrol(newEnrolmentCode(), 'ws-guess');
    expect(unknown.status).toBe(403);
    expect(unknown.json.message).toMatch(/not one this central server made/);

    const malformed = await enrol('ABCD-EFGH', 'ws-typo');
    expect(malformed.status).toBe(400);
    expect(malformed.json).toMatchObject({ error: 'enrolment-code-invalid' });
    expect(malformed.json.message).toMatch(/XXXX-XXXX-XXXX-XXXX/);
    const notJson = await call(central.url, SYNC_PATHS.enrol, { body: 'code=1' });
    expect(notJson.status).toBe(400);
    const { json } = await call(central.url, ADMIN_PATHS.workstations, { headers: admin });
    const ids = WorkstationList.parse(json).workstations.map((w) => w.id);
    expect(ids).not.toContain('ws-second');
    expect(ids).not.toContain('ws-late');
  });

  it('lets one of two workstations racing with one code enrol', async () => {
    const code = await newCode();
    const answers = await Promise.all(
      ['ws-race-1', 'ws-race-2', 'ws-race-3'].map((id) => enrol(code, id)),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 403, 403]);
  });

  it('replaces the credential when a workstation enrols again (a reinstall), and keeps a revoked one out', async () => {
    const first = EnrolResponse.parse((await enrol(await newCode(), 'ws-reinstalled')).json);
    // A plain code cannot take over an enrolled workstation's id (and its feed): refused, unused.
    const plain = await newCode(null);
    const takeover = await enrol(plain, 'ws-reinstalled', 'Impostor');
    expect(takeover.status).toBe(403);
    expect(takeover.json.error).toBe('forbidden');
    expect(takeover.json.message).toContain('--workstation ws-reinstalled');
    expect((await enrol(plain, 'ws-new-with-plain-code')).status).toBe(200);
    // A code made for another workstation's re-enrolment enrols nothing else.
    const forOther = await newCode(null, 'ws-new-with-plain-code');
    expect((await enrol(forOther, 'ws-reinstalled')).json.error).toBe('forbidden');
    // A re-enrolment code for a workstation that was never enrolled is not made.
    const nowhere = await call(central.url, ADMIN_PATHS.enrolmentCodes, {
      headers: admin,
      body: { workstationId: 'ws-never-enrolled' },
    });
    expect(nowhere.status).toBe(404);
    const second = EnrolResponse.parse(
      (await enrol(await newCode(null, 'ws-reinstalled'), 'ws-reinstalled', 'Renamed')).json,
    );
    expect(second.credential).not.toBe(first.credential);
    // A code without a unit keeps the unit the workstation had.
    expect(second.unit).toBe('ICU 2');
    const old = await call(central.url, `${SYNC_PATHS.pull}?cursor=0`, {
      headers: bearer(first.credential),
    });
    expect(old.status).toBe(401);
    const now = await call(central.url, `${SYNC_PATHS.pull}?cursor=0`, {
      headers: bearer(second.credential),
    });
    expect(now.json.changes.at(-1)).toEqual({
      kind: 'workstation',
      name: 'Renamed',
      unit: 'ICU 2',
    });

    const revoked = await call(central.url, ADMIN_PATHS.revoke('ws-reinstalled'), {
      method: 'POST',
      headers: admin,
    });
    expect(revoked.json).toMatchObject({ id: 'ws-reinstalled', name: 'Renamed' });
    expect(revoked.json.revokedAt).toEqual(expect.any(String));
    const code = await newCode();
    const refused = await enrol(code, 'ws-reinstalled');
    expect(refused.status).toBe(403);
    expect(refused.json.error).toBe('revoked');
    expect((await enrol(await newCode(null, 'ws-reinstalled'), 'ws-reinstalled')).json.error).toBe(
      'revoked',
    );
    // The code was not spent on it.
    expect((await enrol(code, 'ws-other')).status).toBe(200);
  });
});

describe('admin api', () => {
  it('needs the admin token, and says what is wrong with a request', async () => {
    for (const headers of [{}, bearer('a-wrong-token-but-long-enough-0000')]) {
      const answer = await call(central.url, ADMIN_PATHS.workstations, { headers });
      expect(answer.status).toBe(401);
      expect(answer.json.error).toBe('unauthenticated');
    }
    // A workstation's credential is not the admin token.
    const credential = await central.enrol('ws-not-admin');
    expect(
      (await call(central.url, ADMIN_PATHS.workstations, { headers: bearer(credential) })).status,
    ).toBe(401);
    const bad = await call(central.url, ADMIN_PATHS.enrolmentCodes, {
      headers: admin,
      body: { validHours: -1 },
    });
    expect(bad.status).toBe(400);
    const missing = await call(central.url, ADMIN_PATHS.revoke('nobody'), {
      method: 'POST',
      headers: admin,
    });
    expect(missing.status).toBe(404);
    expect(missing.json.error).toBe('not-found');
    const nowhere = await call(central.url, '/api/admin/nothing', { headers: admin });
    expect(nowhere.status).toBe(404);
    const wrongMethod = await call(central.url, ADMIN_PATHS.workstations, {
      method: 'DELETE',
      headers: admin,
    });
    expect(wrongMethod.status).toBe(400);
    const list = WorkstationList.parse(
      (await call(central.url, ADMIN_PATHS.workstations, { headers: admin })).json,
    );
    const listed = list.workstations.find((w) => w.id === 'ws-not-admin');
    expect(listed).toMatchObject({
      unit: 'ICU 2',
      revokedAt: null,
      appVersion: '0.1.0',
      protocol: SYNC_PROTOCOL,
    });
    expect(listed!.lastSeenAt).toBeNull();
  });
});

describe('admin commands', () => {
  it('make a code that enrols, list workstations as JSON lines, and revoke', async () => {
    const db = ['--db', central.database.url];
    const made = await runServerCommand([
      'enrolment-code',
      ...db,
      '--unit',
      'Ward 7',
      '--valid-hours',
      '2',
    ]);
    expect(made.code).toBe(0);
    const code = made.stdout.trim();
    expect(code).toMatch(/^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$/);
    expect(made.stderr).toMatch(/Ward 7/);
    const enrolled = await enrol(code, 'ws-scripted', 'Clinic Kisoro');
    expect(enrolled.json.unit).toBe('Ward 7');

    const [listed, unknown, usage] = await Promise.all([
      runServerCommand(['workstations', ...db]),
      runServerCommand(['revoke', ...db, '--workstation', 'ws-nobody']),
      runServerCommand(['revoke', ...db]),
    ]);
    expect(listed.code).toBe(0);
    const lines = listed.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toContainEqual(
      expect.objectContaining({ id: 'ws-scripted', name: 'Clinic Kisoro', unit: 'Ward 7' }),
    );

    const revoked = await runServerCommand(['revoke', ...db, '--workstation', 'ws-scripted']);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toMatch(/ws-scripted .*revoked/);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No workstation ws-nobody/);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--workstation ID[\s\S]*Usage:/);
  });
});
