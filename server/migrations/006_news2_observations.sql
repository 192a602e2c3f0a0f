-- The nurse's NEWS2 observations from the workstations (their 016 migration): SpO₂ scale, air or
-- oxygen, ACVPU, a temperature taken by hand, for a patient's stay.

CREATE TABLE news2_observations (
  id uuid NOT NULL,
  workstation_id text NOT NULL,
  created_at timestamptz NOT NULL,
  bed_id text NOT NULL,
  patient_id uuid NOT NULL,
  at_ms bigint NOT NULL,
  spo2_scale smallint,
  on_oxygen boolean,
  consciousness text,
  temperature_c double precision,
  actor text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workstation_id, id)
);
CREATE INDEX news2_observations_patient ON news2_observations (workstation_id, patient_id, at_ms);
