-- The hospital's accounts (server/accounts/): IT adds them here (admin api, `server users …`), and
-- every enrolled workstation pulls them (GET /api/sync/accounts?after=VERSION) to sign users in
-- offline too. The password is an argon2id hash made on the server (NULL for an account that
-- signs in only through the hospital's OpenID Connect provider, linked by oidc_subject). Nothing is
-- deleted: an account leaves by being disabled, which reaches every workstation.
-- version grows on every change, taken under an advisory lock held to commit
-- (server/accounts/users-store.ts), so a workstation's cursor never passes a change committed late.

CREATE SEQUENCE users_version;

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  username text NOT NULL UNIQUE CHECK (username = lower(username) AND length(username) BETWEEN 2 AND 64),
  display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 120),
  role text NOT NULL CHECK (role IN ('nurse', 'physician', 'biomedical-engineer',
    'it-administrator', 'remote-clinician', 'view-only')),
  password_hash text CHECK (password_hash LIKE '$argon2id$%'),
  oidc_subject text UNIQUE,
  disabled boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version bigint NOT NULL UNIQUE DEFAULT nextval('users_version')
);

-- Who changed which account, when, and how (never a password or its hash). The server's own
-- trail of user changes: the workstations' audit trails (audit_events) are theirs, synced.
CREATE TABLE user_events (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  user_id uuid NOT NULL REFERENCES users (id),
  username text NOT NULL,
  action text NOT NULL,
  actor text NOT NULL,
  detail text NOT NULL DEFAULT ''
);
CREATE INDEX user_events_user ON user_events (user_id, at);
