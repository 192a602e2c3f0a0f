-- The FHIR R4 api (server/fhir/): the clients an administrator lets in (SMART backend services:
-- each signs its own token requests with a key whose public half is kept here), the access
-- tokens given to them (as SHA-256 only), the assertion ids already used (no replay), the log
-- of every FHIR data access (served back as AuditEvent), and per-minute rollups of the numerics
-- kept as rows arrive, so that a day of one patient's vital signs is read in milliseconds.

CREATE TABLE fhir_clients (
  id text PRIMARY KEY,
  name text NOT NULL,
  -- The client's public keys as a JWKS ({"keys": [...]}): never a private key.
  jwks jsonb NOT NULL,
  scopes text[] NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

CREATE TABLE fhir_access_tokens (
  hash bytea PRIMARY KEY,
  client_id text NOT NULL REFERENCES fhir_clients (id),
  scopes text[] NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX fhir_access_tokens_expiry ON fhir_access_tokens (expires_at);

-- A client assertion's jti may be used once while it could still be valid.
CREATE TABLE fhir_assertion_ids (
  client_id text NOT NULL,
  jti text NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (client_id, jti)
);
CREATE INDEX fhir_assertion_ids_expiry ON fhir_assertion_ids (expires_at);

CREATE TABLE fhir_access_log (
  seq bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  client_id text NOT NULL,
  client_name text NOT NULL,
  interaction text NOT NULL,
  resource_type text NOT NULL,
  query text NOT NULL,
  result_count int NOT NULL,
  status int NOT NULL
);
CREATE INDEX fhir_access_log_at ON fhir_access_log (at);

-- Patient ids of persons (one MRN) are the MD5 of the MRN as matched (mrn_key): found by index.
CREATE INDEX patients_mrn_md5 ON patients (md5(mrn_key(mrn)));
CREATE INDEX audit_events_at ON audit_events (at_ms);
CREATE INDEX admissions_bed_at ON admissions (workstation_id, bed_id, at_ms);

-- One row per bed, minute and code: count, sum, min, max and the last value, kept by a statement
-- trigger on numerics (one grouped upsert per INSERT, not one per row).
CREATE TABLE numeric_minutes (
  workstation_id text NOT NULL,
  bed_id text NOT NULL,
  minute bigint NOT NULL,
  code text NOT NULL,
  n int NOT NULL,
  total double precision NOT NULL,
  min double precision NOT NULL,
  max double precision NOT NULL,
  last_at_ms bigint NOT NULL,
  last_value double precision NOT NULL,
  device_id text NOT NULL,
  unit text NOT NULL,
  PRIMARY KEY (workstation_id, bed_id, minute, code)
);

CREATE FUNCTION numeric_minutes_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO numeric_minutes AS m (workstation_id, bed_id, minute, code, n, total, min, max,
    last_at_ms, last_value, device_id, unit)
  SELECT workstation_id, bed_id, floor(at_ms / 60000.0)::bigint, code, count(*), sum(value),
    min(value), max(value), max(at_ms), (array_agg(value ORDER BY at_ms DESC))[1],
    (array_agg(device_id ORDER BY at_ms DESC))[1], (array_agg(unit ORDER BY at_ms DESC))[1]
  FROM new_rows
  GROUP BY 1, 2, 3, 4
  ORDER BY 1, 2, 3, 4
  ON CONFLICT (workstation_id, bed_id, minute, code) DO UPDATE SET
    n = m.n + EXCLUDED.n,
    total = m.total + EXCLUDED.total,
    min = least(m.min, EXCLUDED.min),
    max = greatest(m.max, EXCLUDED.max),
    last_value = CASE WHEN EXCLUDED.last_at_ms >= m.last_at_ms THEN EXCLUDED.last_value
                      ELSE m.last_value END,
    device_id = CASE WHEN EXCLUDED.last_at_ms >= m.last_at_ms THEN EXCLUDED.device_id
                     ELSE m.device_id END,
    unit = CASE WHEN EXCLUDED.last_at_ms >= m.last_at_ms THEN EXCLUDED.unit ELSE m.unit END,
    last_at_ms = greatest(m.last_at_ms, EXCLUDED.last_at_ms);
  RETURN NULL;
END $$;

CREATE TRIGGER numerics_to_minutes AFTER INSERT ON numerics
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION numeric_minutes_add();

-- The numerics already stored.
INSERT INTO numeric_minutes (workstation_id, bed_id, minute, code, n, total, min, max,
  last_at_ms, last_value, device_id, unit)
SELECT workstation_id, bed_id, floor(at_ms / 60000.0)::bigint, code, count(*), sum(value),
  min(value), max(value), max(at_ms), (array_agg(value ORDER BY at_ms DESC))[1],
  (array_agg(device_id ORDER BY at_ms DESC))[1], (array_agg(unit ORDER BY at_ms DESC))[1]
FROM numerics GROUP BY 1, 2, 3, 4;

-- A stay's strips and notes, by bed and time.
CREATE INDEX strips_bed_from ON strips (workstation_id, bed_id, from_ms);
CREATE INDEX annotations_bed_at ON annotations (workstation_id, bed_id, at_ms);
