-- What a nurse records at the bed for the early warning score (NEWS2): the SpO₂ scale the
-- clinician chose, air or oxygen, consciousness on ACVPU, a temperature taken by hand. Each row is
-- one recording of any of them (a column left null was not recorded then), for the patient in the
-- bed: the observations belong to the patient's stay, never to the bed. Append-only; synced.

CREATE TABLE news2_observations (
  id uuid PRIMARY KEY,
  workstation_id text NOT NULL,
  bed_id text NOT NULL,
  patient_id uuid NOT NULL,
  at_ms bigint NOT NULL,
  spo2_scale smallint CHECK (spo2_scale IN (1, 2)),
  on_oxygen boolean,
  consciousness text CHECK (consciousness IN ('A', 'C', 'V', 'P', 'U')),
  temperature_c double precision CHECK (temperature_c BETWEEN 25 AND 45),
  actor text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (spo2_scale IS NOT NULL OR on_oxygen IS NOT NULL OR consciousness IS NOT NULL
    OR temperature_c IS NOT NULL)
);
CREATE INDEX news2_observations_patient_at ON news2_observations (patient_id, at_ms);

CREATE TRIGGER news2_observations_sync AFTER INSERT ON news2_observations
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT
  EXECUTE FUNCTION enqueue_inserted_for_sync();
