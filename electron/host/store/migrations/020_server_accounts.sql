-- The hospital's accounts as pulled from the central server (shared/sync/accounts.ts), so that a
-- user signs in here with their user name and password offline too. id is the server's; the
-- rest is the server's as of server_version, except the PIN, which is set at this workstation and
-- never sent, and the wrong PINs in a row. Not synced up (no outbox trigger): the server's record
-- is the server's. The cursor lives in sync_state (accounts-cursor:SERVER): another server's
-- accounts replace these (store/server-accounts.ts).

CREATE TABLE server_accounts (
  id uuid PRIMARY KEY,
  username text NOT NULL UNIQUE CHECK (username = lower(username)),
  display_name text NOT NULL,
  role text NOT NULL CHECK (role IN ('nurse', 'physician', 'biomedical-engineer',
    'it-administrator', 'remote-clinician', 'view-only')),
  -- argon2id, made on the server; NULL: the account signs in through OpenID Connect only.
  password_hash text,
  disabled boolean NOT NULL,
  server_version bigint NOT NULL,
  pin_hash text,
  pin_failures integer NOT NULL DEFAULT 0 CHECK (pin_failures >= 0),
  -- When this workstation first and last kept a change of it (UTC ms).
  first_seen_at_ms bigint NOT NULL,
  updated_at_ms bigint NOT NULL
);
