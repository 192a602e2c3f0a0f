// "Save strip as PDF" on a real central server (PostgreSQL, loopback HTTP): a workstation pushes a
// bed's waveforms and numerics through the real push endpoint, invites, and the remote clinician's
// session gets a strip of its stay as a PDF that poppler reads (bed, patient, 25 mm/s, the lead, the
// heart rate); another bed, a time outside the stay and no session are refused and audited.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeStoredChunk } from '../../shared/codec/waveform-codec';
import { uuidv7 } from '../../shared/ids';
import type { Bed, Patient } from '../../shared/model/schemas';
import { TELEHEALTH_PATHS, type CreateInvitation } from '../../shared/telehealth/invitation';
import { VIEWER_PATHS } from '../../shared/telehealth/viewer';
import { stripQueryString, VIEWER_STRIP_PATH } from '../../shared/telehealth/viewer-strip';
import { SYNC_PATHS } from '../../shared/sync/protocol';
import type { PushRow } from '../../shared/sync/push-frame';
import {
  liveWorkstation,
  snapshotEvent,
  testBed,
  until,
  type LiveWorkstationClient,
} from '../live/live-clients.test-support';
import { startTestCentral, type TestCentral } from '../test-support/central';
import { bearer, call } from '../test-support/http-client';
import { pushFrame } from '../test-support/rows';
import { eventsOf } from './invitation-store';

const WS = 'ws-strip-a';
const RATE_HZ = 250;
/** The patient's admission into bed 1: ten minutes ago, on a whole second. */
const STAY_MS = Math.floor((Date.now() - 10 * 60_000) / 1000) * 1000;
/** The signal the server holds: 30 s, a minute into the stay. */
const SIGNAL_MS = STAY_MS + 60_000;

const P1: Patient = {
  id: randomUUID(),
  mrn: 'MRN-4471',
  familyName: 'Ковалёва',
  givenName: 'Anna',
  birthDate: '1950-01-01',
  category: 'adult',
};
const P2: Patient = { ...P1, id: randomUUID(), mrn: 'MRN-2', familyName: 'Other' };

let central: TestCentral;
let station: LiveWorkstationClient;
let dir: string;
let credential: string;

const common = () => ({
  id: uuidv7(),
  workstation_id: WS,
  created_at: new Date(SIGNAL_MS).toISOString(),
});

/** 2 s of a sawtooth "ECG" (±1 mV at 0.005 mV a count). */
function chunk(t0Ms: number): PushRow {
  const values = Array.from({ length: 2 * RATE_HZ }, (_, k) => ((k % 200) - 100) * 2);
  return {
    table: 'waveform_chunks',
    row: {
      ...common(),
      bed_id: 'bed-1',
      device_id: 'dev-1',
      channel: 'MDC_ECG_ELEC_POTL_II',
      rate_hz: RATE_HZ,
      t0_ms: t0Ms,
      sample_count: values.length,
      encoding: 'wfrc1',
      data: encodeStoredChunk({ channel: 'MDC_ECG_ELEC_POTL_II', rateHz: RATE_HZ, t0Ms }, values),
    },
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'central-strip-'));
  writeFileSync(join(dir, 'index.html'), '<p>station</p>');
  writeFileSync(join(dir, 'telehealth.html'), '<p>viewer</p>');
  central = await startTestCentral({ rendererDir: dir });
  credential = await central.enrol(WS, 'Clinic Strip');
  station = await liveWorkstation(central.url, credential, WS);
  const beds: Bed[] = [
    { ...testBed('bed-1', 'Bed 1'), patient: P1 },
    { ...testBed('bed-2', 'Bed 2'), patient: P2 },
  ];
  station.send({ type: 'beds', beds });
  for (const bed of beds) station.send({ type: 'bed', bedId: bed.id, event: snapshotEvent(bed) });
  const rows: PushRow[] = [
    {
      table: 'channels',
      row: {
        ...common(),
        bed_id: 'bed-1',
        device_id: 'dev-1',
        channel: 'MDC_ECG_ELEC_POTL_II',
        label: 'ECG II',
        unit: 'mV',
        rate_hz: RATE_HZ,
        scale: 0.005,
      },
    },
    ...Array.from({ length: 15 }, (_, i) => chunk(SIGNAL_MS + i * 2_000)),
    {
      table: 'numerics',
      row: {
        ...common(),
        bed_id: 'bed-1',
        device_id: 'dev-1',
        code: 'MDC_ECG_HEART_RATE',
        value: 73,
        unit: '/min',
        at_ms: SIGNAL_MS + 10_000,
        computed: false,
        source_key: null,
        patient_id: null,
      },
    },
  ];
  const pushed = await call(central.url, SYNC_PATHS.push, {
    body: pushFrame(WS, rows),
    headers: bearer(credential),
  });
  expect(pushed.status, pushed.text).toBe(200);
  for (const [bedId, patientId] of [
    ['bed-1', P1.id],
    ['bed-2', P2.id],
  ])
    await central.server.db.query(
      `INSERT INTO admissions (id, workstation_id, created_at, patient_id, bed_id, bed_label,
         event, at_ms, actor) VALUES ($1, $2, now(), $3, $4, null, 'admitted', $5, 'Nurse')`,
      [randomUUID(), WS, patientId, bedId, STAY_MS],
    );
  await until(() => central.server.live.live.relay.hasBed(`${WS}/bed-2`), 'the beds');
}, 60_000);

afterAll(async () => {
  await station?.close().catch(() => undefined);
  await central?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Invited for `bedId` and opened with the code: the browser's session cookie. */
async function openedConsult(bedId: string, patientId: string) {
  const body: CreateInvitation = {
    id: randomUUID(),
    bedId,
    bedLabel: bedId === 'bed-1' ? 'Bed 1' : 'Bed 2',
    patientId,
    minutes: 30,
    consent: { givenBy: 'patient', atMs: Date.now(), recordedBy: 'Nurse Nora' },
    invitedBy: 'Nurse Nora',
  };
  const made = await call(central.url, TELEHEALTH_PATHS.invitations, {
    headers: bearer(credential),
    body,
  });
  expect(made.status, made.text).toBe(201);
  const token = (made.json.url as string).split('#t=')[1]!;
  const redeemed = await call(central.url, VIEWER_PATHS.redeem, {
    noProtocol: true,
    body: { token, code: made.json.code, name: 'Dr Remote' },
  });
  expect(redeemed.status, redeemed.text).toBe(200);
  return { id: body.id, cookie: redeemed.headers['set-cookie']![0]!.split(';')[0]! };
}

async function getStrip(cookie: string | null, query: Parameters<typeof stripQueryString>[0]) {
  const res = await fetch(`${central.url}${VIEWER_STRIP_PATH}?${stripQueryString(query)}`, {
    headers: cookie ? { cookie } : {},
  });
  return { res, bytes: Buffer.from(await res.arrayBuffer()) };
}

describe('telehealth: Save strip as PDF', () => {
  it('prints 20 s of the invited stay as the workstation’s strip, and audits it', async () => {
    const { id, cookie } = await openedConsult('bed-1', P1.id);
    const endMs = SIGNAL_MS + 25_000;
    const { res, bytes } = await getStrip(cookie, { bedId: `${WS}/bed-1`, endMs, tz: 'UTC' });
    expect(res.status, bytes.toString()).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="strip Bed 1 /);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const file = join(dir, 'strip.pdf');
    writeFileSync(file, bytes);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain('Bed 1');
    expect(text).toContain('Ковалёва, Anna');
    expect(text).toContain('MRN-4471');
    expect(text).toContain('25 mm/s');
    expect(text).toContain('ECG II');
    expect(text).toMatch(/HR\s+73/);
    const from = new Date(endMs - 20_000).toISOString().slice(11, 19);
    const to = new Date(endMs).toISOString().slice(11, 19);
    expect(text).toContain(`${from} to ${to}`);
    const strips = (await eventsOf(central.server.db, id)).filter((e) => e.kind === 'strip');
    expect(strips).toHaveLength(1);
    expect(strips[0]).toMatchObject({ actor: 'Dr Remote' });
    expect(strips[0]!.detail).toContain(
      `from ${new Date(endMs - 20_000).toISOString()} to ${new Date(endMs).toISOString()}`,
    );

    // Without a time: the newest signal the server holds.
    const newest = await getStrip(cookie, { bedId: `${WS}/bed-1` });
    expect(newest.res.status, newest.bytes.toString()).toBe(200);
    const last = (await eventsOf(central.server.db, id)).filter((e) => e.kind === 'strip').at(-1);
    expect(last!.detail).toContain(`to ${new Date(SIGNAL_MS + 30_000).toISOString().slice(0, 19)}`);
  });

  it('refuses another bed, a time outside the stay and a browser without the consult; audits each', async () => {
    const { id, cookie } = await openedConsult('bed-1', P1.id);
    const refusals = async () =>
      (await eventsOf(central.server.db, id)).filter((e) => e.kind === 'refused');

    const otherBed = await getStrip(cookie, { bedId: `${WS}/bed-2`, endMs: SIGNAL_MS + 20_000 });
    expect(otherBed.res.status).toBe(403);
    expect(JSON.parse(otherBed.bytes.toString())).toMatchObject({ error: 'forbidden' });
    const before = await getStrip(cookie, { bedId: `${WS}/bed-1`, endMs: STAY_MS - 60_000 });
    expect(before.res.status).toBe(403);
    expect(JSON.parse(before.bytes.toString()).message).toContain("outside this patient's stay");
    const future = await getStrip(cookie, { bedId: `${WS}/bed-1`, endMs: Date.now() + 3_600_000 });
    expect(future.res.status).toBe(403);
    const details = (await refusals()).map((e) => e.detail ?? '');
    expect(details).toEqual([
      `strip: of bed ${WS}/bed-2`,
      expect.stringMatching(/^strip: at .* outside the stay/),
      expect.stringMatching(/^strip: at .* outside the stay/),
    ]);
    expect((await eventsOf(central.server.db, id)).some((e) => e.kind === 'strip')).toBe(false);

    // Another consult's session (bed 2) asking for bed 1's stay.
    const other = await openedConsult('bed-2', P2.id);
    const crossed = await getStrip(other.cookie, {
      bedId: `${WS}/bed-1`,
      endMs: SIGNAL_MS + 20_000,
    });
    expect(crossed.res.status).toBe(403);
    // No session at all; a malformed time.
    expect((await getStrip(null, { bedId: `${WS}/bed-1` })).res.status).toBe(401);
    const malformed = await fetch(
      `${central.url}${VIEWER_STRIP_PATH}?bedId=${encodeURIComponent(`${WS}/bed-1`)}&endMs=soon`,
      { headers: { cookie } },
    );
    expect(malformed.status).toBe(400);
    // The server goes on printing for the invited stay.
    const ok = await getStrip(cookie, { bedId: `${WS}/bed-1`, endMs: SIGNAL_MS + 20_000 });
    expect(ok.res.status).toBe(200);
  });
});
