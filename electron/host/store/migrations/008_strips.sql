-- ECG strips as printed: a PDF of 10 s before and after a high-priority alarm (kind 'alarm', made
-- by the workstation) or of 20 s asked for by a person (kind 'manual'). Kept as the PDF that was
-- made, so the strip read later is the one printed then.
CREATE TABLE strips (
  id uuid PRIMARY KEY,
  workstation_id text NOT NULL,
  bed_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('alarm', 'manual')),
  alarm_id text,
  alarm_message text,
  from_ms bigint NOT NULL,
  to_ms bigint NOT NULL CHECK (to_ms > from_ms),
  created_at_ms bigint NOT NULL,
  actor text NOT NULL,
  pdf bytea NOT NULL,
  CHECK ((kind = 'alarm') = (alarm_id IS NOT NULL))
);
CREATE INDEX strips_bed_created ON strips (bed_id, created_at_ms);
-- One automatic strip per alarm, even if the workstation is asked twice.
CREATE UNIQUE INDEX strips_one_per_alarm ON strips (alarm_id) WHERE alarm_id IS NOT NULL;

CREATE TRIGGER strips_append_only BEFORE UPDATE ON strips
  FOR EACH ROW EXECUTE FUNCTION reject_clinical_row_update();
