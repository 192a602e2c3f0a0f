-- The alarm limits a person confirmed for a patient (or an empty bed): append-only, the newest row
-- of a patient is what their beds use, after a restart and after a transfer too.
CREATE TABLE alarm_settings (
  id uuid PRIMARY KEY,
  workstation_id text NOT NULL,
  bed_id text NOT NULL,
  -- Null for limits set on a bed without a patient.
  patient_id uuid REFERENCES patients (id),
  category text NOT NULL CHECK (category IN ('adult', 'paediatric', 'neonatal')),
  limits jsonb NOT NULL,
  actor text NOT NULL,
  at_ms bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alarm_settings_patient_at ON alarm_settings (patient_id, at_ms);
CREATE INDEX alarm_settings_bed_at ON alarm_settings (bed_id, at_ms);

CREATE TRIGGER alarm_settings_append_only BEFORE UPDATE ON alarm_settings
  FOR EACH ROW EXECUTE FUNCTION reject_clinical_row_update();
