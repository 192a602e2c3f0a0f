-- Remote consults (telehealth, electron/host/telehealth/) this workstation made, so that a restart
-- finds the ones under way and goes on asking the central server about them. The server holds the
-- invitation; what is kept here is the bedside's working copy: its state is one sealed JSON value
-- (names, consent, notes), never the link's token once opened. Not synced: the consult's lasting
-- record is its audit entries and its notes (annotations), which are. A row is removed once its
-- consult has ended at the server and its patient has left the bed.
CREATE TABLE telehealth_consults (
  id uuid PRIMARY KEY,
  bed_id text NOT NULL,
  patient_id text NOT NULL,
  ended boolean NOT NULL,
  state text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
