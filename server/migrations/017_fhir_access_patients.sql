-- Which patients each FHIR api access answered about (the Patient ids of what it returned, as the
-- api names them: mrn-<md5 of the MRN as matched>), so the privacy officer's report lists an EHR's
-- reads of a patient beside the workstations' own entries. Accesses logged before this migration
-- name none: they are listed by client and time only.
ALTER TABLE fhir_access_log ADD COLUMN patient_ids text[] NOT NULL DEFAULT '{}';
CREATE INDEX fhir_access_log_patients ON fhir_access_log USING gin (patient_ids);
