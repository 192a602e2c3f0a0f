-- One table per synced table of the workstation (shared/sync/tables.ts), with the wire's columns
-- in its order, plus when the server received the row. Every key starts with workstation_id, so
-- the schema can later be distributed by site. No foreign keys: rows arrive in lanes, not in the
-- order they were written. Enumerations are checked by the wire's schemas, not here.

CREATE TABLE patients (
  id uuid NOT NULL,
  workstation_id text NOT NULL,
  created_at timestamptz NOT NULL,
  supersedes uuid,
  mrn text,
  family_name text,
  given_name text,
  birth_date date,
  category text NOT NULL,
  actor text NOT NULL,
  at_ms bigint,
  hlc text,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workstation_id, id)
);
CREATE INDEX patients_supersedes ON patients (workstation_id, supersedes);

CREATE TABLE admissions (
  id uuid NOT NULL,
  workstation_id text NOT NULL,
  created_at timestamptz NOT NULL,
  patient_id uuid NOT NULL,
  bed_id text NOT NULL,
  bed_label text,
  event text NOT NULL,
  at_ms bigint NOT NULL,
  actor text NOT NULL,
  hlc text,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workstation_id, id)
);
CREATE INDEX admissions_patient ON admissions (workstation_id, patient_id, at_ms);

CREATE TABLE alarm_settings (
  id uuid NOT NULL,
  workstation_id text NOT NULL,
  created_at timestamptz NOT NULL,
  bed_id text NOT NULL,
  patient_id uuid,
  category text NOT NULL,
  limits jsonb,
  alarms_off jsonb,
  audio_off jsonb,
  actor text NOT NULL,
  at_ms bigint NOT NULL,
  hlc text,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workstation_id, id)
);
CREATE INDEX alarm_settings_patient ON alarm_settings (workstation_id, patient_id, at_ms);

CREATE TABLE device_sessions (
  id uuid NOT NULL,
  workstation_id text NOT NULL,
  created_at timestamptz NOT NULL,
  device_id text NOT NULL,
  driver text NOT NULL,
  path text NOT NULL,
  bed_id text NOT NULL,
  event text NOT NULL,
  detail text,
  at_ms bigint NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workstation_id, id)
);

CREATE TABLE channels (
  id uuid NOT NULL,
  workstation_id text NOT NULL,
  created_at timestamptz NOT NULL,
  bed_id text NOT NULL,
  device_id text NOT NULL,
  channel text NOT NULL,
  label text NOT NULL,
  unit text NOT NULL,
  rate_hz double precision NOT NULL,
  scale double precision,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workstation_id, id)
);

CREATE TABLE alarm_events (
  id uuid NOT NULL,
  workstation_id text NOT NULL,
  created_at timestamptz NOT NULL,
  bed_id text NOT NULL,
  alarm_id text,
  event text NOT NULL,
  kind text,
  priority text,
  code text NOT NULL,
  message text NOT NULL,
  value double precision,
  limit_value double precision,
  actor text NOT NULL,
  at_ms bigint NOT NULL,
  reason text,
  origin text,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workstation_id, id)
);
CREATE INDEX alarm_events_bed_at ON alarm_events (workstation_id, bed_id, at_ms);

CREATE TABLE annotations (
  id uuid NOT NULL,
  workstation_id text NOT NULL,
  created_at timestamptz NOT NULL,
  bed_id text NOT NULL,
  at_ms bigint NOT NULL,
  kind text NOT NULL,
  text text NOT NULL,
  actor text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workstation_id, id)
);

CREATE TABLE audit_events (
  id uuid NOT NULL,
  workstation_id text NOT NULL,
  created_at timestamptz NOT NULL,
  at_ms bigint NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  subject text,
  detail text,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workstation_id, id)
);

CREATE TABLE numerics (
  id uuid NOT NULL,
  workstation_id text NOT NULL,
  created_at timestamptz NOT NULL,
  bed_id text NOT NULL,
  device_id text NOT NULL,
  code text NOT NULL,
  value double precision NOT NULL,
  unit text NOT NULL,
  at_ms bigint NOT NULL,
  computed boolean NOT NULL,
  source_key text,
  patient_id uuid,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workstation_id, id)
);
CREATE INDEX numerics_bed_code_at ON numerics (workstation_id, bed_id, code, at_ms);

-- Partitioned by day of t0_ms (waveform-partitions.ts makes each day's partition before rows of
-- that day are inserted, and drops the ones retention no longer keeps). Rows outside the days
-- made (a broken clock, a record older than retention) land in the default partition.
CREATE TABLE waveform_chunks (
  id uuid NOT NULL,
  workstation_id text NOT NULL,
  created_at timestamptz NOT NULL,
  bed_id text NOT NULL,
  device_id text NOT NULL,
  channel text NOT NULL,
  rate_hz double precision NOT NULL,
  t0_ms bigint NOT NULL,
  sample_count int NOT NULL,
  encoding text NOT NULL,
  data bytea NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workstation_id, t0_ms, id)
) PARTITION BY RANGE (t0_ms);
-- Compressed by the workstation's codec already: kept out of line without a second attempt.
ALTER TABLE waveform_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
CREATE INDEX waveform_chunks_bed_t0 ON waveform_chunks (workstation_id, bed_id, t0_ms);
CREATE TABLE waveform_chunks_default PARTITION OF waveform_chunks DEFAULT;

CREATE TABLE strips (
  id uuid NOT NULL,
  workstation_id text NOT NULL,
  created_at timestamptz NOT NULL,
  bed_id text NOT NULL,
  kind text NOT NULL,
  alarm_id text,
  alarm_message text,
  from_ms bigint NOT NULL,
  to_ms bigint NOT NULL,
  created_at_ms bigint NOT NULL,
  actor text NOT NULL,
  pdf bytea NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workstation_id, id)
);

CREATE TABLE sound_recordings (
  id uuid NOT NULL,
  workstation_id text NOT NULL,
  created_at timestamptz NOT NULL,
  bed_id text NOT NULL,
  patient_id uuid,
  started_at_ms bigint NOT NULL,
  rate_hz int NOT NULL,
  -- bigint: the wire bounds it only by being a whole positive number.
  sample_count bigint NOT NULL,
  site text,
  mode text,
  label text,
  heart_rate_bpm double precision,
  wav bytea NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workstation_id, id)
);
