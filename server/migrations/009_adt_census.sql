-- The hospital's patient list (census) as ADT messages make it: one row per MRN with its latest
-- state, and the log of the ADT messages applied. Writers take an advisory lock until they commit
-- (server/census/census-store.ts), so seq grows in commit order and a workstation's cursor never
-- skips a change committed late.
CREATE SEQUENCE census_seq;

CREATE TABLE census_patients (
  -- As the hospital sent it (trimmed); one row per MRN in any case (mrn_key, migration 003).
  mrn text NOT NULL,
  family_name text,
  given_name text,
  birth_date date,
  sex text,
  status text NOT NULL CHECK (status IN ('admitted', 'registered', 'discharged')),
  visit_number text,
  location_unit text,
  location_room text,
  location_bed text,
  location_facility text,
  admitted_at_ms bigint,
  discharged_at_ms bigint,
  updated_at_ms bigint NOT NULL,
  last_event text NOT NULL,
  -- The change order workstations pull by (GET /api/sync/census?after=SEQ).
  seq bigint NOT NULL UNIQUE
);
CREATE UNIQUE INDEX census_patients_mrn ON census_patients (mrn_key(mrn));

-- Every ADT message applied, by its sender (MSH-3^MSH-4) and control id (MSH-10): one sent again
-- is acknowledged again without being applied twice. Refused messages are not kept.
CREATE TABLE adt_messages (
  sender text NOT NULL,
  control_id text NOT NULL,
  event text NOT NULL,
  mrn text NOT NULL,
  received_at timestamptz NOT NULL,
  -- What applying it did, in words (the ACK's text).
  outcome text NOT NULL,
  census_seq bigint NOT NULL,
  PRIMARY KEY (sender, control_id)
);
