// IHE PCD-01 (Communicate PCD Data) as HL7 v2.6 ORU^R01: one message per bed per period with the
// bed's numerics in the IEEE 11073 containment tree (MDS → VMD → channel → metric), MDC codes and
// UCUM units. Pure: rows in, message text out. The header, patient and visit segments are shared
// with the alarm messages (pcd01-alarm-message.ts).
import { MDC } from '../../shared/codes/mdc';
import type { MdcRefId } from '../../shared/codes/mdc';
import { hl7Time, message, segment } from './er7';
import type { Er7Field } from './er7';

export const PCD01_PROFILE = ['IHE_PCD_001', 'IHE PCD', '1.3.6.1.4.1.19376.1.6.1.1.1', 'ISO'];
/** SNOMED CT "monitoring of patient", the order every PCD-01 observation answers. */
export const MONITORING_OF_PATIENT = ['182777000', 'monitoring of patient', 'SNOMED-CT'];

/** A numeric as the server keeps it (table numerics). */
export interface PeriodNumeric {
  deviceId: string;
  /** The MDC reference id the workstation keys it by (MDC_PULS_OXIM_SAT_O2). */
  code: string;
  value: number;
  /** UCUM, as the device gave it. */
  unit: string;
  atMs: number;
  /** Worked out by the workstation from a device's signal, not reported by the device. */
  computed: boolean;
}

export interface PatientInBed {
  /** The workstation's id of the patient, for PID-3 when there is no MRN. */
  patientId: string;
  mrn: string | null;
  familyName: string | null;
  givenName: string | null;
  /** YYYY-MM-DD. */
  birthDate: string | null;
}

/** Where the data comes from: the unit, the bed and its workstation. */
export interface BedPlace {
  workstationId: string;
  /** The workstation's unit as IT enrolled it (PV1-3.1), or its name. */
  unit: string | null;
  bedId: string;
  bedLabel: string | null;
  /** The patient in the bed then; null when none was admitted. */
  patient: PatientInBed | null;
}

export interface BedPeriod extends BedPlace {
  periodStartMs: number;
  periodMs: number;
  numerics: readonly PeriodNumeric[];
}

/** What every message carries in its header. */
export interface Envelope {
  /** MSH-10: unique, kept for every retry of the message. */
  controlId: string;
  madeAtMs: number;
  /** MSH-3: this central server (its id as a GUID). */
  serverId: string;
}

/** A VMD of the containment tree, its channel, and the metrics it holds (in OBX-4 order). */
interface VmdKind {
  vmd: readonly [number, string];
  channel: readonly [number, string];
  metrics: readonly MdcRefId[];
}

// Term codes as monitors send them in PCD-01 (11073-10101 object partition 1). Impedance
// respiration comes from the ECG leads, so it sits under the ECG VMD as monitors report it.
const VMD_KINDS: readonly VmdKind[] = [
  {
    vmd: [69798, 'MDC_DEV_ECG_VMD'],
    channel: [69799, 'MDC_DEV_ECG_CHAN'],
    metrics: ['MDC_ECG_HEART_RATE', 'MDC_RESP_RATE'],
  },
  {
    vmd: [69642, 'MDC_DEV_ANALY_SAT_O2_VMD'],
    channel: [69643, 'MDC_DEV_ANALY_SAT_O2_CHAN'],
    metrics: ['MDC_PULS_OXIM_SAT_O2', 'MDC_PULS_OXIM_PULS_RATE', 'MDC_PULS_OXIM_PERF_REL'],
  },
  {
    vmd: [69854, 'MDC_DEV_METER_PRESS_BLD_VMD'],
    channel: [70687, 'MDC_DEV_PRESS_BLD_NONINV_CHAN'],
    metrics: [
      'MDC_PRESS_BLD_NONINV_SYS',
      'MDC_PRESS_BLD_NONINV_DIA',
      'MDC_PRESS_BLD_NONINV_MEAN',
      'MDC_PULS_RATE_NON_INV',
    ],
  },
  {
    vmd: [69902, 'MDC_DEV_METER_TEMP_VMD'],
    channel: [69903, 'MDC_DEV_METER_TEMP_CHAN'],
    metrics: ['MDC_TEMP_BODY'],
  },
];

const MDS = ['69965', 'MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS', 'MDC'];

/** The numerics PCD-01 carries: those with a place in the containment tree above. */
export const PCD01_CODES: readonly MdcRefId[] = VMD_KINDS.flatMap((kind) => kind.metrics);

/**
 * The values a period sends: per device and code, the last value of the period (the latest
 * at_ms). A value the workstation computed is left out where a device reported the same code in
 * the period, so no quantity goes twice. Codes without a place in the tree are left out.
 */
export function periodValues(numerics: readonly PeriodNumeric[]): PeriodNumeric[] {
  const sendable = new Set<string>(PCD01_CODES);
  const reported = new Set<string>();
  for (const n of numerics) if (!n.computed && sendable.has(n.code)) reported.add(n.code);
  const last = new Map<string, PeriodNumeric>();
  for (const n of numerics) {
    if (!sendable.has(n.code) || (n.computed && reported.has(n.code))) continue;
    if (!Number.isFinite(n.value)) continue;
    const key = `${n.deviceId}\u0000${n.code}`;
    const kept = last.get(key);
    if (!kept || n.atMs >= kept.atMs) last.set(key, n);
  }
  return [...last.values()];
}

/** OBX-18: the device's EUI-64 where its id is one, else its id within the workstation. */
export function equipmentId(deviceId: string, workstationId: string): Er7Field {
  const hex = deviceId.replace(/[:-]/g, '');
  if (/^[0-9A-Fa-f]{16}$/.test(hex) && hex.length + 7 >= deviceId.length) {
    const eui = hex.toUpperCase();
    return [eui, null, eui, 'EUI-64'];
  }
  return [deviceId, workstationId];
}

/** A value as HL7 NM: at most six significant digits, never in exponent form. */
export function nmText(value: number): string {
  const text = String(Number(value.toPrecision(6)));
  return text.includes('e') ? value.toFixed(6).replace(/\.?0+$/, '') : text;
}

/** n empty fields. */
export function blanks(n: number): null[] {
  return new Array<null>(n).fill(null);
}

/** MSH for a PCD message of this type and profile. */
export function mshSegment(
  envelope: Envelope,
  type: readonly [string, string, string],
  profile: readonly string[],
): string {
  return segment(
    'MSH',
    ['CENTRAL', envelope.serverId, 'GUID'], // MSH-3
    null,
    null,
    null,
    hl7Time(envelope.madeAtMs), // MSH-7
    null,
    [...type], // MSH-9
    envelope.controlId, // MSH-10
    'P', // MSH-11
    '2.6', // MSH-12
    null,
    null,
    'AL', // MSH-15: accept acknowledgement always
    'NE', // MSH-16: no application acknowledgement
    null,
    'UNICODE UTF-8', // MSH-18
    null,
    null,
    [...profile], // MSH-21
  );
}

/** PID: the MRN (PID-3 type MR), else the workstation's patient id (PI); name; birth date. */
export function pidSegment(place: BedPlace): string {
  const p = place.patient;
  if (!p) return segment('PID', 1);
  const id = p.mrn?.trim()
    ? [p.mrn.trim(), null, null, null, 'MR']
    : [p.patientId, null, null, place.workstationId, 'PI'];
  return segment(
    'PID',
    1,
    null,
    { repeat: [id] }, // PID-3
    null,
    [p.familyName, p.givenName, null, null, null, null, 'L'], // PID-5
    null,
    p.birthDate ? p.birthDate.replace(/-/g, '') : null, // PID-7
  );
}

/** PV1: an inpatient (I) at unit^^bed. */
export function pv1Segment(place: BedPlace): string {
  return segment('PV1', 1, 'I', [place.unit, null, place.bedLabel ?? place.bedId]);
}

/** The ORU^R01 of one bed-period; null when none of its numerics has a place in PCD-01. */
export function buildPcd01(period: BedPeriod, envelope: Envelope): string | null {
  const values = periodValues(period.numerics);
  if (values.length === 0) return null;
  const byDevice = new Map<string, PeriodNumeric[]>();
  for (const v of values) {
    const list = byDevice.get(v.deviceId) ?? [];
    list.push(v);
    byDevice.set(v.deviceId, list);
  }
  const segments = [
    mshSegment(envelope, ['ORU', 'R01', 'ORU_R01'], PCD01_PROFILE),
    pidSegment(period),
    pv1Segment(period),
    segment(
      'OBR',
      1,
      null,
      [envelope.controlId, 'CENTRAL'], // OBR-3
      MONITORING_OF_PATIENT, // OBR-4
      null,
      null,
      hl7Time(period.periodStartMs), // OBR-7
      hl7Time(period.periodStartMs + period.periodMs), // OBR-8
    ),
  ];
  let setId = 0;
  const obx = (...fields: Er7Field[]) => segments.push(segment('OBX', ++setId, ...fields));
  const devices = [...byDevice.keys()].sort();
  devices.forEach((deviceId, d) => {
    const mds = String(d + 1);
    const equipment = equipmentId(deviceId, period.workstationId);
    const deviceRow = (code: readonly (string | number)[], sub: string) =>
      obx(null, [...code], sub, ...blanks(6), 'X', ...blanks(6), equipment);
    deviceRow(MDS, mds);
    const present = byDevice.get(deviceId)!;
    let vmdNumber = 0;
    for (const kind of VMD_KINDS) {
      const metrics = kind.metrics
        .map((code) => present.find((v) => v.code === code))
        .filter((v): v is PeriodNumeric => v !== undefined);
      if (metrics.length === 0) continue;
      const vmd = `${mds}.${++vmdNumber}`;
      deviceRow([...kind.vmd, 'MDC'], vmd);
      deviceRow([...kind.channel, 'MDC'], `${vmd}.1`);
      metrics.forEach((v, m) => {
        const term = MDC[v.code as MdcRefId];
        obx(
          'NM',
          [term.code, term.refId, 'MDC'], // OBX-3
          `${vmd}.1.${m + 1}`, // OBX-4
          nmText(v.value), // OBX-5
          [v.unit, v.unit, 'UCUM'], // OBX-6
          null,
          null,
          null,
          null,
          'R', // OBX-11: results entered, not verified
          null,
          null,
          hl7Time(v.atMs), // OBX-14
          null,
          null,
          null,
          equipment, // OBX-18
        );
      });
    }
  });
  return message(segments);
}
