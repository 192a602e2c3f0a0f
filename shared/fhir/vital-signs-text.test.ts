import { describe, expect, it } from 'vitest';
import type { MdcRefId } from '../codes/mdc';
import { MDC } from '../codes/mdc';
import { DeferredResource, searchsetBundle, searchsetBundlePieces } from './bundle';
import { vitalSignObservationText } from './vital-signs-text';
import { vitalSignObservation, VITAL_SIGN_TERMS } from './vital-signs';
import type { VitalSignInput, VitalSignValue } from './vital-signs';

const CODES = Object.keys(VITAL_SIGN_TERMS) as MdcRefId[];
const VALUES = [0, 72, 97.5, -3.25, 1 / 3, 0.1 + 0.2, 123456.789, 1e21, 5e-7, NaN];

function inputs(): VitalSignInput[] {
  const out: VitalSignInput[] = [];
  let n = 0;
  const value = (code: MdcRefId, rollup: boolean): VitalSignValue => {
    const v = VALUES[n++ % VALUES.length]!;
    const unit = n % 5 === 0 ? '' : n % 7 === 0 ? 'mm[Hg] "odd"\\' : MDC[code].unit;
    return rollup
      ? { code, value: v, unit, count: 1 + (n % 90), min: v - 1, max: v + 2.5 }
      : { code, value: v, unit };
  };
  for (const rollup of [true, false]) {
    for (const encounterId of [null, 'enc-1']) {
      for (const deviceId of [null, 'dev-ws1.hp5']) {
        const common = {
          id: `min-${n}`,
          patientId: 'pat-7f3a',
          encounterId,
          deviceId,
          atMs: 1_765_000_000_000 + n * 60_000,
          ...(rollup ? { untilMs: 1_765_000_060_000 + n * 60_000 } : {}),
        };
        for (const code of CODES) out.push({ ...common, values: [value(code, rollup)] });
        out.push({
          ...common,
          values: [
            value('MDC_PRESS_BLD_NONINV_SYS', rollup),
            value('MDC_PRESS_BLD_NONINV_DIA', rollup),
          ],
        });
      }
    }
  }
  return out;
}

describe('a vital sign written as JSON text', () => {
  it('is the JSON of the object mapping character for character: every code, the panel, rollups and readings', () => {
    const all = inputs();
    expect(all.length).toBe(2 * 2 * 2 * (CODES.length + 1));
    for (const input of all) {
      expect(vitalSignObservationText(input), input.id).toBe(
        JSON.stringify(vitalSignObservation(input)),
      );
    }
  });

  it('gives way to the object mapping when an id would need escaping', () => {
    const input: VitalSignInput = {
      id: 'min-1',
      patientId: 'pat-"quoted"',
      encounterId: null,
      deviceId: null,
      values: [{ code: 'MDC_TEMP_BODY', value: 37.2, unit: 'Cel', count: 2, min: 37, max: 37.4 }],
      atMs: 0,
      untilMs: 60_000,
    };
    expect(vitalSignObservationText(input)).toBeNull();
    expect(vitalSignObservationText({ ...input, patientId: 'p', deviceId: 'dev/1' })).toBeNull();
    const resource = new DeferredResource(
      'Observation',
      input.id,
      () => vitalSignObservation(input),
      () => vitalSignObservationText(input),
    );
    const page = { baseUrl: 'https://c.example/fhir/r4', selfUrl: 's', nextUrl: null, total: 1 };
    expect([...searchsetBundlePieces({ ...page, resources: [resource] })].join('')).toBe(
      JSON.stringify(searchsetBundle({ ...page, resources: [vitalSignObservation(input)] })),
    );
  });

  it('refuses an observation without a value, as the mapping does', () => {
    const input = {
      id: 'x',
      patientId: 'p',
      encounterId: null,
      deviceId: null,
      values: [],
      atMs: 0,
    };
    expect(() => vitalSignObservationText(input)).toThrow(/needs a value/);
  });
});

describe('a searchset bundle of written rollups', () => {
  it('is the bundle the objects make', () => {
    const all = inputs();
    const page = { baseUrl: 'https://c.example/fhir/r4', selfUrl: 's', nextUrl: 'n', total: null };
    const deferred = all.map(
      (input) =>
        new DeferredResource(
          'Observation',
          input.id,
          () => vitalSignObservation(input),
          () => vitalSignObservationText(input),
        ),
    );
    expect([...searchsetBundlePieces({ ...page, resources: deferred }, 7)].join('')).toBe(
      JSON.stringify(searchsetBundle({ ...page, resources: all.map(vitalSignObservation) })),
    );
  });
});
