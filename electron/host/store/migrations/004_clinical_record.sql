-- The clinical record around the signals: who the patient is and where, which devices and
-- channels fed a bed, per-minute trends, events and the audit trail, and what still has to reach
-- the central server. Rows that sync carry a UUIDv7 id, the workstation that made them and when.
-- Clinical rows are append-only: a correction or a discharge is a new row.

CREATE TABLE patients (
  id uuid PRIMARY KEY,
  workstation_id text NOT NULL,
  -- The row this one corrects (a typo in a name); the newest row of a chain is current.
  supersedes uuid REFERENCES patients (id),
  mrn text,
  family_name text,
  given_name text,
  birth_date date,
  category text NOT NULL CHECK (category IN ('adult', 'paediatric', 'neonatal')),
  actor text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX patients_mrn ON patients (mrn);

-- Admit, transfer and discharge, as events: the latest event of a patient says where they are.
CREATE TABLE admissions (
  id uuid PRIMARY KEY,
  workstation_id text NOT NULL,
  patient_id uuid NOT NULL REFERENCES patients (id),
  bed_id text NOT NULL,
  event text NOT NULL CHECK (event IN ('admitted', 'transferred', 'discharged')),
  at_ms bigint NOT NULL,
  actor text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX admissions_bed_at ON admissions (bed_id, at_ms);
CREATE INDEX admissions_patient_at ON admissions (patient_id, at_ms);

-- A device's time on a bed: connected, lost, back, removed. Its channels say what it measured.
CREATE TABLE device_sessions (
  id uuid PRIMARY KEY,
  workstation_id text NOT NULL,
  device_id text NOT NULL,
  driver text NOT NULL,
  path text NOT NULL,
  bed_id text NOT NULL,
  event text NOT NULL CHECK (event IN ('assigned', 'connected', 'lost', 'removed')),
  detail text,
  at_ms bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX device_sessions_bed_at ON device_sessions (bed_id, at_ms);

CREATE TABLE channels (
  id uuid PRIMARY KEY,
  workstation_id text NOT NULL,
  bed_id text NOT NULL,
  device_id text NOT NULL,
  channel text NOT NULL,
  label text NOT NULL,
  unit text NOT NULL,
  rate_hz double precision NOT NULL CHECK (rate_hz > 0),
  -- Physical units per raw count, or NULL when the device's scale is not public.
  scale double precision,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (bed_id, device_id, channel, rate_hz, unit)
);

-- Waveforms are now stored compressed (self-describing chunks, see store/codec), and found by bed.
ALTER TABLE waveform_chunks DROP CONSTRAINT waveform_chunks_encoding_check;
ALTER TABLE waveform_chunks ADD CONSTRAINT waveform_chunks_encoding_check
  CHECK (encoding IN ('i32le', 'wfrc1'));
CREATE INDEX waveform_chunks_bed_t0 ON waveform_chunks (bed_id, t0_ms);

-- Numerics computed by the workstation (a heart rate from its own beat detection) say so.
ALTER TABLE numerics ADD COLUMN computed boolean NOT NULL DEFAULT false;

-- Per-minute trends, derived from numerics (rebuilt from them if need be; not clinical rows).
CREATE TABLE numeric_rollups (
  bed_id text NOT NULL,
  code text NOT NULL,
  minute_ms bigint NOT NULL,
  n int NOT NULL CHECK (n > 0),
  sum double precision NOT NULL,
  min double precision NOT NULL,
  max double precision NOT NULL,
  last double precision NOT NULL,
  last_at_ms bigint NOT NULL,
  PRIMARY KEY (bed_id, code, minute_ms)
);

-- Things that happened to a bed that are not alarms: a note, a manual strip, a position change.
CREATE TABLE annotations (
  id uuid PRIMARY KEY,
  workstation_id text NOT NULL,
  bed_id text NOT NULL,
  at_ms bigint NOT NULL,
  kind text NOT NULL,
  text text NOT NULL,
  actor text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX annotations_bed_at ON annotations (bed_id, at_ms);

-- Who did what: limit changes, exports, admissions, devices assigned, alarms silenced.
CREATE TABLE audit_events (
  id uuid PRIMARY KEY,
  workstation_id text NOT NULL,
  at_ms bigint NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  subject text,
  detail text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_events_at ON audit_events (at_ms);

-- What still has to reach the central server, in the order it was written. Filled by triggers;
-- a row leaves the outbox once the server has confirmed it.
CREATE TABLE sync_outbox (
  seq bigserial PRIMARY KEY,
  table_name text NOT NULL,
  row_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION enqueue_for_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO sync_outbox (table_name, row_id) VALUES (TG_TABLE_NAME, NEW.id);
  RETURN NULL;
END;
$$;

CREATE TRIGGER patients_sync AFTER INSERT ON patients
  FOR EACH ROW EXECUTE FUNCTION enqueue_for_sync();
CREATE TRIGGER admissions_sync AFTER INSERT ON admissions
  FOR EACH ROW EXECUTE FUNCTION enqueue_for_sync();
CREATE TRIGGER device_sessions_sync AFTER INSERT ON device_sessions
  FOR EACH ROW EXECUTE FUNCTION enqueue_for_sync();
CREATE TRIGGER channels_sync AFTER INSERT ON channels
  FOR EACH ROW EXECUTE FUNCTION enqueue_for_sync();
CREATE TRIGGER waveform_chunks_sync AFTER INSERT ON waveform_chunks
  FOR EACH ROW EXECUTE FUNCTION enqueue_for_sync();
CREATE TRIGGER numerics_sync AFTER INSERT ON numerics
  FOR EACH ROW EXECUTE FUNCTION enqueue_for_sync();
CREATE TRIGGER alarm_events_sync AFTER INSERT ON alarm_events
  FOR EACH ROW EXECUTE FUNCTION enqueue_for_sync();
CREATE TRIGGER annotations_sync AFTER INSERT ON annotations
  FOR EACH ROW EXECUTE FUNCTION enqueue_for_sync();
CREATE TRIGGER audit_events_sync AFTER INSERT ON audit_events
  FOR EACH ROW EXECUTE FUNCTION enqueue_for_sync();
CREATE TRIGGER sound_recordings_sync AFTER INSERT ON sound_recordings
  FOR EACH ROW EXECUTE FUNCTION enqueue_for_sync();

CREATE TRIGGER patients_append_only BEFORE UPDATE ON patients
  FOR EACH ROW EXECUTE FUNCTION reject_clinical_row_update();
CREATE TRIGGER admissions_append_only BEFORE UPDATE ON admissions
  FOR EACH ROW EXECUTE FUNCTION reject_clinical_row_update();
CREATE TRIGGER device_sessions_append_only BEFORE UPDATE ON device_sessions
  FOR EACH ROW EXECUTE FUNCTION reject_clinical_row_update();
CREATE TRIGGER channels_append_only BEFORE UPDATE ON channels
  FOR EACH ROW EXECUTE FUNCTION reject_clinical_row_update();
CREATE TRIGGER annotations_append_only BEFORE UPDATE ON annotations
  FOR EACH ROW EXECUTE FUNCTION reject_clinical_row_update();
CREATE TRIGGER audit_events_append_only BEFORE UPDATE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION reject_clinical_row_update();
