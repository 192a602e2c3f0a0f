-- Sign-ins with the hospital account (server/oidc/): each attempt a workstation begins, kept here
-- rather than in one process's memory, since the browser's callback may reach another instance
-- than the one the workstation asked. An attempt is short-lived (5 minutes), its browser address
-- used once, its callback used once, and its outcome answered to its workstation once.
CREATE TABLE oidc_sign_ins (
  id uuid PRIMARY KEY,
  workstation_id text NOT NULL,
  -- SHA-256 of the single-use key in the browser's start address (the key itself is not kept).
  start_key_hash text NOT NULL UNIQUE,
  created_at_ms bigint NOT NULL,
  expires_at_ms bigint NOT NULL,
  -- Set when the browser opened the start address: what the callback must match.
  started_at_ms bigint,
  state text UNIQUE,
  nonce text,
  code_verifier text,
  -- SHA-256 of the cookie given to the browser that started it (the callback must carry it).
  browser_key_hash text,
  callback_at_ms bigint,
  -- 'signed-in' or 'refused' once decided; the user's row as it was then, or the sentence.
  outcome text CHECK (outcome IN ('signed-in', 'refused')),
  server_user_id uuid,
  username text,
  display_name text,
  role text,
  refusal text,
  answered_at_ms bigint
);

CREATE INDEX oidc_sign_ins_expires ON oidc_sign_ins (expires_at_ms);
