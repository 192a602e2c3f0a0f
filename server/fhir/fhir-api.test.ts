// The FHIR R4 api end to end: a central server on a fresh PostgreSQL with rows a workstation
// pushed (a patient, stays, numerics, waveforms, an alarm, a strip, a note, an audit row), a
// client made by the admin api signing its own JWT with jose, and every resource the api answers
// checked by both fhir@4.12.0 and @medplum/core (with the vital-signs profiles). A search test
// per parameter, and the refusals.
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { CryptoKey, JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeStoredChunk } from '../../shared/codec/waveform-codec';
import { uuidv7 } from '../../shared/ids';
import { SYNC_PATHS } from '../../shared/sync/protocol';
import type { PushRow } from '../../shared/sync/push-frame';
import { ADMIN_TOKEN, startTestCentral } from '../test-support/central';
import type { TestCentral } from '../test-support/central';
import { bearer, call } from '../test-support/http-client';
import { admission, patientVersion, pushFrame } from '../test-support/rows';
import { realFindings } from './validators.test-support';

const WS = 'ws-fhir';
const MINUTE = 60_000;
// The stay begins mid-minute three hours ago; rows follow from there.
const T0 = Math.floor((Date.now() - 3 * 3_600_000) / MINUTE) * MINUTE + 15_000;
const STAY_MINUTES = 60;
const created = new Date(T0).toISOString();

let central: TestCentral;
let credential: string;
let base: string;
let tokenUrl: string;
let client: { clientId: string; privateKey: CryptoKey; kid: string };
let token: string;
let patientA = '';

function row(table: string, fields: Record<string, unknown>): PushRow {
  return {
    table,
    row: { id: uuidv7(), workstation_id: WS, created_at: created, ...fields },
  } as PushRow;
}

function numericRow(bedId: string, code: string, value: number, unit: string, atMs: number) {
  return row('numerics', {
    bed_id: bedId,
    device_id: 'dev-1',
    code,
    value,
    unit,
    at_ms: atMs,
    computed: false,
    source_key: null,
    patient_id: null,
  });
}

async function push(rows: PushRow[]) {
  for (let i = 0; i < rows.length; i += 2_000) {
    const answer = await call(central.url, SYNC_PATHS.push, {
      body: pushFrame(WS, rows.slice(i, i + 2_000)),
      headers: bearer(credential),
    });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json.refused).toEqual([]);
  }
}

function seedRows(): PushRow[] {
  const a = patientVersion(WS, {
    mrn: 'TEST-FHIR-1',
    family: 'Testperson',
    given: 'Alpha',
    atMs: T0 - 1000,
    hlc: null,
  });
  const b = patientVersion(WS, {
    mrn: 'TEST-FHIR-2',
    family: 'Exampleton',
    given: 'Beta',
    atMs: T0 - 1000,
    hlc: null,
  });
  (b.row as Record<string, unknown>).birth_date = '1980-07-15';
  const rows: PushRow[] = [
    a,
    b,
    admission(WS, { patientId: a.row.id as string, bedId: 'bed-1', event: 'admitted', atMs: T0 }),
    admission(WS, { patientId: b.row.id as string, bedId: 'bed-2', event: 'admitted', atMs: T0 }),
    row('device_sessions', {
      device_id: 'dev-1',
      driver: 'healthypi5',
      path: '/dev/ttyACM0',
      bed_id: 'bed-1',
      event: 'connected',
      detail: null,
      at_ms: T0,
    }),
    row('channels', {
      bed_id: 'bed-1',
      device_id: 'dev-1',
      channel: 'ECG II',
      label: 'ECG II',
      unit: 'mV',
      rate_hz: 500,
      scale: 0.005,
    }),
    row('channels', {
      bed_id: 'bed-1',
      device_id: 'dev-1',
      channel: 'Pleth',
      label: 'Pleth',
      unit: '1',
      rate_hz: 125,
      scale: null,
    }),
  ];
  for (let t = T0; t < T0 + STAY_MINUTES * MINUTE; t += 10_000) {
    rows.push(numericRow('bed-1', 'MDC_ECG_HEART_RATE', 70 + ((t / 10_000) % 5), '/min', t));
    rows.push(numericRow('bed-1', 'MDC_PULS_OXIM_SAT_O2', 97, '%', t));
    rows.push(numericRow('bed-2', 'MDC_ECG_HEART_RATE', 90, '/min', t));
  }
  for (let t = T0; t < T0 + STAY_MINUTES * MINUTE; t += 60_000) {
    rows.push(numericRow('bed-1', 'MDC_RESP_RATE', 16, '/min', t + 1_000));
  }
  const bpAt = T0 + 20 * MINUTE;
  rows.push(numericRow('bed-1', 'MDC_PRESS_BLD_NONINV_SYS', 121, 'mm[Hg]', bpAt));
  rows.push(numericRow('bed-1', 'MDC_PRESS_BLD_NONINV_DIA', 79, 'mm[Hg]', bpAt));
  rows.push(numericRow('bed-1', 'MDC_PRESS_BLD_NONINV_MEAN', 93, 'mm[Hg]', bpAt));
  rows.push(numericRow('bed-1', 'MDC_TEMP_BODY', 37.2, 'Cel', bpAt));
  // 30 s of ECG II (500 Hz) and pleth (125 Hz) from T0 + 5 min, in 2 s chunks.
  const waveAt = T0 + 5 * MINUTE;
  for (const [channel, rateHz] of [
    ['ECG II', 500],
    ['Pleth', 125],
  ] as const) {
    for (let k = 0; k < 15; k++) {
      const t0Ms = waveAt + k * 2_000;
      const values = Array.from({ length: rateHz * 2 }, (_, i) =>
        Math.round(100 * Math.sin((k * rateHz * 2 + i) / 20)),
      );
      rows.push(
        row('waveform_chunks', {
          bed_id: 'bed-1',
          device_id: 'dev-1',
          channel,
          rate_hz: rateHz,
          t0_ms: t0Ms,
          sample_count: values.length,
          encoding: 'wfrc1',
          data: Buffer.from(encodeStoredChunk({ channel, rateHz, t0Ms }, values)),
        }),
      );
    }
  }
  const alarmAt = T0 + 10 * MINUTE;
  const alarm = {
    bed_id: 'bed-1',
    alarm_id: 'a-1',
    kind: 'physiological',
    priority: 'high',
    code: 'SPO2_LOW',
    message: 'SpO₂ 85 < 90',
    value: 85,
    limit_value: 90,
    actor: 'workstation',
    reason: null,
    origin: 'workstation',
  };
  rows.push(row('alarm_events', { ...alarm, event: 'raised', at_ms: alarmAt }));
  rows.push(row('alarm_events', { ...alarm, event: 'ended', at_ms: alarmAt + MINUTE }));
  rows.push(
    row('strips', {
      bed_id: 'bed-1',
      kind: 'alarm',
      alarm_id: 'a-1',
      alarm_message: 'SpO₂ 85 < 90',
      from_ms: alarmAt,
      to_ms: alarmAt + 10_000,
      created_at_ms: alarmAt + 12_000,
      actor: 'Nurse Test',
      pdf: Buffer.from('%PDF-1.4 test strip\n%%EOF\n'),
    }),
  );
  rows.push(
    row('annotations', {
      bed_id: 'bed-1',
      at_ms: T0 + 30 * MINUTE,
      kind: 'consult',
      text: 'Seen by cardiology: continue monitoring.',
      actor: 'Dr Test',
    }),
  );
  rows.push(
    row('audit_events', {
      at_ms: T0 + 31 * MINUTE,
      actor: 'Nurse Test',
      action: 'remote-view',
      subject: 'bed-1',
      detail: 'opened from the central station',
    }),
  );
  return rows;
}

async function newClient(scopes: string[], alg: 'ES384' | 'RS384' = 'ES384') {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const kid = randomUUID();
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg };
  const made = await call(central.url, '/api/admin/fhir-clients', {
    headers: bearer(ADMIN_TOKEN),
    body: { name: `Test EHR ${alg}`, jwk, scopes },
    noProtocol: true,
  });
  expect(made.status, made.text).toBe(200);
  return { clientId: made.json.clientId as string, privateKey, kid, alg };
}

async function assertion(
  c: { clientId: string; privateKey: CryptoKey; kid: string; alg?: string },
  overrides: { aud?: string; exp?: number; jti?: string; iss?: string } = {},
) {
  return new SignJWT({})
    .setProtectedHeader({ alg: c.alg ?? 'ES384', kid: c.kid, typ: 'JWT' })
    .setIssuer(overrides.iss ?? c.clientId)
    .setSubject(overrides.iss ?? c.clientId)
    .setAudience(overrides.aud ?? tokenUrl)
    .setExpirationTime(overrides.exp ?? Math.floor(Date.now() / 1000) + 240)
    .setJti(overrides.jti ?? randomUUID())
    .sign(c.privateKey);
}

async function askToken(form: Record<string, string>) {
  return call(central.url, '/fhir/r4/auth/token', {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
    noProtocol: true,
  });
}

async function tokenFor(c: Parameters<typeof assertion>[0], scope: string) {
  const answer = await askToken({
    grant_type: 'client_credentials',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: await assertion(c),
    scope,
  });
  expect(answer.status, answer.text).toBe(200);
  return answer.json.access_token as string;
}

/** Every resource in an answer (the bundle and each entry) is valid to both validators. */
function expectValid(resource: Record<string, unknown>) {
  expect(realFindings(resource as never), JSON.stringify(resource).slice(0, 400)).toEqual([]);
  for (const entry of (resource.entry as { resource: Record<string, unknown> }[] | undefined) ??
    []) {
    expect(
      realFindings(entry.resource as never),
      JSON.stringify(entry.resource).slice(0, 400),
    ).toEqual([]);
  }
}

async function fhir(path: string, accessToken: string | null = token, expectStatus = 200) {
  const answer = await call(central.url, path, {
    headers: accessToken ? bearer(accessToken) : {},
    noProtocol: true,
  });
  expect(answer.status, answer.text.slice(0, 500)).toBe(expectStatus);
  if (answer.json?.resourceType) expectValid(answer.json);
  if (expectStatus >= 400) {
    expect(answer.json.resourceType).toBe('OperationOutcome');
    expect(answer.headers['content-type']).toMatch(/application\/fhir\+json/);
  }
  return answer.json;
}

const entries = (bundle: { entry?: { resource: Record<string, unknown> }[] }) =>
  (bundle.entry ?? []).map((e) => e.resource as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(async () => {
  central = await startTestCentral();
  credential = await central.enrol(WS, 'FHIR station');
  await push(seedRows());
  base = `${central.url}/fhir/r4`;
  tokenUrl = `${base}/auth/token`;
  const c = await newClient(['system/*.rs']);
  client = c;
  token = await tokenFor(c, 'system/*.rs');
  const found = await fhir('/fhir/r4/Patient?identifier=TEST-FHIR-1');
  patientA = entries(found)[0]!.id;
}, 120_000);
afterAll(() => central?.stop());

describe('open endpoints', () => {
  it('serves the capability statement without a token, naming the token endpoint', async () => {
    const cs = await fhir('/fhir/r4/metadata', null);
    expect(cs.resourceType).toBe('CapabilityStatement');
    expect(cs.fhirVersion).toBe('4.0.1');
    const types = cs.rest[0].resource.map((r: { type: string }) => r.type);
    expect(types).toEqual(
      expect.arrayContaining(['Patient', 'Observation', 'DetectedIssue', 'AuditEvent']),
    );
  });

  it('serves the SMART configuration with private_key_jwt', async () => {
    const answer = await call(central.url, '/fhir/r4/.well-known/smart-configuration', {
      noProtocol: true,
    });
    expect(answer.status).toBe(200);
    expect(answer.json.token_endpoint).toBe(tokenUrl);
    expect(answer.json.token_endpoint_auth_methods_supported).toEqual(['private_key_jwt']);
    expect(answer.json.token_endpoint_auth_signing_alg_values_supported).toEqual([
      'RS384',
      'ES384',
    ]);
  });
});

describe('Patient', () => {
  it('is found by identifier (MRN), with name and birth date', async () => {
    const [p] = entries(await fhir('/fhir/r4/Patient?identifier=test-fhir-1'));
    expect(p).toMatchObject({
      resourceType: 'Patient',
      name: [{ family: 'Testperson', given: ['Alpha'] }],
      birthDate: '1950-03-01',
    });
    expect(p!.identifier[0].value).toBe('TEST-FHIR-1');
    expect(p!.id).toMatch(/^[A-Za-z0-9\-.]{1,64}$/);
  });
  it('is found by name (starts with, any case), birthdate and _id', async () => {
    expect(entries(await fhir('/fhir/r4/Patient?name=exam')).map((p) => p.name[0].family)).toEqual([
      'Exampleton',
    ]);
    expect(
      entries(await fhir('/fhir/r4/Patient?birthdate=1980-07')).map((p) => p.name[0].family),
    ).toEqual(['Exampleton']);
    expect(
      entries(await fhir('/fhir/r4/Patient?birthdate=lt1960-01-01')).map((p) => p.name[0].family),
    ).toEqual(['Testperson']);
    expect(entries(await fhir(`/fhir/r4/Patient?_id=${patientA}`)).map((p) => p.id)).toEqual([
      patientA,
    ]);
    expect((await fhir('/fhir/r4/Patient?_summary=count')).total).toBe(2);
  });
  it('is read by id; an unknown id is 404', async () => {
    expect((await fhir(`/fhir/r4/Patient/${patientA}`)).id).toBe(patientA);
    await fhir('/fhir/r4/Patient/mrn-00000000000000000000000000000000', token, 404);
    await fhir('/fhir/r4/Patient/not-ours', token, 404);
  });
});

describe('Encounter, Location, Device', () => {
  it('gives the stay in its bed by patient, date and location, and reads it', async () => {
    const [e] = entries(await fhir(`/fhir/r4/Encounter?patient=Patient/${patientA}`));
    expect(e).toMatchObject({
      status: 'in-progress',
      subject: { reference: `Patient/${patientA}` },
    });
    expect(Date.parse(e!.period.start)).toBe(T0);
    const bed = e!.location[0].location.reference.split('/')[1];
    expect(
      entries(await fhir(`/fhir/r4/Encounter?location=Location/${bed}`)).map((x) => x.id),
    ).toEqual([e!.id]);
    const iso = (ms: number) => new Date(ms).toISOString();
    expect(
      entries(await fhir(`/fhir/r4/Encounter?patient=${patientA}&date=ge${iso(T0 + MINUTE)}`)),
    ).toHaveLength(1);
    expect(
      entries(await fhir(`/fhir/r4/Encounter?patient=${patientA}&date=lt${iso(T0 - MINUTE)}`)),
    ).toHaveLength(0);
    expect((await fhir(`/fhir/r4/Encounter/${e!.id}`)).id).toBe(e!.id);
  });
  it('gives beds as part of their unit, by name and partof', async () => {
    const all = entries(await fhir('/fhir/r4/Location'));
    const unit = all.find((l) => l.physicalType.coding[0].code === 'wa')!;
    expect(unit.name).toBe('ICU 2');
    const beds = entries(await fhir(`/fhir/r4/Location?partof=Location/${unit.id}`));
    expect(beds.map((b) => b.name).sort()).toEqual(['Bed 1', 'Bed 2']);
    expect(entries(await fhir('/fhir/r4/Location?name=bed 1')).map((b) => b.name)).toEqual([
      'Bed 1',
    ]);
    expect((await fhir(`/fhir/r4/Location/${unit.id}`)).name).toBe('ICU 2');
  });
  it('gives each device with its maker, model and driver, by location, and reads it', async () => {
    const [d] = entries(await fhir('/fhir/r4/Device'));
    expect(d).toMatchObject({
      manufacturer: 'ProtoCentral',
      modelNumber: 'HealthyPi 5',
      status: 'active',
    });
    expect(d!.version[0].value).toBe('healthypi5');
    expect(entries(await fhir(`/fhir/r4/Device?location=${d!.location.reference}`))).toHaveLength(
      1,
    );
    expect((await fhir(`/fhir/r4/Device/${d!.id}`)).id).toBe(d!.id);
  });
});

describe('Observation', () => {
  const iso = (ms: number) => new Date(ms).toISOString();

  it('gives per-minute rollups of every vital sign of the stay by default', async () => {
    const bundle = await fhir(`/fhir/r4/Observation?patient=${patientA}&_count=1000`);
    const all = entries(bundle);
    // HR and SpO₂ each minute of the stay the rows fill: the stay begins mid-minute, so the
    // rows' first minute (begun before the admission) is not the patient's; RR (once a minute,
    // 1 s past the stay's start) fills one minute fewer.
    const hr = all.filter((o) => o.code.coding.some((c: { code: string }) => c.code === '147842'));
    expect(hr.length).toBe(60);
    expect(hr[0]).toMatchObject({
      status: 'final',
      category: [{ coding: [{ code: 'vital-signs' }] }],
    });
    expect(hr[0]!.code.coding.map((c: { system: string }) => c.system)).toEqual([
      'http://loinc.org',
      'urn:iso:std:iso:11073:10101',
    ]);
    expect(hr[0]!.valueQuantity).toMatchObject({
      system: 'http://unitsofmeasure.org',
      code: '/min',
    });
    expect(hr[0]!.device.reference).toMatch(/^Device\/dev-/);
    expect(hr[0]!.encounter.reference).toMatch(/^Encounter\/enc-/);
    expect(bundle.total).toBe(all.length);
    const bp = all.filter((o) => o.code.coding[0].code === '85354-9');
    expect(bp).toHaveLength(1);
    expect(
      bp[0]!.component.map((c: { valueQuantity: { value: number } }) => c.valueQuantity.value),
    ).toEqual([121, 79]);
    expect(bp[0]!.meta.profile).toContain('http://hl7.org/fhir/StructureDefinition/bp');
    expect(all.filter((o) => o.code.coding[0].code === '8478-0')).toHaveLength(1);
    expect(all.filter((o) => o.code.coding[0].code === '8310-5')).toHaveLength(1);
  });

  it('searches by code (LOINC or MDC), date range, category, encounter and subject', async () => {
    const byLoinc = entries(
      await fhir(
        `/fhir/r4/Observation?patient=${patientA}&code=http://loinc.org|59408-5&_count=1000`,
      ),
    );
    const byMdc = entries(
      await fhir(
        `/fhir/r4/Observation?subject=Patient/${patientA}&code=urn:iso:std:iso:11073:10101|150456&_count=1000`,
      ),
    );
    expect(byLoinc.length).toBe(60);
    expect(byMdc.map((o) => o.id)).toEqual(byLoinc.map((o) => o.id));
    const from = T0 + 10 * MINUTE - 15_000; // on a minute boundary
    const ranged = entries(
      await fhir(
        `/fhir/r4/Observation?patient=${patientA}&code=8867-4&date=ge${iso(from)}&date=lt${iso(from + 10 * MINUTE)}`,
      ),
    );
    expect(ranged).toHaveLength(10);
    expect(Date.parse(ranged[0]!.effectivePeriod.start)).toBe(from);
    const gtLe = entries(
      await fhir(
        `/fhir/r4/Observation?patient=${patientA}&code=8867-4&date=gt${iso(from)}&date=le${iso(from + 10 * MINUTE)}`,
      ),
    );
    expect(gtLe.length).toBe(11);
    const eq = entries(
      await fhir(
        `/fhir/r4/Observation?patient=${patientA}&code=8867-4&date=eq${iso(from).slice(0, 16)}`,
      ),
    );
    expect(eq).toHaveLength(1);
    expect(
      entries(
        await fhir(
          `/fhir/r4/Observation?patient=${patientA}&category=vital-signs&code=9279-1&_count=1000`,
        ),
      ),
    ).toHaveLength(59);
    expect(
      entries(await fhir(`/fhir/r4/Observation?patient=${patientA}&category=laboratory`)),
    ).toHaveLength(0);
    const [enc] = entries(await fhir(`/fhir/r4/Encounter?patient=${patientA}`));
    expect(
      entries(
        await fhir(`/fhir/r4/Observation?encounter=Encounter/${enc!.id}&code=9279-1&_count=1000`),
      ),
    ).toHaveLength(59);
  });

  it('pages with next links until every rollup is seen once; _summary=count and true', async () => {
    const seen: string[] = [];
    let next: string | null = `/fhir/r4/Observation?patient=${patientA}&code=8867-4&_count=25`;
    let pages = 0;
    while (next) {
      const bundle = await fhir(next);
      seen.push(...entries(bundle).map((o) => o.id));
      const link = bundle.link.find((l: { relation: string }) => l.relation === 'next');
      next = link ? link.url.slice(central.url.length) : null;
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(60);
    expect(
      (await fhir(`/fhir/r4/Observation?patient=${patientA}&code=8867-4&_summary=count`)).total,
    ).toBe(60);
    const summary = entries(
      await fhir(`/fhir/r4/Observation?patient=${patientA}&code=8867-4&_summary=true&_count=1`),
    );
    expect(summary[0]!.meta.tag[0].code).toBe('SUBSETTED');
    expect(summary[0]!.method).toBeUndefined();
  });

  it('gives every reading with _resolution=raw', async () => {
    const raw = entries(
      await fhir(
        `/fhir/r4/Observation?patient=${patientA}&code=8867-4&_resolution=raw&_count=1000`,
      ),
    );
    expect(raw).toHaveLength(STAY_MINUTES * 6);
    expect(Date.parse(raw[0]!.effectiveDateTime)).toBe(T0);
    expect(
      (
        await fhir(
          `/fhir/r4/Observation?patient=${patientA}&code=8867-4&_resolution=raw&_summary=count`,
        )
      ).total,
    ).toBe(360);
    expect((await fhir(`/fhir/r4/Observation/${raw[0]!.id}`)).id).toBe(raw[0]!.id);
  });

  it('keeps rollups equal to the readings, a batch pushed twice counted once', async () => {
    const rows = seedRows();
    const hr = rows.filter(
      (r) =>
        r.table === 'numerics' && r.row.bed_id === 'bed-1' && r.row.code === 'MDC_ECG_HEART_RATE',
    );
    await push(hr.slice(0, 12)); // new ids: the minute of T0 + 1 min gets its readings twice over
    const second = Math.ceil(T0 / MINUTE) * MINUTE;
    const { rows: direct } = await central.server.db.query<{ n: string; mean: number }>(
      `SELECT count(*) AS n, avg(value) AS mean FROM numerics
       WHERE workstation_id = $1 AND bed_id = 'bed-1' AND code = 'MDC_ECG_HEART_RATE'
         AND at_ms >= $2 AND at_ms < $3`,
      [WS, second, second + MINUTE],
    );
    const ask = `/fhir/r4/Observation?patient=${patientA}&code=urn:iso:std:iso:11073:10101|147842&date=ge${new Date(second).toISOString()}&date=lt${new Date(second + MINUTE).toISOString()}`;
    const [before] = entries(await fhir(ask));
    expect(before!.valueQuantity.value).toBeCloseTo(direct[0]!.mean, 3);
    expect(before!.method.text).toContain(`mean of ${direct[0]!.n} reading(s)`);
    // The same batch again (same ids): stored once, so the rollup does not change.
    const again = await call(central.url, SYNC_PATHS.push, {
      body: pushFrame(WS, hr.slice(0, 12)),
      headers: bearer(credential),
    });
    expect(again.status).toBe(200);
    const [after] = entries(await fhir(ask));
    expect(after!.valueQuantity).toEqual(before!.valueQuantity);
    expect(after!.method).toEqual(before!.method);
  });

  it('reads a rollup by its id', async () => {
    const [o] = entries(await fhir(`/fhir/r4/Observation?patient=${patientA}&code=85354-9`));
    expect((await fhir(`/fhir/r4/Observation/${o!.id}`)).component).toHaveLength(2);
  });

  it('cuts a 10–60 s waveform strip per lead as SampledData, by code or _resolution=waveform', async () => {
    const from = T0 + 5 * MINUTE + 2_000;
    const window = `date=ge${iso(from)}&date=lt${iso(from + 20_000)}`;
    const [ecg] = entries(
      await fhir(
        `/fhir/r4/Observation?patient=${patientA}&code=urn:iso:std:iso:11073:10101|131330&${window}`,
      ),
    );
    expect(ecg!.valueSampledData).toMatchObject({
      period: 2,
      factor: 0.005,
      dimensions: 1,
      origin: { value: 0, code: 'mV' },
    });
    expect(ecg!.valueSampledData.data.split(' ')).toHaveLength(20 * 500);
    const both = entries(
      await fhir(`/fhir/r4/Observation?patient=${patientA}&_resolution=waveform&${window}`),
    );
    expect(both.map((o) => o.code.coding[0].display).sort()).toEqual([
      'MDC_ECG_ELEC_POTL_II',
      'MDC_PULS_OXIM_PLETH',
    ]);
    const pleth = both.find((o) => o.code.coding[0].display === 'MDC_PULS_OXIM_PLETH')!;
    expect(pleth.valueSampledData.origin.code).toBe('{count}');
    expect((await fhir(`/fhir/r4/Observation/${ecg!.id}`)).valueSampledData.data).toBe(
      ecg!.valueSampledData.data,
    );
    await fhir(
      `/fhir/r4/Observation?patient=${patientA}&_resolution=waveform&date=ge${iso(from)}&date=lt${iso(from + 5_000)}`,
      token,
      400,
    );
    await fhir(`/fhir/r4/Observation?patient=${patientA}&code=131330`, token, 400);
  });
});

describe('alarms, documents, audit', () => {
  it('gives the alarm as a DetectedIssue from raised to ended, by patient and date', async () => {
    const [issue] = entries(await fhir(`/fhir/r4/DetectedIssue?patient=${patientA}`));
    expect(issue).toMatchObject({
      status: 'final',
      severity: 'high',
      detail: 'SpO₂ 85 < 90',
      patient: { reference: `Patient/${patientA}` },
    });
    expect(
      Date.parse(issue!.identifiedPeriod.end) - Date.parse(issue!.identifiedPeriod.start),
    ).toBe(MINUTE);
    expect(
      entries(
        await fhir(
          `/fhir/r4/DetectedIssue?patient=${patientA}&date=lt${new Date(T0).toISOString()}`,
        ),
      ),
    ).toHaveLength(0);
    expect((await fhir(`/fhir/r4/DetectedIssue/${issue!.id}`)).id).toBe(issue!.id);
  });

  it('gives the strip (PDF by its Binary url) and the note as DocumentReference, by patient and type', async () => {
    const docs = entries(await fhir(`/fhir/r4/DocumentReference?patient=${patientA}`));
    expect(docs.map((d) => d.type.coding[0].code)).toEqual(['11524-6', '34109-9']);
    const strips = entries(
      await fhir(`/fhir/r4/DocumentReference?subject=${patientA}&type=http://loinc.org|11524-6`),
    );
    expect(strips).toHaveLength(1);
    const pdfUrl: string = strips[0]!.content[0].attachment.url;
    const pdf = await call(central.url, pdfUrl.slice(central.url.length), {
      headers: bearer(token),
      noProtocol: true,
    });
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.text.startsWith('%PDF-1.4')).toBe(true);
    const binary = await call(central.url, pdfUrl.slice(central.url.length), {
      headers: { ...bearer(token), accept: 'application/fhir+json' },
      noProtocol: true,
    });
    expect(binary.json).toMatchObject({ resourceType: 'Binary', contentType: 'application/pdf' });
    expectValid(binary.json);
    const note = docs[1]!;
    expect(Buffer.from(note.content[0].attachment.data, 'base64').toString('utf8')).toBe(
      'Seen by cardiology: continue monitoring.',
    );
    expect((await fhir(`/fhir/r4/DocumentReference/${note.id}`)).id).toBe(note.id);
  });

  it('records every access and serves it with the workstations audit rows as AuditEvent', async () => {
    const bundle = await fhir('/fhir/r4/AuditEvent?_count=500');
    const all = entries(bundle);
    const access = all.filter((a) => a.type.code === 'rest');
    expect(access.length).toBeGreaterThan(10);
    expect(access.every((a) => a.agent[0].who.identifier.value === client.clientId)).toBe(true);
    expect(access.some((a) => a.entity[0].description.startsWith('Observation?patient='))).toBe(
      true,
    );
    const ws = all.find((a) => a.subtype[0].display === 'remote-view')!;
    expect(ws.source.observer.display).toBe('FHIR station');
    expect((await fhir(`/fhir/r4/AuditEvent/${ws.id}`)).id).toBe(ws.id);
    expect((await fhir(`/fhir/r4/AuditEvent/${access[0]!.id}`)).id).toBe(access[0]!.id);
    const dated = entries(
      await fhir(`/fhir/r4/AuditEvent?date=lt${new Date(T0 + 32 * MINUTE).toISOString()}`),
    );
    expect(dated.map((a) => a.id)).toEqual([ws.id]);

    // Each access names the patients its answer was about (the privacy officer's report finds
    // it by them): a search, a read, a strip's PDF by its Binary url, the thousands of rollups.
    const { rows } = await central.server.db.query<{
      resource_type: string;
      query: string;
      patient_ids: string[];
    }>(`SELECT resource_type, query, patient_ids FROM fhir_access_log ORDER BY seq`);
    const about = (match: (r: { resource_type: string; query: string }) => boolean) =>
      rows.filter(match).map((r) => r.patient_ids);
    expect(about((r) => r.resource_type === 'DocumentReference' && r.query !== '')[0]).toEqual([
      patientA,
    ]);
    expect(about((r) => r.resource_type.startsWith('Binary/'))).not.toHaveLength(0);
    expect(about((r) => r.resource_type.startsWith('Binary/')).flat()).toEqual(
      expect.arrayContaining([patientA]),
    );
    expect(about((r) => r.resource_type === `Patient/${patientA}`)).toContainEqual([patientA]);
    const observations = about(
      (r) => r.resource_type === 'Observation' && r.query.includes(patientA),
    );
    expect(observations).toContainEqual([patientA]);
    expect(observations.flat().every((id) => id === patientA)).toBe(true);
    expect(about((r) => r.resource_type === 'AuditEvent').flat()).not.toContain(undefined);
  });
});

describe('refusals', () => {
  it('answers bad parameters with 400 and an OperationOutcome', async () => {
    await fhir(`/fhir/r4/Observation?patient=${patientA}&colour=red`, token, 400);
    await fhir(`/fhir/r4/Observation?patient=${patientA}&date=yesterday`, token, 400);
    await fhir(`/fhir/r4/Observation?patient=${patientA}&date=2026-13-01`, token, 400);
    await fhir(`/fhir/r4/Observation?patient=${patientA}&date=ne2026-01-01`, token, 400);
    await fhir(`/fhir/r4/Observation?patient=${patientA}&_count=-1`, token, 400);
    await fhir(`/fhir/r4/Observation?patient=${patientA}&_count=abc`, token, 400);
    await fhir(`/fhir/r4/Observation?patient=${patientA}&_cursor=garbage`, token, 400);
    await fhir(`/fhir/r4/Observation?patient=${patientA}&_resolution=hourly`, token, 400);
    await fhir(`/fhir/r4/Observation?patient=${patientA}&_summary=data`, token, 400);
    await fhir('/fhir/r4/Observation', token, 400);
    await fhir(`/fhir/r4/Observation?patient=${Array(51).fill(patientA).join(',')}`, token, 400);
    await fhir('/fhir/r4/Observation?patient=a/b/c/d', token, 400);
    await fhir('/fhir/r4/Frobnicate', token, 404);
    await fhir('/fhir/r4/Patient/x/y', token, 404);
    const post = await call(central.url, '/fhir/r4/Patient', {
      headers: bearer(token),
      body: { resourceType: 'Patient' },
      noProtocol: true,
    });
    expect(post.status).toBe(405);
    expect(post.json.resourceType).toBe('OperationOutcome');
  });

  it('refuses a missing, unknown or malformed token with 401 and a missing scope with 403', async () => {
    await fhir('/fhir/r4/Patient', null, 401);
    await fhir('/fhir/r4/Patient', 'not-a-token-but-long-enough-0123', 401);
    const patientsOnly = await tokenFor(client, 'system/Patient.read');
    await fhir('/fhir/r4/Patient', patientsOnly, 200);
    await fhir(`/fhir/r4/Observation?patient=${patientA}`, patientsOnly, 403);
    await fhir(`/fhir/r4/Observation/anything`, patientsOnly, 403);
    const searchOnly = await tokenFor(client, 'system/Patient.s');
    await fhir(`/fhir/r4/Patient/${patientA}`, searchOnly, 403);
  });

  it('refuses token requests signed wrongly, expired, for another audience, replayed, of unknown or revoked clients', async () => {
    const form = async (jwt: string, scope = 'system/Observation.rs') =>
      askToken({
        grant_type: 'client_credentials',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: jwt,
        scope,
      });
    const expectRefused = async (jwt: string, words: RegExp, scope?: string) => {
      const answer = await form(jwt, scope);
      expect(answer.status, answer.text).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      expect(answer.json.error_description).toMatch(words);
      return answer;
    };
    const other = await generateKeyPair('ES384');
    await expectRefused(await assertion({ ...client, privateKey: other.privateKey }), /signature/i);
    await expectRefused(
      await assertion(client, { exp: Math.floor(Date.now() / 1000) - 120 }),
      /exp/i,
    );
    await expectRefused(
      await assertion(client, { exp: Math.floor(Date.now() / 1000) + 3_600 }),
      /5 minutes/,
    );
    await expectRefused(
      await assertion(client, { aud: 'https://elsewhere.example/token' }),
      /aud/i,
    );
    const once = await assertion(client, { jti: 'jti-used-once' });
    expect((await form(once)).status).toBe(200);
    await expectRefused(once, /used already/);
    await expectRefused(await assertion(client, { iss: 'no-such-client' }), /does not know/);
    await expectRefused('not.a.jwt', /not a signed JWT/);
    const noScope = await expectRefused(await assertion(client), /scope/i, 'system/Patient.cruds');
    expect(noScope.status).toBe(400);
    // An RS384 client works, then its tokens stop the moment it is revoked.
    const rsa = await newClient(['system/Patient.rs'], 'RS384');
    const rsaToken = await tokenFor(rsa, 'system/Patient.rs');
    await fhir('/fhir/r4/Patient', rsaToken, 200);
    const revoked = await call(central.url, `/api/admin/fhir-clients/${rsa.clientId}/revoke`, {
      headers: bearer(ADMIN_TOKEN),
      body: {},
      noProtocol: true,
    });
    expect(revoked.status, revoked.text).toBe(200);
    await fhir('/fhir/r4/Patient', rsaToken, 401);
    await expectRefused(await assertion(rsa), /revoked/);
    const answer = await call(central.url, '/fhir/r4/auth/token', {
      headers: { 'content-type': 'application/json' },
      body: '{}',
      noProtocol: true,
    });
    expect(answer.status).toBe(400);
  });

  it('keeps the admin api for clients behind the admin token and refuses private keys', async () => {
    const list = await call(central.url, '/api/admin/fhir-clients', {
      headers: bearer(ADMIN_TOKEN),
      noProtocol: true,
    });
    expect(list.json.clients.length).toBeGreaterThanOrEqual(2);
    expect((await call(central.url, '/api/admin/fhir-clients', { noProtocol: true })).status).toBe(
      401,
    );
    const { privateKey } = await generateKeyPair('ES384', { extractable: true });
    const leaked = await call(central.url, '/api/admin/fhir-clients', {
      headers: bearer(ADMIN_TOKEN),
      body: { name: 'Leaky', jwk: await exportJWK(privateKey), scopes: ['system/*.rs'] },
      noProtocol: true,
    });
    expect(leaked.status).toBe(400);
    expect(leaked.json.message).toMatch(/private part/);
  });

  it('survives hostile requests and still answers', async () => {
    const hostile = [
      '/fhir/r4/Patient?identifier=' + 'x'.repeat(10_000),
      '/fhir/r4/Observation?patient=%E0%A4%A',
      '/fhir/r4/Observation/' + 'a'.repeat(300),
      '/fhir/r4/Observation?patient=' + patientA + '&date=ge9999-12-31T23:59:59Z&date=le0001-01-01',
      '/fhir/r4/Binary/strip-0000000000-00000000000000000000000000000000',
      '/fhir/r4/AuditEvent?_cursor=' + Buffer.from('{"o":1e300}').toString('base64url'),
    ];
    for (const path of hostile) {
      const answer = await call(central.url, path, { headers: bearer(token), noProtocol: true });
      expect(answer.status, path).toBeLessThan(500);
    }
    const big = await call(central.url, '/fhir/r4/auth/token', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a='.padEnd(100_000, 'x'),
      noProtocol: true,
    });
    expect(big.status).toBe(413);
    await fhir('/fhir/r4/metadata', null, 200);
    expect(central.logs.filter((l) => /FHIR .* failed/.test(l))).toEqual([]);
  });
});
