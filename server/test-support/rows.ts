// Test support: synced rows as a workstation makes them, and push frames of them (zlib, as the
// uploader sends them).
import { randomBytes } from 'node:crypto';
import { uuidv7 } from '../../shared/ids';
import { encodePush } from '../../shared/sync/push-frame';
import type { PushRow } from '../../shared/sync/push-frame';
import { SYNC_PROTOCOL } from '../../shared/sync/protocol';
import { zlibPushCodec } from '../sync/zlib-codec';

export const NOW_MS = Date.now();
const createdAt = (ms = NOW_MS) => new Date(ms).toISOString();

export function waveformChunk(
  workstationId: string,
  options: { t0Ms?: number; bytes?: number; bedId?: string } = {},
): PushRow {
  const bytes = options.bytes ?? 1_000;
  return {
    table: 'waveform_chunks',
    row: {
      id: uuidv7(),
      workstation_id: workstationId,
      created_at: createdAt(),
      bed_id: options.bedId ?? 'bed-1',
      device_id: 'dev-1',
      channel: 'ECG II',
      rate_hz: 500,
      t0_ms: options.t0Ms ?? NOW_MS,
      sample_count: 1_000,
      encoding: 'wfrc1',
      // Compressed signal is close to random bytes: the size on the wire is that of the store.
      data: randomBytes(bytes),
    },
  };
}

export function numeric(workstationId: string, value = 72, atMs = NOW_MS): PushRow {
  return {
    table: 'numerics',
    row: {
      id: uuidv7(),
      workstation_id: workstationId,
      created_at: createdAt(),
      bed_id: 'bed-1',
      device_id: 'dev-1',
      code: 'MDC_ECG_HEART_RATE',
      value,
      unit: '/min',
      at_ms: atMs,
      computed: false,
      source_key: null,
      patient_id: null,
    },
  };
}

export function alarmEvent(workstationId: string): PushRow {
  return {
    table: 'alarm_events',
    row: {
      id: uuidv7(),
      workstation_id: workstationId,
      created_at: createdAt(),
      bed_id: 'bed-1',
      alarm_id: 'a-1',
      event: 'raised',
      kind: 'physiological',
      priority: 'high',
      code: 'SPO2_LOW',
      message: 'SpO₂ 85 < 90',
      value: 85,
      limit_value: 90,
      actor: 'dev-1',
      at_ms: NOW_MS,
      reason: null,
      origin: 'workstation',
    },
  };
}

export interface PatientFields {
  id?: string;
  supersedes?: string | null;
  mrn: string | null;
  family: string;
  given: string;
  atMs: number;
  hlc: string | null;
}

export function patientVersion(workstationId: string, p: PatientFields): PushRow {
  return {
    table: 'patients',
    row: {
      id: p.id ?? uuidv7(),
      workstation_id: workstationId,
      created_at: createdAt(p.atMs),
      supersedes: p.supersedes ?? null,
      mrn: p.mrn,
      family_name: p.family,
      given_name: p.given,
      birth_date: '1950-03-01',
      category: 'adult',
      actor: 'nurse',
      at_ms: p.atMs,
      hlc: p.hlc,
    },
  };
}

export function admission(
  workstationId: string,
  a: {
    patientId: string;
    bedId: string;
    event: 'admitted' | 'transferred' | 'discharged';
    atMs: number;
    hlc?: string | null;
  },
): PushRow {
  return {
    table: 'admissions',
    row: {
      id: uuidv7(),
      workstation_id: workstationId,
      created_at: createdAt(a.atMs),
      patient_id: a.patientId,
      bed_id: a.bedId,
      bed_label: a.bedId.replace('bed-', 'Bed '),
      event: a.event,
      at_ms: a.atMs,
      actor: 'nurse',
      hlc: a.hlc ?? null,
    },
  };
}

export function pushFrame(
  workstationId: string,
  rows: PushRow[],
  batchId: string = uuidv7(),
  protocol = SYNC_PROTOCOL,
): Uint8Array {
  return encodePush({ protocol, workstationId, batchId }, rows, zlibPushCodec);
}
