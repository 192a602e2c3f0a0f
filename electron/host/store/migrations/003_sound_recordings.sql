-- Stethoscope recordings (heart and lung sounds), kept as the 16-bit PCM WAV that was captured.
-- patient_id stays empty until patients are admitted to beds; bed_id says where it was recorded.
CREATE TABLE sound_recordings (
  id uuid PRIMARY KEY,
  workstation_id text NOT NULL,
  bed_id text NOT NULL,
  patient_id uuid,
  started_at_ms bigint NOT NULL,
  rate_hz int NOT NULL CHECK (rate_hz > 0),
  sample_count int NOT NULL CHECK (sample_count > 0),
  site text,
  mode text CHECK (mode IN ('bell', 'diaphragm', 'raw')),
  label text,
  wav bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sound_recordings_bed_started ON sound_recordings (bed_id, started_at_ms);

CREATE TRIGGER sound_recordings_append_only BEFORE UPDATE ON sound_recordings
  FOR EACH ROW EXECUTE FUNCTION reject_clinical_row_update();
