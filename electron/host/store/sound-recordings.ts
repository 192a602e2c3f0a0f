// Stethoscope recordings in the store worker: one row per recording, its WAV kept as it came, read
// back with the name and MRN of the patient it was kept with.
import { CHAIN, CURRENT } from './patients';
import type { PGlite } from '@electric-sql/pglite';
import { uuidv7 } from '../../../shared/ids';
import { openBytes, openText, sealBytes, sealText } from './encryption/field-cipher';
import type {
  SoundRecordingToStore,
  StoredSoundRecording,
  StoredSoundRecordingWithWav,
} from './protocol';

interface SoundRecordingRow {
  id: string;
  bed_id: string;
  patient_id: string | null;
  started_at_ms: number | bigint;
  rate_hz: number;
  sample_count: number;
  site: string | null;
  mode: string | null;
  label: string | null;
  heart_rate_bpm: number | null;
  mrn: string | null;
  family_name: string | null;
  given_name: string | null;
}

const METADATA_COLUMNS = `r.id, r.bed_id, r.patient_id, r.started_at_ms, r.rate_hz, r.sample_count,
  r.site, r.mode, r.label, r.heart_rate_bpm, p.mrn, p.family_name, p.given_name`;
/**
 * A recording names the patient (any version of their record, for recordings kept before versions
 * had one id); it is listed with the patient's newest details.
 */
const WITH_PATIENT = `sound_recordings r LEFT JOIN chain c ON c.id = r.patient_id
  LEFT JOIN cur p ON p.patient_id = c.patient_id`;
const PATIENTS = `WITH RECURSIVE ${CHAIN}, ${CURRENT}`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function insertSoundRecording(
  db: PGlite,
  workstationId: string,
  recording: SoundRecordingToStore,
): Promise<StoredSoundRecording> {
  const id = uuidv7();
  const startedAtMs = Math.round(recording.startedAtMs);
  await db.query(
    `INSERT INTO sound_recordings (id, workstation_id, bed_id, patient_id, started_at_ms, rate_hz,
       sample_count, site, mode, label, heart_rate_bpm, wav)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      id,
      workstationId,
      recording.bedId,
      recording.patientId,
      startedAtMs,
      recording.rateHz,
      recording.sampleCount,
      recording.site,
      recording.mode,
      sealText(recording.label),
      recording.heartRateBpm,
      sealBytes(recording.wav),
    ],
  );
  const { rows } = await db.query<SoundRecordingRow>(
    `${PATIENTS} SELECT ${METADATA_COLUMNS} FROM ${WITH_PATIENT} WHERE r.id = $1`,
    [id],
  );
  return metadataOf(rows[0]!);
}

/** The bed's recordings, newest first, without their sound. */
export async function listSoundRecordings(
  db: PGlite,
  bedId: string,
): Promise<StoredSoundRecording[]> {
  const { rows } = await db.query<SoundRecordingRow>(
    `${PATIENTS} SELECT ${METADATA_COLUMNS} FROM ${WITH_PATIENT} WHERE r.bed_id = $1
     ORDER BY r.started_at_ms DESC, r.id DESC`,
    [bedId],
  );
  return rows.map(metadataOf);
}

/** One recording with its WAV, or null when there is none with that id. */
export async function readSoundRecording(
  db: PGlite,
  id: string,
): Promise<StoredSoundRecordingWithWav | null> {
  if (!UUID.test(id)) return null;
  const { rows } = await db.query<SoundRecordingRow & { wav: Uint8Array }>(
    `${PATIENTS} SELECT ${METADATA_COLUMNS}, r.wav FROM ${WITH_PATIENT} WHERE r.id = $1`,
    [id],
  );
  const row = rows[0];
  // A copy of its own, so that its buffer can be transferred to the main thread.
  return row ? { ...metadataOf(row), wav: openBytes(row.wav).slice() } : null;
}

function metadataOf(row: SoundRecordingRow): StoredSoundRecording {
  return {
    id: row.id,
    bedId: row.bed_id,
    patientId: row.patient_id,
    startedAtMs: Number(row.started_at_ms),
    rateHz: row.rate_hz,
    sampleCount: row.sample_count,
    site: row.site,
    mode: row.mode,
    label: openText(row.label),
    heartRateBpm: row.heart_rate_bpm,
    patient:
      row.patient_id && row.mrn !== null
        ? {
            id: row.patient_id,
            mrn: openText(row.mrn),
            familyName: openText(row.family_name) ?? '',
            givenName: openText(row.given_name) ?? '',
          }
        : null,
  };
}
