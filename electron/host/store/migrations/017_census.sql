-- The hospital's patient list (the census), as pulled from the central server, which learns it
-- from the hospital's ADT messages (shared/sync/census.ts): one row per hospital patient, its
-- latest state, kept so that a nurse can admit from it offline too. Not synced back (no outbox
-- trigger): the hospital's record is the server's. The list, its cursor and when it was last
-- confirmed belong to one server: another server's list starts afresh (sync_state keys census:*).
-- A person's "keep ours" for a difference between a patient here and the hospital's record is
-- kept with the hospital's details it was about, so that a later change of them asks again; the
-- audit trail has the same decision, synced.

CREATE TABLE census_entries (
  -- lower(trim(mrn)): MRNs are compared in any case (patient-identity.ts).
  mrn_key text PRIMARY KEY,
  mrn text NOT NULL,
  seq bigint NOT NULL,
  family_name text,
  given_name text,
  birth_date text,
  sex text,
  status text NOT NULL CHECK (status IN ('admitted', 'registered', 'discharged')),
  visit_number text,
  location jsonb,
  admitted_at_ms bigint,
  discharged_at_ms bigint,
  updated_at_ms bigint NOT NULL,
  last_event text NOT NULL,
  -- What a search looks in, lower case: "mrn family, given given family".
  search_text text NOT NULL
);
CREATE INDEX census_entries_status ON census_entries (status, family_name, given_name);

CREATE TABLE census_kept_ours (
  id uuid PRIMARY KEY,
  patient_id uuid NOT NULL,
  -- The patient's version that was kept, and the hospital's details it was kept against.
  version_id uuid NOT NULL,
  hospital_details text NOT NULL,
  actor text NOT NULL,
  at_ms bigint NOT NULL
);
CREATE INDEX census_kept_ours_patient ON census_kept_ours (patient_id, at_ms);
