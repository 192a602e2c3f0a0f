// Who and where: Patient, Encounter (a stay in a bed), Location (a unit and its beds), Device (a
// monitor and the workstation driver that read it). Pure: plain inputs to FHIR R4 resources.
import { instant, ref, SYSTEMS } from './resources';
import type { FhirResource } from './resources';

export interface PatientInput {
  id: string;
  mrn: string | null;
  familyName: string | null;
  givenName: string | null;
  /** YYYY-MM-DD. */
  birthDate: string | null;
}

export interface StayInput {
  id: string;
  patientId: string;
  /** The bed's Location id. */
  bedLocationId: string;
  bedLabel: string;
  fromMs: number;
  /** Null while the patient is still in the bed. */
  toMs: number | null;
}

export interface UnitInput {
  id: string;
  name: string;
}

export interface BedInput {
  id: string;
  label: string;
  unitId: string | null;
  unitName: string | null;
}

export interface DeviceInput {
  id: string;
  /** The device's id as the workstation knows it (often its serial or port). */
  deviceId: string;
  /** The workstation driver that read it (electron/host/devices/manifest.ts). */
  driver: string;
  manufacturer: string | null;
  model: string | null;
  serial: string | null;
  /** Connected now (its last session event was not "removed"). */
  active: boolean;
  bedLocationId: string | null;
  bedLabel: string | null;
}

export function patientResource(p: PatientInput): FhirResource {
  const name = p.familyName || p.givenName;
  return {
    resourceType: 'Patient',
    id: p.id,
    ...(p.mrn
      ? {
          identifier: [
            {
              use: 'usual',
              type: { coding: [{ system: SYSTEMS.identifierType, code: 'MR' }], text: 'MRN' },
              value: p.mrn,
            },
          ],
        }
      : {}),
    active: true,
    ...(name
      ? {
          name: [
            {
              use: 'official',
              ...(p.familyName ? { family: p.familyName } : {}),
              ...(p.givenName ? { given: [p.givenName] } : {}),
            },
          ],
        }
      : {}),
    ...(p.birthDate ? { birthDate: p.birthDate } : {}),
  };
}

export function encounterResource(s: StayInput): FhirResource {
  const period = { start: instant(s.fromMs), ...(s.toMs !== null ? { end: instant(s.toMs) } : {}) };
  return {
    resourceType: 'Encounter',
    id: s.id,
    status: s.toMs === null ? 'in-progress' : 'finished',
    class: { system: SYSTEMS.actCode, code: 'IMP', display: 'inpatient encounter' },
    subject: ref('Patient', s.patientId),
    period,
    location: [
      {
        location: ref('Location', s.bedLocationId, s.bedLabel),
        status: s.toMs === null ? 'active' : 'completed',
        period,
      },
    ],
  };
}

const physicalType = (code: 'wa' | 'bd', display: string) => ({
  coding: [{ system: SYSTEMS.locationType, code, display }],
});

export function unitLocationResource(u: UnitInput): FhirResource {
  return {
    resourceType: 'Location',
    id: u.id,
    status: 'active',
    name: u.name,
    mode: 'instance',
    physicalType: physicalType('wa', 'Ward'),
  };
}

export function bedLocationResource(b: BedInput): FhirResource {
  return {
    resourceType: 'Location',
    id: b.id,
    status: 'active',
    name: b.label,
    mode: 'instance',
    physicalType: physicalType('bd', 'Bed'),
    ...(b.unitId ? { partOf: ref('Location', b.unitId, b.unitName ?? undefined) } : {}),
  };
}

export function deviceResource(d: DeviceInput): FhirResource {
  const names = [
    ...(d.model ? [{ name: d.model, type: 'model-name' }] : []),
    { name: `${d.driver} ${d.deviceId}`, type: 'user-friendly-name' },
  ];
  return {
    resourceType: 'Device',
    id: d.id,
    identifier: [{ type: { text: 'Device id at the workstation' }, value: d.deviceId }],
    status: d.active ? 'active' : 'inactive',
    ...(d.manufacturer ? { manufacturer: d.manufacturer } : {}),
    ...(d.model ? { modelNumber: d.model } : {}),
    ...(d.serial ? { serialNumber: d.serial } : {}),
    deviceName: names,
    type: {
      coding: [
        { system: SYSTEMS.mdc, code: '69965', display: 'MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS' },
      ],
      text: 'Patient monitor',
    },
    version: [{ type: { text: 'Workstation driver' }, value: d.driver }],
    ...(d.bedLocationId
      ? { location: ref('Location', d.bedLocationId, d.bedLabel ?? undefined) }
      : {}),
  };
}
