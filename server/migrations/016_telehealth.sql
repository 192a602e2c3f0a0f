-- Telehealth (server/telehealth/): a nurse's invitation for one patient in one bed, the remote
-- clinician's consult notes, and the audit of everything done with a link. Kept here rather than
-- in one process's memory: the link may be opened through any instance. No secret is kept: the
-- link's token and the viewer's session as their SHA-256, the code as an HMAC keyed per invitation.
CREATE TABLE telehealth_invitations (
  -- Chosen by the workstation (sending it again answers the same invitation).
  id uuid PRIMARY KEY,
  workstation_id text NOT NULL,
  -- The workstation's own bed id (the relay's is `<workstation_id>/<bed_id>`).
  bed_id text NOT NULL,
  bed_label text NOT NULL,
  patient_id text NOT NULL,
  minutes int NOT NULL CHECK (minutes > 0),
  consent jsonb NOT NULL,
  invited_by text NOT NULL,
  token_hash bytea NOT NULL UNIQUE,
  code_salt bytea NOT NULL,
  code_hash bytea NOT NULL,
  code_attempts int NOT NULL DEFAULT 0,
  created_at_ms bigint NOT NULL,
  expires_at_ms bigint NOT NULL,
  status text NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'watching', 'ended')),
  viewer_name text,
  viewer_since_ms bigint,
  -- SHA-256 of the session cookie given to the browser that opened the link.
  session_hash bytea UNIQUE,
  -- When a server instance last saw the viewer's socket open (the bedside's "connected").
  viewer_seen_at_ms bigint,
  ended_at_ms bigint,
  end_reason text CHECK (
    end_reason IN ('ended-at-bed', 'expired', 'patient-left', 'locked', 'viewer-left')
  ),
  ended_by text,
  CHECK ((status = 'ended') = (ended_at_ms IS NOT NULL))
);

CREATE INDEX telehealth_invitations_open ON telehealth_invitations (expires_at_ms)
  WHERE status <> 'ended';

CREATE TABLE telehealth_notes (
  id uuid PRIMARY KEY,
  invitation_id uuid NOT NULL REFERENCES telehealth_invitations (id),
  text text NOT NULL,
  author text NOT NULL,
  at_ms bigint NOT NULL
);

CREATE INDEX telehealth_notes_invitation ON telehealth_notes (invitation_id, at_ms);

-- Append-only: invited, opened, refused (why), socket-open, socket-close, note, ended, expired.
-- invitation_id is null for what names no invitation (an unknown link, a malformed request).
CREATE TABLE telehealth_events (
  seq bigserial PRIMARY KEY,
  invitation_id uuid,
  kind text NOT NULL CHECK (
    kind IN ('invited', 'opened', 'refused', 'socket-open', 'socket-close', 'note', 'ended', 'expired')
  ),
  why text,
  actor text,
  address text,
  user_agent text,
  detail text,
  at_ms bigint NOT NULL
);

CREATE INDEX telehealth_events_invitation ON telehealth_events (invitation_id, seq);

CREATE FUNCTION telehealth_events_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'telehealth_events is append-only: the audit of remote views is never changed';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER telehealth_events_append_only
  BEFORE UPDATE OR DELETE ON telehealth_events
  FOR EACH ROW EXECUTE FUNCTION telehealth_events_append_only();
