-- The current version of each person (one MRN across workstations): the latest version by stamp,
-- whichever workstation recorded it. patientRecord (records/patient-record.ts) reads the same order.
CREATE VIEW person_current_patients AS
SELECT DISTINCT ON (pp.person_key)
  pp.person_key, p.workstation_id, p.id, p.mrn, p.family_name, p.given_name, p.birth_date,
  p.category, p.at_ms, p.hlc, version_stamp(p.hlc, p.at_ms, p.created_at, p.workstation_id) AS stamp
FROM patient_persons pp
JOIN patient_chains c USING (workstation_id, patient_id)
JOIN patients p ON p.workstation_id = c.workstation_id AND p.id = c.id
ORDER BY pp.person_key,
  version_stamp(p.hlc, p.at_ms, p.created_at, p.workstation_id) COLLATE "C" DESC, p.id DESC;
