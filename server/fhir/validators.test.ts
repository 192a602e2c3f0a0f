// Which validator catches what: a valid vital-sign Observation (as the api makes it) broken one
// way at a time, each break checked against fhir@4.12.0 and @medplum/core (base definition, and
// the vital-signs profiles the resource claims). Also shows that medplum's two known findings on
// valid resources (MEDPLUM_GAPS) are its own: R4 says the resources conform.
import { describe, expect, it } from 'vitest';
import { collectionBundle } from '../../shared/fhir/bundle';
import { patientResource } from '../../shared/fhir/administrative';
import { vitalSignObservation } from '../../shared/fhir/vital-signs';
import type { FhirResource } from '../../shared/fhir/resources';
import { MEDPLUM_GAPS, realFindings, validateBoth } from './validators.test-support';

const AT = Date.UTC(2026, 0, 1, 10, 0);

// Broken copies are edited freely: arbitrary JSON is the honest type here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function heartRate(): Record<string, unknown> {
  return vitalSignObservation({
    id: 'min-0123456789-0123456789ab-29393520-0123456789ab',
    patientId: 'mrn-0123456789abcdef0123456789abcdef',
    encounterId: 'enc-0123456789-0123456789abcdef0123456789abcdef',
    deviceId: 'dev-0123456789-0123456789ab',
    values: [{ code: 'MDC_ECG_HEART_RATE', value: 72, unit: '/min' }],
    atMs: AT,
  });
}

type Catcher = 'fhir.js' | 'medplum' | 'medplum profile';

function catchers(resource: Record<string, unknown>): Catcher[] {
  const f = validateBoth(resource as FhirResource);
  return [
    ...(f.fhirJs.length ? (['fhir.js'] as const) : []),
    ...(f.medplumBase.length ? (['medplum'] as const) : []),
    ...(f.medplumProfiles.filter((m) => !MEDPLUM_GAPS.some((g) => g.test(m))).length
      ? (['medplum profile'] as const)
      : []),
  ];
}

const breaks: { what: string; expected: Catcher[]; change(o: Json): void }[] = [
  {
    what: 'status not in its value set ("done")',
    expected: ['fhir.js'],
    change: (o) => (o.status = 'done'),
  },
  {
    what: 'status missing',
    expected: ['fhir.js', 'medplum', 'medplum profile'],
    change: (o) => delete o.status,
  },
  {
    what: 'value a string',
    expected: ['fhir.js', 'medplum', 'medplum profile'],
    change: (o) => (o.valueQuantity.value = '72'),
  },
  {
    what: 'unknown element',
    expected: ['medplum', 'medplum profile'],
    change: (o) => (o.colour = 'red'),
  },
  {
    what: 'id with an underscore (neither: the api test checks ids itself)',
    expected: [],
    change: (o) => (o.id = 'bad_id'),
  },
  {
    what: 'dateTime not a date (month 13)',
    expected: ['medplum', 'medplum profile'],
    change: (o) => (o.effectiveDateTime = '2026-13-01T00:00:00Z'),
  },
  {
    what: 'category vital-signs missing',
    expected: ['medplum profile'],
    change: (o) => delete o.category,
  },
  { what: 'subject missing', expected: ['medplum profile'], change: (o) => delete o.subject },
  {
    what: 'effective time missing',
    expected: ['medplum profile'],
    change: (o) => delete o.effectiveDateTime,
  },
  {
    what: 'unit code not UCUM (bpm; neither checks UCUM)',
    expected: [],
    change: (o) => (o.valueQuantity.code = 'bpm'),
  },
  {
    what: 'LOINC other than 8867-4 under the heart-rate profile',
    expected: ['medplum profile'],
    change: (o) => (o.code.coding[0].code = '9279-1'),
  },
  {
    what: 'no value and no dataAbsentReason (vs-2)',
    expected: ['medplum profile'],
    change: (o) => delete o.valueQuantity,
  },
  {
    what: 'reference not a string (fhir.js throws)',
    expected: ['fhir.js', 'medplum', 'medplum profile'],
    change: (o) => (o.subject.reference = 42),
  },
];

describe('which validator catches what', () => {
  it('the valid heart rate passes both, with its profiles', () => {
    expect(catchers(heartRate())).toEqual([]);
  });

  for (const b of breaks) {
    it(`${b.what}: caught by ${b.expected.join(', ') || 'neither'}`, () => {
      const broken = structuredClone(heartRate());
      b.change(broken);
      expect(catchers(broken)).toEqual(b.expected);
    });
  }

  it('medplum finds vs-1 "not met" on an effectivePeriod, where R4 FHIRPath passes it', () => {
    const rollup = vitalSignObservation({
      id: 'x1',
      patientId: 'p',
      encounterId: null,
      deviceId: null,
      values: [{ code: 'MDC_ECG_HEART_RATE', value: 72, unit: '/min', count: 6, min: 70, max: 74 }],
      atMs: AT,
      untilMs: AT + 60_000,
    });
    const f = validateBoth(rollup);
    expect(f.fhirJs).toEqual([]);
    expect(f.medplumBase).toEqual([]);
    // vs-1 is ($this as dateTime).toString().length() >= 8: empty for a Period, which passes.
    expect(f.medplumProfiles.length).toBeGreaterThan(0);
    expect(f.medplumProfiles.every((m) => /vs-1 not met/.test(m))).toBe(true);
  });

  it('medplum cannot match the bp component slices (nested discriminators) that the panel fills', () => {
    const panel = vitalSignObservation({
      id: 'x2',
      patientId: 'p',
      encounterId: null,
      deviceId: null,
      values: [
        { code: 'MDC_PRESS_BLD_NONINV_SYS', value: 120, unit: 'mm[Hg]' },
        { code: 'MDC_PRESS_BLD_NONINV_DIA', value: 80, unit: 'mm[Hg]' },
      ],
      atMs: AT,
    }) as Json;
    // The components carry exactly what the bp profile fixes: LOINC 8480-6 / 8462-4 in mm[Hg].
    expect(panel.component.map((c: Json) => [c.code.coding[0], c.valueQuantity.code])).toEqual([
      [
        { system: 'http://loinc.org', code: '8480-6', display: 'Systolic blood pressure' },
        'mm[Hg]',
      ],
      [
        { system: 'http://loinc.org', code: '8462-4', display: 'Diastolic blood pressure' },
        'mm[Hg]',
      ],
    ]);
    const f = validateBoth(panel as FhirResource);
    expect(f.fhirJs).toEqual([]);
    expect(f.medplumBase).toEqual([]);
    expect(f.medplumProfiles.filter((m) => /vitalsigns:/.test(m))).toEqual([]);
    expect(f.medplumProfiles.every((m) => /\/bp: .*slice '(SystolicBP|DiastolicBP)'/.test(m))).toBe(
      true,
    );
  });

  it('a collection Bundle (a stay exported whole, as the workstation will) passes both', () => {
    const bundle = collectionBundle(
      'https://central.example/fhir/r4',
      [
        patientResource({
          id: 'mrn-0',
          mrn: 'TEST-1',
          familyName: 'Testperson',
          givenName: 'Ann',
          birthDate: '1950-03-01',
        }),
        heartRate() as FhirResource,
      ],
      AT,
    );
    expect(realFindings(bundle)).toEqual([]);
    for (const entry of bundle.entry as { resource: FhirResource }[]) {
      expect(realFindings(entry.resource)).toEqual([]);
    }
  });
});
