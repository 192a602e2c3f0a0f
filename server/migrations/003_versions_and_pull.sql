-- Versions of a mutable fact (patients, admissions, alarm settings) are ordered by their hybrid
-- logical clock stamp, never by wall clock alone. A row without a stamp (written before the
-- workstation stamped versions) stands in with its wall-clock time as a stamp of counter 0, so both
-- kinds order together. Stamps are compared byte-wise (COLLATE "C").
CREATE FUNCTION version_stamp(hlc text, at_ms bigint, created_at timestamptz, workstation_id text)
RETURNS text LANGUAGE sql STABLE AS $$
  SELECT COALESCE(hlc, lpad(COALESCE(at_ms, floor(extract(epoch FROM created_at) * 1000)::bigint)::text,
    15, '0') || '-0000-' || workstation_id)
$$;

-- An MRN as persons are matched by: trimmed, in any case; empty is none.
CREATE FUNCTION mrn_key(mrn text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT NULLIF(lower(btrim(mrn)), '')
$$;
CREATE INDEX patients_mrn_key ON patients (mrn_key(mrn));

-- Each patient row with the patient it is a version of on its workstation: the first row of its
-- chain (each later version supersedes the one before). A version whose predecessor has not
-- arrived yet heads a chain of its own until it does.
CREATE VIEW patient_chains AS
WITH RECURSIVE chain (workstation_id, id, patient_id, depth) AS (
  SELECT p.workstation_id, p.id, p.id, 0 FROM patients p
  WHERE p.supersedes IS NULL OR NOT EXISTS (
    SELECT 1 FROM patients q WHERE q.workstation_id = p.workstation_id AND q.id = p.supersedes)
  UNION ALL
  SELECT p.workstation_id, p.id, c.patient_id, c.depth + 1
  FROM patients p JOIN chain c ON p.workstation_id = c.workstation_id AND p.supersedes = c.id
)
SELECT workstation_id, id, patient_id, depth FROM chain;

-- A person is one MRN across workstations: each workstation's patient (chain) belongs to the MRN
-- of its newest version that has one. A patient never given an MRN is linked to no one.
CREATE VIEW patient_persons AS
SELECT DISTINCT ON (c.workstation_id, c.patient_id)
  c.workstation_id, c.patient_id, mrn_key(p.mrn) AS person_key
FROM patient_chains c JOIN patients p ON p.workstation_id = c.workstation_id AND p.id = c.id
WHERE mrn_key(p.mrn) IS NOT NULL
ORDER BY c.workstation_id, c.patient_id, c.depth DESC, p.id DESC;

-- A patient row as it travels (shared/sync/tables.ts), for the pull feed.
CREATE FUNCTION patient_as_synced(p patients) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'id', p.id, 'workstation_id', p.workstation_id,
    'created_at', to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'supersedes', p.supersedes, 'mrn', p.mrn, 'family_name', p.family_name,
    'given_name', p.given_name, 'birth_date', to_char(p.birth_date, 'YYYY-MM-DD'),
    'category', p.category, 'actor', p.actor, 'at_ms', p.at_ms, 'hlc', p.hlc)
$$;

-- What each workstation pulls, in order: its own record when it changes, and versions of its
-- patients that other workstations recorded. Writers take an advisory lock until they commit, so
-- seq grows in commit order and a reader's cursor never skips a row committed late.
CREATE TABLE pull_feed (
  seq bigserial PRIMARY KEY,
  workstation_id text NOT NULL,
  -- For a row: whose row it is, so that each row is fed to a workstation once.
  row_table text,
  source_workstation_id text,
  row_id uuid,
  change jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workstation_id, row_table, source_workstation_id, row_id)
);
CREATE INDEX pull_feed_workstation_seq ON pull_feed (workstation_id, seq);
