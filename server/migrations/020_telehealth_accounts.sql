-- A remote clinician signing in with the hospital account (server/telehealth/account-sign-in.ts)
-- instead of the code: the user an invitation may name, who actually signed in, the attempts in
-- flight (state, nonce and PKCE verifier bound to the browser by a cookie kept as its SHA-256),
-- and the audit's new kind.
ALTER TABLE telehealth_invitations
  -- The server user (users.username) the nurse named: only they may sign in to it. Null: anyone
  -- allowed to be a remote viewer (remote clinician, physician).
  ADD COLUMN viewer_username_required text,
  -- Who signed in with the hospital account (null: opened with the code).
  ADD COLUMN viewer_user_id uuid,
  ADD COLUMN viewer_username text;

CREATE TABLE telehealth_sign_ins (
  id uuid PRIMARY KEY,
  invitation_id uuid NOT NULL REFERENCES telehealth_invitations (id),
  -- SHA-256 of the cookie given to the browser that began it (the callback must carry it).
  browser_key_hash bytea NOT NULL,
  state text NOT NULL UNIQUE,
  nonce text NOT NULL,
  code_verifier text NOT NULL,
  created_at_ms bigint NOT NULL,
  expires_at_ms bigint NOT NULL,
  callback_at_ms bigint,
  -- 'signed-in' or 'refused' once decided; the refusal's code and sentence for the page.
  outcome text CHECK (outcome IN ('signed-in', 'refused')),
  refusal_error text,
  refusal text,
  -- When the page was told the refusal (it is told once).
  told_at_ms bigint
);

CREATE INDEX telehealth_sign_ins_expires ON telehealth_sign_ins (expires_at_ms);
CREATE INDEX telehealth_sign_ins_browser ON telehealth_sign_ins (browser_key_hash);

ALTER TABLE telehealth_events DROP CONSTRAINT telehealth_events_kind_check;
ALTER TABLE telehealth_events ADD CONSTRAINT telehealth_events_kind_check CHECK (
  kind IN ('invited', 'opened', 'refused', 'socket-open', 'socket-close', 'note', 'ended',
    'expired', 'read', 'signed-in-with-account')
);
