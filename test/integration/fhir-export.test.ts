// `workstation export --format fhir`: a stay kept in a real PGlite store on disk (admitted, vitals,
// an alarm, a note, a strip, a transfer, a discharge, then a second stay), exported by the real
// command in a child process. Every resource of the Bundle is validated by both independent
// validators (fhir@4.12.0 and @medplum/core with the R4 definitions and the vital-signs profiles),
// @medplum/core's known gaps set aside as the api's tests set them aside.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../electron/host/store/client';
import { exportStayAsFhir } from '../../electron/host/export/fhir-stay';
import { workstationId } from '../../electron/host/data-dir';
import { realFindings } from '../../server/fhir/validators.test-support';
import type { FhirResource } from '../../shared/fhir';

const root = join(import.meta.dirname, '..', '..');
// The Bundle read back from its file, probed field by field by the assertions below.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON of any shape, checked here
type Loose = any;
const MINUTE = 60_000;
/** Whole minutes, two days ago. */
const T = Math.floor((Date.now() - 2 * 24 * 3_600_000) / MINUTE) * MINUTE;
const MRN = 'TEST-FHIR-0042';

let dir: string;

function workstation(args: string[]) {
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      './test/support/raw-import.mjs',
      'electron/cli/index.ts',
      ...args,
    ],
    { cwd: root, encoding: 'utf8', timeout: 60_000 },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ws-fhir-export-'));
  const data = join(dir, 'data');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(data);
  const store = await openStore({
    dataDir: join(data, 'pgdata'),
    workstationId: workstationId(data),
    onError: (error) => console.error(error.message),
  });
  try {
    const patient = await store.admitPatient({
      bedId: 'bed-1',
      bedLabel: 'Bed 1',
      atMs: T,
      actor: 'nurse.test',
      detail: 'admitted',
      patient: {
        mrn: MRN,
        familyName: 'Testpatient',
        givenName: 'Fhir',
        birthDate: '1970-01-01',
        category: 'adult',
      },
    });
    // Three minutes of vitals in bed 1: HR, SpO2, and one NIBP reading (sys + dia together).
    for (let s = 0; s < 180; s += 5) {
      store.appendNumeric({
        bedId: 'bed-1',
        deviceId: 'healthypi5@/dev/ttyACM0',
        refId: 'MDC_ECG_HEART_RATE',
        value: 70 + (s % 3),
        unit: '/min',
        at: T + s * 1000,
      });
      store.appendNumeric({
        bedId: 'bed-1',
        deviceId: 'healthypi5@/dev/ttyACM0',
        refId: 'MDC_PULS_OXIM_SAT_O2',
        value: 97,
        unit: '%',
        at: T + s * 1000,
      });
    }
    for (const [refId, value] of [
      ['MDC_PRESS_BLD_NONINV_SYS', 121],
      ['MDC_PRESS_BLD_NONINV_DIA', 79],
    ] as const) {
      store.appendNumeric({
        bedId: 'bed-1',
        deviceId: 'omron-hem790it@/dev/ttyUSB1',
        refId,
        value,
        unit: 'mm[Hg]',
        at: T + 90_000,
      });
    }
    await store.recordChannels([
      {
        bedId: 'bed-1',
        deviceId: 'healthypi5@/dev/ttyACM0',
        channel: 'MDC_ECG_ELEC_POTL_II',
        label: 'ECG II',
        unit: 'mV',
        rateHz: 125,
        scale: null,
      },
    ]);
    const alarm = {
      bedId: 'bed-1',
      alarmId: 'alarm-1',
      kind: 'physiological' as const,
      priority: 'high' as const,
      code: 'SPO2_LOW',
      message: 'SpO₂ 85 < 90',
      value: 85,
      limit: 90,
      actor: 'healthypi5@/dev/ttyACM0',
    };
    store.appendAlarmEvent({ ...alarm, event: 'raised', at: T + 60_000 });
    store.appendAlarmEvent({ ...alarm, event: 'ended', at: T + 75_000 });
    await store.appendAnnotations([
      {
        bedId: 'bed-1',
        atMs: T + 100_000,
        kind: 'note',
        text: 'Settled, asleep.',
        actor: 'nurse.test',
      },
      { bedId: 'bed-1', atMs: T + 101_000, kind: 'beat', text: 'V', actor: 'workstation' },
    ]);
    await store.saveStrip({
      bedId: 'bed-1',
      kind: 'alarm',
      alarmId: 'alarm-1',
      alarmMessage: 'SpO₂ 85 < 90',
      fromMs: T + 50_000,
      toMs: T + 70_000,
      createdAtMs: T + 80_000,
      actor: 'workstation',
      pdf: new TextEncoder().encode('%PDF-1.4 test strip'),
    });
    // Moved to bed 2 after 3 minutes; a minute there; discharged; back a day later in bed 3.
    await store.recordAdmissionEvent({
      patientId: patient.id,
      bedId: 'bed-2',
      bedLabel: 'Bed 2',
      event: 'transferred',
      atMs: T + 3 * MINUTE,
      actor: 'nurse.test',
      detail: 'transferred',
    });
    store.appendNumeric({
      bedId: 'bed-2',
      deviceId: 'healthypi5@/dev/ttyACM1',
      refId: 'MDC_RESP_RATE',
      value: 16,
      unit: '/min',
      at: T + 3 * MINUTE + 10_000,
    });
    await store.recordAdmissionEvent({
      patientId: patient.id,
      bedId: 'bed-2',
      bedLabel: 'Bed 2',
      event: 'discharged',
      atMs: T + 4 * MINUTE,
      actor: 'nurse.test',
      detail: 'discharged',
    });
    await store.recordAdmissionEvent({
      patientId: patient.id,
      bedId: 'bed-3',
      bedLabel: 'Bed 3',
      event: 'admitted',
      atMs: T + 24 * 60 * MINUTE,
      actor: 'nurse.test',
      detail: 'admitted again',
    });
    await store.flush();
  } finally {
    await store.close();
  }
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('workstation export --format fhir', () => {
  it('writes the stay at a moment as a valid collection Bundle: two beds, vitals, alarm, note, strip', () => {
    const out = join(dir, 'first-stay.json');
    const run = workstation([
      'export',
      '--format',
      'fhir',
      '--data',
      join(dir, 'data'),
      '--patient',
      MRN,
      '--at',
      new Date(T + MINUTE).toISOString(),
      '--out',
      out,
    ]);
    expect(run.stderr).toMatch(/Encounter/);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(out);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const bundle = JSON.parse(readFileSync(out, 'utf8')) as FhirResource & {
      type: string;
      entry: { fullUrl: string; resource: FhirResource & Record<string, Loose> }[];
    };
    expect(bundle.resourceType).toBe('Bundle');
    expect(bundle.type).toBe('collection');
    const resources = bundle.entry.map((e) => e.resource);
    const of = (type: string) => resources.filter((r) => r.resourceType === type);

    expect(of('Patient')).toHaveLength(1);
    expect(of('Patient')[0]!.identifier[0].value).toBe(MRN);
    // Bed 1 then bed 2; the second stay (bed 3) is not in it.
    const encounters = of('Encounter');
    expect(encounters.map((e) => e.location[0].location.display)).toEqual(['Bed 1', 'Bed 2']);
    expect(encounters[0]!.period).toEqual({
      start: new Date(T).toISOString(),
      end: new Date(T + 3 * MINUTE).toISOString(),
    });
    expect(of('Location').map((l) => l.name)).toEqual(['Bed 1', 'Bed 2']);

    const observations = of('Observation');
    const hr = observations.filter((o) =>
      o.code.coding.some((c: { code: string }) => c.code === '8867-4'),
    );
    expect(hr).toHaveLength(3); // three minutes of heart rate, one rollup each
    expect(hr[0]!.effectivePeriod.start).toBe(new Date(T).toISOString());
    expect(hr[0]!.valueQuantity).toMatchObject({
      unit: '/min',
      system: 'http://unitsofmeasure.org',
    });
    const bp = observations.filter((o) =>
      o.code.coding.some((c: { code: string }) => c.code === '85354-9'),
    );
    expect(bp).toHaveLength(1);
    expect(
      bp[0]!.component.map((c: { valueQuantity: { value: number } }) => c.valueQuantity.value),
    ).toEqual([121, 79]);
    // Respiration rate in bed 2, under the second encounter.
    const rr = observations.find((o) =>
      o.code.coding.some((c: { code: string }) => c.code === '9279-1'),
    )!;
    expect(rr.encounter.reference).toBe(`Encounter/${encounters[1]!.id}`);

    expect(of('DetectedIssue')).toHaveLength(1);
    expect(of('DetectedIssue')[0]!.severity).toBe('high');
    // The note and the strip; the beat mark is not a document.
    const documents = of('DocumentReference');
    expect(documents).toHaveLength(2);
    expect(of('Device').map((d) => d.manufacturer)).toEqual(['ProtoCentral']);

    // fullUrls resolve the relative references inside the Bundle.
    const urls = new Set(bundle.entry.map((e) => e.fullUrl));
    const base = bundle.entry[0]!.fullUrl.replace(/\/Patient\/.*$/, '');
    for (const ref of JSON.stringify(bundle).matchAll(/"reference":"([A-Za-z]+\/[^"]+)"/g)) {
      expect(urls.has(`${base}/${ref[1]}`), ref[1]).toBe(true);
    }

    // Every finding of both validators but @medplum/core's own known gaps (validators.test.ts).
    for (const resource of [bundle as FhirResource, ...resources]) {
      expect(realFindings(resource), `${resource.resourceType}/${resource.id}`).toEqual([]);
    }
  }, 120_000);

  it('exports the latest stay without --at, and refuses what it cannot do with a sentence', async () => {
    const data = join(dir, 'data');
    const latest = join(dir, 'latest.json');
    writeFileSync(latest, '{}');
    // An existing file is never written over (refused before the store is opened).
    const again = workstation([
      'export',
      '--format',
      'fhir',
      '--data',
      data,
      '--patient',
      MRN,
      '--out',
      latest,
    ]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/exists already/);
    expect(readFileSync(latest, 'utf8')).toBe('{}');
    // Refusals in words (asked of the same code in this process: no child needed).
    const store = await openStore({
      dataDir: join(data, 'pgdata'),
      workstationId: workstationId(data),
      onError: () => {},
    });
    try {
      const ask = (patient: string, atMs?: number) =>
        exportStayAsFhir(store, {
          patient,
          ...(atMs === undefined ? {} : { atMs }),
          actor: 'test',
          workstationId: 'ws-test',
          nowMs: Date.now(),
        });
      // Without --at: the latest stay, the patient still in bed 3.
      const { bundle } = await ask(MRN);
      const encounters = (bundle.entry as { resource: FhirResource & Record<string, Loose> }[])
        .map((e) => e.resource)
        .filter((r) => r.resourceType === 'Encounter');
      expect(encounters).toHaveLength(1);
      expect(encounters[0]!.status).toBe('in-progress');
      expect(encounters[0]!.location[0].location.display).toBe('Bed 3');
      await expect(ask('NOBODY')).rejects.toThrow(/No patient with MRN or id "NOBODY"/);
      await expect(ask(MRN, T - MINUTE)).rejects.toThrow(/was not in a bed here at/);
      await expect(ask(MRN, T + 12 * 60 * MINUTE)).rejects.toThrow(/was not in a bed here at/);
    } finally {
      await store.close();
    }
  }, 120_000);
});
