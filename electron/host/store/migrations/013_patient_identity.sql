-- A patient is one person under one MRN, in any case ("demo-0001" is "DEMO-0001"). The first row of
-- a chain of patient rows names the patient; each later row (supersedes the one before) is a new
-- version of their details, written only when a person confirmed it is the same person. Old
-- versions stay: a search by a former name still finds the patient.
CREATE INDEX patients_mrn_any_case ON patients (lower(mrn));
CREATE INDEX patients_supersedes ON patients (supersedes);
-- When a version was recorded, by the workstation's clock (rows before this migration: created_at).
ALTER TABLE patients ADD COLUMN at_ms bigint;

-- A reading downloaded from a device's memory (a blood-pressure monitor) belongs to one patient:
-- the one it was kept for, by the time of their admission or by a person's choice. It is stored
-- once, whichever bed downloads the monitor again.
ALTER TABLE numerics ADD COLUMN patient_id uuid REFERENCES patients (id);
CREATE INDEX numerics_source_key ON numerics (source_key) WHERE source_key IS NOT NULL;
