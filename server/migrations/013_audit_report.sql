-- The privacy officer's report (server/audit/audit-report.ts): "who saw this patient" over a
-- million entries answers from indexes. A subject is ids as `key=value` words
-- (`patientId=… bedId=…`), a bare id, or `patient <MRN>`: its words, lower-cased and without
-- their key, are what an entry names; the bed it names is joined with the patient's stays.
CREATE FUNCTION audit_subject_words(subject text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT COALESCE(array_agg(DISTINCT lower(regexp_replace(w, '^[A-Za-z]+=', ''))), '{}')
  FROM regexp_split_to_table(COALESCE(subject, ''), '\s+') AS w
  WHERE w <> ''
$$;

CREATE FUNCTION audit_subject_bed(subject text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT substring(subject FROM 'bedId=(\S+)')
$$;

-- Entries naming a patient's id or MRN.
CREATE INDEX audit_events_subject_words ON audit_events USING gin (audit_subject_words(subject));
-- Entries naming a bed, by workstation and time: the bed during one stay.
CREATE INDEX audit_events_bed_at ON audit_events (workstation_id, audit_subject_bed(subject), at_ms)
  WHERE audit_subject_bed(subject) IS NOT NULL;
-- Newest first over everything (a report by user or time only), in the report's order; it serves
-- the FHIR api's time searches too, so it takes the place of 007's index on at_ms alone.
CREATE INDEX audit_events_report_order ON audit_events (at_ms, workstation_id, id);
DROP INDEX audit_events_at;
