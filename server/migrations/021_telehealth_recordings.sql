-- A remote clinician asking the bed to keep the stethoscope's sound (issue 16): each request, and
-- what became of it as the workstation told it (kept, with its length and heart rate, or why not).
-- At most one request of a consult is unanswered at a time (the partial unique index). The audit's
-- new kind 'recording' is each request and each answer.
CREATE TABLE telehealth_recordings (
  id uuid PRIMARY KEY,
  invitation_id uuid NOT NULL REFERENCES telehealth_invitations (id),
  seconds int NOT NULL CHECK (seconds IN (10, 20, 30)),
  asked_by text NOT NULL,
  asked_at_ms bigint NOT NULL,
  status text NOT NULL DEFAULT 'asked' CHECK (status IN ('asked', 'kept', 'refused')),
  kept_at_ms bigint,
  duration_s double precision,
  heart_rate_bpm double precision,
  problem text,
  answered_at_ms bigint
);

CREATE INDEX telehealth_recordings_invitation ON telehealth_recordings (invitation_id, asked_at_ms);
CREATE UNIQUE INDEX telehealth_recordings_one_open ON telehealth_recordings (invitation_id)
  WHERE status = 'asked';

ALTER TABLE telehealth_events DROP CONSTRAINT telehealth_events_kind_check;
ALTER TABLE telehealth_events ADD CONSTRAINT telehealth_events_kind_check CHECK (
  kind IN ('invited', 'opened', 'refused', 'socket-open', 'socket-close', 'note', 'ended',
    'expired', 'read', 'signed-in-with-account', 'recording')
);
