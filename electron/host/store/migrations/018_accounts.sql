-- The workstation's own accounts (a clinic without a central server, and the first
-- administrator): who may sign in here, with what role, and their password and PIN as argon2id
-- hashes (never the secrets). Local to this workstation and NOT synced (no outbox trigger): users
-- synced from a central server come later, kept apart. Wrong PINs in a row are counted here so
-- that a restart does not reset them.

CREATE TABLE local_accounts (
  id uuid PRIMARY KEY,
  -- Lower case, compared as written: the api lower-cases what a person types.
  username text NOT NULL UNIQUE CHECK (username = lower(username)),
  display_name text NOT NULL,
  role text NOT NULL CHECK (role IN ('nurse', 'physician', 'biomedical-engineer',
    'it-administrator', 'remote-clinician', 'view-only')),
  password_hash text NOT NULL,
  pin_hash text,
  pin_failures integer NOT NULL DEFAULT 0 CHECK (pin_failures >= 0),
  disabled boolean NOT NULL DEFAULT false,
  created_at_ms bigint NOT NULL,
  created_by text NOT NULL,
  updated_at_ms bigint NOT NULL
);
