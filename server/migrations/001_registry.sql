-- The central server's own records: who it is, which workstations may push, and the one-time
-- codes that let a workstation join. Secrets are kept only as their SHA-256.

CREATE TABLE server_settings (
  key text PRIMARY KEY,
  value text NOT NULL
);
-- The server's identity, told to workstations at enrolment and in hello.
INSERT INTO server_settings (key, value) VALUES ('server_id', gen_random_uuid()::text);

CREATE TABLE workstations (
  id text PRIMARY KEY,
  name text NOT NULL,
  unit text,
  credential_hash bytea NOT NULL UNIQUE,
  enrolled_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  last_seen_at timestamptz,
  app_version text NOT NULL,
  protocol int NOT NULL
);

CREATE TABLE enrolment_codes (
  hash bytea PRIMARY KEY,
  unit text,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  used_by text
);
