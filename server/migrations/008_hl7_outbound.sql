-- HL7 messages to the hospital's interface engine (IHE PCD-01 ORU^R01, PCD-04 ORU^R40), kept
-- until the engine acknowledges them, so that a restart loses none; and the bed-periods that
-- have numerics, so that each is sent once, however late its numerics arrive.

-- The outbound queue, sent in seq order. control_id (MSH-10) is fixed when the message is made:
-- a retry sends the same bytes, so the receiver can drop a copy it already has.
CREATE TABLE hl7_outbound (
  seq bigserial PRIMARY KEY,
  control_id text NOT NULL UNIQUE,
  message_type text NOT NULL,
  workstation_id text,
  bed_id text,
  -- The period's start (ORU^R01) or the alarm event's time (ORU^R40), UTC ms.
  about_ms bigint,
  message text NOT NULL,
  -- queued: to send; sent: the receiver accepted it (AA/CA); set-aside: refused too often.
  state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'set-aside')),
  attempts int NOT NULL DEFAULT 0,
  last_problem text,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  set_aside_at timestamptz
);
CREATE INDEX hl7_outbound_queued ON hl7_outbound (seq) WHERE state = 'queued';
CREATE INDEX hl7_outbound_done ON hl7_outbound (created_at) WHERE state <> 'queued';

-- Each bed-period that has numerics: noted when they arrive (by the trigger below, in the same
-- transaction as the numerics, so none is missed however the pushes interleave), and done once
-- its message is queued. Numerics arriving for a period already done are not sent again.
CREATE TABLE pcd01_bed_periods (
  workstation_id text NOT NULL,
  bed_id text NOT NULL,
  period_ms bigint NOT NULL,
  noted_at timestamptz NOT NULL DEFAULT now(),
  -- The queued message's control id; '' when the period had nothing to send.
  control_id text,
  done_at timestamptz,
  PRIMARY KEY (workstation_id, bed_id, period_ms)
);
CREATE INDEX pcd01_bed_periods_pending ON pcd01_bed_periods (period_ms) WHERE done_at IS NULL;
CREATE INDEX pcd01_bed_periods_done ON pcd01_bed_periods (period_ms) WHERE done_at IS NOT NULL;

-- Who was in a bed at a time (the patient segment of every message) is read by bed and time.
CREATE INDEX IF NOT EXISTS admissions_bed_at ON admissions (workstation_id, bed_id, at_ms);

-- Alarm events to send as ORU^R40, noted by the trigger below when they arrive (each row once:
-- a row pushed again is not inserted again) and removed when its message is queued.
CREATE TABLE pcd04_pending_alarm_events (
  workstation_id text NOT NULL,
  alarm_event_id uuid NOT NULL,
  noted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workstation_id, alarm_event_id)
);

-- Periods are noted only while a server sends PCD-01 (server_settings 'pcd01_period_ms' holds the
-- period): with PCD-01 off this costs one lookup per pushed batch and keeps nothing.
CREATE FUNCTION note_pcd01_bed_periods() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  period bigint;
BEGIN
  SELECT value::bigint INTO period FROM server_settings WHERE key = 'pcd01_period_ms';
  IF period IS NULL OR period <= 0 THEN
    RETURN NULL;
  END IF;
  INSERT INTO pcd01_bed_periods (workstation_id, bed_id, period_ms)
  SELECT DISTINCT workstation_id, bed_id, at_ms - ((at_ms % period) + period) % period
  FROM new_numerics
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;

CREATE TRIGGER numerics_note_pcd01_bed_periods
AFTER INSERT ON numerics REFERENCING NEW TABLE AS new_numerics
FOR EACH STATEMENT EXECUTE FUNCTION note_pcd01_bed_periods();

-- Alarm events are noted only while a server sends them (server_settings 'pcd04_alarms').
CREATE FUNCTION note_pcd04_alarm_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM server_settings WHERE key = 'pcd04_alarms') THEN
    RETURN NULL;
  END IF;
  INSERT INTO pcd04_pending_alarm_events (workstation_id, alarm_event_id)
  SELECT workstation_id, id FROM new_alarm_events WHERE alarm_id IS NOT NULL
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;

CREATE TRIGGER alarm_events_note_pcd04
AFTER INSERT ON alarm_events REFERENCING NEW TABLE AS new_alarm_events
FOR EACH STATEMENT EXECUTE FUNCTION note_pcd04_alarm_events();
