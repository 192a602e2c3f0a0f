-- The workstation's first schema. Plain PostgreSQL 15 SQL: the central server runs this same file.
-- Times of clinical events are UTC milliseconds (bigint); created_at is when the row was written.

CREATE TABLE beds (
  id text PRIMARY KEY,
  label text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE devices (
  id text PRIMARY KEY,
  driver text NOT NULL,
  path text,
  bed_id text,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- One row per channel per few seconds; data holds sample_count values in the given encoding.
CREATE TABLE waveform_chunks (
  id uuid PRIMARY KEY,
  workstation_id text NOT NULL,
  bed_id text NOT NULL,
  device_id text NOT NULL,
  channel text NOT NULL,
  rate_hz double precision NOT NULL CHECK (rate_hz > 0),
  t0_ms bigint NOT NULL,
  sample_count int NOT NULL CHECK (sample_count > 0),
  encoding text NOT NULL CHECK (encoding IN ('i32le')),
  data bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX waveform_chunks_device_channel_t0 ON waveform_chunks (device_id, channel, t0_ms);

-- code is the MDC reference id (e.g. MDC_ECG_HEART_RATE).
CREATE TABLE numerics (
  id uuid PRIMARY KEY,
  workstation_id text NOT NULL,
  bed_id text NOT NULL,
  device_id text NOT NULL,
  code text NOT NULL,
  value double precision NOT NULL,
  unit text NOT NULL,
  at_ms bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX numerics_bed_code_at ON numerics (bed_id, code, at_ms);

-- actor is the user who acted, or the device whose condition raised or ended the alarm.
CREATE TABLE alarm_events (
  id uuid PRIMARY KEY,
  workstation_id text NOT NULL,
  bed_id text NOT NULL,
  alarm_id text NOT NULL,
  event text NOT NULL CHECK (event IN ('raised', 'escalated', 'acknowledged', 'latched', 'ended')),
  kind text NOT NULL CHECK (kind IN ('physiological', 'technical')),
  priority text NOT NULL CHECK (priority IN ('high', 'medium', 'low')),
  code text NOT NULL,
  message text NOT NULL,
  value double precision,
  limit_value double precision,
  actor text NOT NULL,
  at_ms bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alarm_events_bed_at ON alarm_events (bed_id, at_ms);

-- Clinical rows are append-only: a correction is a new row, never an edit of an old one.
CREATE FUNCTION reject_clinical_row_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'rows of % are append-only: write a new row instead', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER waveform_chunks_append_only BEFORE UPDATE ON waveform_chunks
  FOR EACH ROW EXECUTE FUNCTION reject_clinical_row_update();
CREATE TRIGGER numerics_append_only BEFORE UPDATE ON numerics
  FOR EACH ROW EXECUTE FUNCTION reject_clinical_row_update();
CREATE TRIGGER alarm_events_append_only BEFORE UPDATE ON alarm_events
  FOR EACH ROW EXECUTE FUNCTION reject_clinical_row_update();
